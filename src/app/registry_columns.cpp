#include "app/registry_columns.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace muster::app {
namespace {

std::string_view Trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  // The ideographic space (U+3000) often pads cells typed with a Chinese input method.
  while (s.starts_with("\u3000")) s.remove_prefix(3);
  while (s.ends_with("\u3000")) s.remove_suffix(3);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Maps a cell to an enum spelling through a table of accepted words (English and Chinese).
template <typename E>
Result<E> ParseWord(const RowView& r, std::string_view key, E fallback,
                    std::initializer_list<std::pair<std::string_view, E>> words) {
  std::string cell = Lower(r.Get(key));
  if (cell.empty()) return fallback;
  std::string accepted;
  for (const auto& [word, value] : words) {
    if (cell == word) return value;
    accepted += (accepted.empty() ? "" : ", ") + std::string(word);
  }
  return Invalid(std::string(key), "must be one of: " + accepted, "enum");
}

}  // namespace

const std::vector<TableSpec>& RegistryTableSpecs() {
  static const std::vector<TableSpec> kSpecs = {
      {RegistryTable::kRegions, "regions", {"区域", "行政区域"},
       {{"district", {"区", "行政区"}, true}, {"street", {"街道", "街道/镇"}, false},
        {"street_kind", {"街道类型"}, false}, {"community", {"社区", "社区/村"}, false},
        {"community_kind", {"社区类型"}, false}}},
      {RegistryTable::kUnits, "units", {"单位", "市直单位"},
       {{"unit", {"单位", "单位名称"}, true}, {"kind", {"类型", "单位类型"}, false}}},
      {RegistryTable::kDepartments, "departments", {"处室", "部门"},
       {{"unit", {"单位"}, true}, {"department", {"处室", "部门"}, true}}},
      {RegistryTable::kBranches, "branches", {"党支部", "支部"},
       {{"unit", {"单位"}, true}, {"branch", {"党支部", "支部"}, true}}},
      {RegistryTable::kSites, "sites", {"点位", "站点"},
       {{"street", {"街道"}, true}, {"community", {"社区"}, true}, {"site", {"点位", "名称"}, true},
        {"kind", {"类型"}, true}, {"lat", {"纬度", "latitude"}, true},
        {"lon", {"经度", "longitude", "lng"}, true}, {"risk", {"风险", "风险等级"}, false}}},
      {RegistryTable::kMembers, "members", {"成员", "人员", "党员"},
       {{"name", {"姓名"}, true}, {"phone", {"手机", "手机号", "手机号码"}, true},
        {"unit", {"单位"}, true}, {"department", {"处室", "部门"}, false},
        {"branch", {"党支部", "支部"}, false}, {"party_member", {"是否党员", "党员"}, false},
        {"birth_date", {"出生日期"}, false}, {"id_number", {"身份证号", "身份证号码"}, false},
        {"skills", {"技能", "特长"}, false}, {"home_lat", {"住址纬度"}, false},
        {"home_lon", {"住址经度"}, false}, {"brought_by", {"带领人手机", "带领人"}, false}}},
      {RegistryTable::kPairings, "pairings", {"挂点", "挂点联系", "结对"},
       {{"street", {"街道", "街道/镇"}, true}, {"community", {"社区", "社区/村"}, false},
        {"unit", {"单位"}, true}, {"department", {"处室", "部门"}, false},
        {"from", {"起始日期", "开始日期"}, false}}},
  };
  return kSpecs;
}

const TableSpec& SpecOf(RegistryTable t) {
  for (const TableSpec& s : RegistryTableSpecs()) {
    if (s.table == t) return s;
  }
  return RegistryTableSpecs().front();
}

std::optional<RegistryTable> TableForName(std::string_view sheet_name) {
  std::string name = Lower(Trim(sheet_name));
  for (std::string_view ext : {".csv", ".xlsx", ".txt"}) {
    if (name.ends_with(ext)) name.resize(name.size() - ext.size());
  }
  for (const TableSpec& s : RegistryTableSpecs()) {
    if (name == s.name) return s.table;
    if (std::find(s.aliases.begin(), s.aliases.end(), name) != s.aliases.end()) return s.table;
  }
  return std::nullopt;
}

std::string_view TableName(RegistryTable t) { return SpecOf(t).name; }

Result<std::vector<BoundSheet>> BindSheets(const std::vector<tabular::Sheet>& sheets) {
  std::vector<BoundSheet> out;
  for (const tabular::Sheet& sheet : sheets) {
    auto table = TableForName(sheet.name);
    if (!table) {
      return BadRequest("sheet " + sheet.name + ": not a registry table (expected one of regions, "
                        "units, departments, branches, sites, members, pairings)", "file");
    }
    BoundSheet b{&SpecOf(*table), &sheet, std::vector<int>(SpecOf(*table).columns.size(), -1)};
    std::size_t width = sheet.rows.empty() ? 0 : sheet.rows[0].size();
    for (std::size_t col = 0; col < width; ++col) {
      std::string header = Lower(Trim(sheet.rows[0][col]));
      if (header.empty()) continue;
      auto& cols = b.spec->columns;
      auto it = std::find_if(cols.begin(), cols.end(), [&](const ColumnSpec& c) {
        return header == c.key || std::find(c.aliases.begin(), c.aliases.end(), header) != c.aliases.end();
      });
      if (it == cols.end()) {
        return BadRequest("sheet " + sheet.name + ": unknown column " + header, "file");
      }
      int& slot = b.column_index[it - cols.begin()];
      if (slot >= 0) return BadRequest("sheet " + sheet.name + ": column " + header + " appears twice", "file");
      slot = static_cast<int>(col);
    }
    for (std::size_t i = 0; i < b.spec->columns.size(); ++i) {
      if (b.spec->columns[i].required && b.column_index[i] < 0) {
        return BadRequest("sheet " + sheet.name + ": missing column " +
                              std::string(b.spec->columns[i].key), "file");
      }
    }
    out.push_back(std::move(b));
  }
  std::stable_sort(out.begin(), out.end(), [](const BoundSheet& a, const BoundSheet& b) {
    return a.spec->table < b.spec->table;
  });
  return out;
}

std::string_view RowView::Get(std::string_view key) const {
  const auto& cols = bound->spec->columns;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (cols[i].key == key) {
      int col = bound->column_index[i];
      return col < 0 ? std::string_view() : Trim(bound->sheet->Cell(index, static_cast<std::size_t>(col)));
    }
  }
  return {};
}

bool RowView::Blank() const {
  const auto& row = bound->sheet->rows[index];
  return std::all_of(row.begin(), row.end(), [](const std::string& c) { return Trim(c).empty(); });
}

Result<bool> ParseBoolCell(const RowView& r, std::string_view key) {
  return ParseWord<bool>(r, key, false,
                         {{"yes", true}, {"no", false}, {"true", true}, {"false", false}, {"1", true},
                          {"0", false}, {"y", true}, {"n", false}, {"是", true}, {"否", false}});
}

Result<std::optional<double>> ParseNumberCell(const RowView& r, std::string_view key) {
  std::string_view cell = r.Get(key);
  if (cell.empty()) return std::optional<double>();
  double v = 0;
  auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (ec != std::errc() || end != cell.data() + cell.size() || !std::isfinite(v)) {
    return Invalid(std::string(key), "not a number", "number_format");
  }
  return std::optional<double>(v);
}

Result<std::optional<Date>> ParseDateCell(const RowView& r, std::string_view key) {
  std::string cell(r.Get(key));
  if (cell.empty()) return std::optional<Date>();
  std::replace(cell.begin(), cell.end(), '/', '-');  // 2022/01/12, as Excel users type
  MUSTER_ASSIGN(Date d, ParseDate(cell, key));
  return std::optional<Date>(d);
}

Result<domain::StreetKind> ParseStreetKindCell(const RowView& r) {
  using K = domain::StreetKind;
  auto fallback = r.Get("street").ends_with("镇") ? K::kTown : K::kStreet;
  return ParseWord<K>(r, "street_kind", fallback,
                      {{"street", K::kStreet}, {"town", K::kTown}, {"街道", K::kStreet}, {"镇", K::kTown}});
}

Result<domain::CommunityKind> ParseCommunityKindCell(const RowView& r) {
  using K = domain::CommunityKind;
  auto fallback = r.Get("community").ends_with("村") ? K::kVillage : K::kCommunity;
  return ParseWord<K>(r, "community_kind", fallback,
                      {{"community", K::kCommunity}, {"village", K::kVillage},
                       {"社区", K::kCommunity}, {"村", K::kVillage}});
}

Result<domain::UnitKind> ParseUnitKindCell(const RowView& r) {
  using K = domain::UnitKind;
  return ParseWord<K>(r, "kind", K::kAgency,
                      {{"agency", K::kAgency}, {"company", K::kCompany}, {"机关", K::kAgency},
                       {"市直单位", K::kAgency}, {"国企", K::kCompany}, {"市属国企", K::kCompany}});
}

Result<domain::Risk> ParseRiskCell(const RowView& r) {
  using K = domain::Risk;
  return ParseWord<K>(r, "risk", K::kNormal,
                      {{"normal", K::kNormal}, {"high", K::kHigh}, {"一般", K::kNormal},
                       {"普通", K::kNormal}, {"高", K::kHigh}, {"高风险", K::kHigh}});
}

std::vector<std::string> SplitList(std::string_view cell) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) out.push_back(std::move(current));
    current.clear();
  };
  for (std::size_t i = 0; i < cell.size();) {
    std::string_view rest = cell.substr(i);
    std::size_t sep = 0;
    for (std::string_view s : {";", ",", "/", " ", "、", "，", "；"}) {
      if (rest.starts_with(s)) sep = s.size();
    }
    if (sep > 0) {
      flush();
      i += sep;
    } else {
      current += cell[i++];
    }
  }
  flush();
  return out;
}

bool SameMember(const domain::Member& a, const domain::Member& b) {
  return a.name == b.name && a.phone == b.phone && a.unit_id == b.unit_id &&
         a.department_id == b.department_id && a.branch_id == b.branch_id &&
         a.party_member == b.party_member && a.birth_date == b.birth_date && a.skills == b.skills &&
         a.home_lat == b.home_lat && a.home_lon == b.home_lon && a.brought_by == b.brought_by;
}

}  // namespace muster::app
