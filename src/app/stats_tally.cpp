// The tallies behind the statistics: blocks of days, encoded id sets, the builder that merges
// counted records into the tables, and the upkeep the workflow calls (stats_upkeep.h).
#include <algorithm>

#include "app/stats_internal.h"
#include "app/stats_upkeep.h"
#include "domain/statistics.h"

namespace muster::app::stats {

// ---- Blocks of days ----

std::vector<BlockRange> Decompose(std::int64_t from, std::int64_t to) {
  std::vector<BlockRange> out;
  for (std::int64_t d = from; d <= to;) {
    int level = 0;
    for (int l = kLevels - 1; l > 0; --l) {
      const std::int64_t size = std::int64_t{1} << kLevelShift[l];
      if ((d & (size - 1)) == 0 && d + size - 1 <= to) {
        level = l;
        break;
      }
    }
    const std::int64_t block = BlockOf(level, d);
    if (!out.empty() && out.back().level == level && out.back().last + 1 == block) {
      out.back().last = block;
    } else {
      out.push_back({level, block, block});
    }
    d += std::int64_t{1} << kLevelShift[level];
  }
  return out;
}

namespace {
constexpr int kBlockBits = 23;
constexpr int kKeyBits = 35;
constexpr std::int64_t kBlockOffset = std::int64_t{1} << (kBlockBits - 1);

std::int64_t Pack(int dim, int level, std::int64_t block, std::int64_t key) {
  return (((static_cast<std::int64_t>(dim) << 2 | level) << kBlockBits | (block + kBlockOffset))
          << kKeyBits) |
         key;
}
}  // namespace

Result<std::int64_t> TallyId(int dim, int level, std::int64_t block, std::int64_t key) {
  if (key < 0 || key > kMaxTallyKey || block < -kBlockOffset || block >= kBlockOffset) {
    return Internal("statistics: id " + std::to_string(key) + " or block " + std::to_string(block) +
                    " beyond what the tallies hold");
  }
  return Pack(dim, level, block, key);
}

std::pair<std::int64_t, std::int64_t> TallyIdRange(int dim, int level, std::int64_t first,
                                                   std::int64_t last) {
  first = std::clamp(first, -kBlockOffset, kBlockOffset - 1);
  last = std::clamp(last, -kBlockOffset, kBlockOffset - 1);
  return {Pack(dim, level, first, 0), Pack(dim, level, last, kMaxTallyKey)};
}

// ---- Encoded id sets ----

void AppendNumber(std::string& out, std::uint64_t v) {
  while (v >= 32) {
    out.push_back(static_cast<char>('0' + 32 + (v & 31)));
    v >>= 5;
  }
  out.push_back(static_cast<char>('0' + v));
}

void AppendSet(std::string& out, const std::vector<std::int64_t>& values) {
  AppendNumber(out, values.size());
  std::uint64_t previous = 0;
  for (std::int64_t v : values) {
    AppendNumber(out, static_cast<std::uint64_t>(v) - previous);
    previous = static_cast<std::uint64_t>(v);
  }
}

std::string EncodeSet(const std::vector<std::int64_t>& values) {
  std::string out;
  AppendSet(out, values);
  return out;
}

void AppendHistogram(std::string& out, const Histogram& h) {
  AppendNumber(out, h.size());
  std::uint64_t previous = 0;
  for (const auto& [minutes, count] : h) {
    AppendNumber(out, static_cast<std::uint64_t>(minutes) - previous);
    AppendNumber(out, static_cast<std::uint64_t>(count));
    previous = static_cast<std::uint64_t>(minutes);
  }
}

namespace {

bool ReadOneHistogram(SetReader& reader, Histogram& out) {
  std::uint64_t n = 0, minutes = 0;
  if (!reader.Number(n)) return false;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::uint64_t delta = 0, count = 0;
    if (!reader.Number(delta) || !reader.Number(count)) return false;
    minutes += delta;
    out.emplace_back(static_cast<std::int64_t>(minutes), static_cast<std::int64_t>(count));
  }
  return true;
}

}  // namespace

bool ReadHistogram(std::string_view text, Histogram& out) {
  SetReader reader(text);
  return ReadOneHistogram(reader, out);
}

bool ReadHistograms(std::string_view text, Histogram& out) {
  SetReader reader(text);
  while (!reader.at_end()) {
    if (!ReadOneHistogram(reader, out)) return false;
  }
  return true;
}

Histogram MergeHistograms(const Histogram& a, const Histogram& b) {
  Histogram out;
  out.reserve(a.size() + b.size());
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].first < b[j].first)) {
      out.push_back(a[i++]);
    } else if (i == a.size() || b[j].first < a[i].first) {
      out.push_back(b[j++]);
    } else {
      out.emplace_back(a[i].first, a[i].second + b[j].second);
      ++i;
      ++j;
    }
  }
  return out;
}

std::vector<std::int64_t> Merge(const std::vector<std::int64_t>& a,
                                const std::vector<std::int64_t>& b, bool multiset) {
  std::vector<std::int64_t> out;
  out.reserve(a.size() + b.size());
  if (multiset) {
    std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  } else {
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  }
  return out;
}

// ---- The builder ----

std::int64_t CountedSeconds(std::int64_t checked_in_at, const std::int64_t* checked_out_at) {
  if (checked_out_at == nullptr) return 0;
  return std::max<std::int64_t>(0, *checked_out_at - checked_in_at);
}

void TallyBuilder::PendingSet::Add(std::int64_t v) {
  values.push_back(v);
  if (values.size() >= 2 * clean + 64) Sorted();
}

const std::vector<std::int64_t>& TallyBuilder::PendingSet::Sorted() {
  if (clean != values.size()) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    clean = values.size();
  }
  return values;
}

void TallyBuilder::AddRecord(const CountedRecord& r, std::int64_t seconds) {
  const std::int64_t half = domain::RecordHalfHours(seconds);
  auto count = [&](Counters& c) {
    c.person_times += 1;
    c.party_person_times += r.party_member ? 1 : 0;
    c.seconds += seconds;
    c.record_half_hours += half;
  };
  const std::pair<int, std::int64_t> keys[] = {{kDimUnit, r.unit},
                                               {kDimBranch, r.branch},
                                               {kDimStreet, r.street},
                                               {kDimCommunity, r.community}};
  for (int level = 0; level < kLevels; ++level) {
    const std::int64_t block = BlockOf(level, r.day);
    for (const auto& [dim, key] : keys) {
      if (key == 0) continue;  // no branch
      TallyDelta& t = tallies_[{dim, level, block, key}];
      count(t.c);
      t.sets_changed = true;
      t.sets[kSetUnits].Add(r.unit);
      if (r.branch != 0) t.sets[kSetBranches].Add(r.branch);
      t.sets[kSetMembers].Add(r.member);
      t.sets[kSetStreets].Add(r.street);
      t.sets[kSetCommunities].Add(r.community);
    }
    CellDelta& cell = cells_[{r.unit, level, block, r.branch, r.community}];
    cell.street = r.street;
    count(cell.c);
    cell.members_changed = true;
    cell.members.Add(r.member);
  }
}

void TallyBuilder::ChangeSeconds(const CountedRecord& r, std::int64_t before, std::int64_t after) {
  const std::int64_t seconds = after - before;
  const std::int64_t half = domain::RecordHalfHours(after) - domain::RecordHalfHours(before);
  if (seconds == 0 && half == 0) return;
  auto add = [&](Counters& c) {
    c.seconds += seconds;
    c.record_half_hours += half;
  };
  const std::pair<int, std::int64_t> keys[] = {{kDimUnit, r.unit},
                                               {kDimBranch, r.branch},
                                               {kDimStreet, r.street},
                                               {kDimCommunity, r.community}};
  for (int level = 0; level < kLevels; ++level) {
    const std::int64_t block = BlockOf(level, r.day);
    for (const auto& [dim, key] : keys) {
      if (key != 0) add(tallies_[{dim, level, block, key}].c);
    }
    CellDelta& cell = cells_[{r.unit, level, block, r.branch, r.community}];
    cell.street = r.street;
    add(cell.c);
  }
}

void TallyBuilder::AddShift(const ClosedShift& s) {
  const std::pair<int, std::int64_t> keys[] = {
      {kDimCity, 0}, {kDimStreet, s.street}, {kDimCommunity, s.community}};
  for (int level = 0; level < kLevels; ++level) {
    for (const auto& [dim, key] : keys) {
      ShiftDelta& d = shifts_[{dim, level, BlockOf(level, s.day), key}];
      d.shifts += 1;
      d.headcount += s.headcount;
      d.filled += std::min(s.confirmed, s.headcount);
      if (s.filled) d.fill_minutes[domain::FillMinutes(s.fill_seconds)] += 1;
    }
  }
}

Status TallyBuilder::Apply(store::Transaction& tx) {
  MUSTER_TRY(ApplyTallies(tx));
  MUSTER_TRY(ApplyCells(tx));
  MUSTER_TRY(ApplyShifts(tx));
  tallies_.clear();
  cells_.clear();
  shifts_.clear();
  return Ok();
}

namespace {

Status Malformed(std::string_view table) {
  return Internal(std::string("statistics: malformed sets in ") + std::string(table));
}

}  // namespace

Status TallyBuilder::ApplyTallies(store::Transaction& tx) {
  for (auto& [k, d] : tallies_) {
    MUSTER_ASSIGN(const std::int64_t id, TallyId(k.dim, k.level, k.block, k.key));
    if (!d.sets_changed) {
      // A change of seconds only: the row exists since its record was counted.
      MUSTER_ASSIGN(std::int64_t changed,
                    tx.Exec("UPDATE stats_tallies SET seconds = seconds + ?, record_half_hours = "
                            "record_half_hours + ? WHERE id = ?",
                            {d.c.seconds, d.c.record_half_hours, id}));
      if (changed != 1) return Internal("statistics: a counted record has no tally");
      continue;
    }
    Counters c = d.c;
    std::array<std::vector<std::int64_t>, kSetKinds> sets;
    bool malformed = false;
    MUSTER_TRY(
        tx.Query("SELECT person_times, party_person_times, seconds, record_half_hours, "
                 "sets FROM stats_tallies WHERE id = ?",
                 {id}, [&](const store::Row& r) {
                   c.person_times += r.Int(0);
                   c.party_person_times += r.Int(1);
                   c.seconds += r.Int(2);
                   c.record_half_hours += r.Int(3);
                   SetReader reader(r.Text(4));
                   for (auto& s : sets) malformed = malformed || !reader.Next(s);
                   return Ok();
                 }));
    if (malformed) return Malformed("stats_tallies");
    std::string text;
    for (int i = 0; i < kSetKinds; ++i) AppendSet(text, Merge(sets[i], d.sets[i].Sorted(), false));
    MUSTER_TRY(tx.Exec(
        "INSERT INTO stats_tallies (id, dim, level, block, key_id, person_times, "
        "party_person_times, seconds, record_half_hours, sets, shifts, headcount, filled, "
        "fill_minutes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, '0') ON CONFLICT (id) DO "
        "UPDATE SET person_times = excluded.person_times, "
        "party_person_times = excluded.party_person_times, seconds = excluded.seconds, "
        "record_half_hours = excluded.record_half_hours, sets = excluded.sets",
        {id, std::int64_t{k.dim}, std::int64_t{k.level}, k.block, k.key, c.person_times,
         c.party_person_times, c.seconds, c.record_half_hours, std::move(text)}));
  }
  return Ok();
}

Status TallyBuilder::ApplyCells(store::Transaction& tx) {
  for (auto& [k, d] : cells_) {
    if (!d.members_changed) {
      MUSTER_ASSIGN(std::int64_t changed,
                    tx.Exec("UPDATE stats_cells SET seconds = seconds + ?, record_half_hours = "
                            "record_half_hours + ? WHERE unit_id = ? AND level = ? AND block = ? "
                            "AND branch_id = ? AND community_id = ?",
                            {d.c.seconds, d.c.record_half_hours, k.unit, std::int64_t{k.level},
                             k.block, k.branch, k.community}));
      if (changed != 1) return Internal("statistics: a counted record has no cell");
      continue;
    }
    Counters c = d.c;
    std::vector<std::int64_t> members;
    bool malformed = false;
    MUSTER_TRY(tx.Query(
        "SELECT person_times, party_person_times, seconds, record_half_hours, "
        "members FROM stats_cells WHERE unit_id = ? AND level = ? AND block = ? "
        "AND branch_id = ? AND community_id = ?",
        {k.unit, std::int64_t{k.level}, k.block, k.branch, k.community}, [&](const store::Row& r) {
          c.person_times += r.Int(0);
          c.party_person_times += r.Int(1);
          c.seconds += r.Int(2);
          c.record_half_hours += r.Int(3);
          malformed = !SetReader(r.Text(4)).Next(members);
          return Ok();
        }));
    if (malformed) return Malformed("stats_cells");
    MUSTER_TRY(tx.Exec(
        "INSERT INTO stats_cells (unit_id, level, block, branch_id, community_id, street_id, "
        "person_times, party_person_times, seconds, record_half_hours, members) VALUES (?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unit_id, level, block, branch_id, community_id) DO "
        "UPDATE SET person_times = excluded.person_times, party_person_times = "
        "excluded.party_person_times, seconds = excluded.seconds, record_half_hours = "
        "excluded.record_half_hours, members = excluded.members",
        {k.unit, std::int64_t{k.level}, k.block, k.branch, k.community, d.street, c.person_times,
         c.party_person_times, c.seconds, c.record_half_hours,
         EncodeSet(Merge(members, d.members.Sorted(), false))}));
  }
  return Ok();
}

Status TallyBuilder::ApplyShifts(store::Transaction& tx) {
  // Rows without attendance yet hold five empty sets.
  static const std::string kNoSets(kSetKinds, '0');
  for (auto& [k, d] : shifts_) {
    MUSTER_ASSIGN(const std::int64_t id, TallyId(k.dim, k.level, k.block, k.key));
    std::int64_t shifts = d.shifts, headcount = d.headcount, filled = d.filled;
    Histogram minutes;
    bool malformed = false;
    MUSTER_TRY(
        tx.Query("SELECT shifts, headcount, filled, fill_minutes FROM stats_tallies WHERE "
                 "id = ?",
                 {id}, [&](const store::Row& r) {
                   shifts += r.Int(0);
                   headcount += r.Int(1);
                   filled += r.Int(2);
                   malformed = !ReadHistogram(r.Text(3), minutes);
                   return Ok();
                 }));
    if (malformed) return Malformed("stats_tallies");
    std::string text;
    AppendHistogram(
        text, MergeHistograms(minutes, Histogram(d.fill_minutes.begin(), d.fill_minutes.end())));
    MUSTER_TRY(tx.Exec(
        "INSERT INTO stats_tallies (id, dim, level, block, key_id, person_times, "
        "party_person_times, seconds, record_half_hours, sets, shifts, headcount, filled, "
        "fill_minutes) VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, ?, ?, ?, ?, ?) ON CONFLICT (id) DO "
        "UPDATE SET shifts = excluded.shifts, headcount = excluded.headcount, filled = "
        "excluded.filled, fill_minutes = excluded.fill_minutes",
        {id, std::int64_t{k.dim}, std::int64_t{k.level}, k.block, k.key, kNoSets, shifts, headcount,
         filled, std::move(text)}));
  }
  return Ok();
}

// ---- Upkeep ----

namespace {

constexpr std::string_view kCountedSql =
    "CASE WHEN checked_out_at IS NULL THEN 0 WHEN checked_out_at > checked_in_at THEN "
    "checked_out_at - checked_in_at ELSE 0 END";

// Counts the attendance records chosen by `where` (over `attendance`) as they now stand.
Status CountRecords(store::Transaction& tx, std::string_view where,
                    std::initializer_list<store::Value> params) {
  struct Change {
    std::int64_t id;
    std::int64_t seconds;
  };
  TallyBuilder builder;
  std::vector<Change> changes;
  MUSTER_TRY(tx.Query(
      "SELECT id, day, member_id, unit_id, branch_id, party_member, street_id, community_id, "
      "checked_in_at, checked_out_at, counted_seconds FROM attendance WHERE " +
          std::string(where),
      params, [&](const store::Row& r) {
        CountedRecord rec{r.Int(1),      r.Int(2), r.Int(3), r.OptInt(4).value_or(0),
                          r.Int(5) != 0, r.Int(6), r.Int(7)};
        const std::optional<std::int64_t> out = r.OptInt(9);
        const std::int64_t now = CountedSeconds(r.Int(8), out ? &*out : nullptr);
        const std::optional<std::int64_t> counted = r.OptInt(10);
        if (!counted) {
          builder.AddRecord(rec, now);
        } else if (*counted != now) {
          builder.ChangeSeconds(rec, *counted, now);
        } else {
          return Ok();
        }
        changes.push_back({r.Int(0), now});
        return Ok();
      }));
  if (changes.empty()) return Ok();
  MUSTER_TRY(builder.Apply(tx));
  for (const Change& c : changes) {
    MUSTER_TRY(
        tx.Exec("UPDATE attendance SET counted_seconds = ? WHERE id = ?", {c.seconds, c.id}));
  }
  return Ok();
}

constexpr std::string_view kClosedShiftSelect =
    "SELECT s.id, s.day, s.street_id, s.community_id, s.headcount, s.confirmed, s.filled_at, "
    "r.posted_at FROM shifts s JOIN requests r ON r.id = s.request_id WHERE ";

ClosedShift ReadClosedShift(const store::Row& r) {
  ClosedShift s;
  s.day = r.Int(1);
  s.street = r.Int(2);
  s.community = r.Int(3);
  s.headcount = r.Int(4);
  s.confirmed = r.Int(5);
  if (auto at = r.OptInt(6)) {
    s.filled = true;
    s.fill_seconds = *at - r.Int(7);
  }
  return s;
}

}  // namespace

Status CountAttendance(store::Transaction& tx, AttendanceId id) {
  return CountRecords(tx, "id = ?", {id.value});
}

Status CountClosedShift(store::Transaction& tx, ShiftId id) {
  MUSTER_TRY(CountRecords(tx, "shift_id = ?", {id.value}));
  TallyBuilder builder;
  bool found = false;
  MUSTER_TRY(tx.Query(std::string(kClosedShiftSelect) + "s.id = ? AND s.stats_folded = 0",
                      {id.value}, [&](const store::Row& r) {
                        builder.AddShift(ReadClosedShift(r));
                        found = true;
                        return Ok();
                      }));
  if (!found) return Ok();
  MUSTER_TRY(builder.Apply(tx));
  MUSTER_TRY(tx.Exec("UPDATE shifts SET stats_folded = 1 WHERE id = ?", {id.value}));
  return Ok();
}

Result<bool> Pending(store::Transaction& tx) {
  MUSTER_ASSIGN(auto record,
                tx.QueryInt("SELECT id FROM attendance WHERE counted_seconds IS NULL LIMIT 1", {}));
  if (record) return true;
  MUSTER_ASSIGN(auto shift, tx.QueryInt("SELECT id FROM shifts WHERE stats_folded = 0 AND "
                                        "closed = 1 LIMIT 1",
                                        {}));
  return shift.has_value();
}

Status Rebuild(store::Transaction& tx) {
  MUSTER_TRY(tx.Exec("DELETE FROM stats_tallies"));
  MUSTER_TRY(tx.Exec("DELETE FROM stats_cells"));
  TallyBuilder builder;
  MUSTER_TRY(
      tx.Query("SELECT day, member_id, unit_id, branch_id, party_member, street_id, community_id, "
               "checked_in_at, checked_out_at FROM attendance",
               {}, [&](const store::Row& r) {
                 CountedRecord rec{r.Int(0),      r.Int(1), r.Int(2), r.OptInt(3).value_or(0),
                                   r.Int(4) != 0, r.Int(5), r.Int(6)};
                 const std::optional<std::int64_t> out = r.OptInt(8);
                 builder.AddRecord(rec, CountedSeconds(r.Int(7), out ? &*out : nullptr));
                 return Ok();
               }));
  const std::string counted(kCountedSql);
  MUSTER_TRY(tx.Exec("UPDATE attendance SET counted_seconds = " + counted +
                     " WHERE counted_seconds IS NULL OR counted_seconds <> " + counted));
  MUSTER_TRY(
      tx.Query(std::string(kClosedShiftSelect) + "s.closed = 1", {}, [&](const store::Row& r) {
        builder.AddShift(ReadClosedShift(r));
        return Ok();
      }));
  MUSTER_TRY(tx.Exec("UPDATE shifts SET stats_folded = closed WHERE stats_folded <> closed"));
  return builder.Apply(tx);
}

}  // namespace muster::app::stats
