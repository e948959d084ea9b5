// The dispatch instance of a plan, built from the database: open shifts in the planner's scope,
// the volunteers he may dispatch with their declared availability, around their existing
// sign-ups.
#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "app/dispatch_plans_internal.h"
#include "app/workflow_internal.h"
#include "domain/workflow.h"

namespace muster::app::plans {
namespace {

// Skill names are [a-z0-9_-] (domain::NormalizeSkills), so a token starting with '#' never
// collides with one.
constexpr char kRoutePrefix[] = "#route";

struct OpenShift {
  std::int64_t id = 0;
  std::int64_t request_id = 0;
  std::string site_name;
  dispatch::Shift shift;  // the instance's shift, skills and routing still to come
  bool escalated = false;
};

// Who a request is open to before it escalates: its street's paired unit and its communities'
// paired departments.
struct Route {
  std::optional<std::int64_t> unit;
  std::vector<std::int64_t> departments;  // sorted
  bool operator<(const Route& o) const {
    return std::tie(unit, departments) < std::tie(o.unit, o.departments);
  }
};

struct Volunteer {
  std::int64_t id = 0;
  std::string name;
  std::int64_t unit = 0;
  std::optional<std::int64_t> department;
  std::optional<Date> birth;
  std::optional<dispatch::LatLon> home;
  std::vector<dispatch::Window> windows;
  std::int64_t cap = 0;  // seconds per day
  bool high_risk_ok = false;
  std::vector<std::string> skills;
};

// A member's sign-ups around the planned days.
struct Occupancy {
  std::vector<dispatch::Window> busy;  // confirmed shifts, and waiting places on planned ones
  std::map<int, std::int64_t> seconds_on_day;  // confirmed seconds per Asia/Shanghai day
};

std::vector<dispatch::Window> ParseWindows(const std::string& text) {
  std::vector<dispatch::Window> out;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ';')) {
    auto dash = item.find('-', 1);
    if (dash == std::string::npos) continue;
    dispatch::Window w{std::stoll(item.substr(0, dash)), std::stoll(item.substr(dash + 1))};
    if (w.end > w.begin) out.push_back(w);
  }
  return out;
}

std::int64_t Midnight(int day) { return UnixSeconds(ShanghaiMidnight(DateFromDayNumber(day))); }

// The WHERE clause over `shifts sh JOIN requests r` of the open shifts a plan takes.
Result<workflow::Condition> OpenShiftsCondition(store::Transaction& tx, const Actor& a,
                                                const PlanInput& in, Timestamp now) {
  workflow::Condition c{
      "sh.ends_at > ? AND sh.confirmed < sh.headcount AND sh.day BETWEEN ? AND "
      "? AND r.closed_at IS NULL",
      {UnixSeconds(now), std::int64_t{DayNumber(in.from)}, std::int64_t{DayNumber(in.to)}}};
  if (in.street_id) {
    c.sql += " AND sh.street_id = ?";
    c.params.push_back(in.street_id->value);
  }
  if (a.role != Role::kCityAdmin) {
    MUSTER_ASSIGN(workflow::Condition scope, workflow::RequestScope(tx, a));
    c.sql += " AND " + scope.sql;
    c.params.insert(c.params.end(), scope.params.begin(), scope.params.end());
  }
  return c;
}

Result<std::vector<OpenShift>> LoadShifts(store::Transaction& tx, const workflow::Condition& where,
                                          int limit) {
  std::vector<OpenShift> out;
  std::vector<store::Value> params = where.params;
  params.push_back(std::int64_t{limit} + 1);
  MUSTER_TRY(tx.QueryV(
      "SELECT sh.id, sh.request_id, si.name, si.lat, si.lon, sh.starts_at, sh.ends_at, "
      "sh.headcount - sh.confirmed, sh.skills, sh.priority, sh.risk, sh.min_age, sh.max_age, "
      "CASE WHEN r.escalated_at IS NULL THEN 0 ELSE 1 END FROM shifts sh JOIN requests r ON "
      "r.id = sh.request_id JOIN sites si ON si.id = sh.site_id WHERE " +
          where.sql + " ORDER BY sh.id LIMIT ?",
      params, [&](const store::Row& r) {
        OpenShift s;
        s.id = r.Int(0);
        s.request_id = r.Int(1);
        s.site_name = r.String(2);
        s.shift.id = s.id;
        s.shift.site = dispatch::LatLon{r.Double(3), r.Double(4)};
        s.shift.starts_at = r.Int(5);
        s.shift.ends_at = r.Int(6);
        s.shift.headcount = r.Int(7);
        s.shift.skills = workflow::SplitSkills(r.Text(8));
        // The workflow's priorities are 0..10, the engine's 1..100.
        s.shift.priority = static_cast<int>(r.Int(9)) + 1;
        s.shift.high_risk = r.Text(10) == "high";
        if (auto v = r.OptInt(11)) s.shift.min_age = static_cast<int>(*v);
        if (auto v = r.OptInt(12)) s.shift.max_age = static_cast<int>(*v);
        s.escalated = r.Int(13) != 0;
        out.push_back(std::move(s));
        return Ok();
      }));
  if (static_cast<int>(out.size()) > limit) {
    return Invalid(
        "to",
        "more than " + std::to_string(limit) + " open shifts; plan fewer days or name a street",
        "too_many_shifts");
  }
  return out;
}

// The routes of the requests of `where`'s shifts, by request id.
Result<std::map<std::int64_t, Route>> LoadRoutes(store::Transaction& tx,
                                                 const workflow::Condition& where) {
  std::map<std::int64_t, Route> out;
  MUSTER_TRY(tx.QueryV(
      "SELECT rr.request_id, rr.unit_id, rr.department_id FROM request_routes rr WHERE "
      "rr.reason <> 'escalation' AND rr.request_id IN (SELECT sh.request_id FROM shifts sh JOIN "
      "requests r ON r.id = sh.request_id WHERE " +
          where.sql + ") ORDER BY rr.id",
      where.params, [&](const store::Row& r) {
        Route& route = out[r.Int(0)];
        if (auto u = r.OptInt(1)) route.unit = *u;
        if (auto d = r.OptInt(2)) route.departments.push_back(*d);
        return Ok();
      }));
  for (auto& [id, route] : out) {
    std::sort(route.departments.begin(), route.departments.end());
    route.departments.erase(std::unique(route.departments.begin(), route.departments.end()),
                            route.departments.end());
  }
  return out;
}

// The members `a` may dispatch who declared availability, by id.
Result<std::vector<Volunteer>> LoadVolunteers(store::Transaction& tx, const Actor& a, int limit) {
  const bool unit = a.role == Role::kUnitAdmin;
  const std::string filter = unit ? " WHERE m.unit_id = ?" : "";
  std::vector<store::Value> params;
  if (unit) params.push_back(a.scope_id);
  std::vector<store::Value> limited = params;
  limited.push_back(std::int64_t{limit} + 1);
  std::vector<Volunteer> out;
  MUSTER_TRY(tx.QueryV(
      "SELECT m.id, m.name, m.unit_id, m.department_id, m.birth_date, m.home_lat, m.home_lon, "
      "av.windows, av.max_hours_per_day, av.high_risk_ok FROM members m JOIN availability av ON "
      "av.member_id = m.id" +
          filter + " ORDER BY m.id LIMIT ?",
      limited, [&](const store::Row& r) {
        Volunteer v;
        v.id = r.Int(0);
        v.name = r.String(1);
        v.unit = r.Int(2);
        v.department = r.OptInt(3);
        if (auto b = r.OptInt(4)) v.birth = DateFromDayNumber(static_cast<int>(*b));
        if (!r.IsNull(5) && !r.IsNull(6)) v.home = dispatch::LatLon{r.Double(5), r.Double(6)};
        v.windows = ParseWindows(r.String(7));
        v.cap = r.Int(8) * 3600;
        v.high_risk_ok = r.Int(9) != 0;
        out.push_back(std::move(v));
        return Ok();
      }));
  if (static_cast<int>(out.size()) > limit) {
    return Invalid("to", "more than " + std::to_string(limit) + " volunteers to plan with",
                   "too_many_volunteers");
  }
  std::size_t at = 0;  // both queries in member order
  MUSTER_TRY(
      tx.QueryV("SELECT ms.member_id, ms.skill FROM member_skills ms JOIN members m ON m.id = "
                "ms.member_id JOIN availability av ON av.member_id = m.id" +
                    filter + " ORDER BY ms.member_id, ms.skill",
                params, [&](const store::Row& r) {
                  while (at < out.size() && out[at].id < r.Int(0)) ++at;
                  if (at < out.size() && out[at].id == r.Int(0))
                    out[at].skills.push_back(r.String(1));
                  return Ok();
                }));
  return out;
}

// The sign-ups of those members starting from the day before `from` to the day after `to`.
Result<std::unordered_map<std::int64_t, Occupancy>> LoadOccupancy(
    store::Transaction& tx, const Actor& a, const PlanInput& in,
    const std::set<std::int64_t>& planned_shifts) {
  const bool unit = a.role == Role::kUnitAdmin;
  std::vector<store::Value> params = {std::int64_t{DayNumber(in.from) - 1},
                                      std::int64_t{DayNumber(in.to) + 1}};
  if (unit) params.push_back(a.scope_id);
  std::unordered_map<std::int64_t, Occupancy> out;
  MUSTER_TRY(tx.QueryV(
      "SELECT s.member_id, s.shift_id, s.status, s.starts_at, s.ends_at FROM signups s JOIN "
      "members m ON m.id = s.member_id JOIN availability av ON av.member_id = m.id WHERE "
      "s.status IN ('confirmed', 'waiting') AND s.day BETWEEN ? AND ?" +
          std::string(unit ? " AND m.unit_id = ?" : ""),
      params, [&](const store::Row& r) {
        const bool confirmed = r.Text(2) == "confirmed";
        // A waiting place matters only on a shift of this plan: the member cannot sign up twice.
        if (!confirmed && !planned_shifts.contains(r.Int(1))) return Ok();
        Occupancy& o = out[r.Int(0)];
        o.busy.push_back({r.Int(3), r.Int(4)});
        if (confirmed) {
          domain::Interval i{FromUnixSeconds(r.Int(3)), FromUnixSeconds(r.Int(4))};
          for (auto [day, seconds] : domain::SecondsPerDay(i)) o.seconds_on_day[day] += seconds;
        }
        return Ok();
      }));
  return out;
}

// Returns the parts of `windows` inside [begin, end) that no interval of `busy` overlaps.
std::vector<dispatch::Window> FreeWindows(const std::vector<dispatch::Window>& windows,
                                          std::vector<dispatch::Window> busy, std::int64_t begin,
                                          std::int64_t end) {
  std::sort(busy.begin(), busy.end(),
            [](const dispatch::Window& x, const dispatch::Window& y) { return x.begin < y.begin; });
  std::vector<dispatch::Window> out;
  for (const dispatch::Window& w : windows) {
    std::int64_t at = std::max(w.begin, begin);
    const std::int64_t stop = std::min(w.end, end);
    for (const dispatch::Window& b : busy) {
      if (at >= stop) break;
      if (b.end <= at || b.begin >= stop) continue;
      if (b.begin > at) out.push_back({at, b.begin});
      at = std::max(at, b.end);
    }
    if (at < stop) out.push_back({at, stop});
  }
  return out;
}

// A run of planned days over which a member's remaining hours and age are the same: the days
// with confirmed hours stand alone (their cap is what is left of them), the others run until
// his birthday.
struct Segment {
  int first = 0;
  int last = 0;
  bool committed = false;
  std::optional<int> age;
};

std::vector<Segment> Segments(const Volunteer& v, const Occupancy* o, int from, int to) {
  std::vector<Segment> out;
  for (int d = from; d <= to; ++d) {
    const bool committed = o && o->seconds_on_day.contains(d);
    std::optional<int> age;
    if (v.birth) age = domain::AgeOn(*v.birth, DateFromDayNumber(d));
    if (!out.empty() && !committed && !out.back().committed && out.back().age == age) {
      out.back().last = d;
    } else {
      out.push_back({d, d, committed, age});
    }
  }
  return out;
}

// Adds the instance volunteers of `v`: one per segment that still has hours and windows. Each
// segment's windows end where the next segment (or a day with confirmed hours after `to`)
// begins, so no shift of one segment can overlap or add hours to another's.
void AddVolunteer(const Volunteer& v, const Occupancy* o, const PlanInput& in,
                  const std::vector<Route>& routes, std::int64_t& next_id, PlanningFacts& facts) {
  const int from = DayNumber(in.from);
  const int to = DayNumber(in.to);
  std::vector<std::string> skills = v.skills;
  for (std::size_t k = 0; k < routes.size(); ++k) {
    const Route& r = routes[k];
    if ((r.unit && *r.unit == v.unit) ||
        (v.department &&
         std::binary_search(r.departments.begin(), r.departments.end(), *v.department))) {
      skills.push_back(kRoutePrefix + std::to_string(k));
    }
  }
  std::sort(skills.begin(), skills.end());
  skills.erase(std::unique(skills.begin(), skills.end()), skills.end());
  const std::vector<dispatch::Window> no_busy;
  bool first = true;
  for (const Segment& s : Segments(v, o, from, to)) {
    std::int64_t end = Midnight(s.last + 1);
    if (s.last == to) {
      const bool next_committed = o && o->seconds_on_day.contains(to + 1);
      end = next_committed ? Midnight(to + 1) : Midnight(to + 2);  // shifts last <= 24 h
    }
    std::int64_t cap = v.cap;
    if (s.committed) cap -= o->seconds_on_day.at(s.first);
    dispatch::Volunteer out;
    out.available = FreeWindows(v.windows, o ? o->busy : no_busy, Midnight(s.first), end);
    if (cap <= 0 || out.available.empty()) continue;
    out.id = first ? v.id : next_id++;
    first = false;
    out.unit = v.unit;
    out.department = v.department;
    out.skills = skills;
    out.home = v.home;
    out.max_seconds_per_day = cap;
    out.high_risk_ok = v.high_risk_ok;
    out.age = s.age;
    facts.member_of[out.id] = v.id;
    facts.instance.volunteers.push_back(std::move(out));
  }
  if (!first) {
    facts.names[v.id] = v.name;
    ++facts.members;
  }
}

}  // namespace

std::string ShiftLabel(std::string_view site, Timestamp starts, Timestamp ends) {
  const std::string a = FormatRfc3339(starts);  // 2022-01-12T08:00:00+08:00
  const std::string b = FormatRfc3339(ends);
  std::string out = std::string(site) + " " + a.substr(5, 5) + " " + a.substr(11, 5) + "-";
  if (b.substr(0, 10) != a.substr(0, 10)) out += b.substr(5, 5) + " ";
  return out + b.substr(11, 5);
}

Result<PlanningFacts> LoadPlanningFacts(store::Transaction& tx, const Actor& a, const PlanInput& in,
                                        Timestamp now, const DispatchPlanLimits& limits) {
  MUSTER_ASSIGN(const workflow::Condition where, OpenShiftsCondition(tx, a, in, now));
  MUSTER_ASSIGN(std::vector<OpenShift> shifts, LoadShifts(tx, where, limits.max_shifts));
  MUSTER_ASSIGN(auto request_routes, LoadRoutes(tx, where));
  MUSTER_ASSIGN(std::vector<Volunteer> volunteers, LoadVolunteers(tx, a, limits.max_volunteers));
  std::set<std::int64_t> planned;
  for (const OpenShift& s : shifts) planned.insert(s.id);
  MUSTER_ASSIGN(auto occupancy, LoadOccupancy(tx, a, in, planned));

  PlanningFacts facts;
  // Shifts not escalated need a token of their route; the volunteers it is open to hold it.
  std::map<Route, std::size_t> route_index;
  std::vector<Route> routes;
  for (OpenShift& s : shifts) {
    const Route& route = request_routes[s.request_id];
    s.shift.paired_unit = route.unit;
    s.shift.paired_departments = route.departments;
    facts.labels[s.id] = ShiftLabel(s.site_name, FromUnixSeconds(s.shift.starts_at),
                                    FromUnixSeconds(s.shift.ends_at));
    std::sort(s.shift.skills.begin(), s.shift.skills.end());
    if (!s.escalated) {
      auto [it, added] = route_index.emplace(route, routes.size());
      if (added) routes.push_back(route);
      facts.routed_skills[s.id] = s.shift.skills;
      s.shift.skills.push_back(kRoutePrefix + std::to_string(it->second));
      std::sort(s.shift.skills.begin(), s.shift.skills.end());
    }
    facts.instance.shifts.push_back(std::move(s.shift));
  }
  std::int64_t next_id = volunteers.empty() ? 1 : volunteers.back().id + 1;
  for (const Volunteer& v : volunteers) {
    auto o = occupancy.find(v.id);
    AddVolunteer(v, o == occupancy.end() ? nullptr : &o->second, in, routes, next_id, facts);
  }
  return facts;
}

void DescribePlan(const PlanningFacts& facts, const dispatch::Plan& plan, PlanView& view) {
  view.assignments.clear();
  for (const dispatch::Assignment& x : plan.assignments) {
    const std::int64_t member = facts.member_of.at(x.volunteer);
    view.assignments.push_back(
        {ShiftId(x.shift), MemberId(member), facts.labels.at(x.shift), facts.names.at(member)});
  }
  std::sort(view.assignments.begin(), view.assignments.end(),
            [](const PlannedAssignment& p, const PlannedAssignment& q) {
              return std::tie(p.shift, p.volunteer) < std::tie(q.shift, q.volunteer);
            });
  // The engine sees a route as one more skill: tell the two apart.
  std::map<std::vector<std::string>, bool> someone_has;
  auto has_skills = [&](const std::vector<std::string>& needed) {
    auto [it, added] = someone_has.emplace(needed, false);
    if (!added) return it->second;
    for (const dispatch::Volunteer& v : facts.instance.volunteers) {
      if (std::includes(v.skills.begin(), v.skills.end(), needed.begin(), needed.end())) {
        return it->second = true;
      }
    }
    return false;
  };
  view.unfilled.clear();
  for (const dispatch::Unfilled& u : plan.unfilled) {
    PlannedGap gap{ShiftId(u.shift), u.missing, u.code, u.reason, facts.labels.at(u.shift)};
    auto routed = facts.routed_skills.find(u.shift);
    if (u.code == "skills" && routed != facts.routed_skills.end()) {
      if (has_skills(routed->second)) {
        gap.code = "routing";
        gap.reason =
            "the shift is open only to its paired unit and departments until it "
            "escalates, and none of their volunteers in this plan qualifies";
      } else {
        std::string names;
        for (const std::string& s : routed->second) names += (names.empty() ? "" : ", ") + s;
        gap.reason = "no volunteer has the skills needed (" + names + ")";
      }
    }
    view.unfilled.push_back(std::move(gap));
  }
  view.coverage = plan.coverage;
  view.cost = plan.cost;
  view.bound = plan.bound;
  view.method = plan.method;
  view.solve_ms = plan.solve_ms;
  view.volunteers = facts.members;
  view.shifts = static_cast<int>(facts.instance.shifts.size());
}

}  // namespace muster::app::plans
