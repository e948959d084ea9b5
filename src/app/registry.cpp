#include "app/registry.h"

#include "app/outbox.h"

#include <algorithm>

#include "app/audit.h"
#include "app/outbox.h"
#include "base/validate.h"

namespace muster::app {
namespace {

using store::RegistryRepo;

// Checks that a required reference exists; reports a missing one on `field`.
template <typename T>
Result<T> Require(Result<std::optional<T>> found, std::string field, std::string what,
                  std::int64_t id) {
  if (!found.ok()) return std::move(found).error();
  if (!found->has_value()) {
    return Invalid(std::move(field), "no " + what + " with id " + std::to_string(id), "unknown_reference");
  }
  return std::move(**found);
}

template <typename IdT>
Status RequireAbsent(Result<std::optional<IdT>> found, std::string field, std::string message) {
  if (!found.ok()) return std::move(found).error();
  if (found->has_value()) return Conflict(std::move(message), std::move(field));
  return Ok();
}

Result<std::string> ShortText(std::string_view raw, std::string_view field, std::size_t max_chars) {
  std::string_view s = raw;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.remove_suffix(1);
  if (s.empty()) return Invalid(std::string(field), "must not be empty", "text_length");
  // Counting bytes is a safe upper bound on characters (a CJK character is 3 bytes).
  if (s.size() > max_chars * 3) {
    return Invalid(std::string(field), "must be at most " + std::to_string(max_chars) + " characters",
                   "text_length");
  }
  return std::string(s);
}

}  // namespace

Result<domain::District> RegistryRules::AddDistrict(store::Transaction& tx, domain::District d) const {
  RegistryRepo repo(tx);
  MUSTER_ASSIGN(d.name, NormalizeName(d.name));
  MUSTER_TRY(RequireAbsent(repo.FindDistrictByName(d.name), "name", "a district of that name exists"));
  MUSTER_ASSIGN(d.id, repo.InsertDistrict(d));
  return d;
}

Result<domain::Street> RegistryRules::AddStreet(store::Transaction& tx, domain::Street s) const {
  RegistryRepo repo(tx);
  MUSTER_ASSIGN(s.name, NormalizeName(s.name));
  MUSTER_TRY(Require(repo.FindDistrict(s.district_id), "district_id", "district", s.district_id.value));
  MUSTER_TRY(RequireAbsent(repo.FindStreetByName(s.name), "name", "a street or town of that name exists"));
  MUSTER_ASSIGN(s.id, repo.InsertStreet(s));
  return s;
}

Result<domain::Community> RegistryRules::AddCommunity(store::Transaction& tx, domain::Community c) const {
  RegistryRepo repo(tx);
  MUSTER_ASSIGN(c.name, NormalizeName(c.name));
  MUSTER_TRY(Require(repo.FindStreet(c.street_id), "street_id", "street", c.street_id.value));
  MUSTER_TRY(RequireAbsent(repo.FindCommunityByName(c.street_id, c.name), "name",
                           "the street already has a community of that name"));
  MUSTER_ASSIGN(c.id, repo.InsertCommunity(c));
  return c;
}

Result<domain::Site> RegistryRules::AddSite(store::Transaction& tx, domain::Site s) const {
  RegistryRepo repo(tx);
  MUSTER_ASSIGN(s.name, NormalizeName(s.name));
  MUSTER_ASSIGN(s.kind, NormalizeName(s.kind, "kind"));
  MUSTER_TRY(domain::ValidateCoordinates(s.lat, s.lon));
  MUSTER_TRY(Require(repo.FindCommunity(s.community_id), "community_id", "community",
                     s.community_id.value));
  MUSTER_TRY(RequireAbsent(repo.FindSiteByName(s.community_id, s.name), "name",
                           "the community already has a site of that name"));
  MUSTER_ASSIGN(s.id, repo.InsertSite(s));
  return s;
}

Result<domain::Unit> RegistryRules::AddUnit(store::Transaction& tx, domain::Unit u) const {
  RegistryRepo repo(tx);
  MUSTER_ASSIGN(u.name, NormalizeName(u.name));
  MUSTER_TRY(RequireAbsent(repo.FindUnitByName(u.name), "name", "a unit of that name exists"));
  MUSTER_ASSIGN(u.id, repo.InsertUnit(u));
  return u;
}

Result<domain::Department> RegistryRules::AddDepartment(store::Transaction& tx,
                                                        domain::Department d) const {
  RegistryRepo repo(tx);
  MUSTER_ASSIGN(d.name, NormalizeName(d.name));
  MUSTER_TRY(Require(repo.FindUnit(d.unit_id), "unit_id", "unit", d.unit_id.value));
  MUSTER_TRY(RequireAbsent(repo.FindDepartmentByName(d.unit_id, d.name), "name",
                           "the unit already has a department of that name"));
  MUSTER_ASSIGN(d.id, repo.InsertDepartment(d));
  return d;
}

Result<domain::Branch> RegistryRules::AddBranch(store::Transaction& tx, domain::Branch b) const {
  RegistryRepo repo(tx);
  MUSTER_ASSIGN(b.name, NormalizeName(b.name));
  MUSTER_TRY(Require(repo.FindUnit(b.unit_id), "unit_id", "unit", b.unit_id.value));
  MUSTER_TRY(RequireAbsent(repo.FindBranchByName(b.unit_id, b.name), "name",
                           "the unit already has a branch of that name"));
  MUSTER_ASSIGN(b.id, repo.InsertBranch(b));
  return b;
}

Result<PreparedMember> RegistryRules::PrepareMember(store::Transaction& tx, const MemberInput& in,
                                                    std::optional<MemberId> existing) const {
  RegistryRepo repo(tx);
  PreparedMember out;
  domain::Member& m = out.member;
  if (existing) m.id = *existing;
  MUSTER_ASSIGN(m.name, NormalizeName(in.name));
  MUSTER_ASSIGN(m.phone, NormalizeMobile(in.phone));
  MUSTER_ASSIGN(auto same_phone, repo.FindMemberByPhone(m.phone));
  if (same_phone && same_phone != existing) {
    return Conflict("another member is registered with this phone number", "phone");
  }
  m.unit_id = in.unit_id;
  MUSTER_TRY(Require(repo.FindUnit(in.unit_id), "unit_id", "unit", in.unit_id.value));
  if (in.department_id) {
    MUSTER_ASSIGN(auto d, Require(repo.FindDepartment(*in.department_id), "department_id",
                                  "department", in.department_id->value));
    if (d.unit_id != in.unit_id) return Invalid("department_id", "not a department of the member's unit", "not_of_unit");
    m.department_id = d.id;
  }
  if (in.branch_id) {
    MUSTER_ASSIGN(auto b, Require(repo.FindBranch(*in.branch_id), "branch_id", "branch",
                                  in.branch_id->value));
    if (b.unit_id != in.unit_id) return Invalid("branch_id", "not a branch of the member's unit", "not_of_unit");
    m.branch_id = b.id;
  }
  m.party_member = in.party_member;
  m.birth_date = in.birth_date;
  if (m.birth_date && *m.birth_date > Today()) {
    return Invalid("birth_date", "must not be in the future", "future");
  }
  if (in.id_number && !in.id_number->empty()) {
    MUSTER_ASSIGN(ResidentId id, NormalizeResidentId(*in.id_number, Today()));
    if (m.birth_date && *m.birth_date != id.birth_date) {
      return Invalid("birth_date", "differs from the birth date in the ID number", "id_mismatch");
    }
    m.birth_date = id.birth_date;
    store::SealedIdNumber sealed{keys_.Seal(id.number), keys_.KeyedHash(id.number),
                                 MaskResidentId(id.number)};
    MUSTER_ASSIGN(auto same_id, repo.FindMemberByIdHash(sealed.hash));
    if (same_id && same_id != existing) {
      return Conflict("another member is registered with this ID number", "id_number");
    }
    m.id_number_masked = sealed.masked;
    out.id_number = std::move(sealed);
  }
  MUSTER_ASSIGN(m.skills, domain::NormalizeSkills(in.skills));
  MUSTER_TRY(domain::ValidateCoordinates(in.home_lat, in.home_lon, "home_lat", "home_lon"));
  m.home_lat = in.home_lat;
  m.home_lon = in.home_lon;
  if (in.brought_by) {
    if (existing && *in.brought_by == *existing) {
      return Invalid("brought_by", "a member cannot have brought himself", "self_reference");
    }
    MUSTER_TRY(Require(repo.FindMember(*in.brought_by), "brought_by", "member", in.brought_by->value));
    m.brought_by = in.brought_by;
  }
  return out;
}

Result<domain::Member> RegistryRules::AddMember(store::Transaction& tx, const MemberInput& in) const {
  MUSTER_ASSIGN(PreparedMember p, PrepareMember(tx, in));
  MUSTER_ASSIGN(p.member.id, RegistryRepo(tx).InsertMember(p.member, p.id_number, clock_.Now()));
  return p.member;
}

Status RegistryRules::CheckPairingStart(std::optional<Date> latest_from, Date from) const {
  if (latest_from && from < *latest_from) {
    return Invalid("from", "must not be before the current pairing began (" +
                               FormatDate(*latest_from) + ")", "pairing_history");
  }
  return Ok();
}

Result<bool> RegistryRules::PairStreet(store::Transaction& tx, StreetId street, UnitId unit,
                                       std::optional<Date> from) const {
  RegistryRepo repo(tx);
  MUSTER_ASSIGN(auto s, repo.FindStreet(street));
  if (!s) return NotFound("no street with id " + std::to_string(street.value));
  MUSTER_TRY(Require(repo.FindUnit(unit), "unit_id", "unit", unit.value));
  Date start = from.value_or(Today());
  MUSTER_ASSIGN(auto latest, repo.LatestStreetPairing(street));
  if (latest && !latest->to && latest->unit_id == unit) return false;
  MUSTER_TRY(CheckPairingStart(latest ? std::optional<Date>(latest->from) : std::nullopt, start));
  MUSTER_TRY(repo.ReplaceStreetPairing(street, unit, start));
  return true;
}

Result<bool> RegistryRules::PairCommunity(store::Transaction& tx, CommunityId community,
                                          std::vector<DepartmentId> departments,
                                          std::optional<Date> from) const {
  RegistryRepo repo(tx);
  MUSTER_ASSIGN(auto c, repo.FindCommunity(community));
  if (!c) return NotFound("no community with id " + std::to_string(community.value));
  MUSTER_TRY(domain::ValidateCommunityDepartments(departments));
  for (std::size_t i = 0; i < departments.size(); ++i) {
    MUSTER_TRY(Require(repo.FindDepartment(departments[i]),
                       "department_ids[" + std::to_string(i) + "]", "department",
                       departments[i].value));
  }
  std::sort(departments.begin(), departments.end());
  Date start = from.value_or(Today());
  MUSTER_ASSIGN(auto latest, repo.LatestCommunityPairing(community));
  if (latest && !latest->to && latest->department_ids == departments) return false;
  MUSTER_TRY(CheckPairingStart(latest ? std::optional<Date>(latest->from) : std::nullopt, start));
  MUSTER_TRY(repo.ReplaceCommunityPairing(community, departments, start));
  return true;
}

Result<domain::ModeState> RegistryRules::SetMode(store::Transaction& tx, domain::Mode mode,
                                                 const std::string& reason,
                                                 const std::string& by) const {
  RegistryRepo repo(tx);
  MUSTER_ASSIGN(std::string why, ShortText(reason, "reason", 500));
  MUSTER_ASSIGN(auto current, repo.CurrentMode());
  // Switching to the mode already in force changes nothing (a double click, a retried request).
  if (current.mode == mode && current.since) return current;
  domain::ModeState next{mode, clock_.Now(), why, by};
  MUSTER_TRY(repo.AppendMode(next));
  return next;
}

Result<domain::Activity> RegistryRules::AddActivity(store::Transaction& tx, domain::Activity a) const {
  RegistryRepo repo(tx);
  MUSTER_ASSIGN(a.summary, ShortText(a.summary, "summary", 2000));
  MUSTER_TRY(Require(repo.FindCommunity(a.community_id), "community_id", "community",
                     a.community_id.value));
  MUSTER_ASSIGN(auto dept, Require(repo.FindDepartment(a.department_id), "department_id",
                                   "department", a.department_id.value));
  MUSTER_ASSIGN(auto pairing, repo.CommunityPairingOn(a.community_id, a.date));
  if (!pairing || std::find(pairing->department_ids.begin(), pairing->department_ids.end(),
                            a.department_id) == pairing->department_ids.end()) {
    return Invalid("department_id", "the department was not paired with the community on " +
                                        FormatDate(a.date), "not_paired");
  }
  std::sort(a.member_ids.begin(), a.member_ids.end());
  a.member_ids.erase(std::unique(a.member_ids.begin(), a.member_ids.end()), a.member_ids.end());
  for (std::size_t i = 0; i < a.member_ids.size(); ++i) {
    std::string field = "member_ids[" + std::to_string(i) + "]";
    MUSTER_ASSIGN(auto m, Require(repo.FindMember(a.member_ids[i]), field, "member",
                                  a.member_ids[i].value));
    if (m.unit_id != dept.unit_id) return Invalid(field, "not a member of the department's unit", "not_of_unit");
  }
  MUSTER_ASSIGN(a.id, repo.InsertActivity(a, clock_.Now()));
  return a;
}

// --- Registry: one transaction per use case ---

namespace {

// Returns the object or not_found naming it.
template <typename T, typename IdT>
Result<T> Found(Result<std::optional<T>> r, std::string_view what, IdT id) {
  if (!r.ok()) return std::move(r).error();
  if (!r->has_value()) return NotFound("no " + std::string(what) + " with id " + std::to_string(id.value));
  return std::move(**r);
}

}  // namespace

Result<domain::District> Registry::CreateDistrict(const Actor& a, domain::District d) {
  MUSTER_TRY(Access::WriteDirectory(a, "add districts"));
  return store_.Write([&](store::Transaction& tx) { return rules_.AddDistrict(tx, d); });
}
Result<domain::Street> Registry::CreateStreet(const Actor& a, domain::Street s) {
  MUSTER_TRY(Access::WriteDirectory(a, "add streets"));
  return store_.Write([&](store::Transaction& tx) { return rules_.AddStreet(tx, s); });
}
Result<domain::Community> Registry::CreateCommunity(const Actor& a, domain::Community c) {
  MUSTER_TRY(Access::WriteDirectory(a, "add communities"));
  return store_.Write([&](store::Transaction& tx) { return rules_.AddCommunity(tx, c); });
}
Result<domain::Site> Registry::CreateSite(const Actor& a, domain::Site s) {
  return store_.Write([&](store::Transaction& tx) -> Result<domain::Site> {
    MUSTER_TRY(Access::WriteSite(tx, a, s.community_id));
    return rules_.AddSite(tx, s);
  });
}
Result<domain::Unit> Registry::CreateUnit(const Actor& a, domain::Unit u) {
  MUSTER_TRY(Access::WriteDirectory(a, "add units"));
  return store_.Write([&](store::Transaction& tx) { return rules_.AddUnit(tx, u); });
}
Result<domain::Department> Registry::CreateDepartment(const Actor& a, domain::Department d) {
  MUSTER_TRY(Access::WriteUnitPart(a, d.unit_id, "add departments to other units"));
  return store_.Write([&](store::Transaction& tx) { return rules_.AddDepartment(tx, d); });
}
Result<domain::Branch> Registry::CreateBranch(const Actor& a, domain::Branch b) {
  MUSTER_TRY(Access::WriteUnitPart(a, b.unit_id, "add branches to other units"));
  return store_.Write([&](store::Transaction& tx) { return rules_.AddBranch(tx, b); });
}
Result<domain::Member> Registry::CreateMember(const Actor& a, const MemberInput& in) {
  MUSTER_TRY(Access::WriteMember(a, in.unit_id));
  return store_.Write([&](store::Transaction& tx) { return rules_.AddMember(tx, in); });
}

Status Registry::PairStreet(const Actor& a, StreetId street, UnitId unit, std::optional<Date> from) {
  MUSTER_TRY(Access::WriteDirectory(a, "change pairings"));
  auto r = store_.Write([&](store::Transaction& tx) { return rules_.PairStreet(tx, street, unit, from); });
  if (!r.ok()) return std::move(r).error();
  return Ok();
}

Status Registry::PairCommunity(const Actor& a, CommunityId c, std::vector<DepartmentId> departments,
                               std::optional<Date> from) {
  MUSTER_TRY(Access::WriteDirectory(a, "change pairings"));
  auto r = store_.Write(
      [&](store::Transaction& tx) { return rules_.PairCommunity(tx, c, departments, from); });
  if (!r.ok()) return std::move(r).error();
  return Ok();
}

Result<PairingTable> Registry::PairingsOn(std::optional<Date> date) {
  Date d = date.value_or(rules_.Today());
  return store_.Read([&](store::Transaction& tx) -> Result<PairingTable> {
    RegistryRepo repo(tx);
    PairingTable t{d, {}, {}};
    MUSTER_ASSIGN(t.streets, repo.StreetPairingsOn(d));
    MUSTER_ASSIGN(t.communities, repo.CommunityPairingsOn(d));
    return t;
  });
}

Result<std::optional<Registry::DemoFacts>> Registry::Demo() {
  return store_.Read([](store::Transaction& tx) -> Result<std::optional<DemoFacts>> {
    RegistryRepo repo(tx);
    MUSTER_ASSIGN(auto label, repo.GetMeta("synthetic"));
    if (!label) return std::optional<DemoFacts>();
    DemoFacts facts{*label, std::nullopt, std::nullopt};
    MUSTER_ASSIGN(auto period, repo.GetMeta("demo_period"));  // "YYYY-MM-DD..YYYY-MM-DD"
    if (period && period->size() == 22 && period->substr(10, 2) == "..") {
      auto from = ParseDate(period->substr(0, 10), "from");
      auto to = ParseDate(period->substr(12), "to");
      if (from.ok() && to.ok()) {
        facts.from = *from;
        facts.to = *to;
      }
    }
    return std::optional<DemoFacts>(facts);
  });
}

Result<domain::ModeState> Registry::GetMode() {
  return store_.Read([](store::Transaction& tx) { return RegistryRepo(tx).CurrentMode(); });
}

Result<std::vector<domain::ModeState>> Registry::ModeHistory(int limit) {
  return store_.Read([&](store::Transaction& tx) { return RegistryRepo(tx).ModeHistory(limit); });
}

Result<domain::ModeState> Registry::SetMode(const Actor& a, domain::Mode mode, const std::string& reason) {
  MUSTER_TRY(Access::WriteDirectory(a, "switch the city's mode"));
  return store_.Write([&](store::Transaction& tx) -> Result<domain::ModeState> {
    MUSTER_ASSIGN(domain::ModeState state, rules_.SetMode(tx, mode, reason, a.username));
    // Every live page shows the switch: the event commits with it.
    MUSTER_TRY(PublishEvent(tx, rules_.Now(), "mode_changed",
                            std::string("{\"mode\":\"") + std::string(domain::Name(mode)) + "\"}"));
    return state;
  });
}

Result<domain::Activity> Registry::CreateActivity(const Actor& a, domain::Activity act) {
  return store_.Write([&](store::Transaction& tx) -> Result<domain::Activity> {
    MUSTER_TRY(Access::WriteActivity(tx, a, act.department_id));
    return rules_.AddActivity(tx, act);
  });
}

Result<std::vector<domain::District>> Registry::ListDistricts(store::Page p) {
  return store_.Read([&](store::Transaction& tx) { return RegistryRepo(tx).ListDistricts(p); });
}
Result<std::vector<domain::Street>> Registry::ListStreets(store::Page p, std::optional<DistrictId> d) {
  return store_.Read([&](store::Transaction& tx) { return RegistryRepo(tx).ListStreets(p, d); });
}
Result<std::vector<domain::Community>> Registry::ListCommunities(store::Page p,
                                                                 std::optional<StreetId> s) {
  return store_.Read([&](store::Transaction& tx) { return RegistryRepo(tx).ListCommunities(p, s); });
}
Result<std::vector<domain::Site>> Registry::ListSites(store::Page p, std::optional<CommunityId> c,
                                                      std::optional<StreetId> s) {
  return store_.Read([&](store::Transaction& tx) { return RegistryRepo(tx).ListSites(p, c, s); });
}
Result<std::vector<domain::Unit>> Registry::ListUnits(store::Page p) {
  return store_.Read([&](store::Transaction& tx) { return RegistryRepo(tx).ListUnits(p); });
}
Result<std::vector<domain::Department>> Registry::ListDepartments(store::Page p,
                                                                  std::optional<UnitId> u) {
  return store_.Read([&](store::Transaction& tx) { return RegistryRepo(tx).ListDepartments(p, u); });
}
Result<std::vector<domain::Branch>> Registry::ListBranches(store::Page p, std::optional<UnitId> u) {
  return store_.Read([&](store::Transaction& tx) { return RegistryRepo(tx).ListBranches(p, u); });
}

Result<domain::District> Registry::GetDistrict(DistrictId id) {
  return store_.Read([&](store::Transaction& tx) { return Found(RegistryRepo(tx).FindDistrict(id), "district", id); });
}
Result<domain::Street> Registry::GetStreet(StreetId id) {
  return store_.Read([&](store::Transaction& tx) { return Found(RegistryRepo(tx).FindStreet(id), "street", id); });
}
Result<domain::Community> Registry::GetCommunity(CommunityId id) {
  return store_.Read([&](store::Transaction& tx) { return Found(RegistryRepo(tx).FindCommunity(id), "community", id); });
}
Result<domain::Site> Registry::GetSite(SiteId id) {
  return store_.Read([&](store::Transaction& tx) { return Found(RegistryRepo(tx).FindSite(id), "site", id); });
}
Result<domain::Unit> Registry::GetUnit(UnitId id) {
  return store_.Read([&](store::Transaction& tx) { return Found(RegistryRepo(tx).FindUnit(id), "unit", id); });
}
Result<domain::Department> Registry::GetDepartment(DepartmentId id) {
  return store_.Read([&](store::Transaction& tx) { return Found(RegistryRepo(tx).FindDepartment(id), "department", id); });
}
Result<domain::Branch> Registry::GetBranch(BranchId id) {
  return store_.Read([&](store::Transaction& tx) { return Found(RegistryRepo(tx).FindBranch(id), "branch", id); });
}

Result<domain::Member> Registry::GetMember(const Actor& a, MemberId id) {
  return store_.Read([&](store::Transaction& tx) -> Result<domain::Member> {
    MUSTER_TRY(Access::SeeMember(tx, a, id));
    return Found(RegistryRepo(tx).FindMember(id), "member", id);
  });
}

Result<std::vector<domain::Member>> Registry::ListMembers(const Actor& a, store::Page p,
                                                          store::MemberFilter f) {
  store::MemberFilter scoped = Access::ScopeMembers(a, f);
  return store_.Read([&](store::Transaction& tx) { return RegistryRepo(tx).ListMembers(p, scoped); });
}

Result<RevealedMember> Registry::RevealMember(const Actor& a, MemberId id) {
  MUSTER_ASSIGN(auto sealed, store_.Write([&](store::Transaction& tx)
                                              -> Result<std::pair<std::string, std::optional<std::string>>> {
    MUSTER_TRY(Access::RevealMember(tx, a, id));
    RegistryRepo repo(tx);
    MUSTER_ASSIGN(auto m, Found(repo.FindMember(id), "member", id));
    MUSTER_ASSIGN(auto sealed_id, repo.SealedIdNumberOf(id));
    MUSTER_TRY(AppendAudit(tx, a, rules_.Now(), "reveal", "member/" + std::to_string(id.value),
                           "phone and ID number"));
    return std::make_pair(m.phone, sealed_id);
  }));
  RevealedMember out{id, sealed.first, std::nullopt};
  if (sealed.second) {
    MUSTER_ASSIGN(std::string clear, rules_.keys().Open(*sealed.second));
    out.id_number = std::move(clear);
  }
  return out;
}

Result<std::vector<domain::Activity>> Registry::ListActivities(const Actor& a, store::Page p,
                                                               std::optional<CommunityId> c) {
  store::ActivityFilter f = Access::ScopeActivities(a, {.community_id = c});
  return store_.Read([&](store::Transaction& tx) { return RegistryRepo(tx).ListActivities(p, f); });
}

}  // namespace muster::app
