#include "store/registry_repo.h"

#include <algorithm>

namespace muster::store {
namespace {

using domain::Branch;
using domain::Community;
using domain::CommunityPairing;
using domain::Department;
using domain::District;
using domain::Member;
using domain::Site;
using domain::Street;
using domain::StreetPairing;
using domain::Unit;

std::int64_t Limit(const Page& p) { return std::clamp(p.limit, 1, 500); }

template <typename T>
std::int64_t V(Id<T> id) {
  return id.value;
}
template <typename T>
Value OptId(const std::optional<Id<T>>& id) {
  if (!id) return nullptr;
  return id->value;
}

// Runs a query whose rows map to T with `read`; returns all of them.
template <typename T, typename F>
Result<std::vector<T>> Collect(Transaction& tx, std::string_view sql, std::vector<Value> params,
                               F read) {
  std::vector<T> out;
  MUSTER_TRY(tx.QueryV(sql, params, [&](const Row& r) {
    out.push_back(read(r));
    return Ok();
  }));
  return out;
}

// Runs a query expected to answer at most one row.
template <typename T, typename F>
Result<std::optional<T>> One(Transaction& tx, std::string_view sql, std::vector<Value> params,
                             F read) {
  MUSTER_ASSIGN(std::vector<T> rows, Collect<T>(tx, sql, std::move(params), read));
  if (rows.empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows.front()));
}

template <typename IdT>
Result<std::optional<IdT>> OneId(Transaction& tx, std::string_view sql, std::vector<Value> params) {
  return One<IdT>(tx, sql, std::move(params), [](const Row& r) { return IdT(r.Int(0)); });
}

District ReadDistrict(const Row& r) { return District{DistrictId(r.Int(0)), r.String(1)}; }
Street ReadStreet(const Row& r) {
  return Street{StreetId(r.Int(0)), DistrictId(r.Int(1)), r.String(2),
                *domain::ParseStreetKind(r.Text(3))};
}
Community ReadCommunity(const Row& r) {
  return Community{CommunityId(r.Int(0)), StreetId(r.Int(1)), r.String(2),
                   *domain::ParseCommunityKind(r.Text(3))};
}
Site ReadSite(const Row& r) {
  return Site{SiteId(r.Int(0)), CommunityId(r.Int(1)), r.String(2),           r.String(3),
              r.Double(4),      r.Double(5),           *domain::ParseRisk(r.Text(6))};
}
Unit ReadUnit(const Row& r) {
  return Unit{UnitId(r.Int(0)), r.String(1), *domain::ParseUnitKind(r.Text(2))};
}
Department ReadDepartment(const Row& r) {
  return Department{DepartmentId(r.Int(0)), UnitId(r.Int(1)), r.String(2)};
}
Branch ReadBranch(const Row& r) { return Branch{BranchId(r.Int(0)), UnitId(r.Int(1)), r.String(2)}; }

constexpr std::string_view kSiteColumns = "s.id, s.community_id, s.name, s.kind, s.lat, s.lon, s.risk";
constexpr std::string_view kMemberColumns =
    "id, name, phone, unit_id, department_id, branch_id, party_member, birth_date, "
    "id_number_masked, home_lat, home_lon, brought_by";

Member ReadMember(const Row& r) {
  Member m;
  m.id = MemberId(r.Int(0));
  m.name = r.String(1);
  m.phone = r.String(2);
  m.unit_id = UnitId(r.Int(3));
  if (auto v = r.OptInt(4)) m.department_id = DepartmentId(*v);
  if (auto v = r.OptInt(5)) m.branch_id = BranchId(*v);
  m.party_member = r.Int(6) != 0;
  if (auto v = r.OptInt(7)) m.birth_date = DateFromDayNumber(static_cast<int>(*v));
  if (!r.IsNull(8)) m.id_number_masked = r.String(8);
  m.home_lat = r.OptDouble(9);
  m.home_lon = r.OptDouble(10);
  if (auto v = r.OptInt(11)) m.brought_by = MemberId(*v);
  return m;
}

std::optional<Date> DayBefore(std::optional<std::int64_t> exclusive_end) {
  if (!exclusive_end) return std::nullopt;
  return DateFromDayNumber(static_cast<int>(*exclusive_end - 1));
}

// "in force on day ?" for a table with valid_from/valid_to (exclusive).
constexpr std::string_view kInForce = "valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)";

}  // namespace

Result<DistrictId> RegistryRepo::InsertDistrict(const District& d) {
  MUSTER_ASSIGN(auto id, tx_.InsertReturningId("INSERT INTO districts (name) VALUES (?) RETURNING id",
                                               {d.name}));
  return DistrictId(id);
}

Result<StreetId> RegistryRepo::InsertStreet(const Street& s) {
  MUSTER_ASSIGN(auto id, tx_.InsertReturningId(
                             "INSERT INTO streets (district_id, name, kind) VALUES (?, ?, ?) "
                             "RETURNING id",
                             {V(s.district_id), s.name, std::string(domain::Name(s.kind))}));
  return StreetId(id);
}

Result<CommunityId> RegistryRepo::InsertCommunity(const Community& c) {
  MUSTER_ASSIGN(auto id, tx_.InsertReturningId(
                             "INSERT INTO communities (street_id, name, kind) VALUES (?, ?, ?) "
                             "RETURNING id",
                             {V(c.street_id), c.name, std::string(domain::Name(c.kind))}));
  return CommunityId(id);
}

Result<SiteId> RegistryRepo::InsertSite(const Site& s) {
  MUSTER_ASSIGN(auto id, tx_.InsertReturningId(
                             "INSERT INTO sites (community_id, name, kind, lat, lon, risk) "
                             "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                             {V(s.community_id), s.name, s.kind, s.lat, s.lon,
                              std::string(domain::Name(s.risk))}));
  return SiteId(id);
}

Result<UnitId> RegistryRepo::InsertUnit(const Unit& u) {
  MUSTER_ASSIGN(auto id, tx_.InsertReturningId(
                             "INSERT INTO units (name, kind) VALUES (?, ?) RETURNING id",
                             {u.name, std::string(domain::Name(u.kind))}));
  return UnitId(id);
}

Result<DepartmentId> RegistryRepo::InsertDepartment(const Department& d) {
  MUSTER_ASSIGN(auto id, tx_.InsertReturningId(
                             "INSERT INTO departments (unit_id, name) VALUES (?, ?) RETURNING id",
                             {V(d.unit_id), d.name}));
  return DepartmentId(id);
}

Result<BranchId> RegistryRepo::InsertBranch(const Branch& b) {
  MUSTER_ASSIGN(auto id, tx_.InsertReturningId(
                             "INSERT INTO branches (unit_id, name) VALUES (?, ?) RETURNING id",
                             {V(b.unit_id), b.name}));
  return BranchId(id);
}

Result<MemberId> RegistryRepo::InsertMember(const Member& m,
                                            const std::optional<SealedIdNumber>& id_number,
                                            Timestamp now) {
  std::optional<std::int64_t> birth;
  if (m.birth_date) birth = DayNumber(*m.birth_date);
  MUSTER_ASSIGN(
      auto raw,
      tx_.InsertReturningId(
          "INSERT INTO members (name, phone, unit_id, department_id, branch_id, party_member, "
          "birth_date, id_number_sealed, id_number_hash, id_number_masked, home_lat, home_lon, "
          "brought_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
          {m.name, m.phone, V(m.unit_id), OptId(m.department_id), OptId(m.branch_id),
           std::int64_t{m.party_member ? 1 : 0}, Opt(birth),
           id_number ? Value(id_number->sealed) : Null(), id_number ? Value(id_number->hash) : Null(),
           id_number ? Value(id_number->masked) : Null(), Opt(m.home_lat), Opt(m.home_lon),
           OptId(m.brought_by), UnixSeconds(now)}));
  MemberId id(raw);
  MUSTER_TRY(InsertSkills(id, m.skills));
  return id;
}

Status RegistryRepo::UpdateMember(const Member& m, const std::optional<SealedIdNumber>& id_number) {
  std::optional<std::int64_t> birth;
  if (m.birth_date) birth = DayNumber(*m.birth_date);
  MUSTER_TRY(tx_.Exec(
      "UPDATE members SET name = ?, phone = ?, unit_id = ?, department_id = ?, branch_id = ?, "
      "party_member = ?, birth_date = ?, home_lat = ?, home_lon = ?, brought_by = ? WHERE id = ?",
      {m.name, m.phone, V(m.unit_id), OptId(m.department_id), OptId(m.branch_id),
       std::int64_t{m.party_member ? 1 : 0}, Opt(birth), Opt(m.home_lat), Opt(m.home_lon),
       OptId(m.brought_by), V(m.id)}));
  if (id_number) {
    MUSTER_TRY(tx_.Exec(
        "UPDATE members SET id_number_sealed = ?, id_number_hash = ?, id_number_masked = ? "
        "WHERE id = ?",
        {id_number->sealed, id_number->hash, id_number->masked, V(m.id)}));
  }
  MUSTER_TRY(tx_.Exec("DELETE FROM member_skills WHERE member_id = ?", {V(m.id)}));
  return InsertSkills(m.id, m.skills);
}

Status RegistryRepo::UpdateStreetKind(StreetId id, domain::StreetKind kind) {
  MUSTER_TRY(tx_.Exec("UPDATE streets SET kind = ? WHERE id = ?",
                      {std::string(domain::Name(kind)), V(id)}));
  return Ok();
}

Status RegistryRepo::UpdateCommunityKind(CommunityId id, domain::CommunityKind kind) {
  MUSTER_TRY(tx_.Exec("UPDATE communities SET kind = ? WHERE id = ?",
                      {std::string(domain::Name(kind)), V(id)}));
  return Ok();
}

Status RegistryRepo::UpdateSite(const Site& s) {
  MUSTER_TRY(tx_.Exec("UPDATE sites SET kind = ?, lat = ?, lon = ?, risk = ? WHERE id = ?",
                      {s.kind, s.lat, s.lon, std::string(domain::Name(s.risk)), V(s.id)}));
  return Ok();
}

Status RegistryRepo::UpdateUnitKind(UnitId id, domain::UnitKind kind) {
  MUSTER_TRY(tx_.Exec("UPDATE units SET kind = ? WHERE id = ?",
                      {std::string(domain::Name(kind)), V(id)}));
  return Ok();
}

Status RegistryRepo::InsertSkills(MemberId id, const std::vector<std::string>& skills) {
  for (const std::string& skill : skills) {
    MUSTER_TRY(tx_.Exec("INSERT INTO member_skills (member_id, skill) VALUES (?, ?)", {V(id), skill}));
  }
  return Ok();
}

Result<std::vector<std::string>> RegistryRepo::SkillsOf(MemberId id) {
  return Collect<std::string>(tx_, "SELECT skill FROM member_skills WHERE member_id = ? ORDER BY skill",
                              {V(id)}, [](const Row& r) { return r.String(0); });
}

Result<std::optional<District>> RegistryRepo::FindDistrict(DistrictId id) {
  return One<District>(tx_, "SELECT id, name FROM districts WHERE id = ?", {V(id)}, ReadDistrict);
}
Result<std::optional<Street>> RegistryRepo::FindStreet(StreetId id) {
  return One<Street>(tx_, "SELECT id, district_id, name, kind FROM streets WHERE id = ?", {V(id)},
                     ReadStreet);
}
Result<std::optional<Community>> RegistryRepo::FindCommunity(CommunityId id) {
  return One<Community>(tx_, "SELECT id, street_id, name, kind FROM communities WHERE id = ?",
                        {V(id)}, ReadCommunity);
}
Result<std::optional<Site>> RegistryRepo::FindSite(SiteId id) {
  return One<Site>(tx_, "SELECT " + std::string(kSiteColumns) + " FROM sites s WHERE s.id = ?",
                   {V(id)}, ReadSite);
}
Result<std::optional<Unit>> RegistryRepo::FindUnit(UnitId id) {
  return One<Unit>(tx_, "SELECT id, name, kind FROM units WHERE id = ?", {V(id)}, ReadUnit);
}
Result<std::optional<Department>> RegistryRepo::FindDepartment(DepartmentId id) {
  return One<Department>(tx_, "SELECT id, unit_id, name FROM departments WHERE id = ?", {V(id)},
                         ReadDepartment);
}
Result<std::optional<Branch>> RegistryRepo::FindBranch(BranchId id) {
  return One<Branch>(tx_, "SELECT id, unit_id, name FROM branches WHERE id = ?", {V(id)}, ReadBranch);
}
Result<std::optional<Member>> RegistryRepo::FindMember(MemberId id) {
  MUSTER_ASSIGN(auto m, One<Member>(tx_,
                                    "SELECT " + std::string(kMemberColumns) +
                                        " FROM members WHERE id = ?",
                                    {V(id)}, ReadMember));
  if (m) {
    MUSTER_ASSIGN(m->skills, SkillsOf(m->id));
  }
  return m;
}

Result<std::optional<DistrictId>> RegistryRepo::FindDistrictByName(const std::string& name) {
  return OneId<DistrictId>(tx_, "SELECT id FROM districts WHERE name = ?", {name});
}
Result<std::optional<StreetId>> RegistryRepo::FindStreetByName(const std::string& name) {
  return OneId<StreetId>(tx_, "SELECT id FROM streets WHERE name = ?", {name});
}
Result<std::optional<CommunityId>> RegistryRepo::FindCommunityByName(StreetId street,
                                                                     const std::string& name) {
  return OneId<CommunityId>(tx_, "SELECT id FROM communities WHERE street_id = ? AND name = ?",
                            {V(street), name});
}
Result<std::optional<SiteId>> RegistryRepo::FindSiteByName(CommunityId community,
                                                           const std::string& name) {
  return OneId<SiteId>(tx_, "SELECT id FROM sites WHERE community_id = ? AND name = ?",
                       {V(community), name});
}
Result<std::optional<UnitId>> RegistryRepo::FindUnitByName(const std::string& name) {
  return OneId<UnitId>(tx_, "SELECT id FROM units WHERE name = ?", {name});
}
Result<std::optional<DepartmentId>> RegistryRepo::FindDepartmentByName(UnitId unit,
                                                                       const std::string& name) {
  return OneId<DepartmentId>(tx_, "SELECT id FROM departments WHERE unit_id = ? AND name = ?",
                             {V(unit), name});
}
Result<std::optional<BranchId>> RegistryRepo::FindBranchByName(UnitId unit, const std::string& name) {
  return OneId<BranchId>(tx_, "SELECT id FROM branches WHERE unit_id = ? AND name = ?",
                         {V(unit), name});
}
Result<std::optional<MemberId>> RegistryRepo::FindMemberByPhone(const std::string& phone) {
  return OneId<MemberId>(tx_, "SELECT id FROM members WHERE phone = ?", {phone});
}
Result<std::optional<MemberId>> RegistryRepo::FindMemberByIdHash(const std::string& hash) {
  return OneId<MemberId>(tx_, "SELECT id FROM members WHERE id_number_hash = ?", {hash});
}
namespace {

Result<std::optional<std::string>> NullableText(Transaction& tx, std::string_view sql, MemberId id) {
  MUSTER_ASSIGN(auto row, One<std::optional<std::string>>(
                              tx, sql, {V(id)},
                              [](const Row& r) -> std::optional<std::string> {
                                if (r.IsNull(0)) return std::nullopt;
                                return r.String(0);
                              }));
  if (!row) return std::optional<std::string>();
  return *row;
}

}  // namespace

Result<std::optional<std::string>> RegistryRepo::IdHashOf(MemberId id) {
  return NullableText(tx_, "SELECT id_number_hash FROM members WHERE id = ?", id);
}

Result<std::optional<std::string>> RegistryRepo::SealedIdNumberOf(MemberId id) {
  return NullableText(tx_, "SELECT id_number_sealed FROM members WHERE id = ?", id);
}

Result<std::vector<District>> RegistryRepo::ListDistricts(Page p) {
  return Collect<District>(tx_, "SELECT id, name FROM districts WHERE id > ? ORDER BY id LIMIT ?",
                           {p.after, Limit(p)}, ReadDistrict);
}
Result<std::vector<Street>> RegistryRepo::ListStreets(Page p, std::optional<DistrictId> district) {
  return Collect<Street>(tx_,
                         "SELECT id, district_id, name, kind FROM streets WHERE id > ? "
                         "AND (CAST(? AS BIGINT) IS NULL OR district_id = ?) ORDER BY id LIMIT ?",
                         {p.after, OptId(district), OptId(district), Limit(p)}, ReadStreet);
}
Result<std::vector<Community>> RegistryRepo::ListCommunities(Page p, std::optional<StreetId> street) {
  return Collect<Community>(tx_,
                            "SELECT id, street_id, name, kind FROM communities WHERE id > ? "
                            "AND (CAST(? AS BIGINT) IS NULL OR street_id = ?) ORDER BY id LIMIT ?",
                            {p.after, OptId(street), OptId(street), Limit(p)}, ReadCommunity);
}
Result<std::vector<Site>> RegistryRepo::ListSites(Page p, std::optional<CommunityId> community,
                                                  std::optional<StreetId> street) {
  return Collect<Site>(
      tx_,
      "SELECT " + std::string(kSiteColumns) +
          " FROM sites s JOIN communities c ON c.id = s.community_id WHERE s.id > ? "
          "AND (CAST(? AS BIGINT) IS NULL OR s.community_id = ?) "
          "AND (CAST(? AS BIGINT) IS NULL OR c.street_id = ?) ORDER BY s.id LIMIT ?",
      {p.after, OptId(community), OptId(community), OptId(street), OptId(street), Limit(p)},
      ReadSite);
}
Result<std::vector<Unit>> RegistryRepo::ListUnits(Page p) {
  return Collect<Unit>(tx_, "SELECT id, name, kind FROM units WHERE id > ? ORDER BY id LIMIT ?",
                       {p.after, Limit(p)}, ReadUnit);
}
Result<std::vector<Department>> RegistryRepo::ListDepartments(Page p, std::optional<UnitId> unit) {
  return Collect<Department>(tx_,
                             "SELECT id, unit_id, name FROM departments WHERE id > ? "
                             "AND (CAST(? AS BIGINT) IS NULL OR unit_id = ?) ORDER BY id LIMIT ?",
                             {p.after, OptId(unit), OptId(unit), Limit(p)}, ReadDepartment);
}
Result<std::vector<Branch>> RegistryRepo::ListBranches(Page p, std::optional<UnitId> unit) {
  return Collect<Branch>(tx_,
                         "SELECT id, unit_id, name FROM branches WHERE id > ? "
                         "AND (CAST(? AS BIGINT) IS NULL OR unit_id = ?) ORDER BY id LIMIT ?",
                         {p.after, OptId(unit), OptId(unit), Limit(p)}, ReadBranch);
}

Result<std::vector<Member>> RegistryRepo::ListMembers(Page p, const MemberFilter& f) {
  if (f.none) return std::vector<Member>();
  MUSTER_ASSIGN(
      auto members,
      Collect<Member>(tx_,
                      "SELECT " + std::string(kMemberColumns) +
                          " FROM members WHERE id > ? "
                          "AND (CAST(? AS BIGINT) IS NULL OR unit_id = ?) "
                          "AND (CAST(? AS BIGINT) IS NULL OR branch_id = ?) "
                          "AND (CAST(? AS BIGINT) IS NULL OR department_id = ?) "
                          "AND (CAST(? AS BIGINT) IS NULL OR id = ?) ORDER BY id LIMIT ?",
                      {p.after, OptId(f.unit_id), OptId(f.unit_id), OptId(f.branch_id),
                       OptId(f.branch_id), OptId(f.department_id), OptId(f.department_id),
                       OptId(f.member_id), OptId(f.member_id), Limit(p)},
                      ReadMember));
  for (Member& m : members) {
    MUSTER_ASSIGN(m.skills, SkillsOf(m.id));
  }
  return members;
}

Result<std::optional<StreetPairing>> RegistryRepo::StreetPairingOn(StreetId street, Date d) {
  std::int64_t day = DayNumber(d);
  return One<StreetPairing>(
      tx_,
      "SELECT street_id, unit_id, valid_from, valid_to FROM street_pairings WHERE street_id = ? AND " +
          std::string(kInForce),
      {V(street), day, day}, [](const Row& r) {
        return StreetPairing{StreetId(r.Int(0)), UnitId(r.Int(1)),
                             DateFromDayNumber(static_cast<int>(r.Int(2))), DayBefore(r.OptInt(3))};
      });
}

Result<std::vector<StreetPairing>> RegistryRepo::StreetPairingsOn(Date d) {
  std::int64_t day = DayNumber(d);
  return Collect<StreetPairing>(
      tx_,
      "SELECT street_id, unit_id, valid_from, valid_to FROM street_pairings WHERE " +
          std::string(kInForce) + " ORDER BY street_id",
      {day, day}, [](const Row& r) {
        return StreetPairing{StreetId(r.Int(0)), UnitId(r.Int(1)),
                             DateFromDayNumber(static_cast<int>(r.Int(2))), DayBefore(r.OptInt(3))};
      });
}

Result<std::optional<StreetPairing>> RegistryRepo::LatestStreetPairing(StreetId street) {
  return One<StreetPairing>(
      tx_,
      "SELECT street_id, unit_id, valid_from, valid_to FROM street_pairings WHERE street_id = ? "
      "ORDER BY valid_from DESC LIMIT 1",
      {V(street)}, [](const Row& r) {
        return StreetPairing{StreetId(r.Int(0)), UnitId(r.Int(1)),
                             DateFromDayNumber(static_cast<int>(r.Int(2))), DayBefore(r.OptInt(3))};
      });
}

namespace {

// Groups community pairing rows (community, department, from, to), ordered by community and
// from, into pairings.
Result<std::vector<CommunityPairing>> GroupCommunityPairings(Transaction& tx, std::string_view sql,
                                                             std::vector<Value> params) {
  std::vector<CommunityPairing> out;
  MUSTER_TRY(tx.QueryV(sql, params, [&](const Row& r) {
    CommunityId c(r.Int(0));
    Date from = DateFromDayNumber(static_cast<int>(r.Int(2)));
    if (out.empty() || out.back().community_id != c || out.back().from != from) {
      out.push_back(CommunityPairing{c, {}, from, DayBefore(r.OptInt(3))});
    }
    out.back().department_ids.push_back(DepartmentId(r.Int(1)));
    return Ok();
  }));
  return out;
}

constexpr std::string_view kCommunityPairingColumns =
    "SELECT community_id, department_id, valid_from, valid_to FROM community_pairings ";

}  // namespace

Result<std::optional<CommunityPairing>> RegistryRepo::CommunityPairingOn(CommunityId c, Date d) {
  std::int64_t day = DayNumber(d);
  MUSTER_ASSIGN(auto rows, GroupCommunityPairings(
                               tx_,
                               std::string(kCommunityPairingColumns) + "WHERE community_id = ? AND " +
                                   std::string(kInForce) + " ORDER BY department_id",
                               {V(c), day, day}));
  if (rows.empty()) return std::optional<CommunityPairing>();
  return std::optional<CommunityPairing>(rows.front());
}

Result<std::vector<CommunityPairing>> RegistryRepo::CommunityPairingsOn(Date d) {
  std::int64_t day = DayNumber(d);
  return GroupCommunityPairings(tx_,
                                std::string(kCommunityPairingColumns) + "WHERE " +
                                    std::string(kInForce) +
                                    " ORDER BY community_id, valid_from, department_id",
                                {day, day});
}

Result<std::optional<CommunityPairing>> RegistryRepo::LatestCommunityPairing(CommunityId c) {
  MUSTER_ASSIGN(auto rows, GroupCommunityPairings(
                               tx_,
                               std::string(kCommunityPairingColumns) +
                                   "WHERE community_id = ? AND valid_from = (SELECT MAX(valid_from) "
                                   "FROM community_pairings WHERE community_id = ?) "
                                   "ORDER BY community_id, valid_from, department_id",
                               {V(c), V(c)}));
  if (rows.empty()) return std::optional<CommunityPairing>();
  return std::optional<CommunityPairing>(rows.front());
}

Status RegistryRepo::ReplaceStreetPairing(StreetId street, UnitId unit, Date from) {
  std::int64_t day = DayNumber(from);
  MUSTER_TRY(tx_.Exec("DELETE FROM street_pairings WHERE street_id = ? AND valid_from = ?",
                      {V(street), day}));
  MUSTER_TRY(tx_.Exec(
      "UPDATE street_pairings SET valid_to = ? WHERE street_id = ? AND valid_from < ? AND "
      "(valid_to IS NULL OR valid_to > ?)",
      {day, V(street), day, day}));
  MUSTER_TRY(tx_.Exec(
      "INSERT INTO street_pairings (street_id, unit_id, valid_from) VALUES (?, ?, ?)",
      {V(street), V(unit), day}));
  return Ok();
}

Status RegistryRepo::ReplaceCommunityPairing(CommunityId c,
                                             const std::vector<DepartmentId>& departments,
                                             Date from) {
  std::int64_t day = DayNumber(from);
  MUSTER_TRY(tx_.Exec("DELETE FROM community_pairings WHERE community_id = ? AND valid_from = ?",
                      {V(c), day}));
  MUSTER_TRY(tx_.Exec(
      "UPDATE community_pairings SET valid_to = ? WHERE community_id = ? AND valid_from < ? AND "
      "(valid_to IS NULL OR valid_to > ?)",
      {day, V(c), day, day}));
  for (DepartmentId d : departments) {
    MUSTER_TRY(tx_.Exec(
        "INSERT INTO community_pairings (community_id, department_id, valid_from) VALUES (?, ?, ?)",
        {V(c), V(d), day}));
  }
  return Ok();
}

Result<std::vector<StreetId>> RegistryRepo::StreetsPairedWith(UnitId unit, Date d) {
  std::int64_t day = DayNumber(d);
  return Collect<StreetId>(tx_,
                           "SELECT street_id FROM street_pairings WHERE unit_id = ? AND " +
                               std::string(kInForce) + " ORDER BY street_id",
                           {V(unit), day, day}, [](const Row& r) { return StreetId(r.Int(0)); });
}

Result<domain::ModeState> RegistryRepo::CurrentMode() {
  MUSTER_ASSIGN(auto history, ModeHistory(1));
  if (history.empty()) return domain::ModeState{};
  return history.front();
}

Result<std::vector<domain::ModeState>> RegistryRepo::ModeHistory(int limit) {
  return Collect<domain::ModeState>(
      tx_, "SELECT mode, changed_at, reason, changed_by FROM mode_changes ORDER BY id DESC LIMIT ?",
      {std::int64_t{limit}}, [](const Row& r) {
        return domain::ModeState{*domain::ParseMode(r.Text(0)), FromUnixSeconds(r.Int(1)),
                                 r.String(2), r.String(3)};
      });
}

Status RegistryRepo::AppendMode(const domain::ModeState& s) {
  MUSTER_TRY(tx_.Exec(
      "INSERT INTO mode_changes (mode, reason, changed_at, changed_by) VALUES (?, ?, ?, ?)",
      {std::string(domain::Name(s.mode)), s.reason, UnixSeconds(s.since.value_or(Timestamp{})),
       s.changed_by}));
  return Ok();
}

Result<ActivityId> RegistryRepo::InsertActivity(const domain::Activity& a, Timestamp now) {
  MUSTER_ASSIGN(auto raw, tx_.InsertReturningId(
                              "INSERT INTO activities (community_id, department_id, task, day, "
                              "summary, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                              {V(a.community_id), V(a.department_id),
                               std::string(domain::Name(a.task)), std::int64_t{DayNumber(a.date)},
                               a.summary, UnixSeconds(now)}));
  for (MemberId m : a.member_ids) {
    MUSTER_TRY(tx_.Exec("INSERT INTO activity_members (activity_id, member_id) VALUES (?, ?)",
                        {raw, V(m)}));
  }
  return ActivityId(raw);
}

Result<std::vector<domain::Activity>> RegistryRepo::ListActivities(Page p,
                                                                   const ActivityFilter& f) {
  if (f.none) return std::vector<domain::Activity>{};
  MUSTER_ASSIGN(
      auto items,
      Collect<domain::Activity>(
          tx_,
          "SELECT a.id, a.community_id, a.department_id, a.task, a.day, a.summary FROM activities a "
          "WHERE a.id > ? AND (CAST(? AS BIGINT) IS NULL OR a.community_id = ?) "
          "AND (CAST(? AS BIGINT) IS NULL OR a.department_id IN (SELECT id FROM departments "
          "WHERE unit_id = ?)) "
          "AND (CAST(? AS BIGINT) IS NULL OR a.community_id IN (SELECT id FROM communities "
          "WHERE street_id = ?)) "
          "AND (CAST(? AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM activity_members am JOIN "
          "members m ON m.id = am.member_id WHERE am.activity_id = a.id AND m.branch_id = ?)) "
          "AND (CAST(? AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM activity_members am WHERE "
          "am.activity_id = a.id AND am.member_id = ?)) "
          "ORDER BY a.id LIMIT ?",
          {p.after, OptId(f.community_id), OptId(f.community_id), OptId(f.unit_id),
           OptId(f.unit_id), OptId(f.street_id), OptId(f.street_id), OptId(f.branch_id),
           OptId(f.branch_id), OptId(f.member_id), OptId(f.member_id), Limit(p)},
          [](const Row& r) {
                      domain::Activity a;
                      a.id = ActivityId(r.Int(0));
                      a.community_id = CommunityId(r.Int(1));
                      a.department_id = DepartmentId(r.Int(2));
                      a.task = *domain::ParseStandingTask(r.Text(3));
                      a.date = DateFromDayNumber(static_cast<int>(r.Int(4)));
                      a.summary = r.String(5);
                      return a;
                    }));
  for (auto& a : items) {
    MUSTER_ASSIGN(a.member_ids,
                  Collect<MemberId>(tx_,
                                    "SELECT member_id FROM activity_members WHERE activity_id = ? "
                                    "ORDER BY member_id",
                                    {V(a.id)}, [](const Row& r) { return MemberId(r.Int(0)); }));
  }
  return items;
}

Result<std::optional<std::string>> RegistryRepo::GetMeta(const std::string& key) {
  return One<std::string>(tx_, "SELECT value FROM meta WHERE key = ?", {key},
                          [](const Row& r) { return r.String(0); });
}

Status RegistryRepo::SetMeta(const std::string& key, const std::string& value) {
  MUSTER_TRY(tx_.Exec(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      {key, value}));
  return Ok();
}

Result<std::int64_t> RegistryRepo::Count(std::string_view table) {
  static constexpr std::string_view kTables[] = {
      "districts", "streets", "communities", "sites", "units", "departments", "branches",
      "members", "member_skills", "street_pairings", "community_pairings", "mode_changes",
      "activities", "audit_log", "users", "sessions"};
  if (std::find(std::begin(kTables), std::end(kTables), table) == std::end(kTables)) {
    return Internal("unknown table " + std::string(table));
  }
  MUSTER_ASSIGN(auto n, tx_.QueryInt("SELECT COUNT(*) FROM " + std::string(table), {}));
  return n.value_or(0);
}

}  // namespace muster::store
