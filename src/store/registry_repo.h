#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "domain/registry.h"
#include "store/transaction.h"

namespace muster::store {

// A page of a list: items with id greater than `after`, at most `limit` of them, in id order.
struct Page {
  std::int64_t after = 0;
  int limit = 100;
};

// A resident ID number as it rests in the database: sealed (encrypted), its keyed hash for
// uniqueness, and the masked form for listing. The clear number never reaches the store.
struct SealedIdNumber {
  std::string sealed;
  std::string hash;
  std::string masked;
};

// Filters for listing members; unset fields do not filter.
// Which activities a list holds: every field set narrows it.
struct ActivityFilter {
  std::optional<CommunityId> community_id = std::nullopt;
  std::optional<UnitId> unit_id = std::nullopt;      // logged by a department of the unit
  std::optional<StreetId> street_id = std::nullopt;  // in a community of the street
  std::optional<BranchId> branch_id = std::nullopt;  // a member of the branch took part
  std::optional<MemberId> member_id = std::nullopt;  // the member took part
  bool none = false;                                 // matches no activity
};

struct MemberFilter {
  std::optional<UnitId> unit_id = std::nullopt;
  std::optional<BranchId> branch_id = std::nullopt;
  std::optional<DepartmentId> department_id = std::nullopt;
  std::optional<MemberId> member_id = std::nullopt;
  bool none = false;  // matches no member (a role that sees none)
};

// Reads and writes the city registry inside one transaction. Every method requires that the
// referenced rows exist unless it says otherwise; callers validate references first so that a
// missing one is reported against the input field rather than as a constraint failure.
class RegistryRepo {
 public:
  explicit RegistryRepo(Transaction& tx) : tx_(tx) {}

  Result<DistrictId> InsertDistrict(const domain::District& d);
  Result<StreetId> InsertStreet(const domain::Street& s);
  Result<CommunityId> InsertCommunity(const domain::Community& c);
  Result<SiteId> InsertSite(const domain::Site& s);
  Result<UnitId> InsertUnit(const domain::Unit& u);
  Result<DepartmentId> InsertDepartment(const domain::Department& d);
  Result<BranchId> InsertBranch(const domain::Branch& b);
  // Inserts the member with its skills; `id_number` is the sealed form (or none).
  Result<MemberId> InsertMember(const domain::Member& m, const std::optional<SealedIdNumber>& id_number,
                                Timestamp now);
  // Replaces the member's editable fields and skills (not the phone's uniqueness rules).
  Status UpdateMember(const domain::Member& m, const std::optional<SealedIdNumber>& id_number);

  // Replace the mutable fields of an existing row (kinds, coordinates, risk).
  Status UpdateStreetKind(StreetId id, domain::StreetKind kind);
  Status UpdateCommunityKind(CommunityId id, domain::CommunityKind kind);
  Status UpdateSite(const domain::Site& s);
  Status UpdateUnitKind(UnitId id, domain::UnitKind kind);

  Result<std::optional<domain::District>> FindDistrict(DistrictId id);
  Result<std::optional<domain::Street>> FindStreet(StreetId id);
  Result<std::optional<domain::Community>> FindCommunity(CommunityId id);
  Result<std::optional<domain::Site>> FindSite(SiteId id);
  Result<std::optional<domain::Unit>> FindUnit(UnitId id);
  Result<std::optional<domain::Department>> FindDepartment(DepartmentId id);
  Result<std::optional<domain::Branch>> FindBranch(BranchId id);
  Result<std::optional<domain::Member>> FindMember(MemberId id);

  // Natural keys, used by imports to find what already exists.
  Result<std::optional<DistrictId>> FindDistrictByName(const std::string& name);
  Result<std::optional<StreetId>> FindStreetByName(const std::string& name);
  Result<std::optional<CommunityId>> FindCommunityByName(StreetId street, const std::string& name);
  Result<std::optional<SiteId>> FindSiteByName(CommunityId community, const std::string& name);
  Result<std::optional<UnitId>> FindUnitByName(const std::string& name);
  Result<std::optional<DepartmentId>> FindDepartmentByName(UnitId unit, const std::string& name);
  Result<std::optional<BranchId>> FindBranchByName(UnitId unit, const std::string& name);
  Result<std::optional<MemberId>> FindMemberByPhone(const std::string& phone);
  Result<std::optional<MemberId>> FindMemberByIdHash(const std::string& hash);
  // Returns the keyed hash of a member's resident ID number, if recorded.
  Result<std::optional<std::string>> IdHashOf(MemberId id);
  // Returns the sealed resident ID number of a member, if recorded.
  Result<std::optional<std::string>> SealedIdNumberOf(MemberId id);

  Result<std::vector<domain::District>> ListDistricts(Page page);
  Result<std::vector<domain::Street>> ListStreets(Page page, std::optional<DistrictId> district);
  Result<std::vector<domain::Community>> ListCommunities(Page page, std::optional<StreetId> street);
  Result<std::vector<domain::Site>> ListSites(Page page, std::optional<CommunityId> community,
                                              std::optional<StreetId> street);
  Result<std::vector<domain::Unit>> ListUnits(Page page);
  Result<std::vector<domain::Department>> ListDepartments(Page page, std::optional<UnitId> unit);
  Result<std::vector<domain::Branch>> ListBranches(Page page, std::optional<UnitId> unit);
  Result<std::vector<domain::Member>> ListMembers(Page page, const MemberFilter& filter);

  // Pairings. The *On methods answer "who was paired on date d".
  Result<std::optional<domain::StreetPairing>> StreetPairingOn(StreetId street, Date d);
  Result<std::optional<domain::CommunityPairing>> CommunityPairingOn(CommunityId c, Date d);
  Result<std::vector<domain::StreetPairing>> StreetPairingsOn(Date d);
  Result<std::vector<domain::CommunityPairing>> CommunityPairingsOn(Date d);
  // Returns the latest pairing of the street/community (in force or ended), if any.
  Result<std::optional<domain::StreetPairing>> LatestStreetPairing(StreetId street);
  Result<std::optional<domain::CommunityPairing>> LatestCommunityPairing(CommunityId c);
  // Ends the current pairing the day before `from` (or deletes one that starts on `from`) and
  // records the new one from `from`. REQUIRES: from >= the current pairing's start.
  Status ReplaceStreetPairing(StreetId street, UnitId unit, Date from);
  Status ReplaceCommunityPairing(CommunityId c, const std::vector<DepartmentId>& departments,
                                 Date from);
  // Returns the street whose current pairing is with `unit` etc. (for routing and scope).
  Result<std::vector<StreetId>> StreetsPairedWith(UnitId unit, Date d);

  // Mode: the latest switch, and the history newest first.
  Result<domain::ModeState> CurrentMode();
  Result<std::vector<domain::ModeState>> ModeHistory(int limit);
  Status AppendMode(const domain::ModeState& state);

  Result<ActivityId> InsertActivity(const domain::Activity& a, Timestamp now);
  Result<std::vector<domain::Activity>> ListActivities(Page page, const ActivityFilter& f);

  // Reads and writes facts about the database itself (meta table).
  Result<std::optional<std::string>> GetMeta(const std::string& key);
  Status SetMeta(const std::string& key, const std::string& value);

  // Counts rows of a registry table (for imports' reports and tests).
  Result<std::int64_t> Count(std::string_view table);

 private:
  Status InsertSkills(MemberId id, const std::vector<std::string>& skills);
  Result<std::vector<std::string>> SkillsOf(MemberId id);

  Transaction& tx_;
};

}  // namespace muster::store
