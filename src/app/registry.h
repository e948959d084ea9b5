#pragma once

#include <optional>
#include <string>
#include <vector>

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

// The registry's use cases, each in its own transaction.
class Registry {
 public:
  Registry(store::Store& store, const crypto::Keyring& keys, const Clock& clock)
      : store_(store), rules_(keys, clock) {}

  Result<domain::District> CreateDistrict(domain::District d);
  Result<domain::Street> CreateStreet(domain::Street s);
  Result<domain::Community> CreateCommunity(domain::Community c);
  Result<domain::Site> CreateSite(domain::Site s);
  Result<domain::Unit> CreateUnit(domain::Unit u);
  Result<domain::Department> CreateDepartment(domain::Department d);
  Result<domain::Branch> CreateBranch(domain::Branch b);
  Result<domain::Member> CreateMember(const MemberInput& in);
  Status PairStreet(StreetId street, UnitId unit, std::optional<Date> from);
  Status PairCommunity(CommunityId c, std::vector<DepartmentId> departments, std::optional<Date> from);
  Result<PairingTable> PairingsOn(std::optional<Date> date);
  Result<domain::ModeState> GetMode();
  Result<domain::ModeState> SetMode(domain::Mode mode, const std::string& reason,
                                    const std::string& by);
  Result<domain::Activity> CreateActivity(domain::Activity a);
  // Returns the clear resident ID number of a member (callers audit the reveal).
  Result<std::optional<std::string>> RevealIdNumber(MemberId id);

  const RegistryRules& rules() const { return rules_; }

 private:
  store::Store& store_;
  RegistryRules rules_;
};

}  // namespace muster::app
