#include "store/postgres/postgres_store.h"

#include <libpq-fe.h>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace muster::store {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto kRetryBudget = std::chrono::seconds(30);

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// Rewrites the portable `?` placeholders to PostgreSQL's `$1, $2...`, leaving quoted text alone.
std::string NumberPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote != 0) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

class PgRow final : public Row {
 public:
  PgRow(PGresult* res, int row) : res_(res), row_(row) {}
  int size() const override { return PQnfields(res_); }
  bool IsNull(int col) const override { return PQgetisnull(res_, row_, col) != 0; }
  std::int64_t Int(int col) const override {
    std::string_view t = Text(col);
    std::int64_t v = 0;
    std::from_chars(t.data(), t.data() + t.size(), v);
    return v;
  }
  double Double(int col) const override { return std::strtod(PQgetvalue(res_, row_, col), nullptr); }
  std::string_view Text(int col) const override {
    return {PQgetvalue(res_, row_, col), static_cast<std::size_t>(PQgetlength(res_, row_, col))};
  }

 private:
  PGresult* res_;
  int row_;
};

class Connection {
 public:
  ~Connection() { PQfinish(conn_); }

  static Result<std::unique_ptr<Connection>> Open(const std::string& conninfo) {
    auto c = std::unique_ptr<Connection>(new Connection());
    c->conn_ = PQconnectdb(conninfo.c_str());
    if (PQstatus(c->conn_) != CONNECTION_OK) {
      return Unavailable(std::string("cannot connect to PostgreSQL: ") + PQerrorMessage(c->conn_));
    }
    PgResult r(PQexec(c->conn_, "SET client_min_messages = warning; SET TIME ZONE 'UTC'"));
    return c;
  }

  PGconn* pg() { return conn_; }
  bool healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

  // Returns the name of the prepared statement for `sql`, preparing it once per connection.
  Result<const std::string*> Prepare(std::string_view sql, int nparams) {
    auto it = prepared_.find(std::string(sql));
    if (it != prepared_.end()) return &it->second;
    std::string name = "s" + std::to_string(prepared_.size() + 1);
    std::string text = NumberPlaceholders(sql);
    PgResult r(PQprepare(conn_, name.c_str(), text.c_str(), nparams, nullptr));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return Failure(r.get(), "prepare");
    auto [pos, _] = prepared_.emplace(std::string(sql), std::move(name));
    return &pos->second;
  }

  // Maps a failed result (or a broken connection) to the error vocabulary.
  Error Failure(PGresult* r, std::string_view what) {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string code = state ? state : "";
    std::string msg = std::string(what) + ": " + (r ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (code == "40001" || code == "40P01") {
      last_retryable_ = true;
      return Unavailable("the database is busy");
    }
    if (code.rfind("23", 0) == 0) return Conflict(msg);
    if (code.rfind("53", 0) == 0 || code.rfind("08", 0) == 0 || !healthy()) {
      return Unavailable("the database could not complete the request (" + msg + ")");
    }
    return Internal(msg);
  }

  bool TakeRetryable() {
    bool r = last_retryable_;
    last_retryable_ = false;
    return r;
  }

  // Runs a statement without parameters; returns false on failure.
  PgResult Simple(const char* sql) { return PgResult(PQexec(conn_, sql)); }

 private:
  Connection() = default;
  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;
  bool last_retryable_ = false;
};

bool CommandOk(const PgResult& r) {
  auto st = PQresultStatus(r.get());
  return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

class PgTransaction final : public Transaction {
 public:
  explicit PgTransaction(Connection& conn) : conn_(conn) {}

  Backend backend() const override { return Backend::kPostgres; }

  Status ExecScript(std::string_view sql) override {
    std::string expanded = ExpandDialect(sql, Backend::kPostgres);
    PgResult r(PQexec(conn_.pg(), expanded.c_str()));
    if (!CommandOk(r)) return Fail(r.get(), "script");
    return Ok();
  }

 private:
  Error Fail(PGresult* r, std::string_view what) {
    Error e = conn_.Failure(r, what);
    if (conn_.TakeRetryable()) RequestRetry();
    return e;
  }

  Result<std::int64_t> Step(std::string_view sql, const Value* params, std::size_t n,
                            const RowCallback* on_row) override {
    MUSTER_ASSIGN(const std::string* name, conn_.Prepare(sql, static_cast<int>(n)));
    std::vector<std::string> texts(n);
    std::vector<const char*> values(n);
    for (std::size_t i = 0; i < n; ++i) {
      values[i] = std::visit(
          [&](const auto& v) -> const char* {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) {
              return nullptr;
            } else if constexpr (std::is_same_v<T, std::string>) {
              return v.c_str();
            } else {
              texts[i] = FormatNumber(v);
              return texts[i].c_str();
            }
          },
          params[i]);
    }
    PgResult r(PQexecPrepared(conn_.pg(), name->c_str(), static_cast<int>(n), values.data(),
                              nullptr, nullptr, 0));
    if (!CommandOk(r)) return Fail(r.get(), "query");
    if (on_row != nullptr) {
      int rows = PQntuples(r.get());
      for (int i = 0; i < rows; ++i) MUSTER_TRY((*on_row)(PgRow(r.get(), i)));
    }
    const char* changed = PQcmdTuples(r.get());
    return changed[0] ? std::strtoll(changed, nullptr, 10) : std::int64_t{0};
  }

  static std::string FormatNumber(std::int64_t v) { return std::to_string(v); }
  static std::string FormatNumber(double v) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, end);
  }

  Connection& conn_;
};

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(PostgresOptions options) : options_(std::move(options)) {}

  ~PostgresStore() override {
    {
      std::lock_guard lock(async_mu_);
      async_stop_ = true;
    }
    async_cv_.notify_all();
    for (std::thread& t : async_threads_) t.join();  // after the queued writes ran
  }

  Status Init() {
    MUSTER_ASSIGN(auto conn, Connection::Open(options_.conninfo));
    Release(std::move(conn));
    return Ok();
  }

  Backend backend() const override { return Backend::kPostgres; }

 protected:
  Status RunTransaction(bool write, const std::function<Status(Transaction&)>& fn) override {
    auto deadline = SteadyClock::now() + kRetryBudget;
    const char* begin = write ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                              : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    for (int attempt = 0;; ++attempt) {
      MUSTER_ASSIGN(auto conn, Acquire());
      auto [status, retry] = RunOn(*conn, begin, fn);
      if (conn->healthy()) Release(std::move(conn));
      if (status.ok() || !retry) return status;
      if (SteadyClock::now() >= deadline) return Unavailable("the database stayed busy; try again");
      std::this_thread::sleep_for(std::chrono::milliseconds(1 << std::min(attempt, 6)));
    }
  }

  // A transaction waits on the server's round trips, so asynchronous writes run on threads of
  // their own (kAsyncThreads, started at the first), each as Write runs it.
  void RunWriteAsync(std::function<Status(Transaction&)> fn, WriteDone done) override {
    std::call_once(async_started_, [this] {
      for (int i = 0; i < kAsyncThreads; ++i) async_threads_.emplace_back([this] { AsyncLoop(); });
    });
    {
      std::lock_guard lock(async_mu_);
      async_queue_.push_back({std::move(fn), std::move(done)});
    }
    async_cv_.notify_one();
  }

 private:
  static constexpr int kAsyncThreads = 32;

  struct AsyncWrite {
    std::function<Status(Transaction&)> fn;
    WriteDone done;
  };

  void AsyncLoop() {
    std::unique_lock lock(async_mu_);
    for (;;) {
      async_cv_.wait(lock, [&] { return async_stop_ || !async_queue_.empty(); });
      if (async_queue_.empty()) return;  // stopping, and nothing left
      AsyncWrite write = std::move(async_queue_.front());
      async_queue_.pop_front();
      lock.unlock();
      Store::RunWriteAsync(std::move(write.fn), std::move(write.done));
      lock.lock();
    }
  }

  struct Attempt {
    Status status;
    bool retry = false;
  };

  static Attempt RunOn(Connection& conn, const char* begin,
                       const std::function<Status(Transaction&)>& fn) {
    PgResult b = conn.Simple(begin);
    if (!CommandOk(b)) return {conn.Failure(b.get(), "begin"), conn.TakeRetryable()};
    PgTransaction tx(conn);
    Status s = fn(tx);
    if (!s.ok()) {
      conn.Simple("ROLLBACK");
      return {std::move(s), tx.retry_requested()};
    }
    PgResult c = conn.Simple("COMMIT");
    if (!CommandOk(c)) {
      Error e = conn.Failure(c.get(), "commit");
      conn.Simple("ROLLBACK");
      return {std::move(e), conn.TakeRetryable()};
    }
    return {Ok(), false};
  }

  Result<std::unique_ptr<Connection>> Acquire() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
    }
    return Connection::Open(options_.conninfo);
  }

  void Release(std::unique_ptr<Connection> conn) {
    std::lock_guard lock(mu_);
    if (static_cast<int>(idle_.size()) < options_.max_connections) idle_.push_back(std::move(conn));
  }

  PostgresOptions options_;
  std::once_flag async_started_;
  std::mutex async_mu_;
  std::condition_variable async_cv_;
  std::deque<AsyncWrite> async_queue_;  // GUARDED_BY(async_mu_)
  bool async_stop_ = false;             // GUARDED_BY(async_mu_)
  std::vector<std::thread> async_threads_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;  // GUARDED_BY(mu_)
};

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgres(const PostgresOptions& options) {
  auto store = std::make_unique<PostgresStore>(options);
  MUSTER_TRY(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace muster::store
