#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "dispatch/model.h"

namespace muster::dispatch {

// An eligible pair and its cost.
struct Pair {
  int volunteer;
  int shift;
  std::int64_t cost;
};

// The integer program of DISPATCH.md restricted to a set of pairs, solved with GLPK. Rows: per
// shift at most headcount; per volunteer and start time of one of its shifts, at most one of its
// shifts running then; per volunteer and day, at most its daily hours. The LP duals price pairs not
// in the set, so the LP optimum can be certified for the full pair set (column generation).
class IntegerProgram {
 public:
  // `pairs` must be eligible pairs of `model`, without duplicates; `model` must outlive this.
  IntegerProgram(const Model& model, std::vector<Pair> pairs);
  ~IntegerProgram();
  IntegerProgram(const IntegerProgram&) = delete;
  IntegerProgram& operator=(const IntegerProgram&) = delete;

  // Sets the objective: maximise coverage when `min_coverage` is empty, else minimise cost among
  // plans of coverage at least *min_coverage.
  void SetStage(std::optional<std::int64_t> min_coverage);
  // Solves the LP relaxation and returns its optimum (nothing if the LP failed).
  std::optional<double> SolveRelaxation();
  // Returns the LP reduced cost that pair (v, s) would have as a column (after SolveRelaxation):
  // positive is improving when maximising coverage, negative when minimising cost. v = -1 stands
  // for a volunteer with no rows in the program.
  double ReducedCost(int v, int s, std::int64_t cost) const;
  // Solves the integer program from the last relaxation, exploring at most `node_limit` branch
  // nodes, and when `time_limit_ms` > 0 for at most that long (then results depend on the
  // machine: only the benchmark's baseline uses it). Returns the chosen pairs of the best solution
  // found (nothing if none was), and sets *proven to whether it is optimal on this pair set.
  std::optional<std::vector<Pair>> SolveInteger(int node_limit, bool* proven,
                                                int time_limit_ms = 0);

  const std::vector<Pair>& pairs() const { return pairs_; }

 private:
  // A volunteer's row: at most one shift running at `time`, or (is_day) at most its daily hours
  // on calendar day `time`.
  struct VolunteerRow {
    int row;
    bool is_day;
    std::int64_t time;
  };
  void Build();

  const Model& model_;
  std::vector<Pair> pairs_;     // sorted by volunteer, then shift start
  void* lp_ = nullptr;          // glp_prob*, kept out of the header so glpk.h stays private
  std::vector<int> shift_row_;  // per shift: GLPK row or 0
  std::vector<std::vector<VolunteerRow>> volunteer_rows_;  // per volunteer
  std::vector<double> duals_;                              // by GLPK row - 1
  int coverage_row_ = 0;
  bool minimise_cost_ = false;
};

}  // namespace muster::dispatch
