#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/ids.h"
#include "base/result.h"
#include "store/registry_repo.h"
#include "store/transaction.h"

namespace muster::app {

// The six roles of the API contract. Each has a scope: the unit, branch, street, community or
// member it acts within (none for the city administrator).
enum class Role {
  kCityAdmin,
  kUnitAdmin,
  kBranchSecretary,
  kStreetCoordinator,
  kCommunityCoordinator,
  kVolunteer,
};

std::string_view Name(Role r);
Result<Role> ParseRole(std::string_view s, std::string_view field = "role");

// Who is acting: an authenticated user (or the system, for the command line), with the address
// the request came from for the audit log.
struct Actor {
  UserId user_id;
  std::string username;
  Role role = Role::kVolunteer;
  std::int64_t scope_id = 0;
  std::string address;

  // The operator at the command line: acts as a city administrator.
  static Actor System(std::string username = "system") {
    return Actor{UserId(), std::move(username), Role::kCityAdmin, 0, "local"};
  }
};

// Every authorisation decision of Muster, in one place. Reads of a single object outside the
// actor's scope answer not_found (so existence does not leak), writes answer forbidden, and
// lists are filtered. Regions, units, departments, branches, pairings and the mode are the
// city's directory: every signed-in user may read them; none of them is personal data.
class Access {
 public:
  // Allows only the listed roles to perform `what` (forbidden otherwise).
  static Status Require(const Actor& a, std::initializer_list<Role> roles, std::string_view what);

  // Writes to the directory: regions, units, pairings, mode.
  static Status WriteDirectory(const Actor& a, std::string_view what);
  // Creating a site: the city, or the coordinator of its street or community.
  static Status WriteSite(store::Transaction& tx, const Actor& a, CommunityId community);
  // Creating a department or branch: the city, or the administrator of that unit.
  static Status WriteUnitPart(const Actor& a, UnitId unit, std::string_view what);
  // Creating or changing a member of `unit` (and `branch`, when given).
  static Status WriteMember(const Actor& a, UnitId unit);
  // Whether the actor may see a member: answers not_found when not.
  static Status SeeMember(store::Transaction& tx, const Actor& a, MemberId member);
  // Whether the actor may see full phone and ID numbers of a member (reveal).
  static Status RevealMember(store::Transaction& tx, const Actor& a, MemberId member);
  // Narrows a member list to the actor's scope.
  static store::MemberFilter ScopeMembers(const Actor& a, store::MemberFilter f);
  // Narrows an activity list to the actor's scope: the unit's departments, the street's or the
  // community's communities, the activities the branch's members or the volunteer took part in.
  static store::ActivityFilter ScopeActivities(const Actor& a, store::ActivityFilter f);
  // Creating an account of `role` with `scope`.
  static Status CreateUser(store::Transaction& tx, const Actor& a, Role role,
                           std::optional<std::int64_t> scope);
  // Logging routine work of a department: the city, or the administrator of its unit.
  static Status WriteActivity(store::Transaction& tx, const Actor& a, DepartmentId department);
};

}  // namespace muster::app
