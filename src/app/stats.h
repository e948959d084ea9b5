#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/access.h"
#include "base/clock.h"
#include "base/ids.h"
#include "base/result.h"
#include "base/time.h"
#include "domain/statistics.h"
#include "store/registry_repo.h"
#include "store/store.h"
#include "tabular/sheet.h"

namespace muster::app {

// The dates of a period in Asia/Shanghai, both ends inclusive. A period counts the shifts that
// start on its dates, and the attendance records of those shifts.
struct StatsPeriod {
  Date from;
  Date to;
};

// Whose records the figures count: a caller counts the records in his scope only.
struct StatsScope {
  enum class Kind { kCity, kUnit, kBranch, kStreet, kCommunity, kMember };
  Kind kind = Kind::kCity;
  std::int64_t id = 0;  // the unit, branch, street, community or member (0 for the city)

  // The city administrator: the city; a unit administrator: his unit; a branch secretary: his
  // branch; a street or community coordinator: his area; a volunteer: his own records.
  static StatsScope Of(const Actor& a);
  bool operator==(const StatsScope&) const = default;
};

// What the attendance records of a period (in a scope) add up to (API.md, Counting).
struct AttendanceFigures {
  std::int64_t units = 0;         // distinct units with a person-time
  std::int64_t branches = 0;      // distinct party branches with a person-time
  std::int64_t members = 0;       // distinct members with a person-time
  std::int64_t person_times = 0;  // check-ins
  std::int64_t party_member_person_times = 0;
  std::int64_t streets = 0;            // distinct streets served
  std::int64_t communities = 0;        // distinct communities served
  std::int64_t seconds = 0;            // duration of the closed check-ins
  std::int64_t record_half_hours = 0;  // their volunteer-record hours (domain::RecordHalfHours)

  // Hours of the closed check-ins, to the hundredth.
  double hours() const;
  double record_hours() const { return static_cast<double>(record_half_hours) / 2; }
  bool operator==(const AttendanceFigures&) const = default;
};

// What the shifts of a period (in a scope) add up to.
struct RequestFigures {
  std::int64_t shifts = 0;
  std::int64_t headcount = 0;  // places asked for
  std::int64_t filled = 0;     // confirmed sign-ups, capped at each shift's headcount
  // Posting to filled_at, over the shifts that filled: domain::MedianMinutes.
  std::optional<std::int64_t> median_minutes_to_fill;

  // Returns filled / headcount, or nullopt without places.
  std::optional<double> fill_rate() const;
  bool operator==(const RequestFigures&) const = default;
};

struct StatsSummary {
  StatsPeriod period;
  StatsScope scope;
  std::string scope_name;  // the unit, branch, street, community or member named (empty: city)
  AttendanceFigures attendance;
  // The period's shifts in the scope: the city's, the area's, or those of requests routed to
  // the unit (by its street's or its departments' pairing). None for a volunteer.
  std::optional<RequestFigures> requests;
};

// The breakdowns of a period's figures.
enum class Breakdown { kUnit, kBranch, kStreet, kCommunity, kDay };
std::string_view Name(Breakdown b);  // "unit", "branch", "street", "community", "day"
Result<Breakdown> ParseBreakdown(std::string_view s, std::string_view field = "by");

// One row of a breakdown: the figures of the records (and shifts) of one unit, branch, street,
// community or day. Rows come in id order (date order for days); a row exists when it has a
// person-time, or for streets, communities and days a shift.
struct BreakdownRow {
  std::int64_t id = 0;  // the unit, branch, street or community id; the day number for days
  std::string name;     // the unit's, branch's... name; empty for days
  AttendanceFigures attendance;
  std::optional<RequestFigures> requests;  // rows of streets, communities and days

  Date date() const { return DateFromDayNumber(static_cast<int>(id)); }
};

// The statistics of the paired-liaison work (docs/statistics.md): a period's summary, its
// breakdowns, the sentence the city publishes, and exports. Every figure counts only records in
// the caller's scope. Figures come from tallies kept in the transaction of every attendance
// change (app/stats_upkeep.h), so each equals a recount of the records (RecountSummary), and
// any period reads a few blocks of tallies rather than its records. Exports are recorded in the
// audit log. Thread-safe: holds references to the thread-safe store and clock.
class Statistics {
 public:
  Statistics(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Returns the period's figures in the caller's scope; validation_failed on `to` before `from`.
  Result<StatsSummary> Summary(const Actor& a, const StatsPeriod& p);
  // Returns the rows of a breakdown after `page.after` (an id, or a day number for days), at
  // most `page.limit`.
  Result<std::vector<BreakdownRow>> By(const Actor& a, Breakdown by, const StatsPeriod& p,
                                       store::Page page);
  // Returns the published sentence of the period's summary (domain::SummarySentence).
  Result<std::string> Sentence(const Actor& a, const StatsPeriod& p, domain::Language lang);

  // The most person-times one attendance export holds.
  static constexpr std::int64_t kMaxExportRows = 200000;
  // Returns one row per person-time of the period in the caller's scope: date, unit, branch,
  // member, masked phone, street, community, site, check-in and check-out times, hours and
  // volunteer-record hours; headers in `lang`. validation_failed on `to` when the period holds
  // more than kMaxExportRows.
  Result<tabular::Sheet> ExportAttendance(const Actor& a, const StatsPeriod& p,
                                          domain::Language lang);
  // Returns the figures as sheets, headers in `lang`: `table` "summary" (the figures and the
  // sentence), "unit", "branch", "street", "community" or "day" (that breakdown's rows), or
  // "all" (the summary, then every breakdown). validation_failed on `by` for another name.
  Result<std::vector<tabular::Sheet>> ExportFigures(const Actor& a, const StatsPeriod& p,
                                                    std::string_view table, domain::Language lang);

 private:
  template <typename T, typename F>
  Result<T> ReadCounted(F&& read);

  store::Store& store_;
  const Clock& clock_;
};

// ---- Recounts: the same figures by plain SQL over the records ----

// Returns the summary recounted from the attendance, shifts and requests tables with plain
// aggregate queries (COUNT DISTINCT over the period's records). For checks and benchmarks: it
// reads every record of the period.
Result<StatsSummary> RecountSummary(store::Transaction& tx, const StatsScope& scope,
                                    const StatsPeriod& p);
// Returns every row of a breakdown recounted the same way, in the order of Statistics::By.
Result<std::vector<BreakdownRow>> RecountBreakdown(store::Transaction& tx, const StatsScope& scope,
                                                   Breakdown by, const StatsPeriod& p);

// The figures read from the tallies, as Statistics answers them, without the caller's account:
// for the command line and benchmarks. `page` as in Statistics::By.
Result<StatsSummary> TalliedSummary(store::Transaction& tx, const StatsScope& scope,
                                    const StatsPeriod& p);
Result<std::vector<BreakdownRow>> TalliedBreakdown(store::Transaction& tx, const StatsScope& scope,
                                                   Breakdown by, const StatsPeriod& p,
                                                   store::Page page);

}  // namespace muster::app
