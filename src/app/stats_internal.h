#pragma once

// Internal to app/stats*.cpp: the tallies behind the statistics (docs/statistics.md) - blocks
// of days, the text encoding of id sets, and the builder that merges counted records into the
// tally tables.

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "app/stats.h"
#include "base/result.h"
#include "domain/statistics.h"
#include "store/transaction.h"

namespace muster::app::stats {

// ---- Blocks of days ----

// Tallies are kept per block of days at three levels: 1 day, 8 days and 64 days, each block
// aligned on day numbers (days since 1970-01-01), so any period is a few blocks.
inline constexpr int kLevels = 3;
inline constexpr int kLevelShift[kLevels] = {0, 3, 6};

// Returns the block of `level` holding `day`.
inline std::int64_t BlockOf(int level, std::int64_t day) { return day >> kLevelShift[level]; }

// Consecutive blocks [first, last] of one level.
struct BlockRange {
  int level = 0;
  std::int64_t first = 0;
  std::int64_t last = 0;
};

// Returns the fewest whole blocks that cover the days [from, to] exactly, as at most five
// ranges. REQUIRES: from <= to.
std::vector<BlockRange> Decompose(std::int64_t from, std::int64_t to);

// The id of a row of stats_tallies packs its dimension (3 bits), level (2), block (23, offset by
// 2^22 so that days before 1970 fit) and key (35) in that order, so that the table is ordered by
// them: SQLite keeps a table in the order of its integer key, so the rows of consecutive blocks
// of one dimension are neighbours and a period reads them in one range scan. Keys (ids) must lie
// below 2^35, blocks within +-2^22.
inline constexpr std::int64_t kMaxTallyKey = (std::int64_t{1} << 35) - 1;
Result<std::int64_t> TallyId(int dim, int level, std::int64_t block, std::int64_t key);
// Returns the first and last id of the rows of blocks [first, last] of one level (blocks beyond
// what ids can hold are clamped: no row lies there).
std::pair<std::int64_t, std::int64_t> TallyIdRange(int dim, int level, std::int64_t first,
                                                   std::int64_t last);

// ---- Encoded id sets ----

// Sets of ids (and multisets of durations) are stored as text, valid UTF-8 on both backends:
// the count, then the first value, then the differences between consecutive sorted values,
// each as a little-endian run of 5-bit groups written as the characters '0'..'o' ('0' + group,
// + 32 when more groups follow).
void AppendNumber(std::string& out, std::uint64_t v);
// Appends the encoding of the sorted values `values` (duplicates allowed).
void AppendSet(std::string& out, const std::vector<std::int64_t>& values);
std::string EncodeSet(const std::vector<std::int64_t>& values);

// Reads encoded sets one after another from a text.
class SetReader {
 public:
  explicit SetReader(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  // Calls `f(value)` for each value of the next set, in order. Returns false on a malformed
  // text (the store was written by something else).
  template <typename F>
  bool Next(F&& f) {
    std::uint64_t n = 0;
    if (!Number(n)) return false;
    std::uint64_t v = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      std::uint64_t d = 0;
      if (!Number(d)) return false;
      v += d;
      f(static_cast<std::int64_t>(v));
    }
    return true;
  }
  // Appends the next set to `out`.
  bool Next(std::vector<std::int64_t>& out) {
    return Next([&](std::int64_t v) { out.push_back(v); });
  }
  bool at_end() const { return p_ == end_; }

  // Reads one number.
  bool Number(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; p_ != end_ && shift < 64; shift += 5) {
      const unsigned c = static_cast<unsigned char>(*p_++) - '0';
      if (c >= 64) return false;
      v |= static_cast<std::uint64_t>(c & 31) << shift;
      if ((c & 32) == 0) return true;
    }
    return false;
  }

 private:
  const char* p_;
  const char* end_;
};

// A histogram of whole minutes: (minutes, how many), sorted by minutes, each minute once. Stored
// as the number of entries, then for each the difference to the previous minutes and the count.
using Histogram = std::vector<std::pair<std::int64_t, std::int64_t>>;
void AppendHistogram(std::string& out, const Histogram& h);
// Appends the entries of the histogram `text` to `out`; false on a malformed text.
bool ReadHistogram(std::string_view text, Histogram& out);
// Appends the entries of the histograms written one after another in `text` to `out`.
bool ReadHistograms(std::string_view text, Histogram& out);
// Returns the histogram of sorted `a` and sorted `b` together.
Histogram MergeHistograms(const Histogram& a, const Histogram& b);

// Returns the sorted union of sorted `a` and sorted `b` (with duplicates when `multiset`).
std::vector<std::int64_t> Merge(const std::vector<std::int64_t>& a,
                                const std::vector<std::int64_t>& b, bool multiset);

// Counts distinct ids: a bitmap that grows with the largest id (ids from 2^28 on, and negative
// ones, go to a hash set).
class IdBits {
 public:
  void Add(std::int64_t id) {
    const auto word = static_cast<std::uint64_t>(id) >> 6;
    if (id < 0 || word >= kMaxWords) {
      large_.insert(id);
      return;
    }
    if (word >= bits_.size()) bits_.resize(std::max<std::size_t>(word + 1, 2 * bits_.size()));
    const std::uint64_t bit = std::uint64_t{1} << (id & 63);
    count_ += (bits_[word] & bit) == 0 ? 1 : 0;
    bits_[word] |= bit;
  }
  std::int64_t count() const { return count_ + static_cast<std::int64_t>(large_.size()); }
  // Makes room for ids up to `max_id` at once (up to 2^18 of them: beyond, room grows as
  // needed), sparing the bitmap its regrowth.
  void Reserve(std::int64_t max_id) {
    const auto words = static_cast<std::size_t>(std::clamp<std::int64_t>(max_id / 64 + 1, 0, 4096));
    if (words > bits_.size()) bits_.resize(words);
  }

 private:
  static constexpr std::size_t kMaxWords = std::size_t{1} << 22;
  std::vector<std::uint64_t> bits_;
  std::int64_t count_ = 0;
  std::unordered_set<std::int64_t> large_;
};

// ---- The tallies ----

// The dimensions of stats_tallies, and the order of the sets in its `sets` text. Rows of the
// city (key 0) hold shift figures only: attendance of the whole city in one row would make every
// check-in contend for it.
enum Dim { kDimCity = 0, kDimUnit = 1, kDimBranch = 2, kDimStreet = 3, kDimCommunity = 4 };
enum SetKind { kSetUnits, kSetBranches, kSetMembers, kSetStreets, kSetCommunities, kSetKinds };

// One attendance record as the tallies count it.
struct CountedRecord {
  std::int64_t day = 0;
  std::int64_t member = 0;
  std::int64_t unit = 0;
  std::int64_t branch = 0;  // 0: none
  bool party_member = false;
  std::int64_t street = 0;
  std::int64_t community = 0;
};

// Seconds a record counts: its duration once closed, 0 while open.
std::int64_t CountedSeconds(std::int64_t checked_in_at, const std::int64_t* checked_out_at);

// A closed shift as the shift tallies count it.
struct ClosedShift {
  std::int64_t day = 0;
  std::int64_t street = 0;
  std::int64_t community = 0;
  std::int64_t headcount = 0;
  std::int64_t confirmed = 0;
  bool filled = false;
  std::int64_t fill_seconds = 0;  // filled_at - posted_at, when filled
};

struct Counters {
  std::int64_t person_times = 0;
  std::int64_t party_person_times = 0;
  std::int64_t seconds = 0;
  std::int64_t record_half_hours = 0;
};

// Collects changes in memory, then merges them into the tally tables: each row it touches is
// read, merged (counters added, sets united) and written back. Used for one record in the
// transaction that changes it, and for whole rebuilds.
class TallyBuilder {
 public:
  // A new person-time counting `seconds`.
  void AddRecord(const CountedRecord& r, std::int64_t seconds);
  // A change of a counted record's seconds from `before` to `after`.
  void ChangeSeconds(const CountedRecord& r, std::int64_t before, std::int64_t after);
  // A shift closed for good.
  void AddShift(const ClosedShift& s);

  // Merges everything collected into the tables, in `tx`, and forgets it.
  Status Apply(store::Transaction& tx);

 private:
  struct TallyKey {
    int dim;
    int level;
    std::int64_t block;
    std::int64_t key;
    auto operator<=>(const TallyKey&) const = default;
  };
  struct CellKey {
    std::int64_t unit;
    int level;
    std::int64_t block;
    std::int64_t branch;
    std::int64_t community;
    auto operator<=>(const CellKey&) const = default;
  };
  struct ShiftKey {
    int dim;  // kDimCity, kDimStreet or kDimCommunity
    int level;
    std::int64_t block;
    std::int64_t key;
    auto operator<=>(const ShiftKey&) const = default;
  };
  // Values added to a set since it was last sorted; kept small by periodic deduplication.
  struct PendingSet {
    std::vector<std::int64_t> values;
    std::size_t clean = 0;  // values[0, clean) are sorted and unique
    void Add(std::int64_t v);
    const std::vector<std::int64_t>& Sorted();
  };
  struct TallyDelta {
    Counters c;
    bool sets_changed = false;
    std::array<PendingSet, kSetKinds> sets;
  };
  struct CellDelta {
    std::int64_t street = 0;
    Counters c;
    bool members_changed = false;
    PendingSet members;
  };
  struct ShiftDelta {
    std::int64_t shifts = 0;
    std::int64_t headcount = 0;
    std::int64_t filled = 0;
    std::map<std::int64_t, std::int64_t> fill_minutes;
  };

  Status ApplyTallies(store::Transaction& tx);
  Status ApplyCells(store::Transaction& tx);
  Status ApplyShifts(store::Transaction& tx);

  std::map<TallyKey, TallyDelta> tallies_;
  std::map<CellKey, CellDelta> cells_;
  std::map<ShiftKey, ShiftDelta> shifts_;
};

// Returns the names of the ids of a breakdown's dimension (none for days).
Result<std::map<std::int64_t, std::string>> NamesOf(store::Transaction& tx, Breakdown by);
// Returns the name of the scope's unit, branch, street, community or member (empty: city).
Result<std::string> ScopeName(store::Transaction& tx, const StatsScope& scope);

// Returns the published sentence of a summary (the exports put it beside the figures).
std::string SummarySentenceOf(const StatsSummary& s, domain::Language lang);

}  // namespace muster::app::stats
