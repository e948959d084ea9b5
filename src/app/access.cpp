#include "app/access.h"

namespace muster::app {
namespace {

constexpr std::pair<std::string_view, Role> kRoles[] = {
    {"city_admin", Role::kCityAdmin},
    {"unit_admin", Role::kUnitAdmin},
    {"branch_secretary", Role::kBranchSecretary},
    {"street_coordinator", Role::kStreetCoordinator},
    {"community_coordinator", Role::kCommunityCoordinator},
    {"volunteer", Role::kVolunteer},
};

Error Denied(std::string_view what) {
  return Forbidden("your role may not " + std::string(what));
}

Error Hidden(MemberId id) { return NotFound("no member with id " + std::to_string(id.value)); }

}  // namespace

std::string_view Name(Role r) {
  for (const auto& [name, role] : kRoles) {
    if (role == r) return name;
  }
  return "";
}

Result<Role> ParseRole(std::string_view s, std::string_view field) {
  for (const auto& [name, role] : kRoles) {
    if (s == name) return role;
  }
  return Invalid(std::string(field),
                 "must be one of: city_admin, unit_admin, branch_secretary, street_coordinator, "
                 "community_coordinator, volunteer", "enum");
}

Status Access::Require(const Actor& a, std::initializer_list<Role> roles, std::string_view what) {
  for (Role r : roles) {
    if (a.role == r) return Ok();
  }
  return Denied(what);
}

Status Access::WriteDirectory(const Actor& a, std::string_view what) {
  return Require(a, {Role::kCityAdmin}, what);
}

Status Access::WriteSite(store::Transaction& tx, const Actor& a, CommunityId community) {
  if (a.role == Role::kCityAdmin) return Ok();
  if (a.role == Role::kCommunityCoordinator && a.scope_id == community.value) return Ok();
  if (a.role == Role::kStreetCoordinator) {
    MUSTER_ASSIGN(auto c, store::RegistryRepo(tx).FindCommunity(community));
    if (c && c->street_id.value == a.scope_id) return Ok();
  }
  return Denied("add sites outside your street or community");
}

Status Access::WriteUnitPart(const Actor& a, UnitId unit, std::string_view what) {
  if (a.role == Role::kCityAdmin) return Ok();
  if (a.role == Role::kUnitAdmin && a.scope_id == unit.value) return Ok();
  return Denied(what);
}

Status Access::WriteMember(const Actor& a, UnitId unit) {
  return WriteUnitPart(a, unit, "change members outside your unit");
}

Status Access::SeeMember(store::Transaction& tx, const Actor& a, MemberId member) {
  if (a.role == Role::kCityAdmin) return Ok();
  if (a.role == Role::kVolunteer) return a.scope_id == member.value ? Ok() : Status(Hidden(member));
  MUSTER_ASSIGN(auto m, store::RegistryRepo(tx).FindMember(member));
  if (!m) return Hidden(member);
  if (a.role == Role::kUnitAdmin && m->unit_id.value == a.scope_id) return Ok();
  if (a.role == Role::kBranchSecretary && m->branch_id && m->branch_id->value == a.scope_id) {
    return Ok();
  }
  return Hidden(member);
}

Status Access::RevealMember(store::Transaction& tx, const Actor& a, MemberId member) {
  MUSTER_TRY(SeeMember(tx, a, member));
  return Require(a, {Role::kCityAdmin, Role::kUnitAdmin}, "reveal personal data");
}

namespace {

// Narrows one field of a list filter to the caller's own object. The scope narrows the caller's
// filter and never replaces it: asking for another unit's objects answers none, not his own.
template <typename Filter, typename Field, typename Id>
void Narrow(Filter& f, Field& field, Id own) {
  if (field && *field != own) f.none = true;
  field = own;
}

}  // namespace

store::MemberFilter Access::ScopeMembers(const Actor& a, store::MemberFilter f) {
  auto narrow = [&f](auto& field, auto own) { Narrow(f, field, own); };
  switch (a.role) {
    case Role::kCityAdmin: break;
    case Role::kUnitAdmin: narrow(f.unit_id, UnitId(a.scope_id)); break;
    case Role::kBranchSecretary: narrow(f.branch_id, BranchId(a.scope_id)); break;
    case Role::kVolunteer: narrow(f.member_id, MemberId(a.scope_id)); break;
    case Role::kStreetCoordinator:
    case Role::kCommunityCoordinator: f.none = true; break;
  }
  return f;
}

store::ActivityFilter Access::ScopeActivities(const Actor& a, store::ActivityFilter f) {
  auto narrow = [&f](auto& field, auto own) { Narrow(f, field, own); };
  switch (a.role) {
    case Role::kCityAdmin: break;
    case Role::kUnitAdmin: narrow(f.unit_id, UnitId(a.scope_id)); break;
    case Role::kBranchSecretary: narrow(f.branch_id, BranchId(a.scope_id)); break;
    case Role::kStreetCoordinator: narrow(f.street_id, StreetId(a.scope_id)); break;
    case Role::kCommunityCoordinator: narrow(f.community_id, CommunityId(a.scope_id)); break;
    case Role::kVolunteer: narrow(f.member_id, MemberId(a.scope_id)); break;
  }
  return f;
}

Status Access::CreateUser(store::Transaction& tx, const Actor& a, Role role,
                          std::optional<std::int64_t> scope) {
  if (a.role == Role::kCityAdmin) return Ok();
  if (a.role != Role::kUnitAdmin || !scope) return Denied("create this account");
  store::RegistryRepo repo(tx);
  if (role == Role::kBranchSecretary) {
    MUSTER_ASSIGN(auto b, repo.FindBranch(BranchId(*scope)));
    if (b && b->unit_id.value == a.scope_id) return Ok();
  }
  if (role == Role::kVolunteer) {
    MUSTER_ASSIGN(auto m, repo.FindMember(MemberId(*scope)));
    if (m && m->unit_id.value == a.scope_id) return Ok();
  }
  return Denied("create accounts outside your unit");
}

Status Access::WriteActivity(store::Transaction& tx, const Actor& a, DepartmentId department) {
  if (a.role == Role::kCityAdmin) return Ok();
  if (a.role == Role::kUnitAdmin) {
    MUSTER_ASSIGN(auto d, store::RegistryRepo(tx).FindDepartment(department));
    if (d && d->unit_id.value == a.scope_id) return Ok();
  }
  return Denied("log activities of departments outside your unit");
}

}  // namespace muster::app
