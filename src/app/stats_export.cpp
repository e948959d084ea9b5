// Exports of the statistics: the person-times of a period, one row each, and the figures by
// breakdown; each recorded in the audit log in the transaction that reads it.
#include <cmath>

#include "app/audit.h"
#include "app/stats.h"
#include "app/stats_internal.h"
#include "app/stats_upkeep.h"
#include "base/validate.h"

namespace muster::app {
namespace {

using domain::Language;
using Kind = StatsScope::Kind;

// `n` hundredths as a short decimal that spreadsheets read as a number: 125 -> "1.25",
// 150 -> "1.5", 200 -> "2".
std::string Hundredths(std::int64_t n) {
  std::string out = std::to_string(n / 100);
  const std::int64_t frac = n % 100;
  if (frac != 0) {
    out += '.';
    out += static_cast<char>('0' + frac / 10);
    if (frac % 10 != 0) out += static_cast<char>('0' + frac % 10);
  }
  return out;
}

std::string HoursText(std::int64_t seconds) {
  return Hundredths(std::llround(static_cast<double>(seconds) / 36.0));
}
std::string HalfHoursText(std::int64_t half) { return Hundredths(half * 50); }

// "2022-01-12 08:00:00", in Asia/Shanghai.
std::string LocalTime(std::int64_t unix_seconds) {
  std::string t = FormatRfc3339(FromUnixSeconds(unix_seconds)).substr(0, 19);
  t[10] = ' ';
  return t;
}

// A share to four decimals: 0.875 -> "0.875", 1 -> "1"; empty without one.
std::string Rate(const std::optional<double>& r) {
  if (!r) return "";
  const std::int64_t n = std::llround(*r * 10000);
  std::string frac = std::to_string(10000 + n % 10000).substr(1);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return std::to_string(n / 10000) + (frac.empty() ? "" : "." + frac);
}

// The header labels, by key, in each language.
struct Label {
  const char* key;
  const char* zh;
};
constexpr Label kLabels[] = {
    {"date", "日期"},
    {"unit", "单位"},
    {"branch", "党支部"},
    {"member", "姓名"},
    {"phone", "手机号"},
    {"street", "街道"},
    {"community", "社区"},
    {"site", "站点"},
    {"checked_in_at", "签到时间"},
    {"checked_out_at", "签退时间"},
    {"hours", "时长（小时）"},
    {"record_hours", "志愿服务记录时长（小时）"},
    {"id", "编号"},
    {"units", "单位数"},
    {"branches", "党支部数"},
    {"members", "人数"},
    {"person_times", "人次"},
    {"party_member_person_times", "党员人次"},
    {"streets", "街道数"},
    {"communities", "社区数"},
    {"shifts", "班次数"},
    {"headcount", "需求人数"},
    {"filled", "已落实人数"},
    {"fill_rate", "落实率"},
    {"median_minutes_to_fill", "落实用时中位数（分钟）"},
    {"from", "开始日期"},
    {"to", "结束日期"},
    {"figure", "项目"},
    {"value", "数值"},
    {"sentence", "通报"},
};

std::string L(std::string_view key, Language lang) {
  if (lang == Language::kEn) return std::string(key);
  for (const Label& l : kLabels) {
    if (key == l.key) return l.zh;
  }
  return std::string(key);
}

std::vector<std::string> Header(std::initializer_list<std::string_view> keys, Language lang) {
  std::vector<std::string> out;
  for (std::string_view k : keys) out.push_back(L(k, lang));
  return out;
}

std::string SheetName(std::string_view table, Language lang) {
  if (lang == Language::kEn) return table == "summary" ? "summary" : "by-" + std::string(table);
  if (table == "summary") return "汇总";
  if (table == "unit") return "按单位";
  if (table == "branch") return "按党支部";
  if (table == "street") return "按街道";
  if (table == "community") return "按社区";
  return "按日期";
}

std::string AuditDetail(const StatsPeriod& p, std::size_t rows) {
  return FormatDate(p.from) + ".." + FormatDate(p.to) + ", " + std::to_string(rows) + " rows";
}

// Counts what waits to be counted (an upgraded database), inside a write transaction.
Status CountPending(store::Transaction& tx) {
  MUSTER_ASSIGN(bool pending, stats::Pending(tx));
  return pending ? stats::Rebuild(tx) : Ok();
}

tabular::Sheet SummarySheet(const StatsSummary& s, Language lang) {
  tabular::Sheet sheet;
  sheet.name = SheetName("summary", lang);
  sheet.rows.push_back(Header({"figure", "value"}, lang));
  const AttendanceFigures& f = s.attendance;
  auto add = [&](std::string_view key, std::string value) {
    sheet.rows.push_back({L(key, lang), std::move(value)});
  };
  add("from", FormatDate(s.period.from));
  add("to", FormatDate(s.period.to));
  add("units", std::to_string(f.units));
  add("branches", std::to_string(f.branches));
  add("members", std::to_string(f.members));
  add("person_times", std::to_string(f.person_times));
  add("party_member_person_times", std::to_string(f.party_member_person_times));
  add("hours", HoursText(f.seconds));
  add("record_hours", HalfHoursText(f.record_half_hours));
  add("streets", std::to_string(f.streets));
  add("communities", std::to_string(f.communities));
  if (s.requests) {
    const RequestFigures& r = *s.requests;
    add("shifts", std::to_string(r.shifts));
    add("headcount", std::to_string(r.headcount));
    add("filled", std::to_string(r.filled));
    add("fill_rate", Rate(r.fill_rate()));
    add("median_minutes_to_fill",
        r.median_minutes_to_fill ? std::to_string(*r.median_minutes_to_fill) : "");
  }
  add("sentence", stats::SummarySentenceOf(s, lang));
  return sheet;
}

tabular::Sheet BreakdownSheet(Breakdown by, const std::vector<BreakdownRow>& rows, bool requests,
                              Language lang) {
  tabular::Sheet sheet;
  sheet.name = SheetName(Name(by), lang);
  std::vector<std::string> header;
  if (by == Breakdown::kDay) {
    header = Header({"date"}, lang);
  } else {
    header = Header({"id", Name(by)}, lang);
  }
  for (std::string h :
       Header({"units", "branches", "members", "person_times", "party_member_person_times", "hours",
               "record_hours", "streets", "communities"},
              lang)) {
    header.push_back(std::move(h));
  }
  if (requests) {
    for (std::string h :
         Header({"shifts", "headcount", "filled", "fill_rate", "median_minutes_to_fill"}, lang)) {
      header.push_back(std::move(h));
    }
  }
  sheet.rows.push_back(std::move(header));
  for (const BreakdownRow& row : rows) {
    std::vector<std::string> cells;
    if (by == Breakdown::kDay) {
      cells.push_back(FormatDate(row.date()));
    } else {
      cells.push_back(std::to_string(row.id));
      cells.push_back(row.name);
    }
    const AttendanceFigures& f = row.attendance;
    for (std::int64_t v :
         {f.units, f.branches, f.members, f.person_times, f.party_member_person_times}) {
      cells.push_back(std::to_string(v));
    }
    cells.push_back(HoursText(f.seconds));
    cells.push_back(HalfHoursText(f.record_half_hours));
    cells.push_back(std::to_string(f.streets));
    cells.push_back(std::to_string(f.communities));
    if (requests) {
      const RequestFigures r = row.requests.value_or(RequestFigures());
      cells.push_back(std::to_string(r.shifts));
      cells.push_back(std::to_string(r.headcount));
      cells.push_back(std::to_string(r.filled));
      cells.push_back(Rate(r.fill_rate()));
      cells.push_back(r.median_minutes_to_fill ? std::to_string(*r.median_minutes_to_fill) : "");
    }
    sheet.rows.push_back(std::move(cells));
  }
  return sheet;
}

}  // namespace

Result<tabular::Sheet> Statistics::ExportAttendance(const Actor& a, const StatsPeriod& p,
                                                    Language lang) {
  if (std::chrono::sys_days(p.to) < std::chrono::sys_days(p.from)) {
    return Invalid("to", "must not be before from", "order");
  }
  const StatsScope scope = StatsScope::Of(a);
  const Timestamp now = clock_.Now();
  return store_.Write([&](store::Transaction& tx) -> Result<tabular::Sheet> {
    MUSTER_TRY(CountPending(tx));
    MUSTER_ASSIGN(StatsSummary s, TalliedSummary(tx, scope, p));
    if (s.attendance.person_times > kMaxExportRows) {
      return Invalid("to",
                     "the period holds " + std::to_string(s.attendance.person_times) +
                         " person-times, more than the " + std::to_string(kMaxExportRows) +
                         " one export holds; export a shorter period",
                     "too_many_rows");
    }
    std::string sql =
        "SELECT a.day, u.name, b.name, m.name, m.phone, st.name, c.name, si.name, "
        "a.checked_in_at, a.checked_out_at FROM attendance a JOIN members m ON m.id = "
        "a.member_id JOIN units u ON u.id = a.unit_id LEFT JOIN branches b ON b.id = a.branch_id "
        "JOIN streets st ON st.id = a.street_id JOIN communities c ON c.id = a.community_id JOIN "
        "shifts sh ON sh.id = a.shift_id JOIN sites si ON si.id = sh.site_id WHERE a.day BETWEEN "
        "? AND ?";
    std::vector<store::Value> params = {std::int64_t{DayNumber(p.from)},
                                        std::int64_t{DayNumber(p.to)}};
    switch (scope.kind) {
      case Kind::kCity:
        break;
      case Kind::kUnit:
        sql += " AND a.unit_id = ?";
        break;
      case Kind::kBranch:
        sql += " AND a.branch_id = ?";
        break;
      case Kind::kStreet:
        sql += " AND a.street_id = ?";
        break;
      case Kind::kCommunity:
        sql += " AND a.community_id = ?";
        break;
      case Kind::kMember:
        sql += " AND a.member_id = ?";
        break;
    }
    if (scope.kind != Kind::kCity) params = {params[0], params[1], scope.id};
    sql += " ORDER BY a.day, a.checked_in_at, a.id";
    tabular::Sheet sheet;
    sheet.name = lang == Language::kEn ? "attendance" : "人次明细";
    sheet.rows.push_back(
        Header({"date", "unit", "branch", "member", "phone", "street", "community", "site",
                "checked_in_at", "checked_out_at", "hours", "record_hours"},
               lang));
    MUSTER_TRY(tx.QueryV(sql, params, [&](const store::Row& r) {
      const std::optional<std::int64_t> out = r.OptInt(9);
      const std::int64_t seconds = stats::CountedSeconds(r.Int(8), out ? &*out : nullptr);
      sheet.rows.push_back({FormatDate(DateFromDayNumber(static_cast<int>(r.Int(0)))), r.String(1),
                            r.IsNull(2) ? "" : r.String(2), r.String(3), MaskMobile(r.Text(4)),
                            r.String(5), r.String(6), r.String(7), LocalTime(r.Int(8)),
                            out ? LocalTime(*out) : "", out ? HoursText(seconds) : "",
                            out ? HalfHoursText(domain::RecordHalfHours(seconds)) : ""});
      return Ok();
    }));
    MUSTER_TRY(
        AppendAudit(tx, a, now, "export", "attendance", AuditDetail(p, sheet.rows.size() - 1)));
    return sheet;
  });
}

Result<std::vector<tabular::Sheet>> Statistics::ExportFigures(const Actor& a, const StatsPeriod& p,
                                                              std::string_view table,
                                                              Language lang) {
  std::vector<std::optional<Breakdown>> tables;  // nullopt: the summary
  if (table == "all" || table == "summary") tables.push_back(std::nullopt);
  if (table == "all") {
    for (Breakdown b : {Breakdown::kUnit, Breakdown::kBranch, Breakdown::kStreet,
                        Breakdown::kCommunity, Breakdown::kDay}) {
      tables.push_back(b);
    }
  } else if (table != "summary") {
    auto b = ParseBreakdown(table, "by");
    if (!b.ok()) {
      return Invalid("by", "give summary, unit, branch, street, community or day", "unknown");
    }
    tables.push_back(*b);
  }
  if (std::chrono::sys_days(p.to) < std::chrono::sys_days(p.from)) {
    return Invalid("to", "must not be before from", "order");
  }
  const StatsScope scope = StatsScope::Of(a);
  const Timestamp now = clock_.Now();
  return store_.Write([&](store::Transaction& tx) -> Result<std::vector<tabular::Sheet>> {
    MUSTER_TRY(CountPending(tx));
    std::vector<tabular::Sheet> sheets;
    std::size_t rows = 0;
    for (const std::optional<Breakdown>& t : tables) {
      if (!t) {
        MUSTER_ASSIGN(StatsSummary s, TalliedSummary(tx, scope, p));
        sheets.push_back(SummarySheet(s, lang));
        continue;
      }
      MUSTER_ASSIGN(auto list, TalliedBreakdown(tx, scope, *t, p, {0, 1 << 30}));
      const bool requests = !list.empty()
                                ? list.front().requests.has_value()
                                : (*t == Breakdown::kStreet || *t == Breakdown::kCommunity ||
                                   *t == Breakdown::kDay) &&
                                      scope.kind != Kind::kMember;
      rows += list.size();
      sheets.push_back(BreakdownSheet(*t, list, requests, lang));
    }
    MUSTER_TRY(
        AppendAudit(tx, a, now, "export", "stats/" + std::string(table), AuditDetail(p, rows)));
    return sheets;
  });
}

}  // namespace muster::app
