#include "app/registry_import.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "app/registry_columns.h"
#include "base/validate.h"
#include "store/registry_repo.h"

namespace muster::app {
namespace {

using store::RegistryRepo;

// The error that rolls back an import whose rows were refused.
constexpr std::string_view kRejectedReason = "import_rejected";

// Maps an API field name to the file column it came from ("unit_id" -> "unit").
std::string ColumnOf(const std::string& field) {
  if (field.size() > 3 && field.ends_with("_id")) return field.substr(0, field.size() - 3);
  if (field.starts_with("department_ids")) return "department";
  return field;
}

// Unwraps a row that was just found by its natural key inside the same transaction.
template <typename T>
Result<T> Existing(Result<std::optional<T>> found) {
  if (!found.ok()) return std::move(found).error();
  if (!found->has_value()) return Internal("a row found by its key has vanished");
  return std::move(**found);
}

// Applies the rows of each sheet inside one transaction, collecting refusals in the report.
class Importer {
 public:
  Importer(store::Transaction& tx, const RegistryRules& rules, ImportReport& report,
           std::optional<UnitId> only_unit)
      : tx_(tx), repo_(tx), rules_(rules), report_(report), only_unit_(only_unit) {}

  Status Apply(const BoundSheet& b);

 private:
  using RowFn = Result<Outcome> (Importer::*)(const RowView&);

  Status EachRow(const BoundSheet& b, RowFn fn);
  void Count(Outcome o);
  void Reject(const RowView& r, const Error& e);

  Result<Outcome> RegionRow(const RowView& r);
  Result<Outcome> UnitRow(const RowView& r);
  Result<Outcome> DepartmentRow(const RowView& r);
  Result<Outcome> BranchRow(const RowView& r);
  Result<Outcome> SiteRow(const RowView& r);
  Result<Outcome> MemberRow(const RowView& r);
  Result<Outcome> PairingRow(const RowView& r);
  Status ApplyPairings();

  Result<UnitId> UnitNamed(const RowView& r, std::string_view column);
  Result<StreetId> StreetNamed(const RowView& r, std::string_view column);
  Result<CommunityId> CommunityNamed(const RowView& r, StreetId street);
  Result<std::optional<DepartmentId>> DepartmentNamed(const RowView& r, UnitId unit, bool required);
  Result<std::optional<BranchId>> BranchNamed(const RowView& r, UnitId unit);
  Status FirstInFile(const RowView& r, std::string_view column, const std::string& key);

  store::Transaction& tx_;
  RegistryRepo repo_;
  const RegistryRules& rules_;
  ImportReport& report_;
  std::optional<UnitId> only_unit_;
  std::map<std::string, int> seen_;  // table + natural key -> row that first named it
  bool allow_defer_ = false;
  std::string sheet_name_;

  // Pairings collected from the file before they are applied, so that a street named with two
  // units or a community with three departments is refused on the row that breaks the rule.
  struct StreetPlan {
    UnitId unit;
    std::optional<Date> from;
    int row = 0;
  };
  struct CommunityPlan {
    std::vector<DepartmentId> departments;
    std::vector<int> rows;
    std::optional<Date> from;
  };
  std::map<StreetId, StreetPlan> street_plans_;
  std::map<CommunityId, CommunityPlan> community_plans_;
};

Status Importer::Apply(const BoundSheet& b) {
  sheet_name_ = b.sheet->name;
  report_.tables.push_back(TableCounts{std::string(TableName(b.spec->table)), 0, 0, 0});
  switch (b.spec->table) {
    case RegistryTable::kRegions: return EachRow(b, &Importer::RegionRow);
    case RegistryTable::kUnits: return EachRow(b, &Importer::UnitRow);
    case RegistryTable::kDepartments: return EachRow(b, &Importer::DepartmentRow);
    case RegistryTable::kBranches: return EachRow(b, &Importer::BranchRow);
    case RegistryTable::kSites: return EachRow(b, &Importer::SiteRow);
    case RegistryTable::kMembers: return EachRow(b, &Importer::MemberRow);
    case RegistryTable::kPairings:
      MUSTER_TRY(EachRow(b, &Importer::PairingRow));
      return ApplyPairings();
  }
  return Ok();
}

Status Importer::EachRow(const BoundSheet& b, RowFn fn) {
  std::vector<RowView> pending;
  for (std::size_t i = 1; i < b.sheet->rows.size(); ++i) {
    RowView r{&b, i};
    if (!r.Blank()) pending.push_back(r);
  }
  // Rows may wait for a row further down (a member brought by a member listed later): sweep
  // until a sweep makes no progress, then let the waiting rows fail with their reason.
  allow_defer_ = true;
  for (;;) {
    std::vector<RowView> waiting;
    for (const RowView& r : pending) {
      auto outcome = (this->*fn)(r);
      if (outcome.ok() && *outcome == Outcome::kDeferred) {
        waiting.push_back(r);
      } else if (outcome.ok() && *outcome == Outcome::kPlanned) {
        continue;
      } else if (outcome.ok()) {
        Count(*outcome);
      } else if (outcome.error().code == ErrorCode::kValidationFailed ||
                 outcome.error().code == ErrorCode::kConflict) {
        Reject(r, outcome.error());
      } else {
        return std::move(outcome).error();  // the database failed: the whole import fails
      }
    }
    if (waiting.empty()) return Ok();
    if (waiting.size() == pending.size()) allow_defer_ = false;
    pending = std::move(waiting);
  }
}

void Importer::Count(Outcome o) {
  TableCounts& t = report_.tables.back();
  switch (o) {
    case Outcome::kCreated: ++t.created; break;
    case Outcome::kUpdated: ++t.updated; break;
    case Outcome::kUnchanged: ++t.unchanged; break;
    case Outcome::kDeferred:
    case Outcome::kPlanned: break;
  }
}

void Importer::Reject(const RowView& r, const Error& e) {
  report_.rejected.push_back(
      RejectedRow{r.bound->sheet->name, r.Number(), ColumnOf(e.field), e.message, e.reason});
}

Status Importer::FirstInFile(const RowView& r, std::string_view column, const std::string& key) {
  std::string k = std::string(TableName(r.bound->spec->table)) + '\x1f' + key;
  auto [it, inserted] = seen_.emplace(k, r.Number());
  if (!inserted) {
    return Invalid(std::string(column), "repeats row " + std::to_string(it->second), "duplicate_row");
  }
  return Ok();
}

Result<UnitId> Importer::UnitNamed(const RowView& r, std::string_view column) {
  std::string name(r.Get(column));
  MUSTER_ASSIGN(auto id, repo_.FindUnitByName(name));
  if (!id) return Invalid(std::string(column), "no unit named " + name, "unknown_reference");
  return *id;
}

Result<StreetId> Importer::StreetNamed(const RowView& r, std::string_view column) {
  std::string name(r.Get(column));
  MUSTER_ASSIGN(auto id, repo_.FindStreetByName(name));
  if (!id) return Invalid(std::string(column), "no street or town named " + name, "unknown_reference");
  return *id;
}

Result<CommunityId> Importer::CommunityNamed(const RowView& r, StreetId street) {
  std::string name(r.Get("community"));
  MUSTER_ASSIGN(auto id, repo_.FindCommunityByName(street, name));
  if (!id) {
    return Invalid("community", "no community named " + name + " in street " +
                                    std::string(r.Get("street")), "unknown_reference");
  }
  return *id;
}

Result<std::optional<DepartmentId>> Importer::DepartmentNamed(const RowView& r, UnitId unit,
                                                              bool required) {
  std::string name(r.Get("department"));
  if (name.empty()) {
    if (required) return Invalid("department", "must not be empty", "required");
    return std::optional<DepartmentId>();
  }
  MUSTER_ASSIGN(auto id, repo_.FindDepartmentByName(unit, name));
  if (!id) {
    return Invalid("department", "no department named " + name + " in unit " +
                                     std::string(r.Get("unit")), "unknown_reference");
  }
  return id;
}

Result<std::optional<BranchId>> Importer::BranchNamed(const RowView& r, UnitId unit) {
  std::string name(r.Get("branch"));
  if (name.empty()) return std::optional<BranchId>();
  MUSTER_ASSIGN(auto id, repo_.FindBranchByName(unit, name));
  if (!id) {
    return Invalid("branch", "no branch named " + name + " in unit " + std::string(r.Get("unit")),
                   "unknown_reference");
  }
  return id;
}

Result<Outcome> Importer::RegionRow(const RowView& r) {
  MUSTER_ASSIGN(std::string district_name, NormalizeName(r.Get("district"), "district"));
  bool has_street = !r.Get("street").empty(), has_community = !r.Get("community").empty();
  if (has_community && !has_street) return Invalid("street", "a community needs its street", "required");
  std::string leaf = district_name;
  if (has_street) leaf += '\x1f' + std::string(r.Get("street"));
  if (has_community) leaf += '\x1f' + std::string(r.Get("community"));
  MUSTER_TRY(FirstInFile(r, has_community ? "community" : has_street ? "street" : "district", leaf));
  Outcome outcome = Outcome::kUnchanged;
  MUSTER_ASSIGN(auto district, repo_.FindDistrictByName(district_name));
  if (!district) {
    MUSTER_ASSIGN(auto d, rules_.AddDistrict(tx_, {{}, district_name}));
    district = d.id;
    outcome = Outcome::kCreated;
  }
  if (!has_street) return outcome;
  MUSTER_ASSIGN(auto street_kind, ParseStreetKindCell(r));
  MUSTER_ASSIGN(std::string street_name, NormalizeName(r.Get("street"), "street"));
  MUSTER_ASSIGN(auto street_id, repo_.FindStreetByName(street_name));
  if (street_id) {
    MUSTER_ASSIGN(auto street, Existing(repo_.FindStreet(*street_id)));
    if (street.district_id != *district) {
      return Invalid("street", street_name + " already belongs to another district", "street_district");
    }
    if (!has_community && street.kind != street_kind) {
      MUSTER_TRY(repo_.UpdateStreetKind(*street_id, street_kind));
      outcome = Outcome::kUpdated;
    }
  } else {
    MUSTER_ASSIGN(auto s, rules_.AddStreet(tx_, {{}, *district, street_name, street_kind}));
    street_id = s.id;
    outcome = Outcome::kCreated;
  }
  if (!has_community) return outcome;
  MUSTER_ASSIGN(auto community_kind, ParseCommunityKindCell(r));
  MUSTER_ASSIGN(std::string community_name, NormalizeName(r.Get("community"), "community"));
  MUSTER_ASSIGN(auto community_id, repo_.FindCommunityByName(*street_id, community_name));
  if (!community_id) {
    MUSTER_TRY(rules_.AddCommunity(tx_, {{}, *street_id, community_name, community_kind}));
    return Outcome::kCreated;
  }
  MUSTER_ASSIGN(auto community, Existing(repo_.FindCommunity(*community_id)));
  if (community.kind == community_kind) return outcome;
  MUSTER_TRY(repo_.UpdateCommunityKind(*community_id, community_kind));
  return Outcome::kUpdated;
}

Result<Outcome> Importer::UnitRow(const RowView& r) {
  MUSTER_ASSIGN(std::string name, NormalizeName(r.Get("unit"), "unit"));
  MUSTER_TRY(FirstInFile(r, "unit", name));
  MUSTER_ASSIGN(auto kind, ParseUnitKindCell(r));
  MUSTER_ASSIGN(auto id, repo_.FindUnitByName(name));
  if (!id) {
    MUSTER_TRY(rules_.AddUnit(tx_, {{}, name, kind}));
    return Outcome::kCreated;
  }
  MUSTER_ASSIGN(auto unit, Existing(repo_.FindUnit(*id)));
  if (unit.kind == kind) return Outcome::kUnchanged;
  MUSTER_TRY(repo_.UpdateUnitKind(*id, kind));
  return Outcome::kUpdated;
}

Result<Outcome> Importer::DepartmentRow(const RowView& r) {
  MUSTER_ASSIGN(UnitId unit, UnitNamed(r, "unit"));
  MUSTER_ASSIGN(std::string name, NormalizeName(r.Get("department"), "department"));
  MUSTER_TRY(FirstInFile(r, "department", std::to_string(unit.value) + '\x1f' + name));
  MUSTER_ASSIGN(auto id, repo_.FindDepartmentByName(unit, name));
  if (id) return Outcome::kUnchanged;
  MUSTER_TRY(rules_.AddDepartment(tx_, {{}, unit, name}));
  return Outcome::kCreated;
}

Result<Outcome> Importer::BranchRow(const RowView& r) {
  MUSTER_ASSIGN(UnitId unit, UnitNamed(r, "unit"));
  MUSTER_ASSIGN(std::string name, NormalizeName(r.Get("branch"), "branch"));
  MUSTER_TRY(FirstInFile(r, "branch", std::to_string(unit.value) + '\x1f' + name));
  MUSTER_ASSIGN(auto id, repo_.FindBranchByName(unit, name));
  if (id) return Outcome::kUnchanged;
  MUSTER_TRY(rules_.AddBranch(tx_, {{}, unit, name}));
  return Outcome::kCreated;
}

Result<Outcome> Importer::SiteRow(const RowView& r) {
  MUSTER_ASSIGN(StreetId street, StreetNamed(r, "street"));
  MUSTER_ASSIGN(CommunityId community, CommunityNamed(r, street));
  domain::Site site;
  site.community_id = community;
  MUSTER_ASSIGN(site.name, NormalizeName(r.Get("site"), "site"));
  MUSTER_TRY(FirstInFile(r, "site", std::to_string(community.value) + '\x1f' + site.name));
  site.kind = std::string(r.Get("kind"));
  MUSTER_ASSIGN(auto lat, ParseNumberCell(r, "lat"));
  MUSTER_ASSIGN(auto lon, ParseNumberCell(r, "lon"));
  if (!lat || !lon) return Invalid(lat ? "lon" : "lat", "a site needs its coordinates", "required");
  site.lat = *lat;
  site.lon = *lon;
  MUSTER_ASSIGN(site.risk, ParseRiskCell(r));
  MUSTER_ASSIGN(auto id, repo_.FindSiteByName(community, site.name));
  if (!id) {
    MUSTER_TRY(rules_.AddSite(tx_, site));
    return Outcome::kCreated;
  }
  MUSTER_ASSIGN(auto existing, Existing(repo_.FindSite(*id)));
  MUSTER_ASSIGN(site.kind, NormalizeName(site.kind, "kind"));
  MUSTER_TRY(domain::ValidateCoordinates(site.lat, site.lon));
  if (existing.kind == site.kind && existing.lat == site.lat && existing.lon == site.lon &&
      existing.risk == site.risk) {
    return Outcome::kUnchanged;
  }
  site.id = *id;
  MUSTER_TRY(repo_.UpdateSite(site));
  return Outcome::kUpdated;
}

Result<Outcome> Importer::MemberRow(const RowView& r) {
  MemberInput in;
  in.name = std::string(r.Get("name"));
  in.phone = std::string(r.Get("phone"));
  MUSTER_ASSIGN(std::string phone, NormalizeMobile(in.phone));
  MUSTER_ASSIGN(in.unit_id, UnitNamed(r, "unit"));
  if (only_unit_ && in.unit_id != *only_unit_) {
    return Invalid("unit", "you may import members of your own unit only", "out_of_scope");
  }
  MUSTER_ASSIGN(in.department_id, DepartmentNamed(r, in.unit_id, false));
  MUSTER_ASSIGN(in.branch_id, BranchNamed(r, in.unit_id));
  MUSTER_ASSIGN(in.party_member, ParseBoolCell(r, "party_member"));
  MUSTER_ASSIGN(in.birth_date, ParseDateCell(r, "birth_date"));
  if (!r.Get("id_number").empty()) in.id_number = std::string(r.Get("id_number"));
  in.skills = SplitList(r.Get("skills"));
  MUSTER_ASSIGN(in.home_lat, ParseNumberCell(r, "home_lat"));
  MUSTER_ASSIGN(in.home_lon, ParseNumberCell(r, "home_lon"));
  if (!r.Get("brought_by").empty()) {
    MUSTER_ASSIGN(std::string bringer, NormalizeMobile(r.Get("brought_by"), "brought_by"));
    MUSTER_ASSIGN(auto bringer_id, repo_.FindMemberByPhone(bringer));
    if (!bringer_id) {
      if (allow_defer_) return Outcome::kDeferred;
      return Invalid("brought_by", "no member with this phone number", "unknown_reference");
    }
    in.brought_by = bringer_id;
  }
  MUSTER_TRY(FirstInFile(r, "phone", phone));
  MUSTER_ASSIGN(auto existing_id, repo_.FindMemberByPhone(phone));
  MUSTER_ASSIGN(PreparedMember p, rules_.PrepareMember(tx_, in, existing_id));
  if (!existing_id) {
    MUSTER_TRY(repo_.InsertMember(p.member, p.id_number, rules_.Now()));
    return Outcome::kCreated;
  }
  MUSTER_ASSIGN(auto old, Existing(repo_.FindMember(*existing_id)));
  MUSTER_ASSIGN(auto old_hash, repo_.IdHashOf(*existing_id));
  std::optional<std::string> new_hash;
  if (p.id_number) new_hash = p.id_number->hash;
  bool same_id = !p.id_number || new_hash == old_hash;
  if (same_id && SameMember(old, p.member)) return Outcome::kUnchanged;
  MUSTER_TRY(repo_.UpdateMember(p.member, same_id ? std::nullopt : p.id_number));
  return Outcome::kUpdated;
}

Result<Outcome> Importer::PairingRow(const RowView& r) {
  MUSTER_ASSIGN(StreetId street, StreetNamed(r, "street"));
  MUSTER_ASSIGN(UnitId unit, UnitNamed(r, "unit"));
  MUSTER_ASSIGN(auto from, ParseDateCell(r, "from"));
  if (r.Get("community").empty()) {
    if (!r.Get("department").empty()) {
      return Invalid("community", "departments are paired with communities: name the community",
                     "required");
    }
    auto [it, inserted] = street_plans_.emplace(street, StreetPlan{unit, from, r.Number()});
    if (inserted) return Outcome::kPlanned;
    if (it->second.unit != unit) {
      return Invalid("unit", "a street is paired with exactly one unit; row " +
                                 std::to_string(it->second.row) + " pairs it with another",
                     "pairing_units");
    }
    return Invalid("street", "repeats row " + std::to_string(it->second.row), "duplicate_row");
  }
  MUSTER_ASSIGN(CommunityId c, CommunityNamed(r, street));
  MUSTER_ASSIGN(auto dept, DepartmentNamed(r, unit, true));
  CommunityPlan& plan = community_plans_[c];
  auto at = std::find(plan.departments.begin(), plan.departments.end(), *dept);
  if (at != plan.departments.end()) {
    return Invalid("department", "repeats row " + std::to_string(plan.rows[at - plan.departments.begin()]),
                   "duplicate_row");
  }
  if (plan.departments.size() == 2) {
    return Invalid("department", "a community is paired with one or two departments; rows " +
                                     std::to_string(plan.rows[0]) + " and " +
                                     std::to_string(plan.rows[1]) + " already pair it with two",
                   "pairing_departments");
  }
  if (!plan.rows.empty() && plan.from != from) {
    return Invalid("from", "differs from row " + std::to_string(plan.rows[0]) +
                               " for the same community",
                   "inconsistent");
  }
  plan.departments.push_back(*dept);
  plan.rows.push_back(r.Number());
  plan.from = from;
  return Outcome::kPlanned;
}

Status Importer::ApplyPairings() {
  auto apply = [&](Result<bool> changed, bool existed, const std::vector<int>& rows) -> Status {
    if (changed.ok()) {
      Count(!*changed ? Outcome::kUnchanged : existed ? Outcome::kUpdated : Outcome::kCreated);
      return Ok();
    }
    const Error& e = changed.error();
    if (e.code != ErrorCode::kValidationFailed && e.code != ErrorCode::kConflict) return e;
    for (int row : rows) report_.rejected.push_back({sheet_name_, row, ColumnOf(e.field), e.message, e.reason});
    return Ok();
  };
  for (const auto& [street, plan] : street_plans_) {
    MUSTER_ASSIGN(auto before, repo_.LatestStreetPairing(street));
    MUSTER_TRY(apply(rules_.PairStreet(tx_, street, plan.unit, plan.from), before.has_value(),
                     {plan.row}));
  }
  for (const auto& [community, plan] : community_plans_) {
    MUSTER_ASSIGN(auto before, repo_.LatestCommunityPairing(community));
    MUSTER_TRY(apply(rules_.PairCommunity(tx_, community, plan.departments, plan.from),
                     before.has_value(), plan.rows));
  }
  return Ok();
}

}  // namespace

int ImportReport::Imported() const {
  int n = 0;
  for (const TableCounts& t : tables) n += t.created + t.updated;
  return n;
}

Result<ImportReport> ImportRegistry(store::Store& store, const RegistryRules& rules,
                                    const std::vector<tabular::Sheet>& sheets,
                                    const ImportOptions& options) {
  MUSTER_ASSIGN(std::vector<BoundSheet> bound, BindSheets(sheets));
  if (options.only_unit) {
    for (const BoundSheet& b : bound) {
      if (b.spec->table != RegistryTable::kMembers) {
        return Error{ErrorCode::kForbidden, "your role may import members only", "file", ""};
      }
    }
  }
  ImportReport report;
  Status s = store.Write([&](store::Transaction& tx) -> Status {
    report = ImportReport{};  // a rerun after contention starts afresh
    Importer importer(tx, rules, report, options.only_unit);
    for (const BoundSheet& b : bound) MUSTER_TRY(importer.Apply(b));
    if (!report.rejected.empty() && !options.valid_rows_only) {
      return Error{ErrorCode::kConflict, "rows were refused", "", std::string(kRejectedReason)};
    }
    return Ok();
  });
  if (!s.ok() && s.error().reason != kRejectedReason) return std::move(s).error();
  report.committed = s.ok();
  return report;
}

}  // namespace muster::app
