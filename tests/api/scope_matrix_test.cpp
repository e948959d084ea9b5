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
#include <vector>

#include "api/api_fixture.h"

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

  std::vector<Row> Matrix();
  void Check(const Row& row, const Target& t, int expected);

  std::string tokens_[kRoleCount];
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
      // Activities are listed to every signed-in user, as the directory is
      // (Registry::ListActivities
      // takes no actor); narrowing them to the scope would give this row a `visible`.
      {"GET /api/v1/activities", Kind::kList, Everyone(kOk), at([this](int h) {
         return "/api/v1/activities?limit=500&community_id=" + Id(community_[h]);
       })},
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
