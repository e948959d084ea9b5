#include "api/stats_json.h"

namespace muster::api {
namespace {

using nlohmann::json;

json Encode(const app::RequestFigures& r) {
  auto rate = r.fill_rate();
  return {{"shifts", r.shifts},
          {"headcount", r.headcount},
          {"filled", r.filled},
          {"fill_rate", rate ? json(*rate) : json(nullptr)},
          {"median_minutes_to_fill",
           r.median_minutes_to_fill ? json(*r.median_minutes_to_fill) : json(nullptr)}};
}

void PutFigures(json& out, const app::AttendanceFigures& f) {
  out["units"] = f.units;
  out["branches"] = f.branches;
  out["members"] = f.members;
  out["person_times"] = f.person_times;
  out["party_member_person_times"] = f.party_member_person_times;
  out["hours"] = f.hours();
  out["record_hours"] = f.record_hours();
  out["streets"] = f.streets;
  out["communities"] = f.communities;
}

}  // namespace

json EncodeStatsSummary(const app::StatsSummary& s) {
  json out = {{"from", FormatDate(s.period.from)}, {"to", FormatDate(s.period.to)}};
  PutFigures(out, s.attendance);
  out["requests"] = s.requests ? Encode(*s.requests) : json(nullptr);
  return out;
}

json EncodeStatsRow(app::Breakdown by, const app::BreakdownRow& row) {
  json out = json::object();
  if (by == app::Breakdown::kDay) {
    out["date"] = FormatDate(row.date());
  } else {
    const std::string kind(app::Name(by));
    out[kind + "_id"] = row.id;
    out[kind + "_name"] = row.name;
  }
  PutFigures(out, row.attendance);
  if (row.requests) out["requests"] = Encode(*row.requests);
  return out;
}

}  // namespace muster::api
