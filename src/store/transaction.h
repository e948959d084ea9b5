#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"

namespace muster::store {

enum class Backend { kSqlite, kPostgres };

// One SQL parameter or column value. Booleans travel as 0/1 integers, instants as Unix seconds,
// dates as day numbers or "YYYY-MM-DD" text: the same on both backends.
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

// Convenience constructors for parameter lists.
inline Value Null() { return nullptr; }
template <typename T>
Value Opt(const std::optional<T>& v) {
  if (!v) return nullptr;
  return Value(*v);
}

// One row of a query result, valid only during the row callback.
class Row {
 public:
  virtual ~Row() = default;
  virtual int size() const = 0;
  virtual bool IsNull(int col) const = 0;
  // REQUIRES: the column holds an integer (or a text of one, as libpq answers).
  virtual std::int64_t Int(int col) const = 0;
  virtual double Double(int col) const = 0;
  // Returns the column as text; valid until the callback returns.
  virtual std::string_view Text(int col) const = 0;

  std::optional<std::int64_t> OptInt(int col) const {
    return IsNull(col) ? std::nullopt : std::optional<std::int64_t>(Int(col));
  }
  std::optional<double> OptDouble(int col) const {
    return IsNull(col) ? std::nullopt : std::optional<double>(Double(col));
  }
  std::string String(int col) const { return std::string(Text(col)); }
};

using RowCallback = std::function<Status(const Row&)>;

// A unit of work on the database, handed to the function given to Store::Write or Store::Read.
// SQL is written once for both backends: parameters are `?`, ids come back with RETURNING, and the
// few dialect differences of DDL are tokens that ExecScript expands ({ID}, {REAL}).
//
// A statement that fails because of contention (SQLite busy, PostgreSQL serialization failure)
// returns kUnavailable and marks the transaction for retry; the Store then rolls back and runs the
// function again, so a caller never sees SQLITE_BUSY. Not thread-safe: one thread at a time.
class Transaction {
 public:
  virtual ~Transaction() = default;

  virtual Backend backend() const = 0;

  // Runs one statement and returns the number of rows it changed.
  Result<std::int64_t> Exec(std::string_view sql, std::initializer_list<Value> params) {
    return Step(sql, params.begin(), params.size(), nullptr);
  }
  Result<std::int64_t> Exec(std::string_view sql) { return Step(sql, nullptr, 0, nullptr); }

  // Runs one statement and calls `on_row` for each row; stops at the first error it returns.
  Status Query(std::string_view sql, std::initializer_list<Value> params, const RowCallback& on_row) {
    return Discard(Step(sql, params.begin(), params.size(), &on_row));
  }
  Status Query(std::string_view sql, const RowCallback& on_row) {
    return Discard(Step(sql, nullptr, 0, &on_row));
  }

  // The same with a vector of parameters (for statements built at run time).
  Status QueryV(std::string_view sql, const std::vector<Value>& params, const RowCallback& on_row) {
    return Discard(Step(sql, params.data(), params.size(), &on_row));
  }
  Result<std::int64_t> ExecV(std::string_view sql, const std::vector<Value>& params) {
    return Step(sql, params.data(), params.size(), nullptr);
  }

  // Runs several statements without parameters, after expanding the dialect tokens.
  virtual Status ExecScript(std::string_view sql) = 0;

  // Runs an INSERT ... RETURNING id and returns the id.
  Result<std::int64_t> InsertReturningId(std::string_view sql, std::initializer_list<Value> params);
  // Returns the single integer of a query that answers one row (nullopt when it answers none).
  Result<std::optional<std::int64_t>> QueryInt(std::string_view sql,
                                               std::initializer_list<Value> params);

  // True after a statement failed for a reason that a rerun of the whole transaction may cure.
  bool retry_requested() const { return retry_requested_; }

 protected:
  // Runs one statement with `n` parameters, calling `on_row` (when given) for each row; returns
  // the number of rows changed. Each backend implements it; everything above is shared.
  virtual Result<std::int64_t> Step(std::string_view sql, const Value* params, std::size_t n,
                                    const RowCallback* on_row) = 0;

  void RequestRetry() { retry_requested_ = true; }

 private:
  static Status Discard(Result<std::int64_t> r) {
    if (!r.ok()) return std::move(r).error();
    return Ok();
  }

  bool retry_requested_ = false;
};

// Expands the dialect tokens of DDL for `backend`.
std::string ExpandDialect(std::string_view sql, Backend backend);

}  // namespace muster::store
