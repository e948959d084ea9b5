#include "app/demo_city.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "app/demo_rng.h"
#include "base/validate.h"

namespace muster::app {
namespace {

using Rng = DemoRng;

const std::vector<std::string> kExtraUnits = {
    "市纪委监委机关", "市委办公厅", "市人大常委会办公厅", "市政府办公厅", "市政协办公厅",
    "市委政法委", "市委统战部", "市委网信办", "市委编办", "市直属机关工委",
    "市委老干部局", "市委党史研究室"};
const std::vector<std::string> kDepartments = {
    "办公室", "人事处", "财务处", "政策法规处", "综合处", "宣传处", "信息中心", "机关党委",
    "规划处", "督查处", "科技处", "安全处", "法制处", "审计处", "后勤服务中心", "研究室"};
const std::vector<std::string> kPlaceWords = {
    "新", "安", "福", "华", "莲", "花", "东", "西", "南", "北", "和", "平", "兴", "盛", "岭",
    "湖", "海", "山", "水", "田", "园", "桥", "景", "翠", "松", "桂", "梅", "竹", "锦", "康"};
const std::vector<std::string> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                            "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"};
const std::vector<std::string> kGiven = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
                                         "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "华", "平",
                                         "刚", "桂英", "建华", "文", "辉", "鹏", "晨", "欣", "宇", "婷"};
const std::vector<std::string> kSiteKinds = {"collection_point", "checkpoint", "service_point"};
const std::vector<std::string> kSiteNames = {"核酸采集点", "卡口", "便民服务点"};
// Shenzhen's district codes, for synthetic ID numbers.
const std::vector<std::string> kAreaCodes = {"440303", "440304", "440305", "440306", "440307",
                                             "440308", "440309", "440310", "440311"};

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.5f", v);
  return buf;
}

// A place name of two or three syllables not yet in `used`.
std::string PlaceName(Rng& rng, std::set<std::string>& used, const std::string& suffix) {
  for (int attempt = 0;; ++attempt) {
    std::string name = rng.Pick(kPlaceWords) + rng.Pick(kPlaceWords);
    if (attempt > 20) name += rng.Pick(kPlaceWords);
    if (used.insert(name + suffix).second) return name + suffix;
  }
}

std::string SyntheticIdNumber(Rng& rng, int serial) {
  char body[18];
  int year = 1962 + rng.Below(40), month = 1 + rng.Below(12), day = 1 + rng.Below(28);
  std::snprintf(body, sizeof body, "%s%04d%02d%02d%03d", rng.Pick(kAreaCodes).c_str(), year, month,
                day, serial % 1000);
  std::string id(body, 17);
  return id + ResidentIdCheckChar(id);
}

struct StreetPlan {
  std::string district, name;
  bool town = false;
  double lat = 0, lon = 0;
  std::vector<std::string> communities;
  std::string unit;
};

}  // namespace

Result<CityFacts> ParseCityFacts(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return BadRequest("the city facts are not a JSON object", "facts");
  CityFacts facts;
  try {
    for (const auto& d : j.at("districts")) {
      CityFacts::District district;
      district.name = d.at("name").get<std::string>();
      district.lat = d.at("center").at(0).get<double>();
      district.lon = d.at("center").at(1).get<double>();
      district.towns = d.contains("towns");
      district.streets = d.at(district.towns ? "towns" : "streets").get<std::vector<std::string>>();
      facts.districts.push_back(std::move(district));
    }
    facts.unit_names = j.at("units_sample").get<std::vector<std::string>>();
    for (const auto& p : j.value("pairings_in_source", nlohmann::json::array())) {
      if (!p.contains("street")) continue;
      facts.pairings.push_back({p.at("unit").get<std::string>(), p.at("street").get<std::string>(),
                                p.value("communities", std::vector<std::string>{})});
    }
  } catch (const nlohmann::json::exception& e) {
    return BadRequest(std::string("the city facts are malformed: ") + e.what(), "facts");
  }
  return facts;
}

std::vector<tabular::Sheet> SynthesizeCity(const CityFacts& facts, const CityShape& shape) {
  Rng rng(shape.seed);
  // Streets, each placed near its district's centre, with its communities.
  std::vector<StreetPlan> streets;
  for (const auto& d : facts.districts) {
    for (const auto& s : d.streets) {
      streets.push_back({d.name, s, d.towns, d.lat + rng.Uniform(-0.04, 0.04),
                         d.lon + rng.Uniform(-0.05, 0.05), {}, {}});
    }
  }
  std::map<std::string, std::size_t> street_index;
  for (std::size_t i = 0; i < streets.size(); ++i) street_index[streets[i].name] = i;
  int placed = 0;
  for (const auto& p : facts.pairings) {
    auto it = street_index.find(p.street);
    if (it == street_index.end()) continue;
    for (const auto& c : p.communities) {
      streets[it->second].communities.push_back(c);
      ++placed;
    }
  }
  std::vector<std::set<std::string>> used(streets.size());
  for (std::size_t i = 0; i < streets.size(); ++i) {
    used[i].insert(streets[i].communities.begin(), streets[i].communities.end());
  }
  for (int n = placed; n < shape.communities; ++n) {
    std::size_t i = static_cast<std::size_t>(n) % streets.size();
    if (n >= static_cast<int>(streets.size())) i = static_cast<std::size_t>(rng.Below(static_cast<int>(streets.size())));
    streets[i].communities.push_back(PlaceName(rng, used[i], streets[i].town ? "村" : "社区"));
  }

  // Units: the sample names, then more of the same kind, up to the shape's count.
  std::vector<std::string> units = facts.unit_names;
  for (const auto& u : kExtraUnits) {
    if (std::find(units.begin(), units.end(), u) == units.end()) units.push_back(u);
  }
  for (int i = static_cast<int>(units.size()); i < shape.units; ++i) {
    units.push_back("市直属单位" + std::to_string(i + 1));
  }
  units.resize(static_cast<std::size_t>(shape.units));

  // Each street gets one unit: the source's pairings first, then the units in turn.
  std::set<std::string> paired_units;
  for (const auto& p : facts.pairings) {
    auto it = street_index.find(p.street);
    if (it != street_index.end() &&
        std::find(units.begin(), units.end(), p.unit) != units.end()) {
      streets[it->second].unit = p.unit;
      paired_units.insert(p.unit);
    }
  }
  std::size_t next_unit = 0;
  for (auto& s : streets) {
    if (!s.unit.empty()) continue;
    while (paired_units.count(units[next_unit % units.size()]) && paired_units.size() < units.size()) {
      ++next_unit;
    }
    s.unit = units[next_unit++ % units.size()];
    paired_units.insert(s.unit);
  }

  tabular::Sheet regions{"regions", {{"district", "street", "street_kind", "community", "community_kind"}}};
  tabular::Sheet sites{"sites", {{"street", "community", "site", "kind", "lat", "lon", "risk"}}};
  for (const auto& s : streets) {
    std::string kind = s.town ? "town" : "street";
    for (const auto& c : s.communities) {
      regions.rows.push_back({s.district, s.name, kind, c, s.town ? "village" : "community"});
      int n_sites = 1 + rng.Below(3);
      for (int k = 0; k < n_sites; ++k) {
        sites.rows.push_back({s.name, c, c + kSiteNames[static_cast<std::size_t>(k)],
                              kSiteKinds[static_cast<std::size_t>(k)],
                              Fixed(s.lat + rng.Uniform(-0.012, 0.012)),
                              Fixed(s.lon + rng.Uniform(-0.012, 0.012)),
                              rng.Chance(0.1) ? "high" : "normal"});
      }
    }
  }

  // Departments and branches per unit; branches spread so that the total is the shape's.
  tabular::Sheet unit_sheet{"units", {{"unit", "kind"}}};
  tabular::Sheet dept_sheet{"departments", {{"unit", "department"}}};
  tabular::Sheet branch_sheet{"branches", {{"unit", "branch"}}};
  std::map<std::string, std::vector<std::string>> depts_of, branches_of;
  for (std::size_t u = 0; u < units.size(); ++u) {
    const std::string& name = units[u];
    bool company = name.find("集团") != std::string::npos || name.find("控股") != std::string::npos;
    unit_sheet.rows.push_back({name, company ? "company" : "agency"});
    int n_depts = 6 + rng.Below(8);
    for (int d = 0; d < n_depts && d < static_cast<int>(kDepartments.size()); ++d) {
      depts_of[name].push_back(kDepartments[static_cast<std::size_t>(d)]);
      dept_sheet.rows.push_back({name, kDepartments[static_cast<std::size_t>(d)]});
    }
    int n_branches = shape.branches / shape.units + (static_cast<int>(u) < shape.branches % shape.units ? 1 : 0);
    for (int b = 0; b < n_branches; ++b) {
      std::string branch = "第" + std::to_string(b + 1) + "党支部";
      branches_of[name].push_back(branch);
      branch_sheet.rows.push_back({name, branch});
    }
  }

  tabular::Sheet pairings{"pairings", {{"street", "community", "unit", "department", "from"}}};
  for (const auto& s : streets) {
    pairings.rows.push_back({s.name, "", s.unit, "", "2021-06-01"});
    const auto& depts = depts_of[s.unit];
    for (const auto& c : s.communities) {
      int first = rng.Below(static_cast<int>(depts.size()));
      pairings.rows.push_back({s.name, c, s.unit, depts[static_cast<std::size_t>(first)], "2021-06-01"});
      if (rng.Chance(0.45)) {
        int second = (first + 1 + rng.Below(static_cast<int>(depts.size()) - 1)) % static_cast<int>(depts.size());
        pairings.rows.push_back({s.name, c, s.unit, depts[static_cast<std::size_t>(second)], "2021-06-01"});
      }
    }
  }

  // Members: party members of the units, and some family members they bring as volunteers.
  tabular::Sheet members{"members", {{"name", "phone", "unit", "department", "branch", "party_member",
                                      "birth_date", "id_number", "skills", "home_lat", "home_lon",
                                      "brought_by"}}};
  std::vector<std::string> last_party_phone(units.size());
  for (int i = 0; i < shape.members; ++i) {
    std::size_t u = static_cast<std::size_t>(rng.Below(static_cast<int>(units.size())));
    const std::string& unit = units[u];
    char phone[16];
    std::snprintf(phone, sizeof phone, "1%d%09d", 3 + (i % 7), (i * 7919 + 1234567) % 1000000000);
    const StreetPlan& home = rng.Pick(streets);
    bool brought = !last_party_phone[u].empty() && rng.Chance(0.08);
    std::string skills;
    if (rng.Chance(0.12)) skills += "medical;";
    if (rng.Chance(0.10)) skills += "driving;";
    if (rng.Chance(0.08)) skills += "data_entry;";
    if (!skills.empty()) skills.pop_back();
    members.rows.push_back(
        {rng.Pick(kSurnames) + rng.Pick(kGiven), phone, unit,
         brought ? "" : rng.Pick(depts_of[unit]), brought ? "" : rng.Pick(branches_of[unit]),
         brought ? "no" : "yes", "", rng.Chance(0.5) ? SyntheticIdNumber(rng, i) : "", skills,
         Fixed(home.lat + rng.Uniform(-0.02, 0.02)), Fixed(home.lon + rng.Uniform(-0.02, 0.02)),
         brought ? last_party_phone[u] : ""});
    if (!brought) last_party_phone[u] = phone;
  }
  return {regions, unit_sheet, dept_sheet, branch_sheet, sites, members, pairings};
}

}  // namespace muster::app
