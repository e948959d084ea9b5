#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace muster::store {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kRetryBudget = std::chrono::seconds(30);

bool IsContention(int rc) {
  int primary = rc & 0xFF;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

// Maps an SQLite failure to the error vocabulary. Constraint failures are conflicts the caller
// usually prevents by checking first; disk full and I/O errors are transient for the client.
Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  int primary = rc & 0xFF;
  std::string msg = std::string(what) + ": " + sqlite3_errmsg(db);
  if (primary == SQLITE_CONSTRAINT) return Conflict(msg);
  if (primary == SQLITE_FULL || primary == SQLITE_IOERR) {
    return Unavailable("the database could not write (" + msg + ")");
  }
  if (IsContention(rc)) return Unavailable("the database is busy");
  return Internal(msg);
}

class SqliteRow final : public Row {
 public:
  explicit SqliteRow(sqlite3_stmt* stmt) : stmt_(stmt) {}
  int size() const override { return sqlite3_column_count(stmt_); }
  bool IsNull(int col) const override { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::int64_t Int(int col) const override { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const override { return sqlite3_column_double(stmt_, col); }
  std::string_view Text(int col) const override {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    if (p == nullptr) return {};
    return {reinterpret_cast<const char*>(p),
            static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))};
  }

 private:
  sqlite3_stmt* stmt_;
};

// One connection with its cache of prepared statements.
class Connection {
 public:
  ~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  static Result<std::unique_ptr<Connection>> Open(const SqliteOptions& options) {
    auto conn = std::unique_ptr<Connection>(new Connection());
    int rc = sqlite3_open_v2(options.path.c_str(), &conn->db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = conn->db_ ? sqlite3_errmsg(conn->db_) : "out of memory";
      return Unavailable("cannot open database " + options.path + ": " + msg);
    }
    sqlite3_extended_result_codes(conn->db_, 1);
    sqlite3_busy_timeout(conn->db_, 5000);
    std::string pragmas = "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=";
    pragmas += options.synchronous_full ? "FULL;" : "NORMAL;";
    char* err = nullptr;
    rc = sqlite3_exec(conn->db_, pragmas.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : "unknown";
      sqlite3_free(err);
      return Unavailable("cannot set up database " + options.path + ": " + msg);
    }
    return conn;
  }

  sqlite3* db() { return db_; }

  // Returns a reset statement for `sql`, prepared once per connection.
  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
    cache_.emplace(std::string(sql), stmt);
    return stmt;
  }

  // Runs a statement without parameters or rows (BEGIN, COMMIT, scripts).
  int Simple(const std::string& sql) { return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr); }

 private:
  Connection() = default;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

class SqliteTransaction final : public Transaction {
 public:
  explicit SqliteTransaction(Connection& conn) : conn_(conn) {}

  Backend backend() const override { return Backend::kSqlite; }

  Status ExecScript(std::string_view sql) override {
    std::string expanded = ExpandDialect(sql, Backend::kSqlite);
    int rc = conn_.Simple(expanded);
    if (rc != SQLITE_OK) return Fail(rc, "script");
    return Ok();
  }

 private:
  Error Fail(int rc, std::string_view what) {
    if (IsContention(rc)) RequestRetry();
    return SqliteError(conn_.db(), rc, what);
  }

  Status Bind(sqlite3_stmt* stmt, const Value* params, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      int idx = static_cast<int>(i) + 1;
      int rc = std::visit(
          [&](const auto& v) -> int {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) return sqlite3_bind_null(stmt, idx);
            if constexpr (std::is_same_v<T, std::int64_t>) return sqlite3_bind_int64(stmt, idx, v);
            if constexpr (std::is_same_v<T, double>) return sqlite3_bind_double(stmt, idx, v);
            if constexpr (std::is_same_v<T, std::string>) {
              return sqlite3_bind_text(stmt, idx, v.data(), static_cast<int>(v.size()),
                                       SQLITE_STATIC);
            }
          },
          params[i]);
      if (rc != SQLITE_OK) return Fail(rc, "bind");
    }
    return Ok();
  }

  Result<std::int64_t> Step(std::string_view sql, const Value* params, std::size_t n,
                            const RowCallback* on_row) override {
    MUSTER_ASSIGN(sqlite3_stmt * stmt, conn_.Prepare(sql));
    struct Resetter {
      sqlite3_stmt* s;
      ~Resetter() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } resetter{stmt};
    if (static_cast<std::size_t>(sqlite3_bind_parameter_count(stmt)) != n) {
      return Internal("statement expects " + std::to_string(sqlite3_bind_parameter_count(stmt)) +
                      " parameters, got " + std::to_string(n));
    }
    MUSTER_TRY(Bind(stmt, params, n));
    SqliteRow row(stmt);
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return Fail(rc, "step");
      if (on_row != nullptr) MUSTER_TRY((*on_row)(row));
    }
    return static_cast<std::int64_t>(sqlite3_changes64(conn_.db()));
  }

  Connection& conn_;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(SqliteOptions options) : options_(std::move(options)) {}

  Status Init() {
    MUSTER_ASSIGN(writer_, Connection::Open(options_));
    return Ok();
  }

  Backend backend() const override { return Backend::kSqlite; }

 protected:
  Status RunTransaction(bool write, const std::function<Status(Transaction&)>& fn) override {
    auto deadline = Clock::now() + kRetryBudget;
    for (int attempt = 0;; ++attempt) {
      Attempt a = write ? RunWriteOnce(fn) : RunReadOnce(fn);
      if (a.status.ok() || !a.retry) return a.status;
      if (Clock::now() >= deadline) return Unavailable("the database stayed busy; try again");
      // Back off a little, growing, so that competing processes interleave.
      std::this_thread::sleep_for(std::chrono::milliseconds(1 << std::min(attempt, 5)));
    }
  }

 private:
  struct Attempt {
    Status status;
    bool retry = false;  // the failure was contention: rerun the whole transaction
  };

  Attempt RunWriteOnce(const std::function<Status(Transaction&)>& fn) {
    std::lock_guard lock(write_mu_);
    return RunOn(*writer_, "BEGIN IMMEDIATE", fn);
  }

  Attempt RunReadOnce(const std::function<Status(Transaction&)>& fn) {
    auto conn = AcquireReader();
    if (!conn.ok()) return {std::move(conn).error(), false};
    Attempt a = RunOn(**conn, "BEGIN", fn);
    ReleaseReader(std::move(conn).value());
    return a;
  }

  static Attempt RunOn(Connection& conn, const char* begin,
                       const std::function<Status(Transaction&)>& fn) {
    int rc = conn.Simple(begin);
    if (rc != SQLITE_OK) return {SqliteError(conn.db(), rc, "begin"), IsContention(rc)};
    SqliteTransaction tx(conn);
    Status s = fn(tx);
    if (!s.ok()) {
      conn.Simple("ROLLBACK");
      return {std::move(s), tx.retry_requested()};
    }
    rc = conn.Simple("COMMIT");
    if (rc != SQLITE_OK) {
      Error e = SqliteError(conn.db(), rc, "commit");
      conn.Simple("ROLLBACK");
      return {std::move(e), IsContention(rc)};
    }
    return {Ok(), false};
  }

  Result<std::unique_ptr<Connection>> AcquireReader() {
    {
      std::lock_guard lock(pool_mu_);
      if (!readers_.empty()) {
        auto conn = std::move(readers_.back());
        readers_.pop_back();
        return conn;
      }
    }
    return Connection::Open(options_);
  }

  void ReleaseReader(std::unique_ptr<Connection> conn) {
    std::lock_guard lock(pool_mu_);
    if (static_cast<int>(readers_.size()) < options_.max_readers) readers_.push_back(std::move(conn));
  }

  SqliteOptions options_;
  std::mutex write_mu_;
  std::unique_ptr<Connection> writer_;  // GUARDED_BY(write_mu_)
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> readers_;  // GUARDED_BY(pool_mu_)
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqlite(const SqliteOptions& options) {
  auto store = std::make_unique<SqliteStore>(options);
  MUSTER_TRY(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace muster::store
