#pragma once

// Internal to app/oversight*.cpp: the checks and scope decisions the oversight use cases share.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/oversight.h"
#include "store/transaction.h"

namespace muster::app::oversight {

// The largest amount one record may carry: 10,000,000,000.00 yuan. Keeps every sum far from
// overflowing 64 bits.
inline constexpr std::int64_t kMaxFen = 1'000'000'000'000;

// Returns `raw` trimmed, or validation_failed naming `field` when empty or longer than
// `max_chars` characters.
Result<std::string> Text(std::string_view raw, std::string_view field, std::size_t max_chars);

// Checks an amount in fen: positive and at most kMaxFen.
Status CheckAmount(Fen amount, std::string_view field);

// Checks the date a record carries: not after `today` (records are of what happened).
Status CheckRecordDate(Date date, Date today, std::string_view field);

// Allows the city administrator and unit administrators to read (forbidden otherwise).
Status RequireCityOrUnit(const Actor& a, std::string_view what);

// The unit a list should be narrowed to: the unit administrator's own unit, or the filter's
// unit. `empty` is set when the filter asks for a unit outside the actor's scope.
struct UnitNarrowing {
  std::optional<UnitId> unit;
  bool empty = false;
};
UnitNarrowing NarrowToUnit(const Actor& a, std::optional<UnitId> wanted);

// SQL text and parameters built at run time.
struct Sql {
  std::string text;
  std::vector<store::Value> params;

  void Add(std::string_view condition, store::Value v) {
    text += condition;
    params.push_back(std::move(v));
  }
};

// Appends " AND <column> BETWEEN/>=/<= ?" for the dates of `from` and `to`.
void AddDayRange(Sql& sql, std::string_view column, std::optional<Date> from,
                 std::optional<Date> to);

// Returns the username an actor is recorded under, and its user id (NULL for the system).
store::Value UserIdOf(const Actor& a);

}  // namespace muster::app::oversight
