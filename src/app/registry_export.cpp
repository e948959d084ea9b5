#include <charconv>
#include <map>

#include "app/registry_columns.h"
#include "app/registry_import.h"
#include "base/validate.h"
#include "store/registry_repo.h"

namespace muster::app {
namespace {

using store::Page;
using store::RegistryRepo;

// Reads every row of a paged list.
template <typename T, typename F>
Result<std::vector<T>> All(F list_page) {
  std::vector<T> out;
  for (Page page{0, 500};;) {
    MUSTER_ASSIGN(std::vector<T> items, list_page(page));
    if (items.empty()) return out;
    page.after = items.back().id.value;
    for (T& item : items) out.push_back(std::move(item));
  }
}

tabular::Sheet Header(RegistryTable t) {
  tabular::Sheet sheet;
  sheet.name = std::string(TableName(t));
  std::vector<std::string> header;
  for (const ColumnSpec& c : SpecOf(t).columns) header.emplace_back(c.key);
  sheet.rows.push_back(std::move(header));
  return sheet;
}

// Returns the shortest text that reads back as `v` (22.5431, not 22.543099999999999).
std::string Number(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}
std::string Number(std::optional<double> v) { return v ? Number(*v) : ""; }

// Everything the export needs, read in one snapshot.
struct Snapshot {
  std::vector<domain::District> districts;
  std::vector<domain::Street> streets;
  std::vector<domain::Community> communities;
  std::vector<domain::Site> sites;
  std::vector<domain::Unit> units;
  std::vector<domain::Department> departments;
  std::vector<domain::Branch> branches;
  std::vector<domain::Member> members;
  std::map<std::int64_t, std::string> clear_ids;  // member id -> sealed ID number
  std::vector<domain::StreetPairing> street_pairings;
  std::vector<domain::CommunityPairing> community_pairings;
};

Result<Snapshot> ReadSnapshot(store::Transaction& tx, Date today, bool with_personal_data) {
  RegistryRepo r(tx);
  Snapshot s;
  MUSTER_ASSIGN(s.districts, All<domain::District>([&](Page p) { return r.ListDistricts(p); }));
  MUSTER_ASSIGN(s.streets, All<domain::Street>([&](Page p) { return r.ListStreets(p, {}); }));
  MUSTER_ASSIGN(s.communities, All<domain::Community>([&](Page p) { return r.ListCommunities(p, {}); }));
  MUSTER_ASSIGN(s.sites, All<domain::Site>([&](Page p) { return r.ListSites(p, {}, {}); }));
  MUSTER_ASSIGN(s.units, All<domain::Unit>([&](Page p) { return r.ListUnits(p); }));
  MUSTER_ASSIGN(s.departments, All<domain::Department>([&](Page p) { return r.ListDepartments(p, {}); }));
  MUSTER_ASSIGN(s.branches, All<domain::Branch>([&](Page p) { return r.ListBranches(p, {}); }));
  MUSTER_ASSIGN(s.members, All<domain::Member>([&](Page p) { return r.ListMembers(p, {}); }));
  if (with_personal_data) {
    for (const domain::Member& m : s.members) {
      MUSTER_ASSIGN(auto sealed, r.SealedIdNumberOf(m.id));
      if (sealed) s.clear_ids[m.id.value] = *sealed;
    }
  }
  MUSTER_ASSIGN(s.street_pairings, r.StreetPairingsOn(today));
  MUSTER_ASSIGN(s.community_pairings, r.CommunityPairingsOn(today));
  return s;
}

template <typename T, typename IdT>
const T* Find(const std::vector<T>& items, IdT id) {
  for (const T& item : items) {
    if (item.id == id) return &item;
  }
  return nullptr;
}

}  // namespace

Result<std::vector<tabular::Sheet>> ExportRegistry(store::Store& store, const RegistryRules& rules,
                                                   bool with_personal_data) {
  Date today = rules.Today();
  MUSTER_ASSIGN(Snapshot s, store.Read([&](store::Transaction& tx) {
                  return ReadSnapshot(tx, today, with_personal_data);
                }));
  std::map<std::int64_t, std::string> district_of, street_of, unit_of;
  for (const auto& d : s.districts) district_of[d.id.value] = d.name;
  for (const auto& u : s.units) unit_of[u.id.value] = u.name;
  for (const auto& st : s.streets) street_of[st.id.value] = st.name;

  tabular::Sheet regions = Header(RegistryTable::kRegions);
  std::map<std::int64_t, bool> street_has_community;
  for (const auto& c : s.communities) street_has_community[c.street_id.value] = true;
  for (const auto& d : s.districts) regions.rows.push_back({d.name, "", "", "", ""});
  for (const auto& st : s.streets) {
    regions.rows.push_back({district_of[st.district_id.value], st.name,
                            std::string(domain::Name(st.kind)), "", ""});
  }
  for (const auto& c : s.communities) {
    const domain::Street* st = Find(s.streets, c.street_id);
    regions.rows.push_back({district_of[st->district_id.value], st->name,
                            std::string(domain::Name(st->kind)), c.name,
                            std::string(domain::Name(c.kind))});
  }

  tabular::Sheet units = Header(RegistryTable::kUnits);
  for (const auto& u : s.units) units.rows.push_back({u.name, std::string(domain::Name(u.kind))});
  tabular::Sheet departments = Header(RegistryTable::kDepartments);
  for (const auto& d : s.departments) departments.rows.push_back({unit_of[d.unit_id.value], d.name});
  tabular::Sheet branches = Header(RegistryTable::kBranches);
  for (const auto& b : s.branches) branches.rows.push_back({unit_of[b.unit_id.value], b.name});

  tabular::Sheet sites = Header(RegistryTable::kSites);
  for (const auto& site : s.sites) {
    const domain::Community* c = Find(s.communities, site.community_id);
    sites.rows.push_back({street_of[c->street_id.value], c->name, site.name, site.kind,
                          Number(site.lat), Number(site.lon),
                          std::string(domain::Name(site.risk))});
  }

  tabular::Sheet members = Header(RegistryTable::kMembers);
  auto phone = [&](const std::string& p) { return with_personal_data ? p : MaskMobile(p); };
  for (const auto& m : s.members) {
    const domain::Department* d = m.department_id ? Find(s.departments, *m.department_id) : nullptr;
    const domain::Branch* b = m.branch_id ? Find(s.branches, *m.branch_id) : nullptr;
    const domain::Member* bringer = m.brought_by ? Find(s.members, *m.brought_by) : nullptr;
    std::string skills;
    for (const auto& skill : m.skills) skills += (skills.empty() ? "" : ";") + skill;
    std::string id_number = m.id_number_masked.value_or("");
    if (auto it = s.clear_ids.find(m.id.value); it != s.clear_ids.end()) {
      MUSTER_ASSIGN(id_number, rules.keys().Open(it->second));
    }
    members.rows.push_back({m.name, phone(m.phone), unit_of[m.unit_id.value], d ? d->name : "",
                            b ? b->name : "", m.party_member ? "yes" : "no",
                            m.birth_date ? FormatDate(*m.birth_date) : "", id_number, skills,
                            Number(m.home_lat), Number(m.home_lon),
                            bringer ? phone(bringer->phone) : ""});
  }

  tabular::Sheet pairings = Header(RegistryTable::kPairings);
  for (const auto& p : s.street_pairings) {
    pairings.rows.push_back({street_of[p.street_id.value], "", unit_of[p.unit_id.value], "",
                             FormatDate(p.from)});
  }
  for (const auto& p : s.community_pairings) {
    const domain::Community* c = Find(s.communities, p.community_id);
    for (DepartmentId id : p.department_ids) {
      const domain::Department* d = Find(s.departments, id);
      pairings.rows.push_back({street_of[c->street_id.value], c->name, unit_of[d->unit_id.value],
                               d->name, FormatDate(p.from)});
    }
  }
  return std::vector<tabular::Sheet>{regions, units, departments, branches, sites, members, pairings};
}

}  // namespace muster::app
