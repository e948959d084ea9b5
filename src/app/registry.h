#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/access.h"
#include "base/clock.h"
#include "base/result.h"
#include "crypto/keyring.h"
#include "domain/registry.h"
#include "store/registry_repo.h"
#include "store/store.h"

namespace muster::app {

// A member as typed by a person or read from a file: raw phone and ID number, checked by
// PrepareMember before anything is written.
struct MemberInput {
  std::string name;
  std::string phone;
  UnitId unit_id;
  std::optional<DepartmentId> department_id;
  std::optional<BranchId> branch_id;
  bool party_member = false;
  std::optional<Date> birth_date;
  std::optional<std::string> id_number;
  std::vector<std::string> skills;
  std::optional<double> home_lat;
  std::optional<double> home_lon;
  std::optional<MemberId> brought_by;
};

// A member ready to store: validated, with the ID number sealed.
struct PreparedMember {
  domain::Member member;
  std::optional<store::SealedIdNumber> id_number;
};

// The pairings in force on one day, as a person reads them: street -> unit, community ->
// departments.
struct PairingTable {
  Date date;
  std::vector<domain::StreetPairing> streets;
  std::vector<domain::CommunityPairing> communities;
};

// The registry's rules, shared by the API, the CLI and imports. Each Add*/Set* validates its
// input inside the caller's transaction, reporting a missing reference as validation_failed on
// the field that named it, and writes nothing when it fails.
class RegistryRules {
 public:
  RegistryRules(const crypto::Keyring& keys, const Clock& clock) : keys_(keys), clock_(clock) {}

  Result<domain::District> AddDistrict(store::Transaction& tx, domain::District d) const;
  Result<domain::Street> AddStreet(store::Transaction& tx, domain::Street s) const;
  Result<domain::Community> AddCommunity(store::Transaction& tx, domain::Community c) const;
  Result<domain::Site> AddSite(store::Transaction& tx, domain::Site s) const;
  Result<domain::Unit> AddUnit(store::Transaction& tx, domain::Unit u) const;
  Result<domain::Department> AddDepartment(store::Transaction& tx, domain::Department d) const;
  Result<domain::Branch> AddBranch(store::Transaction& tx, domain::Branch b) const;

  // Validates a member: name, phone (unique), ID number (unique, sealed), unit, department and
  // branch of that unit, skills, home coordinates, the member who brought them. `existing` is the
  // member being updated, whose own phone and ID number do not count as duplicates.
  Result<PreparedMember> PrepareMember(store::Transaction& tx, const MemberInput& in,
                                       std::optional<MemberId> existing = std::nullopt) const;
  Result<domain::Member> AddMember(store::Transaction& tx, const MemberInput& in) const;

  // Pairs a street with `unit` from `from` (default today). Unchanged when already so paired.
  // Returns whether anything changed.
  Result<bool> PairStreet(store::Transaction& tx, StreetId street, UnitId unit,
                          std::optional<Date> from) const;
  // Pairs a community with one or two departments from `from` (default today).
  Result<bool> PairCommunity(store::Transaction& tx, CommunityId community,
                             std::vector<DepartmentId> departments, std::optional<Date> from) const;

  Result<domain::ModeState> SetMode(store::Transaction& tx, domain::Mode mode,
                                    const std::string& reason, const std::string& by) const;

  // Logs routine work: the department must be paired with the community on the activity's date,
  // and the members must belong to the department's unit.
  Result<domain::Activity> AddActivity(store::Transaction& tx, domain::Activity a) const;

  // Returns today's date in Asia/Shanghai by the injected clock.
  Date Today() const { return ShanghaiDate(clock_.Now()); }
  Timestamp Now() const { return clock_.Now(); }

  const crypto::Keyring& keys() const { return keys_; }

 private:
  Status CheckPairingStart(std::optional<Date> latest_from, Date from) const;

  const crypto::Keyring& keys_;
  const Clock& clock_;
};

// Full personal data of one member, for the roles allowed to see it (the reveal is audited).
struct RevealedMember {
  MemberId id;
  std::string phone;
  std::optional<std::string> id_number;
};

// The registry's use cases, each in its own transaction, each authorised by Access for the
// acting user (reads of the directory are open to every signed-in user).
class Registry {
 public:
  Registry(store::Store& store, const crypto::Keyring& keys, const Clock& clock)
      : store_(store), rules_(keys, clock) {}

  Result<domain::District> CreateDistrict(const Actor& a, domain::District d);
  Result<domain::Street> CreateStreet(const Actor& a, domain::Street s);
  Result<domain::Community> CreateCommunity(const Actor& a, domain::Community c);
  Result<domain::Site> CreateSite(const Actor& a, domain::Site s);
  Result<domain::Unit> CreateUnit(const Actor& a, domain::Unit u);
  Result<domain::Department> CreateDepartment(const Actor& a, domain::Department d);
  Result<domain::Branch> CreateBranch(const Actor& a, domain::Branch b);
  // Returns the member as stored: phone and ID number masked for display by the caller.
  Result<domain::Member> CreateMember(const Actor& a, const MemberInput& in);
  Status PairStreet(const Actor& a, StreetId street, UnitId unit, std::optional<Date> from);
  Status PairCommunity(const Actor& a, CommunityId c, std::vector<DepartmentId> departments,
                       std::optional<Date> from);
  Result<PairingTable> PairingsOn(std::optional<Date> date);
  Result<domain::ModeState> GetMode();
  // What a demo city's database says of itself (muster demo): its label, and the period its
  // outbreak was played over; nothing for a real city.
  struct DemoFacts {
    std::string label;
    std::optional<Date> from;
    std::optional<Date> to;
  };
  Result<std::optional<DemoFacts>> Demo();
  Result<domain::ModeState> SetMode(const Actor& a, domain::Mode mode, const std::string& reason);
  Result<std::vector<domain::ModeState>> ModeHistory(int limit);
  Result<domain::Activity> CreateActivity(const Actor& a, domain::Activity act);

  // Reads of the directory.
  Result<std::vector<domain::District>> ListDistricts(store::Page p);
  Result<std::vector<domain::Street>> ListStreets(store::Page p, std::optional<DistrictId> d);
  Result<std::vector<domain::Community>> ListCommunities(store::Page p, std::optional<StreetId> s);
  Result<std::vector<domain::Site>> ListSites(store::Page p, std::optional<CommunityId> c,
                                              std::optional<StreetId> s);
  Result<std::vector<domain::Unit>> ListUnits(store::Page p);
  Result<std::vector<domain::Department>> ListDepartments(store::Page p, std::optional<UnitId> u);
  Result<std::vector<domain::Branch>> ListBranches(store::Page p, std::optional<UnitId> u);
  Result<domain::District> GetDistrict(DistrictId id);
  Result<domain::Street> GetStreet(StreetId id);
  Result<domain::Community> GetCommunity(CommunityId id);
  Result<domain::Site> GetSite(SiteId id);
  Result<domain::Unit> GetUnit(UnitId id);
  Result<domain::Department> GetDepartment(DepartmentId id);
  Result<domain::Branch> GetBranch(BranchId id);

  // Members, within the actor's scope (not_found outside it).
  Result<domain::Member> GetMember(const Actor& a, MemberId id);
  Result<std::vector<domain::Member>> ListMembers(const Actor& a, store::Page p,
                                                  store::MemberFilter f);
  // Returns full phone and ID number, and records the reveal in the audit log.
  Result<RevealedMember> RevealMember(const Actor& a, MemberId id);
  // Activities in the actor's scope (Access::ScopeActivities), in id order after p.after.
  Result<std::vector<domain::Activity>> ListActivities(const Actor& a, store::Page p,
                                                       std::optional<CommunityId> c);

  const RegistryRules& rules() const { return rules_; }
  store::Store& store() { return store_; }

 private:
  store::Store& store_;
  RegistryRules rules_;
};

}  // namespace muster::app
