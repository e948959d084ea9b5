#include "dispatch/explain.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>

namespace muster::dispatch {
namespace {

enum Stage { kSkills, kAvailability, kRisk, kAge, kHours, kPassed };

// Returns the furthest stage any volunteer reaches for shift `s`; stops at the first who passes.
Stage FurthestStage(const Model& model, int s) {
  Stage furthest = kSkills;
  for (int v = 0; v < model.volunteer_count() && furthest != kPassed; ++v) {
    Stage reached = !model.HasSkills(v, s)      ? kSkills
                    : !model.AvailableFor(v, s) ? kAvailability
                    : !model.RiskOk(v, s)       ? kRisk
                    : !model.AgeOk(v, s)        ? kAge
                    : model.instance().volunteers[v].max_seconds_per_day < model.Duration(s)
                        ? kHours
                        : kPassed;
    furthest = std::max(furthest, reached);
  }
  return furthest;
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

Unfilled Describe(const Shift& shift, std::int64_t missing, Stage stage) {
  Unfilled u{shift.id, missing, "", ""};
  switch (stage) {
    case kSkills:
      u.code = "skills";
      u.reason = "no volunteer has the skills needed (" + Join(shift.skills) + ")";
      break;
    case kAvailability:
      u.code = "availability";
      u.reason = "no volunteer with the skills is available for the whole shift";
      break;
    case kRisk:
      u.code = "high_risk";
      u.reason = "no available volunteer with the skills consents to high-risk work";
      break;
    case kAge:
      u.code = "age";
      u.reason = "no available volunteer is within the age range" +
                 std::string(shift.min_age ? " from " + std::to_string(*shift.min_age) : "") +
                 std::string(shift.max_age ? " to " + std::to_string(*shift.max_age) : "");
      break;
    case kHours:
      u.code = "daily_hours";
      u.reason = "no otherwise eligible volunteer may work that many hours in a day";
      break;
    case kPassed:
      u.code = "all_used";
      u.reason = "all eligible volunteers are already assigned (to this or to other shifts)";
      break;
  }
  return u;
}

}  // namespace

std::vector<Unfilled> ExplainUnfilled(const Model& model, const std::vector<std::int64_t>& filled) {
  // Shifts with the same requirements share one answer; big instances repeat them a lot.
  using Key = std::tuple<std::int64_t, std::int64_t, std::vector<std::string>, bool, int, int>;
  std::map<Key, Stage> seen;
  std::vector<Unfilled> out;
  for (int s = 0; s < model.shift_count(); ++s) {
    const Shift& shift = model.instance().shifts[s];
    if (filled[s] >= shift.headcount) continue;
    Key key{shift.starts_at,
            shift.ends_at,
            shift.skills,
            shift.high_risk,
            shift.min_age.value_or(-1),
            shift.max_age.value_or(-1)};
    auto it = seen.find(key);
    if (it == seen.end()) it = seen.emplace(key, FurthestStage(model, s)).first;
    out.push_back(Describe(shift, shift.headcount - filled[s], it->second));
  }
  std::sort(out.begin(), out.end(),
            [](const Unfilled& a, const Unfilled& b) { return a.shift < b.shift; });
  return out;
}

}  // namespace muster::dispatch
