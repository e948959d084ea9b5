// Funds (allocations, expenses that never overdraw, balances), supplies, and the funds export.
#include <algorithm>

#include "app/audit.h"
#include "app/oversight_internal.h"

namespace muster::app {
namespace {

using oversight::Sql;

constexpr std::int64_t kMaxQuantity = 1'000'000'000;

constexpr std::string_view kAllocationSelect =
    "SELECT a.id, a.unit_id, u.name, a.amount_fen, a.purpose, a.day, a.recorded_by_name, "
    "a.created_at FROM fund_allocations a JOIN units u ON u.id = a.unit_id WHERE a.id > ?";

constexpr std::string_view kExpenseSelect =
    "SELECT e.id, e.unit_id, u.name, e.amount_fen, e.purpose, e.day, e.community_id, c.name, "
    "e.recorded_by_name, e.created_at FROM fund_expenses e JOIN units u ON u.id = e.unit_id "
    "LEFT JOIN communities c ON c.id = e.community_id WHERE e.id > ?";

constexpr std::string_view kSupplySelect =
    "SELECT s.id, s.street_id, st.name, s.community_id, c.name, s.donor, "
    "s.coordinated_by_unit_id, u.name, s.description, s.quantity, s.value_fen, s.day, "
    "s.recorded_by_name, s.created_at FROM supplies s JOIN streets st ON st.id = s.street_id "
    "LEFT JOIN communities c ON c.id = s.community_id LEFT JOIN units u ON u.id = "
    "s.coordinated_by_unit_id WHERE s.id > ?";

Date DayOf(const store::Row& r, int col) { return DateFromDayNumber(static_cast<int>(r.Int(col))); }

Allocation ReadAllocation(const store::Row& r) {
  return Allocation{AllocationId(r.Int(0)), UnitId(r.Int(1)), r.String(2), Fen{r.Int(3)},
                    r.String(4), DayOf(r, 5), r.String(6), FromUnixSeconds(r.Int(7)), Fen{}};
}

Expense ReadExpense(const store::Row& r) {
  Expense e{ExpenseId(r.Int(0)), UnitId(r.Int(1)), r.String(2), Fen{r.Int(3)}, r.String(4),
            DayOf(r, 5), std::nullopt, "", r.String(8), FromUnixSeconds(r.Int(9)), Fen{}};
  if (auto c = r.OptInt(6)) {
    e.community_id = CommunityId(*c);
    e.community_name = r.String(7);
  }
  return e;
}

Supply ReadSupply(const store::Row& r) {
  Supply s;
  s.id = SupplyId(r.Int(0));
  s.street_id = StreetId(r.Int(1));
  s.street_name = r.String(2);
  if (auto c = r.OptInt(3)) {
    s.community_id = CommunityId(*c);
    s.community_name = r.String(4);
  }
  s.donor = r.String(5);
  if (auto u = r.OptInt(6)) {
    s.coordinated_by_unit_id = UnitId(*u);
    s.coordinated_by_unit_name = r.String(7);
  }
  s.description = r.String(8);
  s.quantity = r.Int(9);
  s.value = Fen{r.Int(10)};
  s.date = DayOf(r, 11);
  s.recorded_by = r.String(12);
  s.created_at = FromUnixSeconds(r.Int(13));
  return s;
}

template <typename T, typename ReadFn>
Result<std::vector<T>> Rows(store::Transaction& tx, const Sql& sql, ReadFn read) {
  std::vector<T> out;
  MUSTER_TRY(tx.QueryV(sql.text, sql.params, [&](const store::Row& r) {
    out.push_back(read(r));
    return Ok();
  }));
  return out;
}

// The unit's balance; zero when nothing was ever allocated to it.
Result<Fen> BalanceOf(store::Transaction& tx, UnitId unit) {
  MUSTER_ASSIGN(auto left, tx.QueryInt("SELECT allocated_fen - spent_fen FROM fund_balances WHERE "
                                       "unit_id = ?",
                                       {unit.value}));
  return Fen{left.value_or(0)};
}

Result<std::string> UnitNameFor(store::Transaction& tx, UnitId unit, std::string_view field) {
  MUSTER_ASSIGN(auto u, store::RegistryRepo(tx).FindUnit(unit));
  if (!u) return Invalid(std::string(field), "no unit with id " + std::to_string(unit.value), "unknown_id");
  return u->name;
}

// The checks every ledger record shares: amount, purpose, date.
Result<std::string> CheckLedgerFields(Fen amount, std::string_view purpose, Date date, Date today) {
  MUSTER_TRY(oversight::CheckAmount(amount, "amount_fen"));
  MUSTER_ASSIGN(std::string text, oversight::Text(purpose, "purpose", 500));
  MUSTER_TRY(oversight::CheckRecordDate(date, today, "date"));
  return text;
}

Status CheckSupplyFields(const SupplyInput& in, Date today) {
  if (!in.recipient_street_id && !in.recipient_community_id) {
    return Invalid("recipient_street_id", "name the recipient street or community", "required");
  }
  if (in.quantity < 1 || in.quantity > kMaxQuantity) {
    return Invalid("quantity", "must be between 1 and " + std::to_string(kMaxQuantity), "range");
  }
  MUSTER_TRY(oversight::CheckAmount(in.value, "value_fen"));
  return oversight::CheckRecordDate(in.date, today, "date");
}

// Resolves the recipient street (the community's when only a community is named), checking
// that every id exists and that a named community lies in the named street.
Result<StreetId> RecipientStreet(store::Transaction& tx, const SupplyInput& in) {
  store::RegistryRepo repo(tx);
  std::optional<StreetId> street = in.recipient_street_id;
  if (street) {
    MUSTER_ASSIGN(auto s, repo.FindStreet(*street));
    if (!s) {
      return Invalid("recipient_street_id", "no street with id " + std::to_string(street->value),
                     "unknown_id");
    }
  }
  if (in.recipient_community_id) {
    MUSTER_ASSIGN(auto c, repo.FindCommunity(*in.recipient_community_id));
    if (!c) {
      return Invalid("recipient_community_id",
                     "no community with id " + std::to_string(in.recipient_community_id->value),
                     "unknown_id");
    }
    if (street && c->street_id != *street) {
      return Invalid("recipient_community_id", "the community is not in the recipient street",
                     "other_street");
    }
    street = c->street_id;
  }
  return *street;
}

// Who may record a supply to `street` coordinated by `unit`: the city; a unit administrator for
// his own unit; the coordinator of the recipient street.
Status MayRecordSupply(const Actor& a, StreetId street, std::optional<UnitId> unit) {
  if (a.role == Role::kCityAdmin) return Ok();
  if (a.role == Role::kUnitAdmin && unit && unit->value == a.scope_id) return Ok();
  if (a.role == Role::kStreetCoordinator && street.value == a.scope_id) return Ok();
  return Forbidden("your role may not record supplies for this street or unit");
}

// The condition keeping supplies in the actor's scope.
void ScopeSupplies(const Actor& a, Sql& sql) {
  switch (a.role) {
    case Role::kUnitAdmin:
      sql.Add(" AND s.coordinated_by_unit_id = ?", a.scope_id);
      break;
    case Role::kStreetCoordinator:
      sql.Add(" AND s.street_id = ?", a.scope_id);
      break;
    case Role::kCommunityCoordinator:
      sql.Add(" AND s.community_id = ?", a.scope_id);
      break;
    default:
      break;
  }
}

Sql SupplyQuery(const Actor& a, store::Page page, const SupplyFilter& f) {
  Sql sql{std::string(kSupplySelect), {page.after}};
  ScopeSupplies(a, sql);
  if (f.street) sql.Add(" AND s.street_id = ?", f.street->value);
  if (f.community) sql.Add(" AND s.community_id = ?", f.community->value);
  if (f.unit) sql.Add(" AND s.coordinated_by_unit_id = ?", f.unit->value);
  oversight::AddDayRange(sql, "s.day", f.from, f.to);
  sql.Add(" ORDER BY s.id LIMIT ?", std::int64_t{page.limit});
  return sql;
}

// A ledger list query (allocations or expenses) for the actor and filter; nullopt when the
// filter asks for a unit outside the actor's scope.
std::optional<Sql> LedgerQuery(const Actor& a, std::string_view select, std::string_view alias,
                               store::Page page, const OversightFilter& f) {
  oversight::UnitNarrowing unit = oversight::NarrowToUnit(a, f.unit);
  if (unit.empty) return std::nullopt;
  Sql sql{std::string(select), {page.after}};
  if (unit.unit) sql.Add(" AND " + std::string(alias) + ".unit_id = ?", unit.unit->value);
  oversight::AddDayRange(sql, std::string(alias) + ".day", f.from, f.to);
  sql.Add(" ORDER BY " + std::string(alias) + ".id LIMIT ?", std::int64_t{page.limit});
  return sql;
}

Result<std::vector<Balance>> BalancesIn(store::Transaction& tx, const Actor& a, store::Page page,
                                        std::optional<UnitId> wanted) {
  oversight::UnitNarrowing unit = oversight::NarrowToUnit(a, wanted);
  if (unit.empty) return std::vector<Balance>();
  Sql sql{"SELECT u.id, u.name, COALESCE(b.allocated_fen, 0), COALESCE(b.spent_fen, 0) FROM units "
          "u LEFT JOIN fund_balances b ON b.unit_id = u.id WHERE u.id > ?",
          {page.after}};
  if (unit.unit) sql.Add(" AND u.id = ?", unit.unit->value);
  sql.Add(" ORDER BY u.id LIMIT ?", std::int64_t{page.limit});
  return Rows<Balance>(tx, sql, [](const store::Row& r) {
    Fen allocated{r.Int(2)}, spent{r.Int(3)};
    return Balance{UnitId(r.Int(0)), r.String(1), allocated, spent, allocated - spent};
  });
}

// Reads every page of a list.
template <typename T, typename F>
Result<std::vector<T>> All(F list_page) {
  std::vector<T> out;
  for (store::Page page{0, 500};;) {
    MUSTER_ASSIGN(std::vector<T> items, list_page(page));
    if (items.empty()) return out;
    page.after = items.back().id.value;
    for (T& item : items) out.push_back(std::move(item));
  }
}

std::vector<std::string> LedgerHeader() {
  return {"date", "kind", "id", "unit_id", "unit", "amount_fen", "amount_yuan", "purpose",
          "community", "recorded_by"};
}

// The ledger: allocations and expenses of the filter, in date order (allocations first on a day).
Result<tabular::Sheet> LedgerSheet(store::Transaction& tx, const Actor& a,
                                   const OversightFilter& f) {
  MUSTER_ASSIGN(auto allocations, All<Allocation>([&](store::Page p) -> Result<std::vector<Allocation>> {
                  auto sql = LedgerQuery(a, kAllocationSelect, "a", p, f);
                  if (!sql) return std::vector<Allocation>();
                  return Rows<Allocation>(tx, *sql, ReadAllocation);
                }));
  MUSTER_ASSIGN(auto expenses, All<Expense>([&](store::Page p) -> Result<std::vector<Expense>> {
                  auto sql = LedgerQuery(a, kExpenseSelect, "e", p, f);
                  if (!sql) return std::vector<Expense>();
                  return Rows<Expense>(tx, *sql, ReadExpense);
                }));
  struct Line {
    int day, kind;
    std::int64_t id;
    std::vector<std::string> cells;
  };
  std::vector<Line> lines;
  for (const Allocation& x : allocations) {
    lines.push_back({DayNumber(x.date), 0, x.id.value,
                     {FormatDate(x.date), "allocation", std::to_string(x.id.value),
                      std::to_string(x.unit_id.value), x.unit_name, std::to_string(x.amount.value),
                      YuanNumber(x.amount), x.purpose, "", x.recorded_by}});
  }
  for (const Expense& x : expenses) {
    lines.push_back({DayNumber(x.date), 1, x.id.value,
                     {FormatDate(x.date), "expense", std::to_string(x.id.value),
                      std::to_string(x.unit_id.value), x.unit_name, std::to_string(x.amount.value),
                      YuanNumber(x.amount), x.purpose, x.community_name, x.recorded_by}});
  }
  std::sort(lines.begin(), lines.end(), [](const Line& l, const Line& r) {
    return std::tie(l.day, l.kind, l.id) < std::tie(r.day, r.kind, r.id);
  });
  tabular::Sheet sheet{"ledger", {LedgerHeader()}};
  for (Line& l : lines) sheet.rows.push_back(std::move(l.cells));
  return sheet;
}

Result<tabular::Sheet> BalanceSheet(store::Transaction& tx, const Actor& a, const OversightFilter& f) {
  MUSTER_ASSIGN(auto balances, All<Balance>([&](store::Page p) { return BalancesIn(tx, a, p, f.unit); }));
  tabular::Sheet sheet{"balances",
                       {{"unit_id", "unit", "allocated_fen", "spent_fen", "balance_fen",
                         "allocated_yuan", "spent_yuan", "balance_yuan"}}};
  for (const Balance& b : balances) {
    sheet.rows.push_back({std::to_string(b.id.value), b.unit_name, std::to_string(b.allocated.value),
                          std::to_string(b.spent.value), std::to_string(b.balance.value),
                          YuanNumber(b.allocated), YuanNumber(b.spent), YuanNumber(b.balance)});
  }
  return sheet;
}

Result<tabular::Sheet> SupplySheet(store::Transaction& tx, const Actor& a, const OversightFilter& f) {
  oversight::UnitNarrowing unit = oversight::NarrowToUnit(a, f.unit);
  SupplyFilter sf{std::nullopt, std::nullopt, unit.unit, f.from, f.to};
  std::vector<Supply> supplies;
  if (!unit.empty) {
    MUSTER_ASSIGN(supplies, All<Supply>([&](store::Page p) {
                    return Rows<Supply>(tx, SupplyQuery(a, p, sf), ReadSupply);
                  }));
  }
  tabular::Sheet sheet{"supplies",
                       {{"date", "id", "street", "community", "donor", "coordinated_by",
                         "description", "quantity", "value_fen", "value_yuan", "recorded_by"}}};
  for (const Supply& s : supplies) {
    sheet.rows.push_back({FormatDate(s.date), std::to_string(s.id.value), s.street_name,
                          s.community_name, s.donor, s.coordinated_by_unit_name, s.description,
                          std::to_string(s.quantity), std::to_string(s.value.value),
                          YuanNumber(s.value), s.recorded_by});
  }
  return sheet;
}

}  // namespace

Result<Allocation> Oversight::Allocate(const Actor& a, const AllocationInput& in) const {
  MUSTER_TRY(Access::Require(a, {Role::kCityAdmin}, "allocate funds"));
  const Timestamp now = clock_.Now();
  MUSTER_ASSIGN(std::string purpose, CheckLedgerFields(in.amount, in.purpose, in.date, ShanghaiDate(now)));
  return store_.Write([&](store::Transaction& tx) -> Result<Allocation> {
    MUSTER_ASSIGN(std::string unit_name, UnitNameFor(tx, in.unit_id, "unit_id"));
    MUSTER_ASSIGN(std::int64_t id,
                  tx.InsertReturningId(
                      "INSERT INTO fund_allocations (unit_id, amount_fen, purpose, day, "
                      "recorded_by, recorded_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                      "RETURNING id",
                      {in.unit_id.value, in.amount.value, purpose, std::int64_t{DayNumber(in.date)},
                       oversight::UserIdOf(a), a.username, UnixSeconds(now)}));
    MUSTER_TRY(tx.Exec("INSERT INTO fund_balances (unit_id, allocated_fen, spent_fen) VALUES (?, ?, "
                       "0) ON CONFLICT (unit_id) DO UPDATE SET allocated_fen = "
                       "fund_balances.allocated_fen + excluded.allocated_fen",
                       {in.unit_id.value, in.amount.value}));
    MUSTER_ASSIGN(Fen balance, BalanceOf(tx, in.unit_id));
    MUSTER_TRY(AppendAudit(tx, a, now, "funds_allocated", "allocation/" + std::to_string(id),
                           "unit " + std::to_string(in.unit_id.value) + ", " +
                               std::to_string(in.amount.value) + " fen"));
    return Allocation{AllocationId(id), in.unit_id, unit_name, in.amount, purpose, in.date,
                      a.username, now, balance};
  });
}

Result<Expense> Oversight::Spend(const Actor& a, const ExpenseInput& in) const {
  MUSTER_TRY(Access::Require(a, {Role::kCityAdmin, Role::kUnitAdmin}, "record expenses"));
  if (a.role == Role::kUnitAdmin && in.unit_id.value != a.scope_id) {
    return Forbidden("your role may not record expenses of other units");
  }
  const Timestamp now = clock_.Now();
  MUSTER_ASSIGN(std::string purpose, CheckLedgerFields(in.amount, in.purpose, in.date, ShanghaiDate(now)));
  return store_.Write([&](store::Transaction& tx) -> Result<Expense> {
    MUSTER_ASSIGN(std::string unit_name, UnitNameFor(tx, in.unit_id, "unit_id"));
    std::string community_name;
    if (in.community_id) {
      MUSTER_ASSIGN(auto c, store::RegistryRepo(tx).FindCommunity(*in.community_id));
      if (!c) {
        return Invalid("community_id", "no community with id " + std::to_string(in.community_id->value),
                       "unknown_id");
      }
      community_name = c->name;
    }
    // The balance check is this conditional write: concurrent expenses serialise on the unit's
    // balance row, and the loser finds too little left and changes nothing.
    MUSTER_ASSIGN(std::int64_t took,
                  tx.Exec("UPDATE fund_balances SET spent_fen = spent_fen + ? WHERE unit_id = ? AND "
                          "allocated_fen - spent_fen >= ?",
                          {in.amount.value, in.unit_id.value, in.amount.value}));
    if (took == 0) {
      MUSTER_ASSIGN(Fen left, BalanceOf(tx, in.unit_id));
      return Error{ErrorCode::kInsufficientFunds,
                   "exceeds the unit's balance of " + FormatYuan(left) + " yuan", "amount_fen",
                   "insufficient_funds"};
    }
    MUSTER_ASSIGN(std::int64_t id,
                  tx.InsertReturningId(
                      "INSERT INTO fund_expenses (unit_id, amount_fen, purpose, day, community_id, "
                      "recorded_by, recorded_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                      "RETURNING id",
                      {in.unit_id.value, in.amount.value, purpose, std::int64_t{DayNumber(in.date)},
                       in.community_id ? store::Value(in.community_id->value) : store::Null(),
                       oversight::UserIdOf(a), a.username, UnixSeconds(now)}));
    MUSTER_ASSIGN(Fen balance, BalanceOf(tx, in.unit_id));
    MUSTER_TRY(AppendAudit(tx, a, now, "expense_recorded", "expense/" + std::to_string(id),
                           "unit " + std::to_string(in.unit_id.value) + ", " +
                               std::to_string(in.amount.value) + " fen"));
    return Expense{ExpenseId(id), in.unit_id, unit_name, in.amount, purpose, in.date,
                   in.community_id, community_name, a.username, now, balance};
  });
}

Result<std::vector<Allocation>> Oversight::ListAllocations(const Actor& a, store::Page page,
                                                           const OversightFilter& f) const {
  MUSTER_TRY(oversight::RequireCityOrUnit(a, "read fund allocations"));
  auto sql = LedgerQuery(a, kAllocationSelect, "a", page, f);
  if (!sql) return std::vector<Allocation>();
  return store_.Read([&](store::Transaction& tx) { return Rows<Allocation>(tx, *sql, ReadAllocation); });
}

Result<std::vector<Expense>> Oversight::ListExpenses(const Actor& a, store::Page page,
                                                     const OversightFilter& f) const {
  MUSTER_TRY(oversight::RequireCityOrUnit(a, "read expenses"));
  auto sql = LedgerQuery(a, kExpenseSelect, "e", page, f);
  if (!sql) return std::vector<Expense>();
  return store_.Read([&](store::Transaction& tx) { return Rows<Expense>(tx, *sql, ReadExpense); });
}

Result<std::vector<Balance>> Oversight::Balances(const Actor& a, store::Page page,
                                                 std::optional<UnitId> unit) const {
  MUSTER_TRY(oversight::RequireCityOrUnit(a, "read fund balances"));
  return store_.Read([&](store::Transaction& tx) { return BalancesIn(tx, a, page, unit); });
}

Result<Supply> Oversight::RecordSupply(const Actor& a, const SupplyInput& in) const {
  MUSTER_TRY(Access::Require(a, {Role::kCityAdmin, Role::kUnitAdmin, Role::kStreetCoordinator},
                             "record supplies"));
  const Timestamp now = clock_.Now();
  MUSTER_ASSIGN(std::string donor, oversight::Text(in.donor, "donor", 200));
  MUSTER_ASSIGN(std::string description, oversight::Text(in.description, "description", 1000));
  MUSTER_TRY(CheckSupplyFields(in, ShanghaiDate(now)));
  return store_.Write([&](store::Transaction& tx) -> Result<Supply> {
    MUSTER_ASSIGN(StreetId street, RecipientStreet(tx, in));
    std::optional<UnitId> unit = in.coordinated_by_unit_id;
    if (!unit && a.role == Role::kUnitAdmin) unit = UnitId(a.scope_id);
    if (unit) MUSTER_TRY(UnitNameFor(tx, *unit, "coordinated_by_unit_id"));
    MUSTER_TRY(MayRecordSupply(a, street, unit));
    MUSTER_ASSIGN(std::int64_t id,
                  tx.InsertReturningId(
                      "INSERT INTO supplies (street_id, community_id, donor, "
                      "coordinated_by_unit_id, description, quantity, value_fen, day, recorded_by, "
                      "recorded_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                      "RETURNING id",
                      {street.value,
                       in.recipient_community_id ? store::Value(in.recipient_community_id->value)
                                                 : store::Null(),
                       donor, unit ? store::Value(unit->value) : store::Null(), description,
                       in.quantity, in.value.value, std::int64_t{DayNumber(in.date)},
                       oversight::UserIdOf(a), a.username, UnixSeconds(now)}));
    MUSTER_TRY(AppendAudit(tx, a, now, "supply_recorded", "supply/" + std::to_string(id),
                           "street " + std::to_string(street.value)));
    MUSTER_ASSIGN(auto rows, Rows<Supply>(tx, SupplyQuery(a, {id - 1, 1}, {}), ReadSupply));
    if (rows.empty()) return Internal("the supply just recorded is not readable");
    return rows.front();
  });
}

Result<std::vector<Supply>> Oversight::ListSupplies(const Actor& a, store::Page page,
                                                    const SupplyFilter& f) const {
  MUSTER_TRY(Access::Require(a, {Role::kCityAdmin, Role::kUnitAdmin, Role::kStreetCoordinator,
                                 Role::kCommunityCoordinator},
                             "read supplies"));
  Sql sql = SupplyQuery(a, page, f);
  return store_.Read([&](store::Transaction& tx) { return Rows<Supply>(tx, sql, ReadSupply); });
}

Result<std::vector<tabular::Sheet>> Oversight::ExportFunds(const Actor& a, const OversightFilter& f) const {
  MUSTER_TRY(oversight::RequireCityOrUnit(a, "export funds"));
  const Timestamp now = clock_.Now();
  return store_.Write([&](store::Transaction& tx) -> Result<std::vector<tabular::Sheet>> {
    std::vector<tabular::Sheet> sheets;
    MUSTER_ASSIGN(tabular::Sheet balances, BalanceSheet(tx, a, f));
    MUSTER_ASSIGN(tabular::Sheet ledger, LedgerSheet(tx, a, f));
    MUSTER_ASSIGN(tabular::Sheet supplies, SupplySheet(tx, a, f));
    std::string detail = std::to_string(ledger.rows.size() - 1) + " ledger lines";
    if (f.unit) detail += ", unit " + std::to_string(f.unit->value);
    if (f.from) detail += ", from " + FormatDate(*f.from);
    if (f.to) detail += ", to " + FormatDate(*f.to);
    MUSTER_TRY(AppendAudit(tx, a, now, "export", "funds", detail));
    sheets.push_back(std::move(ledger));
    sheets.push_back(std::move(balances));
    sheets.push_back(std::move(supplies));
    return sheets;
  });
}

}  // namespace muster::app
