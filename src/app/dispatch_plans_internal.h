#pragma once

// Internal to app/dispatch_*.cpp: building a dispatch instance from the database, and telling
// the engine's plan in people's terms.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "app/access.h"
#include "app/dispatch_plans.h"
#include "dispatch/instance.h"
#include "dispatch/plan.h"
#include "store/transaction.h"

namespace muster::app::plans {

// The instance of a plan and what maps its answer back.
struct PlanningFacts {
  dispatch::Instance instance;
  // Instance volunteer id -> member id. A member may stand for several instance volunteers,
  // one per run of days over which his remaining hours and his age are the same (see
  // docs/dispatch.md, "Plans in the server").
  std::unordered_map<std::int64_t, std::int64_t> member_of;
  std::unordered_map<std::int64_t, std::string> names;   // member id -> name
  std::unordered_map<std::int64_t, std::string> labels;  // shift id -> label
  // Shifts open only to their routes (not escalated) -> the skills they really need; the
  // instance adds a route token to their skills.
  std::unordered_map<std::int64_t, std::vector<std::string>> routed_skills;
  int members = 0;
};

// Loads in `tx` the open shifts and the volunteers of a plan by `a` and builds its instance.
// REQUIRES: `a` is a unit or city administrator; in.from <= in.to.
Result<PlanningFacts> LoadPlanningFacts(store::Transaction& tx, const Actor& a, const PlanInput& in,
                                        Timestamp now, const DispatchPlanLimits& limits);

// Fills the plan part of `view` from the engine's `plan` of `facts.instance`: assignments by
// member, labels and names, unfilled reasons with routing told apart from skills.
void DescribePlan(const PlanningFacts& facts, const dispatch::Plan& plan, PlanView& view);

// Returns "site MM-DD HH:MM-HH:MM" (the end's date too when it falls on another day).
std::string ShiftLabel(std::string_view site, Timestamp starts, Timestamp ends);

}  // namespace muster::app::plans
