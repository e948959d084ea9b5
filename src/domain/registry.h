#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "base/time.h"

namespace muster::domain {

// Regions: district > street (or town) > community (or village) > site.
struct District {
  DistrictId id;
  std::string name;
};

enum class StreetKind { kStreet, kTown };
struct Street {
  StreetId id;
  DistrictId district_id;
  std::string name;
  StreetKind kind = StreetKind::kStreet;
};

enum class CommunityKind { kCommunity, kVillage };
struct Community {
  CommunityId id;
  StreetId street_id;
  std::string name;
  CommunityKind kind = CommunityKind::kCommunity;
};

enum class Risk { kNormal, kHigh };
struct Site {
  SiteId id;
  CommunityId community_id;
  std::string name;
  std::string kind;  // collection_point, checkpoint, service_point, ... (free vocabulary)
  double lat = 0;
  double lon = 0;
  Risk risk = Risk::kNormal;
};

// Organisations: unit (agency or city-owned company) > department; unit > party branch.
enum class UnitKind { kAgency, kCompany };
struct Unit {
  UnitId id;
  std::string name;
  UnitKind kind = UnitKind::kAgency;
};

struct Department {
  DepartmentId id;
  UnitId unit_id;
  std::string name;
};

struct Branch {
  BranchId id;
  UnitId unit_id;
  std::string name;
};

// A person who serves: a party member of a unit, or an ordinary volunteer (often family) linked
// to the member who brought them. Personal data stays inside: phone is the normalised number,
// id_number the clear resident ID (only between validation and sealing; never listed).
struct Member {
  MemberId id;
  std::string name;
  std::string phone;
  UnitId unit_id;
  std::optional<DepartmentId> department_id;
  std::optional<BranchId> branch_id;
  bool party_member = false;
  std::optional<Date> birth_date;
  std::optional<std::string> id_number;         // clear; set only on input
  std::optional<std::string> id_number_masked;  // "110105********002X"
  std::vector<std::string> skills;              // sorted, unique
  std::optional<double> home_lat;
  std::optional<double> home_lon;
  std::optional<MemberId> brought_by;
};

// The paired liaison: a street with exactly one unit, a community with one or two departments,
// each in force from a day (inclusive) until the next pairing starts.
struct StreetPairing {
  StreetId street_id;
  UnitId unit_id;
  Date from;
  std::optional<Date> to;  // last day in force; none while current
};

struct CommunityPairing {
  CommunityId community_id;
  std::vector<DepartmentId> department_ids;  // 1 or 2
  Date from;
  std::optional<Date> to;
};

enum class Mode { kRoutine, kEmergency };
struct ModeState {
  Mode mode = Mode::kRoutine;
  std::optional<Timestamp> since;  // none: never switched
  std::string reason;
  std::string changed_by;
};

// The five standing tasks of a pairing in routine times.
enum class StandingTask {
  kEpidemicPrevention,
  kPartyBuilding,      // grassroots party building and governance
  kVisits,             // visits to serve residents
  kJointBuilding,      // joint building and two-way training
  kPracticalProblems,  // solving practical problems
};

struct Activity {
  ActivityId id;
  CommunityId community_id;
  DepartmentId department_id;
  StandingTask task = StandingTask::kEpidemicPrevention;
  Date date;
  std::vector<MemberId> member_ids;
  std::string summary;
};

// Spellings used by the API, the files and the database.
std::string_view Name(StreetKind k);
std::string_view Name(CommunityKind k);
std::string_view Name(Risk r);
std::string_view Name(UnitKind k);
std::string_view Name(Mode m);
std::string_view Name(StandingTask t);
// Parse the spellings above; errors name `field` and list the accepted values.
Result<StreetKind> ParseStreetKind(std::string_view s, std::string_view field = "kind");
Result<CommunityKind> ParseCommunityKind(std::string_view s, std::string_view field = "kind");
Result<Risk> ParseRisk(std::string_view s, std::string_view field = "risk");
Result<UnitKind> ParseUnitKind(std::string_view s, std::string_view field = "kind");
Result<Mode> ParseMode(std::string_view s, std::string_view field = "mode");
Result<StandingTask> ParseStandingTask(std::string_view s, std::string_view field = "task");

// Checks a latitude/longitude pair: both present or both absent, within range.
Status ValidateCoordinates(std::optional<double> lat, std::optional<double> lon,
                           std::string_view lat_field = "lat", std::string_view lon_field = "lon");

// Normalises and checks a skill list: each 1-32 characters of [a-z0-9_-] after lower-casing
// and trimming; duplicates dropped; sorted.
Result<std::vector<std::string>> NormalizeSkills(const std::vector<std::string>& raw,
                                                 std::string_view field = "skills");

// Checks the shape of a community pairing: one or two distinct departments.
Status ValidateCommunityDepartments(const std::vector<DepartmentId>& ids,
                                    std::string_view field = "department_ids");

}  // namespace muster::domain
