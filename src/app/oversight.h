#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/access.h"
#include "base/clock.h"
#include "base/ids.h"
#include "base/money.h"
#include "base/result.h"
#include "base/time.h"
#include "store/registry_repo.h"
#include "store/store.h"
#include "tabular/sheet.h"

namespace muster {

using InspectionId = Id<struct InspectionTag>;
using AllocationId = Id<struct AllocationTag>;
using ExpenseId = Id<struct ExpenseTag>;
using SupplyId = Id<struct SupplyTag>;

}  // namespace muster

namespace muster::app {

// Dates in Asia/Shanghai, both ends inclusive.
struct Period {
  Date from;
  Date to;
};

// ---- Supervision ----

// How one unit took part over a period (docs/oversight.md defines every figure). The requests
// counted are those routed to the unit by a pairing (its street, or a community paired with one
// of its departments) with at least one shift starting in the period; places are the headcounts
// of those shifts.
struct SupervisionRow {
  UnitId id;  // the unit: also the list cursor
  std::string unit_name;
  int routed = 0;                // requests routed to the unit, each counted once
  int places = 0;                // places of their shifts in the period
  int places_filled_by_own = 0;  // of those, confirmed sign-ups of the unit's own members
  // Whole minutes from posting to filled_at, the median over the shifts that filled.
  std::optional<std::int64_t> median_minutes_to_fill;
  int person_times = 0;   // check-ins of the unit's members in the period, anywhere
  int members = 0;        // the unit's members now
  int members_served = 0;  // distinct members with a person-time in the period
  // Open problems: routed requests that reached escalation with a shift still unfilled (not
  // counting those escalated at posting); calls of the unit that no called branch answered.
  std::vector<RequestId> unfilled_past_escalation;
  std::vector<CallId> calls_without_signups;
  std::optional<InspectionId> last_inspection;  // the latest inspection dated on or before `to`
  std::optional<Date> last_inspection_date;
  std::string last_inspection_rating;

  // Returns places_filled_by_own / places, or nullopt without places.
  std::optional<double> FilledByOwnShare() const;
  // Returns members_served / members, or nullopt without members.
  std::optional<double> ServedShare() const;
};

// ---- Inspections ----

enum class Rating { kExcellent, kGood, kFair, kPoor };
std::string_view Name(Rating r);
Result<Rating> ParseRating(std::string_view s, std::string_view field = "rating");

struct InspectionInput {
  UnitId unit_id;
  Date date;
  std::string inspector;  // who inspected (a person or a team), as written
  std::string findings;
  Rating rating = Rating::kGood;
};

struct Inspection {
  InspectionId id;
  UnitId unit_id;
  std::string unit_name;
  Date date;
  std::string inspector;
  std::string findings;
  Rating rating = Rating::kGood;
  std::string recorded_by;  // username
  Timestamp created_at;
};

// Optional narrowing of lists by unit and by date.
struct OversightFilter {
  std::optional<UnitId> unit;
  std::optional<Date> from;
  std::optional<Date> to;
};

// ---- Funds ----

struct AllocationInput {
  UnitId unit_id;
  Fen amount;
  std::string purpose;
  Date date;
};

struct Allocation {
  AllocationId id;
  UnitId unit_id;
  std::string unit_name;
  Fen amount;
  std::string purpose;
  Date date;
  std::string recorded_by;
  Timestamp created_at;
  Fen balance;  // the unit's balance right after this record (answers of writes only)
};

struct ExpenseInput {
  UnitId unit_id;
  Fen amount;
  std::string purpose;
  Date date;
  std::optional<CommunityId> community_id;  // the community the money was spent for, if any
};

struct Expense {
  ExpenseId id;
  UnitId unit_id;
  std::string unit_name;
  Fen amount;
  std::string purpose;
  Date date;
  std::optional<CommunityId> community_id;
  std::string community_name;
  std::string recorded_by;
  Timestamp created_at;
  Fen balance;  // the unit's balance right after this record (answers of writes only)
};

// A unit's funds: everything allocated to it, everything it spent, and what is left.
struct Balance {
  UnitId id;  // the unit: also the list cursor
  std::string unit_name;
  Fen allocated;
  Fen spent;
  Fen balance;
};

// ---- Supplies ----

struct SupplyInput {
  std::optional<StreetId> recipient_street_id;
  std::optional<CommunityId> recipient_community_id;
  std::string donor;  // who gave or paid for the goods
  std::optional<UnitId> coordinated_by_unit_id;
  std::string description;
  std::int64_t quantity = 0;
  Fen value;
  Date date;
};

struct Supply {
  SupplyId id;
  StreetId street_id;  // the recipient street (the community's street when a community received)
  std::string street_name;
  std::optional<CommunityId> community_id;
  std::string community_name;
  std::string donor;
  std::optional<UnitId> coordinated_by_unit_id;
  std::string coordinated_by_unit_name;
  std::string description;
  std::int64_t quantity = 0;
  Fen value;
  Date date;
  std::string recorded_by;
  Timestamp created_at;
};

struct SupplyFilter {
  std::optional<StreetId> street;
  std::optional<CommunityId> community;
  std::optional<UnitId> unit;  // coordinated by
  std::optional<Date> from;
  std::optional<Date> to;
};

// Supervision of units, inspections, funds and supplies. Every use case takes the acting user,
// decides authorisation here and runs in one transaction:
//   supervision, inspections, funds: the city administrator reads everything; a unit
//     administrator reads his own unit (lists are narrowed, not refused); other roles are
//     refused (forbidden). Only the city administrator records inspections and allocations;
//     expenses are recorded by the city or the unit's administrator.
//   supplies: recorded by the city, by a unit administrator as the coordinating unit, or by the
//     coordinator of the recipient street; read by the city, the coordinating unit, and the
//     coordinators of the recipient street or community.
// Thread-safe: holds only references to the thread-safe store and clock.
class Oversight {
 public:
  Oversight(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Supervision rows of the units in the actor's scope, in unit id order, after page.after.
  Result<std::vector<SupervisionRow>> Supervise(const Actor& a, const Period& period,
                                                store::Page page) const;

  Result<Inspection> RecordInspection(const Actor& a, const InspectionInput& in) const;
  Result<std::vector<Inspection>> ListInspections(const Actor& a, store::Page page,
                                                  const OversightFilter& f) const;

  // Adds to the unit's funds.
  Result<Allocation> Allocate(const Actor& a, const AllocationInput& in) const;
  // Spends from the unit's funds: never past its balance. The balance check is a conditional
  // write in the recording transaction, so concurrent expenses (on one or several server
  // processes) cannot overdraw: the loser answers insufficient_funds naming amount_fen.
  Result<Expense> Spend(const Actor& a, const ExpenseInput& in) const;
  Result<std::vector<Allocation>> ListAllocations(const Actor& a, store::Page page,
                                                  const OversightFilter& f) const;
  Result<std::vector<Expense>> ListExpenses(const Actor& a, store::Page page,
                                            const OversightFilter& f) const;
  // Balances of the units in the actor's scope (every unit, with zeros when nothing was
  // allocated), in unit id order.
  Result<std::vector<Balance>> Balances(const Actor& a, store::Page page,
                                        std::optional<UnitId> unit) const;

  Result<Supply> RecordSupply(const Actor& a, const SupplyInput& in) const;
  Result<std::vector<Supply>> ListSupplies(const Actor& a, store::Page page,
                                           const SupplyFilter& f) const;

  // The supervision table of the period as one sheet; recorded in the audit log ("export").
  Result<std::vector<tabular::Sheet>> ExportSupervision(const Actor& a, const Period& period) const;
  // The funds as sheets: the ledger of allocations and expenses (in date order; the CSV form is
  // this sheet alone), the balances, and supplies; `f` narrows by unit, and the ledger and
  // supplies by dates. Recorded in the audit log ("export").
  Result<std::vector<tabular::Sheet>> ExportFunds(const Actor& a, const OversightFilter& f) const;

 private:
  store::Store& store_;
  const Clock& clock_;
};

// Returns `f` in yuan as a plain decimal that spreadsheets read as a number: 12345 -> "123.45",
// 12340 -> "123.4", 12300 -> "123", -5 -> "-0.05". Integer arithmetic only.
std::string YuanNumber(Fen f);

}  // namespace muster::app
