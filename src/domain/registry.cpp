#include "domain/registry.h"

#include <algorithm>
#include <cmath>

namespace muster::domain {
namespace {

template <typename E, std::size_t N>
Result<E> ParseEnum(std::string_view s, std::string_view field,
                    const std::pair<std::string_view, E> (&table)[N]) {
  std::string accepted;
  for (const auto& [name, value] : table) {
    if (s == name) return value;
    accepted += (accepted.empty() ? "" : ", ") + std::string(name);
  }
  return Invalid(std::string(field), "must be one of: " + accepted, "enum");
}

constexpr std::pair<std::string_view, StreetKind> kStreetKinds[] = {
    {"street", StreetKind::kStreet}, {"town", StreetKind::kTown}};
constexpr std::pair<std::string_view, CommunityKind> kCommunityKinds[] = {
    {"community", CommunityKind::kCommunity}, {"village", CommunityKind::kVillage}};
constexpr std::pair<std::string_view, Risk> kRisks[] = {{"normal", Risk::kNormal},
                                                        {"high", Risk::kHigh}};
constexpr std::pair<std::string_view, UnitKind> kUnitKinds[] = {{"agency", UnitKind::kAgency},
                                                                {"company", UnitKind::kCompany}};
constexpr std::pair<std::string_view, Mode> kModes[] = {{"routine", Mode::kRoutine},
                                                        {"emergency", Mode::kEmergency}};
constexpr std::pair<std::string_view, StandingTask> kTasks[] = {
    {"epidemic_prevention", StandingTask::kEpidemicPrevention},
    {"party_building", StandingTask::kPartyBuilding},
    {"visits", StandingTask::kVisits},
    {"joint_building", StandingTask::kJointBuilding},
    {"practical_problems", StandingTask::kPracticalProblems}};

template <typename E, std::size_t N>
std::string_view NameOf(E value, const std::pair<std::string_view, E> (&table)[N]) {
  for (const auto& [name, v] : table) {
    if (v == value) return name;
  }
  return "";
}

}  // namespace

std::string_view Name(StreetKind k) { return NameOf(k, kStreetKinds); }
std::string_view Name(CommunityKind k) { return NameOf(k, kCommunityKinds); }
std::string_view Name(Risk r) { return NameOf(r, kRisks); }
std::string_view Name(UnitKind k) { return NameOf(k, kUnitKinds); }
std::string_view Name(Mode m) { return NameOf(m, kModes); }
std::string_view Name(StandingTask t) { return NameOf(t, kTasks); }

Result<StreetKind> ParseStreetKind(std::string_view s, std::string_view field) {
  return ParseEnum(s, field, kStreetKinds);
}
Result<CommunityKind> ParseCommunityKind(std::string_view s, std::string_view field) {
  return ParseEnum(s, field, kCommunityKinds);
}
Result<Risk> ParseRisk(std::string_view s, std::string_view field) {
  return ParseEnum(s, field, kRisks);
}
Result<UnitKind> ParseUnitKind(std::string_view s, std::string_view field) {
  return ParseEnum(s, field, kUnitKinds);
}
Result<Mode> ParseMode(std::string_view s, std::string_view field) {
  return ParseEnum(s, field, kModes);
}
Result<StandingTask> ParseStandingTask(std::string_view s, std::string_view field) {
  return ParseEnum(s, field, kTasks);
}

Status ValidateCoordinates(std::optional<double> lat, std::optional<double> lon,
                           std::string_view lat_field, std::string_view lon_field) {
  if (lat.has_value() != lon.has_value()) {
    return Invalid(std::string(lat ? lon_field : lat_field),
                   "give both latitude and longitude, or neither", "coordinates_pair");
  }
  if (lat && (!std::isfinite(*lat) || *lat < -90 || *lat > 90)) {
    return Invalid(std::string(lat_field), "latitude must lie between -90 and 90", "coordinates_range");
  }
  if (lon && (!std::isfinite(*lon) || *lon < -180 || *lon > 180)) {
    return Invalid(std::string(lon_field), "longitude must lie between -180 and 180",
                   "coordinates_range");
  }
  return Ok();
}

Result<std::vector<std::string>> NormalizeSkills(const std::vector<std::string>& raw,
                                                 std::string_view field) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    std::string s;
    for (char c : raw[i]) {
      if (c == ' ' || c == '\t') continue;
      s += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    bool ok = !s.empty() && s.size() <= 32 &&
              std::all_of(s.begin(), s.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
              });
    if (!ok) {
      return Invalid(std::string(field) + "[" + std::to_string(i) + "]",
                     "a skill is 1-32 letters, digits, '_' or '-' (like medical, driving)", "skill");
    }
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Status ValidateCommunityDepartments(const std::vector<DepartmentId>& ids, std::string_view field) {
  if (ids.empty() || ids.size() > 2) {
    return Invalid(std::string(field), "a community is paired with one or two departments",
                   "pairing_departments");
  }
  if (ids.size() == 2 && ids[0] == ids[1]) {
    return Invalid(std::string(field), "the two departments must differ", "pairing_departments");
  }
  return Ok();
}

}  // namespace muster::domain
