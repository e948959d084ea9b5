// The scope matrix: every route the server has, called by each of the six roles against an
// object inside the caller's scope and one outside it, and once without a session.
//
// The city has two halves (BuildCity): every scoped account (unit0, branch0, street0,
// community0, vol0) is scoped to half 0, so half 0 is "inside" and half 1 "outside"; the city
// administrator's scope is the whole city, so both halves are inside for him.
//
// To add a route, add one Row to Matrix() (keep the order of the router's registration):
//   route   the method and pattern exactly as router_.Routes() lists them;
//   kind    kRead: one object (outside the scope: 404); kList: {items} (outside: 200, filtered);
//           kWrite: a change (outside: 403, and it changes nothing); kSession: no object and no
//           scope (sessions, the mode, health), called once per role;
//   expect  one {inside, outside} status per role, in the order of kRoles below;
//   send    builds the request for a Target: `half` picks the object (street_[half],
//           unit_[half]...), `n` is unique per call (use it in names, phones and usernames so that
//           creations never collide). Make the objects the row needs in BuildCity or MakeObjects;
//   visible for lists of scoped objects: whether the role may see an item. The role's list must
//           equal the city administrator's answer to the same request, narrowed by `visible`;
//           lists without `visible` are the directory, the same for everyone;
//   refused for writes that refuse without a 4xx (an import that rejects its rows).
// A route without a row fails the test, and so does a row without a route. Every answer is
// checked: the expected status, never a 5xx, no change to any table (but the audit log) after a
// refusal or a GET, and without a session 401 for every API route but those of kWithoutSession.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/api_fixture.h"
#include "app/dispatch_plans.h"

namespace muster::api {
namespace {

using nlohmann::json;

enum RoleIndex { kCity, kUnit, kBranch, kStreet, kCommunity, kVolunteer, kRoleCount };
constexpr int kAnonymous = -1;

struct RoleAccount {
  const char* name;
  const char* username;
};
constexpr RoleAccount kRoles[kRoleCount] = {
    {"city_admin", "admin"},
    {"unit_admin", "unit0"},
    {"branch_secretary", "branch0"},
    {"street_coordinator", "street0"},
    {"community_coordinator", "community0"},
    {"volunteer", "vol0"},
};

enum class Kind { kRead, kList, kWrite, kSession };

// The expected status against an object inside the caller's scope and one outside it.
struct Expect {
  int inside;
  int outside;
};
using Column = std::array<Expect, kRoleCount>;

// Who calls and about what.
struct Target {
  int role;  // a RoleIndex, or kAnonymous
  int half;  // 0: inside the scoped accounts' scope; 1: outside it
  int n;     // unique per call
};

// What to send: a JSON body, or a CSV body when `csv` is set.
struct Send {
  std::string path;
  std::optional<json> body;
  std::optional<std::string> csv;
  bool fresh_session = false;  // sign in anew first (the call ends the session)
};

struct Row {
  std::string route;
  Kind kind;
  Column expect;
  std::function<Send(const Target&)> send;
  int anonymous = 401;
  std::function<bool(int role, const json& item)> visible = nullptr;
  std::function<bool(const Reply&)> refused = nullptr;
};

constexpr Expect kOk{200, 200};
constexpr Expect kMade{201, 201};
constexpr Expect kDenied{403, 403};
constexpr Expect kHidden{404, 404};
constexpr Expect kOwn{200, 404};      // reads of one object: inside found, outside not
constexpr Expect kOwnMade{201, 403};  // writes: inside made, outside forbidden

Column Everyone(Expect e) { return {e, e, e, e, e, e}; }
Column CityOnly(Expect city) { return {city, kDenied, kDenied, kDenied, kDenied, kDenied}; }

std::string Id(std::int64_t id) { return std::to_string(id); }

// The day dispatch plans cover: one without shifts, so that committing a plan changes no
// other row's objects.
constexpr const char* kPlanDay = "2022-03-01";

// The API routes that answer without a session: sign-in, and the calendar feed, whose path token
// is its credential (calendar apps send no session).
constexpr std::string_view kWithoutSession[] = {"POST /api/v1/session",
                                                "GET /api/v1/calendar/{token}"};

bool NeedsSession(const std::string& route) {
  return route.find(" /api/") != std::string::npos &&
         std::find(std::begin(kWithoutSession), std::end(kWithoutSession), route) ==
             std::end(kWithoutSession);
}

class ScopeMatrixTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    BuildCity();
    AddUser("unit0", app::Role::kUnitAdmin, unit_[0]);
    AddUser("branch0", app::Role::kBranchSecretary, branch_[0]);
    AddUser("street0", app::Role::kStreetCoordinator, street_[0]);
    AddUser("community0", app::Role::kCommunityCoordinator, community_[0]);
    AddUser("vol0", app::Role::kVolunteer, member_[0]);
    MakeObjects();
    MakeWorkflowObjects();
    for (int r = 0; r < kRoleCount; ++r)
      tokens_[r] = r == kCity ? admin_ : Login(kRoles[r].username);
  }

  // Objects some rows need beyond BuildCity's.
  void MakeObjects() {
    // Funds for both halves' units, so that expenses have a balance to draw on.
    for (int h = 0; h < 2; ++h) {
      Create("/api/v1/funds/allocations", {{"unit_id", unit_[h]},
                                           {"amount_fen", 100000000},
                                           {"purpose", "慰问挂点社区党员"},
                                           {"date", "2022-01-12"}});
    }
    // A proposed dispatch plan of each half's unit.
    for (int h = 0; h < 2; ++h) plan_[h] = NewPlan(h);
  }

  // A new proposed dispatch plan of unit `half`'s administrator for kPlanDay, made without HTTP
  // (rows check the route they name, not the planning).
  std::int64_t NewPlan(int half) {
    app::DispatchPlans plans(*store_, clock_);
    app::Actor admin{UserId(), "unit" + std::to_string(half), app::Role::kUnitAdmin,
                     unit_[half], "test"};
    auto plan = plans.Plan(admin, {*ParseDate(kPlanDay, "from"), *ParseDate(kPlanDay, "to"),
                                   std::nullopt});
    EXPECT_TRUE(plan.ok()) << plan.error().ToString();
    return plan.ok() ? plan->id.value : 0;
  }

  static std::string Phone(int n) {
    std::string digits = std::to_string(n);
    return "139" + std::string(8 - digits.size(), '0') + digits;
  }

  std::string Username(int role) const {
    return role == kAnonymous ? "admin" : kRoles[role].username;
  }

  // Whether a scoped role may see a member: the contract of Access::SeeMember.
  bool SeesMember(int role, const json& m) const {
    switch (role) {
      case kCity:
        return true;
      case kUnit:
        return m["unit_id"] == unit_[0];
      case kBranch:
        return m["branch_id"] == branch_[0];
      case kVolunteer:
        return m["id"] == member_[0];
      default:
        return false;
    }
  }

  // Activities in the fixture are logged by dept_[h] of unit_[h] in community_[h] of street_[h]
  // with member_[h] of branch_[h].
  bool SeesActivity(int role, const json& a) const {
    auto took_part = [&](std::int64_t member) {
      for (const json& m : a["member_ids"]) {
        if (m == member) return true;
      }
      return false;
    };
    switch (role) {
      case kCity: return true;
      case kUnit: return a["department_id"] == dept_[0];
      case kBranch:
      case kVolunteer: return took_part(member_[0]);
      case kStreet:
      case kCommunity: return a["community_id"] == community_[0];
      default: return false;
    }
  }

  // The emergency workflow's objects, per half h: a request for site_[h] with one shift on
  // 2022-01-13 (routed to unit_[h] and dept_[h] only), a crew member with a confirmed place on it,
  // a call of the city to branch_[h], a batch of the crew member to street_[h], and a request
  // with a shift under way at the fixture's clock (for check-in; it escalates at once). member_[0]
  // (vol0) stays without sign-ups until the sign-up rows, so lists read the same for him as for
  // the city administrator.
  void MakeWorkflowObjects() {
    for (int h = 0; h < 2; ++h) {
      auto [request, shift] = NewRequest(h, kNow + 86400 + 3600, kNow + 86400 + 4 * 3600);
      request_[h] = request;
      shift_[h] = shift;
      crew_[h] = NewMember(h, 900000 + h);
      SignUp(crew_[h], shift_[h]);
      auto call = workflow_->SendCall(City(), {RequestId(request_[h]),
                                               std::vector{BranchId(branch_[h])}, "集合"});
      EXPECT_TRUE(call.ok()) << call.error().ToString();
      call_[h] = call.ok() ? call->id.value : 0;
      auto batch = workflow_->CreateBatch(
          City(), {StreetId(street_[h]), FromUnixSeconds(kNow + 86400), "单位门口", "大巴", 40,
                   {MemberId(crew_[h])}});
      EXPECT_TRUE(batch.ok()) << batch.error().ToString();
      batch_[h] = batch.ok() ? batch->id.value : 0;
      today_[h] = NewRequest(h, kNow, kNow + 4 * 3600).second;
    }
  }

  // 2022-01-12 08:00 +08:00, the fixture's clock.
  static constexpr std::int64_t kNow = 1641945600;

  static app::Actor City() { return app::Actor::System("admin"); }

  // A request of the city administrator for site_[half] with one shift from `starts` to `ends`
  // (Unix seconds) and places to spare: {request id, shift id}.
  std::pair<std::int64_t, std::int64_t> NewRequest(int half, std::int64_t starts,
                                                   std::int64_t ends) {
    app::ShiftInput shift;
    shift.site_id = SiteId(site_[half]);
    shift.task = domain::ShiftTask::kSamplingAssistance;
    shift.starts_at = FromUnixSeconds(starts);
    shift.ends_at = FromUnixSeconds(ends);
    shift.headcount = 100;
    auto made = workflow_->PostRequest(City(), {"支援", false, {shift}});
    EXPECT_TRUE(made.ok()) << made.error().ToString();
    if (!made.ok()) return {0, 0};
    return {made->id.value, made->shifts.front().id.value};
  }
  // A fresh request of half `half` whose shift (3 hours) is on a day of its own: the n-th after
  // 2022-01-12, so that a member signed up for several never has two on one day.
  std::pair<std::int64_t, std::int64_t> LaterRequest(int half, int n) {
    std::int64_t starts = kNow + 86400 * std::int64_t{1 + n} + 3600;
    return NewRequest(half, starts, starts + 3 * 3600);
  }
  // A fresh member of unit_[half], dept_[half] and branch_[half].
  std::int64_t NewMember(int half, int n) {
    return Create("/api/v1/members", {{"name", "队员" + std::to_string(n)},
                                      {"phone", Phone(500000 + n)},
                                      {"unit_id", unit_[half]},
                                      {"department_id", dept_[half]},
                                      {"branch_id", branch_[half]},
                                      {"party_member", false}});
  }
  // The member a sign-up, check-in or attendance row acts on: vol0 himself when he calls inside
  // his scope, else a fresh member of the target's half.
  std::int64_t MemberFor(int role, int half, int n) {
    return role == kVolunteer && half == 0 ? member_[0] : NewMember(half, n);
  }
  // Signs `member` up for `shift` as the city administrator: the sign-up's id.
  std::int64_t SignUp(std::int64_t member, std::int64_t shift) {
    app::SignupInput in;
    in.shift_id = ShiftId(shift);
    in.member_id = MemberId(member);
    auto made = workflow_->SignUp(City(), in);
    EXPECT_TRUE(made.ok()) << made.error().ToString();
    return made.ok() ? made->id.value : 0;
  }

  // Whether a role may see a request (its JSON): the contract of workflow::RequestScope.
  bool SeesRequest(int role, const json& r) {
    const json& routed = r["routed_to"];
    auto routed_to_dept = [&](const std::set<std::int64_t>& depts) {
      for (const json& d : routed["department_ids"]) {
        if (depts.contains(d.get<std::int64_t>())) return true;
      }
      return false;
    };
    switch (role) {
      case kCity:
        return true;
      case kStreet:
        return r["street_id"] == street_[0];
      case kCommunity:
        for (const json& s : r["shifts"]) {
          if (s["community_id"] == community_[0]) return true;
        }
        return false;
      case kUnit:
      case kBranch: {
        // Routed to the unit: the street pairing, or any department of the unit.
        std::set<std::int64_t> depts;
        Reply d = Call("GET", "/api/v1/departments?limit=500&unit_id=" + std::to_string(unit_[0]),
                       admin_);
        for (const json& item : d.body["items"]) depts.insert(item["id"].get<std::int64_t>());
        return r["escalated"] == true || routed["unit_id"] == unit_[0] || routed_to_dept(depts);
      }
      case kVolunteer:
        // Routed to vol0's unit or his department (dept_[0]).
        return r["escalated"] == true || routed["unit_id"] == unit_[0] ||
               routed_to_dept({dept_[0]});
      default:
        return false;
    }
  }

  std::vector<Row> Matrix();
  void Check(const Row& row, const Target& t, int expected);

  std::string tokens_[kRoleCount];
  std::int64_t request_[2]{}, shift_[2]{}, crew_[2]{}, call_[2]{}, batch_[2]{}, today_[2]{};
  std::int64_t plan_[2]{};
  int calls_ = 0;
};

std::vector<Row> ScopeMatrixTest::Matrix() {
  // A request without a body to the path of the target's half.
  auto at = [](std::function<std::string(int half)> path) {
    return [path](const Target& t) { return Send{path(t.half), std::nullopt, std::nullopt}; };
  };
  auto fixed = [at](std::string path) { return at([path](int) { return path; }); };
  auto post = [](std::function<std::string(int half)> path,
                 std::function<json(const Target&)> body) {
    return [path, body](const Target& t) { return Send{path(t.half), body(t), std::nullopt}; };
  };
  auto to = [](std::string path) { return [path](int) { return path; }; };
  auto members_visible = [this](int role, const json& m) { return SeesMember(role, m); };
  auto requests_visible = [this](int role, const json& r) { return SeesRequest(role, r); };
  // Writes whose outside answers 404 to some roles (they may not see the object).
  auto refused_4xx = [](const Reply& r) { return r.status >= 400; };
  return {
      // Sessions: sign-in needs no session; the others need one and have no scope.
      {"POST /api/v1/session", Kind::kSession, Everyone(kOk),
       post(to("/api/v1/session"),
            [this](const Target& t) {
              return json{{"username", Username(t.role)}, {"password", kPassword}};
            }),
       200},
      {"DELETE /api/v1/session", Kind::kSession, Everyone(kOk),
       [](const Target&) {
         return Send{"/api/v1/session", std::nullopt, std::nullopt, true};
       }},
      {"GET /api/v1/me", Kind::kSession, Everyone(kOk), fixed("/api/v1/me")},
      // Accounts: the city for anyone, a unit administrator for his unit's branches and members.
      {"POST /api/v1/users",
       Kind::kWrite,
       {kMade, kOwnMade, kDenied, kDenied, kDenied, kDenied},
       post(to("/api/v1/users"),
            [this](const Target& t) {
              return json{{"username", "user" + Id(t.n)},
                          {"password", kPassword},
                          {"role", "branch_secretary"},
                          {"scope_id", branch_[t.half]}};
            })},
      {"GET /api/v1/audit", Kind::kList, CityOnly(kOk), fixed("/api/v1/audit?limit=500")},
      // The directory: every signed-in user reads it, only the city changes regions and units.
      {"POST /api/v1/districts", Kind::kWrite, CityOnly(kMade),
       post(to("/api/v1/districts"),
            [](const Target& t) {
              return json{{"name", "新区" + Id(t.n)}};
            })},
      {"GET /api/v1/districts", Kind::kList, Everyone(kOk), fixed("/api/v1/districts?limit=500")},
      {"GET /api/v1/districts/{id}", Kind::kRead, Everyone(kOk),
       fixed("/api/v1/districts/" + Id(district_))},
      {"POST /api/v1/streets", Kind::kWrite, CityOnly(kMade),
       post(to("/api/v1/streets"),
            [this](const Target& t) {
              return json{
                  {"district_id", district_}, {"name", "新街道" + Id(t.n)}, {"kind", "street"}};
            })},
      {"GET /api/v1/streets", Kind::kList, Everyone(kOk),
       fixed("/api/v1/streets?limit=500&district_id=" + Id(district_))},
      {"GET /api/v1/streets/{id}", Kind::kRead, Everyone(kOk),
       at([this](int h) { return "/api/v1/streets/" + Id(street_[h]); })},
      {"POST /api/v1/communities", Kind::kWrite, CityOnly(kMade),
       post(to("/api/v1/communities"),
            [this](const Target& t) {
              return json{{"street_id", street_[t.half]},
                          {"name", "新社区" + Id(t.n)},
                          {"kind", "community"}};
            })},
      {"GET /api/v1/communities", Kind::kList, Everyone(kOk),
       at([this](int h) { return "/api/v1/communities?limit=500&street_id=" + Id(street_[h]); })},
      {"GET /api/v1/communities/{id}", Kind::kRead, Everyone(kOk),
       at([this](int h) { return "/api/v1/communities/" + Id(community_[h]); })},
      // Sites: the city, or the coordinator of the site's street or community.
      {"POST /api/v1/sites",
       Kind::kWrite,
       {kMade, kDenied, kDenied, kOwnMade, kOwnMade, kDenied},
       post(to("/api/v1/sites"),
            [this](const Target& t) {
              return json{{"community_id", community_[t.half]},
                          {"name", "卡口" + Id(t.n)},
                          {"kind", "checkpoint"},
                          {"lat", 22.55},
                          {"lon", 114.13},
                          {"risk", "normal"}};
            })},
      {"GET /api/v1/sites", Kind::kList, Everyone(kOk),
       at([this](int h) { return "/api/v1/sites?limit=500&street_id=" + Id(street_[h]); })},
      {"GET /api/v1/sites/{id}", Kind::kRead, Everyone(kOk),
       at([this](int h) { return "/api/v1/sites/" + Id(site_[h]); })},
      {"POST /api/v1/units", Kind::kWrite, CityOnly(kMade),
       post(to("/api/v1/units"),
            [](const Target& t) {
              return json{{"name", "新单位" + Id(t.n)}, {"kind", "company"}};
            })},
      {"GET /api/v1/units", Kind::kList, Everyone(kOk), fixed("/api/v1/units?limit=500")},
      {"GET /api/v1/units/{id}", Kind::kRead, Everyone(kOk),
       at([this](int h) { return "/api/v1/units/" + Id(unit_[h]); })},
      // Departments and branches: the city, or the administrator of the unit.
      {"POST /api/v1/departments",
       Kind::kWrite,
       {kMade, kOwnMade, kDenied, kDenied, kDenied, kDenied},
       post(to("/api/v1/departments"),
            [this](const Target& t) {
              return json{{"unit_id", unit_[t.half]}, {"name", "处室" + Id(t.n)}};
            })},
      {"GET /api/v1/departments", Kind::kList, Everyone(kOk),
       at([this](int h) { return "/api/v1/departments?limit=500&unit_id=" + Id(unit_[h]); })},
      {"GET /api/v1/departments/{id}", Kind::kRead, Everyone(kOk),
       at([this](int h) { return "/api/v1/departments/" + Id(dept_[h]); })},
      {"POST /api/v1/branches",
       Kind::kWrite,
       {kMade, kOwnMade, kDenied, kDenied, kDenied, kDenied},
       post(to("/api/v1/branches"),
            [this](const Target& t) {
              return json{{"unit_id", unit_[t.half]}, {"name", "支部" + Id(t.n)}};
            })},
      {"GET /api/v1/branches", Kind::kList, Everyone(kOk),
       at([this](int h) { return "/api/v1/branches?limit=500&unit_id=" + Id(unit_[h]); })},
      {"GET /api/v1/branches/{id}", Kind::kRead, Everyone(kOk),
       at([this](int h) { return "/api/v1/branches/" + Id(branch_[h]); })},
      // Pairings and mode: the city's (re-pairing with the same partner changes nothing).
      {"PUT /api/v1/streets/{id}/pairing", Kind::kWrite, CityOnly(kOk),
       [this](const Target& t) {
         return Send{"/api/v1/streets/" + Id(street_[t.half]) + "/pairing",
                     json{{"unit_id", unit_[t.half]}}, std::nullopt};
       }},
      {"PUT /api/v1/communities/{id}/pairing", Kind::kWrite, CityOnly(kOk),
       [this](const Target& t) {
         return Send{"/api/v1/communities/" + Id(community_[t.half]) + "/pairing",
                     json{{"department_ids", {dept_[t.half]}}}, std::nullopt};
       }},
      {"GET /api/v1/pairings", Kind::kSession, Everyone(kOk), fixed("/api/v1/pairings")},
      {"GET /api/v1/mode", Kind::kSession, Everyone(kOk), fixed("/api/v1/mode")},
      {"PUT /api/v1/mode", Kind::kWrite, CityOnly(kOk),
       [](const Target& t) {
         return Send{
             "/api/v1/mode",
             json{{"mode", t.n % 2 ? "emergency" : "routine"}, {"reason", "演练" + Id(t.n)}},
             std::nullopt};
       }},
      {"GET /api/v1/mode/history", Kind::kList, Everyone(kOk), fixed("/api/v1/mode/history")},
      // Routine work: the city, or the administrator of the department's unit.
      {"POST /api/v1/activities",
       Kind::kWrite,
       {kMade, kOwnMade, kDenied, kDenied, kDenied, kDenied},
       post(to("/api/v1/activities"),
            [this](const Target& t) {
              return json{{"community_id", community_[t.half]},
                          {"department_id", dept_[t.half]},
                          {"task", "visits"},
                          {"date", "2022-01-12"},
                          {"member_ids", {member_[t.half]}},
                          {"summary", "走访" + Id(t.n)}};
            })},
      // Activities: each role reads those of its scope (Access::ScopeActivities).
      {"GET /api/v1/activities", Kind::kList, Everyone(kOk), at([this](int h) {
         return "/api/v1/activities?limit=500&community_id=" + Id(community_[h]);
       }),
       401, [this](int role, const json& a) { return SeesActivity(role, a); }},
      // Members: the city, the unit administrator (his unit), the branch secretary (his branch,
      // read only), the volunteer (himself, read only); coordinators see none.
      {"POST /api/v1/members",
       Kind::kWrite,
       {kMade, kOwnMade, kDenied, kDenied, kDenied, kDenied},
       post(to("/api/v1/members"),
            [this](const Target& t) {
              return json{{"name", "队员" + Id(t.n)},     {"phone", Phone(t.n)},
                          {"unit_id", unit_[t.half]},     {"department_id", dept_[t.half]},
                          {"branch_id", branch_[t.half]}, {"party_member", false}};
            })},
      {"GET /api/v1/members", Kind::kList, Everyone(kOk),
       at([this](int h) { return "/api/v1/members?limit=500&unit_id=" + Id(unit_[h]); }), 401,
       members_visible},
      {"GET /api/v1/members/{id}",
       Kind::kRead,
       {kOk, kOwn, kOwn, kHidden, kHidden, kOwn},
       at([this](int h) { return "/api/v1/members/" + Id(member_[h]); })},
      // Reveal reads one object: outside the scope 404; inside, roles without the need 403.
      {"POST /api/v1/members/{id}/reveal",
       Kind::kRead,
       {kOk, kOwn, {403, 404}, kHidden, kHidden, {403, 404}},
       at([this](int h) { return "/api/v1/members/" + Id(member_[h]) + "/reveal"; })},
      // An import naming another unit's member is refused row by row (200, nothing committed).
      {"POST /api/v1/members/import",
       Kind::kWrite,
       {kOk, kOk, kDenied, kDenied, kDenied, kDenied},
       [](const Target& t) {
         Send s{"/api/v1/members/import", std::nullopt,
                "name,phone,unit,department,branch,party_member\n队员" + Id(t.n) + "," +
                    Phone(t.n) + ",单位" + Id(t.half) + ",办公室,第一党支部,yes\n"};
         return s;
       },
       401,
       nullptr,
       [](const Reply& r) { return r.status >= 400 || !r.body.value("committed", false); }},
      // Notifications are personal: the caller reads and marks his own (a volunteer those of
      // his member record). Inside is a notification addressed to the caller, outside one
      // addressed to someone else, which answers 404 to everyone, the city administrator too.
      {"GET /api/v1/notifications", Kind::kSession, Everyone(kOk),
       fixed("/api/v1/notifications?limit=500")},
      {"GET /api/v1/notifications/unread-count", Kind::kSession, Everyone(kOk),
       fixed("/api/v1/notifications/unread-count")},
      {"POST /api/v1/notifications/{id}/read", Kind::kRead,
       {kHidden, kOwn, kOwn, kOwn, kOwn, kOwn},
       [this](const Target& t) {
         bool mine = t.half == 0 && t.role != kCity && t.role != kAnonymous;
         std::optional<std::int64_t> user, member;
         if (!mine) {
           member = member_[1];
         } else if (t.role == kVolunteer) {
           member = member_[0];
         } else {
           user = *store_->Read([&](store::Transaction& tx) {
             return tx.QueryInt("SELECT id FROM users WHERE username = ?", {Username(t.role)});
           });
         }
         auto id = store_->Write([&](store::Transaction& tx) {
           return tx.InsertReturningId(
               "INSERT INTO notifications (member_id, user_id, kind, title, body, payload, "
               "created_at) VALUES (?, ?, 'call', '召集令', '', '{}', 0) RETURNING id",
               {store::Opt(member), store::Opt(user)});
         });
         return Send{"/api/v1/notifications/" + Id(*id) + "/read", std::nullopt, std::nullopt};
       }},
      {"POST /api/v1/notifications/read-all", Kind::kSession, Everyone(kOk),
       fixed("/api/v1/notifications/read-all")},
      // Webhooks and their delivery records: the city administrator's.
      {"POST /api/v1/webhooks", Kind::kWrite, CityOnly(kMade),
       post(to("/api/v1/webhooks"),
            [](const Target& t) {
              return json{{"name", "接收端" + Id(t.n)},
                          {"url", "https://hooks.example.cn/" + Id(t.n)}};
            })},
      {"GET /api/v1/webhooks", Kind::kList, CityOnly(kOk), fixed("/api/v1/webhooks?limit=500")},
      {"POST /api/v1/webhooks/{id}/disable", Kind::kWrite, CityOnly(kOk),
       [this](const Target& t) {
         auto made = notifications_->CreateWebhook(
             app::Actor::System(),
             {"接收端" + Id(t.n), "https://hooks.example.cn/" + Id(t.n), {}, {}, false, {}});
         return Send{"/api/v1/webhooks/" + Id(made->webhook.id.value) + "/disable", std::nullopt,
                     std::nullopt};
       }},
      {"GET /api/v1/webhooks/{id}/deliveries", Kind::kList, CityOnly(kOk),
       [this](const Target& t) {
         auto made = notifications_->CreateWebhook(
             app::Actor::System(),
             {"接收端" + Id(t.n), "https://hooks.example.cn/" + Id(t.n), {}, {}, false, {}});
         return Send{"/api/v1/webhooks/" + Id(made->webhook.id.value) + "/deliveries",
                     std::nullopt, std::nullopt};
       }},
      // Live events: every signed-in user; each receives only his own notifications.
      {"GET /api/v1/events", Kind::kSession, Everyone(kOk), fixed("/api/v1/events")},
      // The emergency workflow. Requests: the city posts anywhere, a coordinator for the sites of
      // his street or community; each role sees the requests of its scope (RequestScope).
      {"POST /api/v1/requests",
       Kind::kWrite,
       {kMade, kDenied, kDenied, kOwnMade, kOwnMade, kDenied},
       post(to("/api/v1/requests"),
            [this](const Target& t) {
              return json{{"note", "支援" + Id(t.n)},
                          {"shifts",
                           {{{"site_id", site_[t.half]},
                             {"task", "sampling_assistance"},
                             {"starts_at", "2022-01-13T09:00:00+08:00"},
                             {"ends_at", "2022-01-13T12:00:00+08:00"},
                             {"headcount", 100}}}}};
            })},
      {"GET /api/v1/requests", Kind::kList, Everyone(kOk),
       at([this](int h) { return "/api/v1/requests?limit=500&street_id=" + Id(street_[h]); }), 401,
       requests_visible},
      {"GET /api/v1/requests/{id}", Kind::kRead, {kOk, kOwn, kOwn, kOwn, kOwn, kOwn},
       at([this](int h) { return "/api/v1/requests/" + Id(request_[h]); })},
      // Escalation, of a fresh request each time (a second escalation is a conflict): the city
      // and the request's coordinators; 403 to whoever sees the request without coordinating
      // it, 404 to whoever does not see it.
      {"POST /api/v1/requests/{id}/escalate",
       Kind::kWrite,
       {kOk, {403, 404}, {403, 404}, kOwn, kOwn, {403, 404}},
       [this](const Target& t) {
         return Send{"/api/v1/requests/" + Id(LaterRequest(t.half, t.n).first) + "/escalate",
                     json{{"reason", "无人报名" + Id(t.n)}}, std::nullopt};
       },
       401,
       nullptr,
       refused_4xx},
      // Shifts: those of the requests the role sees.
      {"GET /api/v1/shifts", Kind::kList, Everyone(kOk), fixed("/api/v1/shifts?limit=500"), 401,
       [this, requests_visible](int role, const json& s) {
         Reply r = Call("GET", "/api/v1/requests/" + Id(s["request_id"].get<std::int64_t>()),
                        admin_);
         return requests_visible(role, r.body);
       }},
      {"GET /api/v1/shifts/{id}", Kind::kRead, {kOk, kOwn, kOwn, kOwn, kOwn, kOwn},
       at([this](int h) { return "/api/v1/shifts/" + Id(shift_[h]); })},
      // The roster: the site's coordinators and the city; a unit or branch its own people when it
      // sees the request.
      {"GET /api/v1/shifts/{id}/roster", Kind::kRead, {kOk, kOwn, kOwn, kOwn, kOwn, kHidden},
       at([this](int h) { return "/api/v1/shifts/" + Id(shift_[h]) + "/roster"; })},
      // Sign-ups, each of a fresh member (vol0 himself inside) on a fresh shift: the city for
      // anyone, a unit or branch for its members, a volunteer for himself; coordinators none.
      {"POST /api/v1/shifts/{id}/signups",
       Kind::kWrite,
       {kMade, kOwnMade, kOwnMade, kDenied, kDenied, kOwnMade},
       [this](const Target& t) {
         std::int64_t shift = LaterRequest(t.half, t.n).second;
         return Send{"/api/v1/shifts/" + Id(shift) + "/signups",
                     json{{"member_id", MemberFor(t.role, t.half, t.n)}}, std::nullopt};
       }},
      // Cancelling: the same actors; a volunteer or coordinator who may not act for the member
      // is told 404, a unit administrator or secretary 403.
      {"DELETE /api/v1/signups/{id}",
       Kind::kWrite,
       {kOk, {200, 403}, {200, 403}, kHidden, kHidden, kOwn},
       [this](const Target& t) {
         std::int64_t shift = LaterRequest(t.half, t.n).second;
         std::int64_t signup = SignUp(MemberFor(t.role, t.half, t.n), shift);
         return Send{"/api/v1/signups/" + Id(signup), std::nullopt, std::nullopt};
       },
       401,
       nullptr,
       refused_4xx},
      // Availability, schedule and calendar link: the member, his secretary, his unit's
      // administrator, the city. Declaring outside: 403 (404 to a volunteer); reads: 404.
      {"PUT /api/v1/members/{id}/availability",
       Kind::kWrite,
       {kOk, {200, 403}, {200, 403}, kDenied, kDenied, kOwn},
       [this](const Target& t) {
         return Send{"/api/v1/members/" + Id(member_[t.half]) + "/availability",
                     json{{"windows", json::array({json::array(
                                          {"2022-01-13T08:00:00+08:00",
                                           "2022-01-13T20:00:00+08:00"})})},
                          {"max_hours_per_day", 12},
                          {"high_risk_ok", false}},
                     std::nullopt};
       },
       401,
       nullptr,
       refused_4xx},
      {"GET /api/v1/members/{id}/availability", Kind::kRead,
       {kOk, kOwn, kOwn, kHidden, kHidden, kOwn},
       at([this](int h) { return "/api/v1/members/" + Id(member_[h]) + "/availability"; })},
      {"GET /api/v1/members/{id}/schedule", Kind::kRead, {kOk, kOwn, kOwn, kHidden, kHidden, kOwn},
       at([this](int h) { return "/api/v1/members/" + Id(member_[h]) + "/schedule"; })},
      {"GET /api/v1/members/{id}/calendar-link", Kind::kRead,
       {kOk, kOwn, kOwn, kHidden, kHidden, kOwn},
       at([this](int h) { return "/api/v1/members/" + Id(member_[h]) + "/calendar-link"; })},
      // The calendar feed: its token is the credential; anyone holding it, no session needed.
      {"GET /api/v1/calendar/{token}", Kind::kRead, Everyone(kOk),
       at([this](int h) {
         auto url = workflow_->CalendarLink(City(), MemberId(member_[h]));
         EXPECT_TRUE(url.ok());
         return url.ok() ? url->substr(url->find("/api/v1/calendar/")) : std::string();
       }),
       200},
      // Calls: a unit administrator for requests routed to his unit; the city naming branches.
      {"POST /api/v1/calls",
       Kind::kWrite,
       {kMade, kOwnMade, kDenied, kDenied, kDenied, kDenied},
       post(to("/api/v1/calls"),
            [this](const Target& t) {
              return json{{"request_id", request_[t.half]},
                          {"branch_ids", {branch_[t.half]}},
                          {"message", "集合" + Id(t.n)}};
            })},
      {"GET /api/v1/calls/{id}", Kind::kRead, {kOk, kOwn, kOwn, kHidden, kHidden, kHidden},
       at([this](int h) { return "/api/v1/calls/" + Id(call_[h]); })},
      // Batches: a unit administrator (his members) and the city form them; they, and the
      // coordinator of the street, read them.
      {"POST /api/v1/batches",
       Kind::kWrite,
       {kMade, kOwnMade, kDenied, kDenied, kDenied, kDenied},
       post(to("/api/v1/batches"),
            [this](const Target& t) {
              return json{{"street_id", street_[t.half]},
                          {"departs_at", "2022-01-13T08:00:00+08:00"},
                          {"depart_from", "单位门口"},
                          {"vehicle", "大巴" + Id(t.n)},
                          {"capacity", 40},
                          {"member_ids", {crew_[t.half]}}};
            })},
      {"GET /api/v1/batches", Kind::kList, Everyone(kOk),
       at([this](int h) { return "/api/v1/batches?limit=500&street_id=" + Id(street_[h]); }), 401,
       [this](int role, const json& b) {
         if (role == kUnit) return b["unit_id"] == unit_[0];
         if (role == kStreet) return b["street_id"] == street_[0];
         return false;
       }},
      {"GET /api/v1/batches/{id}", Kind::kRead, {kOk, kOwn, kHidden, kOwn, kHidden, kHidden},
       at([this](int h) { return "/api/v1/batches/" + Id(batch_[h]); })},
      // Proposals change nothing and have no object: a unit administrator's hold only his own
      // members, whatever the street; called once per role.
      {"POST /api/v1/batches/proposals", Kind::kSession,
       {kOk, kOk, kDenied, kDenied, kDenied, kDenied},
       post(to("/api/v1/batches/proposals"),
            [this](const Target&) {
              return json{{"street_id", street_[0]},
                          {"date", "2022-01-13"},
                          {"capacity", 40},
                          {"vehicle", "大巴"},
                          {"depart_from", "单位门口"}};
            })},
      // Check-in codes: the city and the coordinators of the site's street or community.
      {"GET /api/v1/sites/{id}/checkin-code", Kind::kRead,
       {kOk, kHidden, kHidden, kOwn, kOwn, kHidden},
       at([this](int h) { return "/api/v1/sites/" + Id(site_[h]) + "/checkin-code"; })},
      {"GET /api/v1/sites/{id}/checkin-code.svg", Kind::kRead,
       {kOk, kHidden, kHidden, kOwn, kOwn, kHidden},
       at([this](int h) { return "/api/v1/sites/" + Id(site_[h]) + "/checkin-code.svg"; })},
      // Check-in with the code of site_[half] (a shift there is under way): a volunteer himself
      // (no member_id), a unit or branch its members, the city anyone; coordinators none.
      {"POST /api/v1/checkins",
       Kind::kWrite,
       {kMade, kOwnMade, kOwnMade, kDenied, kDenied, kOwnMade},
       [this](const Target& t) {
         auto code = workflow_->CheckinCode(City(), SiteId(site_[t.half]));
         EXPECT_TRUE(code.ok());
         json body{{"token", code.ok() ? code->token : std::string()}};
         if (t.role != kVolunteer || t.half != 0) {
           body["member_id"] = MemberFor(t.role, t.half, t.n);
         }
         return Send{"/api/v1/checkins", body, std::nullopt};
       }},
      // Check-out of a fresh attendance record (on a fresh shift under way): the member's
      // actors and the site's coordinators; 404 to others.
      {"POST /api/v1/checkouts",
       Kind::kWrite,
       {kOk, kOwn, kOwn, kOwn, kOwn, kOwn},
       [this](const Target& t) {
         app::AttendanceInput in;
         in.shift_id = ShiftId(NewRequest(t.half, kNow, kNow + 4 * 3600).second);
         in.member_id = MemberId(MemberFor(t.role, t.half, t.n));
         in.checked_in_at = FromUnixSeconds(kNow);
         auto made = workflow_->RecordAttendance(City(), in);
         EXPECT_TRUE(made.ok()) << made.error().ToString();
         return Send{"/api/v1/checkouts",
                     json{{"attendance_id", made.ok() ? made->id.value : 0}}, std::nullopt};
       },
       401,
       nullptr,
       refused_4xx},
      // Attendance by hand, of a fresh member: the coordinators of the shift's site and the city.
      {"POST /api/v1/attendance",
       Kind::kWrite,
       {kMade, kDenied, kDenied, kOwnMade, kOwnMade, kDenied},
       post(to("/api/v1/attendance"),
            [this](const Target& t) {
              return json{{"shift_id", today_[t.half]},
                          {"member_id", NewMember(t.half, t.n)},
                          {"checked_in_at", "2022-01-12T08:00:00+08:00"}};
            })},
      // Statistics: every role reads the figures of its own scope, recounted within it (a
      // street coordinator's by-unit counts his street's records only), so a scoped answer is
      // not the city's narrowed and these rows have no outside; stats_api_test checks the
      // narrowing. Exports are audited, which the table counts leave out.
      {"GET /api/v1/stats/summary", Kind::kSession, Everyone(kOk),
       fixed("/api/v1/stats/summary?from=2022-01-12&to=2022-01-13")},
      {"GET /api/v1/stats/by-unit", Kind::kSession, Everyone(kOk),
       fixed("/api/v1/stats/by-unit?from=2022-01-12&to=2022-01-13&limit=500")},
      {"GET /api/v1/stats/by-branch", Kind::kSession, Everyone(kOk),
       fixed("/api/v1/stats/by-branch?from=2022-01-12&to=2022-01-13&limit=500")},
      {"GET /api/v1/stats/by-street", Kind::kSession, Everyone(kOk),
       fixed("/api/v1/stats/by-street?from=2022-01-12&to=2022-01-13&limit=500")},
      {"GET /api/v1/stats/by-community", Kind::kSession, Everyone(kOk),
       fixed("/api/v1/stats/by-community?from=2022-01-12&to=2022-01-13&limit=500")},
      {"GET /api/v1/stats/by-day", Kind::kSession, Everyone(kOk),
       fixed("/api/v1/stats/by-day?from=2022-01-12&to=2022-01-13&limit=500")},
      {"GET /api/v1/exports/attendance.csv", Kind::kSession, Everyone(kOk),
       fixed("/api/v1/exports/attendance.csv?from=2022-01-12&to=2022-01-13")},
      {"GET /api/v1/exports/stats.csv", Kind::kSession, Everyone(kOk),
       fixed("/api/v1/exports/stats.csv?from=2022-01-12&to=2022-01-13&by=unit")},
      {"GET /api/v1/exports/attendance.xlsx", Kind::kSession, Everyone(kOk),
       fixed("/api/v1/exports/attendance.xlsx?from=2022-01-12&to=2022-01-13")},
      {"GET /api/v1/exports/stats.xlsx", Kind::kSession, Everyone(kOk),
       fixed("/api/v1/exports/stats.xlsx?from=2022-01-12&to=2022-01-13")},
      // Oversight: the city reads every unit, a unit administrator his own; other roles none.
      {"GET /api/v1/supervision", Kind::kList, {kOk, kOk, kDenied, kDenied, kDenied, kDenied},
       fixed("/api/v1/supervision?from=2022-01-12&to=2022-01-13&limit=500"), 401,
       [this](int role, const json& row) { return role == kUnit && row["unit_id"] == unit_[0]; }},
      {"POST /api/v1/inspections", Kind::kWrite, CityOnly(kMade),
       post(to("/api/v1/inspections"),
            [this](const Target& t) {
              return json{{"unit_id", unit_[t.half]}, {"date", "2022-01-12"},
                          {"inspector", "督查组"},       {"findings", "检查" + Id(t.n)},
                          {"rating", "good"}};
            })},
      {"GET /api/v1/inspections", Kind::kList, {kOk, kOk, kDenied, kDenied, kDenied, kDenied},
       at([this](int h) { return "/api/v1/inspections?limit=500&unit_id=" + Id(unit_[h]); }), 401,
       [this](int role, const json& i) { return role == kUnit && i["unit_id"] == unit_[0]; }},
      // Funds: the city allocates; the city or the unit's administrator spends.
      {"POST /api/v1/funds/allocations", Kind::kWrite, CityOnly(kMade),
       post(to("/api/v1/funds/allocations"),
            [this](const Target& t) {
              return json{{"unit_id", unit_[t.half]}, {"amount_fen", 1000 + t.n},
                          {"purpose", "慰问" + Id(t.n)}, {"date", "2022-01-12"}};
            })},
      {"GET /api/v1/funds/allocations", Kind::kList, {kOk, kOk, kDenied, kDenied, kDenied, kDenied},
       at([this](int h) { return "/api/v1/funds/allocations?limit=500&unit_id=" + Id(unit_[h]); }),
       401, [this](int role, const json& a) { return role == kUnit && a["unit_id"] == unit_[0]; }},
      {"POST /api/v1/funds/expenses",
       Kind::kWrite,
       {kMade, kOwnMade, kDenied, kDenied, kDenied, kDenied},
       post(to("/api/v1/funds/expenses"),
            [this](const Target& t) {
              return json{{"unit_id", unit_[t.half]}, {"amount_fen", 100},
                          {"purpose", "物资" + Id(t.n)}, {"date", "2022-01-12"}};
            })},
      {"GET /api/v1/funds/expenses", Kind::kList, {kOk, kOk, kDenied, kDenied, kDenied, kDenied},
       at([this](int h) { return "/api/v1/funds/expenses?limit=500&unit_id=" + Id(unit_[h]); }),
       401, [this](int role, const json& e) { return role == kUnit && e["unit_id"] == unit_[0]; }},
      {"GET /api/v1/funds/balances", Kind::kList, {kOk, kOk, kDenied, kDenied, kDenied, kDenied},
       at([this](int h) { return "/api/v1/funds/balances?limit=500&unit_id=" + Id(unit_[h]); }),
       401, [this](int role, const json& b) { return role == kUnit && b["unit_id"] == unit_[0]; }},
      // Supplies: the city; a unit administrator as the coordinating unit; the coordinator of the
      // recipient street. Read also by the coordinator of the recipient community.
      {"POST /api/v1/supplies",
       Kind::kWrite,
       {kMade, kOwnMade, kDenied, kOwnMade, kDenied, kDenied},
       post(to("/api/v1/supplies"),
            [this](const Target& t) {
              return json{{"recipient_street_id", street_[t.half]},
                          {"recipient_community_id", community_[t.half]},
                          {"donor", "爱心企业"},
                          {"coordinated_by_unit_id", unit_[t.half]},
                          {"description", "生活物资" + Id(t.n)},
                          {"quantity", 10},
                          {"value_fen", 100000},
                          {"date", "2022-01-12"}};
            })},
      {"GET /api/v1/supplies", Kind::kList, {kOk, kOk, kDenied, kOk, kOk, kDenied},
       at([this](int h) { return "/api/v1/supplies?limit=500&street_id=" + Id(street_[h]); }), 401,
       [this](int role, const json& s) {
         switch (role) {
           case kUnit:
             return s["coordinated_by_unit_id"] == unit_[0];
           case kStreet:
             return s["recipient_street_id"] == street_[0];
           case kCommunity:
             return s["recipient_community_id"] == community_[0];
           default:
             return false;
         }
       }},
      // Exports are files, not {items} lists, so they are called once per role; that a unit
      // administrator's file holds only his unit is checked in oversight_api_test.cpp.
      {"GET /api/v1/exports/supervision.csv", Kind::kSession,
       {kOk, kOk, kDenied, kDenied, kDenied, kDenied},
       fixed("/api/v1/exports/supervision.csv?from=2022-01-12&to=2022-01-13")},
      {"GET /api/v1/exports/funds.csv", Kind::kSession, {kOk, kOk, kDenied, kDenied, kDenied, kDenied},
       fixed("/api/v1/exports/funds.csv")},
      {"GET /api/v1/exports/supervision.xlsx", Kind::kSession,
       {kOk, kOk, kDenied, kDenied, kDenied, kDenied},
       fixed("/api/v1/exports/supervision.xlsx?from=2022-01-12&to=2022-01-13")},
      {"GET /api/v1/exports/funds.xlsx", Kind::kSession, {kOk, kOk, kDenied, kDenied, kDenied, kDenied},
       fixed("/api/v1/exports/funds.xlsx")},
      // Dispatch plans: unit administrators (their unit's plans) and the city. Planning has no
      // object: the street only narrows the caller's own scope (his members, the shifts open to
      // his unit), so it has no outside and is called once per role.
      {"POST /api/v1/dispatch/plans", Kind::kSession,
       {kMade, kMade, kDenied, kDenied, kDenied, kDenied},
       post(to("/api/v1/dispatch/plans"),
            [this](const Target& t) {
              return json{{"from", kPlanDay}, {"to", kPlanDay}, {"street_id", street_[t.half]}};
            })},
      {"GET /api/v1/dispatch/plans/{id}",
       Kind::kRead,
       {kOk, kOwn, kHidden, kHidden, kHidden, kHidden},
       at([this](int h) { return "/api/v1/dispatch/plans/" + Id(plan_[h]); })},
      // Each call commits a plan of its own (a plan commits once).
      {"POST /api/v1/dispatch/plans/{id}/commit",
       Kind::kWrite,
       {kOk, {200, 403}, kDenied, kDenied, kDenied, kDenied},
       [this](const Target& t) {
         return Send{"/api/v1/dispatch/plans/" + Id(NewPlan(t.half)) + "/commit", std::nullopt,
                     std::nullopt};
       }},
      // Outside the API: no session needed.
      {"GET /healthz", Kind::kSession, Everyone(kOk), fixed("/healthz"), 200},
      {"GET /metrics", Kind::kSession, Everyone(kOk), fixed("/metrics"), 200},
  };
}

// Sends the row's request for `t` and checks the answer against `expected` and the rules.
void ScopeMatrixTest::Check(const Row& row, const Target& t, int expected) {
  std::string method = row.route.substr(0, row.route.find(' '));
  Send send = row.send(t);
  std::string who = t.role == kAnonymous ? "no session" : kRoles[t.role].name;
  SCOPED_TRACE(row.route + " as " + who + (t.half == 0 ? ", inside" : ", outside") + ": " +
               send.path);
  std::string token;
  if (t.role != kAnonymous) token = send.fresh_session ? Login(Username(t.role)) : tokens_[t.role];
  std::map<std::string, std::int64_t> before = TableCounts();
  Reply r = send.csv ? CallRaw(method, send.path, token, *send.csv, "text/csv")
                     : Call(method, send.path, token, send.body);
  EXPECT_EQ(r.status, expected) << r.raw.body;
  EXPECT_LT(r.status, 500) << r.raw.body;
  bool refused = row.refused ? row.refused(r) : r.status >= 400;
  if (row.kind == Kind::kWrite && t.role != kCity && t.role != kAnonymous && t.half == 1) {
    EXPECT_TRUE(refused) << "a write outside the scope succeeded: " << r.raw.body;
  } else if (row.kind == Kind::kWrite && expected < 300) {
    EXPECT_FALSE(refused) << "an allowed write was refused: " << r.raw.body;
  }
  if (refused || method == "GET") {
    EXPECT_EQ(TableCounts(), before) << "a refusal or a read changed a table";
  }
  if (row.kind == Kind::kList && r.status == 200 && t.role != kCity && t.role != kAnonymous) {
    // The role's list is the city administrator's, narrowed to what the role may see.
    Reply all = Call("GET", send.path, admin_);
    ASSERT_EQ(all.status, 200);
    json allowed = json::array();
    for (const json& item : all.body["items"]) {
      if (!row.visible || row.visible(t.role, item)) allowed.push_back(item);
    }
    EXPECT_EQ(r.body["items"], allowed);
  }
}

TEST_F(ScopeMatrixTest, EveryRouteWithEveryRoleInsideAndOutsideItsScope) {
  std::vector<Row> matrix = Matrix();
  std::map<std::string, const Row*> rows;
  for (const Row& row : matrix) {
    EXPECT_TRUE(rows.emplace(row.route, &row).second) << row.route << " has two rows";
  }
  std::set<std::string> served;
  for (const http::RouteInfo& route : router_.Routes()) {
    std::string key = std::string(http::MethodName(route.method)) + " " + route.pattern;
    served.insert(key);
    EXPECT_TRUE(rows.contains(key)) << key << " is missing from the scope matrix";
  }
  for (const Row& row : matrix) {
    EXPECT_TRUE(served.contains(row.route)) << row.route << " is in the matrix but not served";
  }
  for (const Row& row : matrix) {
    if (!served.contains(row.route)) continue;
    // The table itself must follow the contract's shape.
    if (NeedsSession(row.route)) {
      EXPECT_EQ(row.anonymous, 401) << row.route << ": API routes need a session";
    }
    EXPECT_EQ(row.expect[kCity].inside, row.expect[kCity].outside)
        << row.route << ": the whole city is the city administrator's scope";
    for (int role = 0; role < kRoleCount; ++role) {
      int out = row.expect[role].outside;
      if (row.kind == Kind::kRead) {
        EXPECT_TRUE(out == 200 || out == 404) << row.route;
      }
      if (row.kind == Kind::kList) {
        EXPECT_TRUE(out == 200 || out == 403) << row.route;
      }
      if (row.kind == Kind::kWrite && !row.refused) {
        EXPECT_TRUE(out == 403 || (role == kCity && out < 300)) << row.route;
      }
    }
    for (int role = 0; role < kRoleCount; ++role) {
      const Expect& e = row.expect[role];
      if (row.kind == Kind::kSession) {
        // No object, so no outside: one call (sign-ins are slow by design).
        EXPECT_EQ(e.inside, e.outside) << row.route << ": a route without scope";
        Check(row, Target{role, 0, ++calls_}, e.inside);
        continue;
      }
      for (int half = 0; half < 2; ++half) {
        Check(row, Target{role, half, ++calls_}, half == 0 ? e.inside : e.outside);
      }
    }
    Check(row, Target{kAnonymous, 0, ++calls_}, row.anonymous);
  }
}

}  // namespace
}  // namespace muster::api
