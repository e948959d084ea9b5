#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
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

// The statements that frame write transactions, prepared once per connection.
enum class Control { kBegin, kCommit, kRollback, kSavepoint, kRelease, kRollbackTo };
constexpr std::array<const char*, 6> kControlSql = {"BEGIN IMMEDIATE",
                                                    "COMMIT",
                                                    "ROLLBACK",
                                                    "SAVEPOINT muster_write",
                                                    "RELEASE muster_write",
                                                    "ROLLBACK TO muster_write"};

// One connection with its cache of prepared statements.
class Connection {
 public:
  ~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    for (sqlite3_stmt* stmt : control_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  static Result<std::unique_ptr<Connection>> Open(const SqliteOptions& options) {
    auto conn = std::unique_ptr<Connection>(new Connection());
    int rc = sqlite3_open_v2(options.path.c_str(), &conn->db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             options.vfs.empty() ? nullptr : options.vfs.c_str());
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
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
    cache_.emplace(std::string(sql), stmt);
    return stmt;
  }

  // Runs a statement without parameters or rows (BEGIN, COMMIT, scripts).
  int Simple(const std::string& sql) {
    return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  }

  // Runs one of the statements that frame write transactions; returns SQLITE_OK or the error.
  int Run(Control which) {
    sqlite3_stmt*& stmt = control_[static_cast<std::size_t>(which)];
    if (stmt == nullptr) {
      int rc = sqlite3_prepare_v3(db_, kControlSql[static_cast<std::size_t>(which)], -1,
                                  SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) return rc;
    }
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
  }

  // True while a transaction is open (SQLite may end one by itself after some errors).
  bool InTransaction() { return sqlite3_get_autocommit(db_) == 0; }

 private:
  Connection() = default;
  sqlite3* db_ = nullptr;
  // Looked up by the caller's string_view, so that a cached statement costs no allocation.
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> cache_;
  std::array<sqlite3_stmt*, kControlSql.size()> control_{};
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

using TxFn = std::function<Status(Transaction&)>;

// What one run of a transaction function came to.
struct Attempt {
  Status status;
  bool retry = false;  // the failure was contention: rerun the whole function
};

// One write in the writer queue. A Write call's lives on its caller's stack and the leader of
// its group fills in the outcome before setting `done`; a WriteAsync call's lives on the heap,
// owns its function, and is handed to `on_done` and deleted by the leader that finishes it.
struct Writer {
  explicit Writer(const TxFn& f) : fn(&f) {}
  Writer(TxFn f, std::function<void(Status)> d, Clock::time_point give_up)
      : own(std::move(f)), fn(&own), on_done(std::move(d)), deadline(give_up) {}
  bool async() const { return static_cast<bool>(on_done); }

  TxFn own;  // an asynchronous write's function
  const TxFn* fn;
  std::function<void(Status)> on_done;  // set for asynchronous writes
  Clock::time_point deadline;           // asynchronous writes: when contention ends the reruns
  Attempt outcome;
  std::exception_ptr exception;  // what fn threw, rethrown to its caller
  bool applied = false;          // fn succeeded inside the group's open transaction
  bool done = false;             // GUARDED_BY(queue_mu_)
  std::condition_variable cv;
};

// Runs w's function, catching what it throws so that the leader's thread survives a follower's
// exception.
Status Call(Writer& w, Transaction& tx) {
  try {
    return (*w.fn)(tx);
  } catch (...) {
    w.exception = std::current_exception();
    return Internal("the write function threw");
  }
}

// Returns the text of an exception an asynchronous write's function threw.
std::string ExceptionText(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& thrown) {
    return thrown.what();
  } catch (...) {
    return "unknown exception";
  }
}

// Returns how the other members of a group end when `culprit`'s failure took the whole open
// transaction with it: contention reruns them, a write failure (disk full, I/O) reaches them too,
// anything else reruns them without the culprit.
Attempt OthersAfterLoss(const Attempt& culprit) {
  if (culprit.retry) return {Unavailable("the database is busy"), true};
  if (culprit.status.error().code == ErrorCode::kUnavailable) return {culprit.status, false};
  return {Unavailable("another write of the same transaction failed"), true};
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(SqliteOptions options)
      : options_(std::move(options)),
        max_group_(static_cast<std::size_t>(std::max(1, options_.max_group))) {}

  ~SqliteStore() override {
    if (async_leader_.joinable()) {
      {
        std::lock_guard lock(queue_mu_);
        async_stop_ = true;
      }
      async_cv_.notify_one();
      async_leader_.join();  // after it finished every queued asynchronous write
    }
    if (checkpointer_.joinable()) {
      {
        std::lock_guard lock(checkpoint_mu_);
        checkpoint_stop_ = true;
      }
      checkpoint_cv_.notify_one();
      checkpointer_.join();
    }
  }

  Status Init() {
    MUSTER_ASSIGN(writer_, Connection::Open(options_));
    if (options_.writer_cache_kib > 0) {
      const std::string pragma = "PRAGMA cache_size=-" + std::to_string(options_.writer_cache_kib);
      if (int rc = writer_->Simple(pragma); rc != SQLITE_OK) {
        return SqliteError(writer_->db(), rc, "cache_size");
      }
    }
    group_.reserve(max_group_);  // so that leading a group never allocates
    if (options_.checkpoint_pages > 0) {
      MUSTER_ASSIGN(checkpoint_conn_, Connection::Open(options_));
      // Replaces the writer's automatic checkpoint (wal_autocheckpoint is itself a WAL hook).
      sqlite3_wal_hook(writer_->db(), &SqliteStore::AfterCommit, this);
      checkpointer_ = std::thread([this] { CheckpointLoop(); });
    }
    async_leader_ = std::thread([this] { AsyncLeaderLoop(); });
    return Ok();
  }

  Backend backend() const override { return Backend::kSqlite; }

  SqliteWriteStats stats() const {
    return {commits_.load(std::memory_order_relaxed), transactions_.load(std::memory_order_relaxed),
            largest_group_.load(std::memory_order_relaxed),
            queued_.load(std::memory_order_relaxed),
            checkpoints_.load(std::memory_order_relaxed)};
  }

 protected:
  Status RunTransaction(bool write, const TxFn& fn) override {
    if (write && leader_.load(std::memory_order_relaxed) == std::this_thread::get_id()) {
      return Internal("Write called from inside a write transaction of the same store");
    }
    auto deadline = Clock::now() + kRetryBudget;
    for (int attempt = 0;; ++attempt) {
      Attempt a = write ? RunWriteOnce(fn) : RunReadOnce(fn);
      if (a.status.ok() || !a.retry) return a.status;
      if (Clock::now() >= deadline) return Unavailable("the database stayed busy; try again");
      // Back off a little, growing, so that competing processes interleave.
      std::this_thread::sleep_for(std::chrono::milliseconds(1 << std::min(attempt, 5)));
    }
  }

  // Queues the write and returns; the thread of asynchronous writes leads its group when it
  // reaches the front of the queue, or a waiting Write's caller carries it in its group. Either
  // calls `done` after the COMMIT. Contention reruns it at the back of the queue.
  void RunWriteAsync(TxFn fn, WriteDone done) override {
    if (leader_.load(std::memory_order_relaxed) == std::this_thread::get_id()) {
      return done(Internal("WriteAsync called from inside a write transaction of the same store"));
    }
    auto* w = new Writer(std::move(fn), std::move(done), Clock::now() + kRetryBudget);
    std::lock_guard lock(queue_mu_);
    Enqueue(w);
  }

 private:
  // Queues `fn`, leads its group if it reaches the front first, and returns once the group's
  // transaction has ended.
  Attempt RunWriteOnce(const TxFn& fn) {
    Writer w(fn);
    std::unique_lock lock(queue_mu_);
    recent_writers_[next_recent_++ % recent_writers_.size()] = std::this_thread::get_id();
    Enqueue(&w);
    while (!w.done && queue_.front() != &w) w.cv.wait(lock);
    if (!w.done) {
      std::vector<Writer*> finished = Lead(lock, /*linger=*/true);
      lock.unlock();
      Complete(finished);
    } else {
      lock.unlock();
    }
    if (w.exception) std::rethrow_exception(w.exception);
    return std::move(w.outcome);
  }

  // Appends `w` to the queue. A writer that finds the queue empty leads at once (wakes the
  // thread of asynchronous writes for one of those); a leader waiting for company learns of it.
  // REQUIRES: queue_mu_ held.
  void Enqueue(Writer* w) {
    queue_.push_back(w);
    queued_.store(queue_.size(), std::memory_order_relaxed);
    if (queue_.size() == 1) {
      if (w->async()) async_cv_.notify_one();
    } else if (lingering_) {
      queue_.front()->cv.notify_one();
    }
  }

  // Wakes whoever leads the writer at the front of the queue. REQUIRES: queue_mu_ held.
  void WakeFront() {
    if (queue_.empty()) return;
    if (queue_.front()->async()) {
      async_cv_.notify_one();
    } else {
      queue_.front()->cv.notify_one();
    }
  }

  // The thread of asynchronous writes: leads each group whose front writer is asynchronous
  // (their callers do not wait to lead). Never lingers: its writers do not block while queued,
  // so company comes by itself as the previous group runs. Ends once stopped and drained.
  void AsyncLeaderLoop() {
    std::unique_lock lock(queue_mu_);
    for (;;) {
      async_cv_.wait(lock, [&] {
        return (!queue_.empty() && queue_.front()->async()) || (async_stop_ && queue_.empty());
      });
      if (queue_.empty()) return;
      std::vector<Writer*> finished = Lead(lock, /*linger=*/false);
      lock.unlock();
      Complete(finished);
      lock.lock();
    }
  }

  // Hands each finished asynchronous writer its outcome and frees it. Without queue_mu_.
  static void Complete(std::vector<Writer*>& finished) {
    for (Writer* w : finished) {
      std::unique_ptr<Writer> owned(w);
      Status s = std::move(w->outcome.status);
      if (w->exception) s = Internal("the write function threw: " + ExceptionText(w->exception));
      w->on_done(std::move(s));
    }
  }

  // Takes the writers at the front of the queue, runs them as one transaction, wakes them, and
  // hands the lead to the next writer waiting. Returns the asynchronous writers of the group that
  // are finished, for the caller to complete once it released the lock (those that met
  // contention are queued again, at the back, until their retry budget ends).
  // REQUIRES: `lock` holds queue_mu_; the writer at the front of the queue is the caller's (or,
  // on the thread of asynchronous writes, an asynchronous one).
  std::vector<Writer*> Lead(std::unique_lock<std::mutex>& lock, bool linger) {
    if (linger) Linger(lock);
    std::size_t n = std::min(queue_.size(), max_group_);
    group_.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();
    leader_.store(std::this_thread::get_id(), std::memory_order_relaxed);
    if (n == 1) {
      RunAlone(*group_[0]);
    } else {
      RunGroup();
    }
    leader_.store(std::thread::id(), std::memory_order_relaxed);
    std::vector<Writer*> finished;
    const auto now = Clock::now();
    lock.lock();
    for (Writer* w : group_) {
      queue_.pop_front();
      if (w->async()) {
        if (w->outcome.retry && now < w->deadline && !w->exception) {
          w->outcome = {};
          w->applied = false;
          queue_.push_back(w);
        } else {
          if (w->outcome.retry) {
            w->outcome.status = Unavailable("the database stayed busy; try again");
          }
          finished.push_back(w);
        }
        continue;
      }
      w->done = true;
      // Under the lock: once `done` is seen, the writer (and its cv) may be gone.
      w->cv.notify_one();
    }
    queued_.store(queue_.size(), std::memory_order_relaxed);
    WakeFront();
    return finished;
  }

  // Waits for company before a group starts (SqliteOptions::commit_linger_us): until as many
  // writers are queued as distinct threads made the last 64 writes, the linger is over, or no
  // writer joined for half of it.
  // REQUIRES: `lock` holds queue_mu_; the caller's writer is at the front of the queue.
  void Linger(std::unique_lock<std::mutex>& lock) {
    if (linger_.count() == 0) return;
    std::size_t expected = 0;  // distinct threads among the recent writes
    for (std::size_t i = 0; i < recent_writers_.size(); ++i) {
      const std::thread::id t = recent_writers_[i];
      if (t == std::thread::id()) continue;
      bool seen = false;
      for (std::size_t j = 0; j < i && !seen; ++j) seen = recent_writers_[j] == t;
      if (!seen) ++expected;
    }
    expected = std::min(expected, max_group_);
    if (expected < 2 || queue_.size() >= expected) return;
    Writer& self = *queue_.front();
    const auto end = Clock::now() + linger_;
    lingering_ = true;
    while (queue_.size() < expected) {
      const std::size_t before = queue_.size();
      const auto until = std::min(end, Clock::now() + linger_ / 2);
      // RunWriteOnce wakes the lingering leader at each arrival.
      self.cv.wait_until(lock, until, [&] { return queue_.size() > before; });
      if (queue_.size() == before || Clock::now() >= end) break;
    }
    lingering_ = false;
  }

  // A writer with no one waiting behind it: one transaction, no savepoint, as simple as it gets.
  void RunAlone(Writer& w) {
    Connection& c = *writer_;
    int rc = c.Run(Control::kBegin);
    if (rc != SQLITE_OK) {
      w.outcome = {SqliteError(c.db(), rc, "begin"), IsContention(rc)};
      return;
    }
    SqliteTransaction tx(c);
    Status s = Call(w, tx);
    if (!s.ok()) {
      c.Run(Control::kRollback);
      w.outcome = {std::move(s), tx.retry_requested()};
      return;
    }
    rc = c.Run(Control::kCommit);
    if (rc != SQLITE_OK) {
      w.outcome = {SqliteError(c.db(), rc, "commit"), IsContention(rc)};
      c.Run(Control::kRollback);
      return;
    }
    w.outcome = {Ok(), false};
    Count(1, 1);
  }

  // Runs the writers of group_ in one transaction, each inside its own savepoint, in queue order.
  void RunGroup() {
    Connection& c = *writer_;
    int rc = c.Run(Control::kBegin);
    if (rc != SQLITE_OK) {
      EndAll({SqliteError(c.db(), rc, "begin"), IsContention(rc)});
      return;
    }
    std::uint64_t applied = 0;
    for (Writer* w : group_) {
      if (!RunInSavepoint(c, *w)) return;
      applied += w->applied ? 1 : 0;
    }
    rc = c.Run(Control::kCommit);
    if (rc != SQLITE_OK) {
      // Nothing of the group took effect, and a function that failed may have failed because of
      // work that is now gone: every member gets the COMMIT's outcome.
      EndAll({SqliteError(c.db(), rc, "commit"), IsContention(rc)});
      return;
    }
    Count(applied, group_.size());
  }

  // Runs w's function inside a savepoint of the open transaction and sets its outcome. Returns
  // false when the transaction itself was lost (SQLite rolls back the whole transaction after
  // some I/O and busy errors); the whole group has then been ended.
  bool RunInSavepoint(Connection& c, Writer& w) {
    int rc = c.Run(Control::kSavepoint);
    if (rc != SQLITE_OK) return EndAll({SqliteError(c.db(), rc, "savepoint"), IsContention(rc)});
    SqliteTransaction tx(c);
    Status s = Call(w, tx);
    if (s.ok()) {
      rc = c.Run(Control::kRelease);
      if (rc != SQLITE_OK) return EndAll({SqliteError(c.db(), rc, "release"), IsContention(rc)});
      w.applied = true;
      w.outcome = {Ok(), false};
      return true;
    }
    w.outcome = {std::move(s), tx.retry_requested()};
    if (!c.InTransaction()) return EndAllBut(&w, OthersAfterLoss(w.outcome));
    rc = c.Run(Control::kRollbackTo);
    if (rc == SQLITE_OK) rc = c.Run(Control::kRelease);
    if (rc != SQLITE_OK) return EndAll({SqliteError(c.db(), rc, "rollback to"), IsContention(rc)});
    return true;
  }

  // Rolls back what is left of the group's transaction and gives every member `outcome`; returns
  // false.
  bool EndAll(const Attempt& outcome) { return EndAllBut(nullptr, outcome); }

  bool EndAllBut(const Writer* keep, const Attempt& outcome) {
    if (writer_->InTransaction()) writer_->Run(Control::kRollback);
    for (Writer* w : group_) {
      w->applied = false;
      if (w != keep) w->outcome = outcome;
    }
    return false;
  }

  void Count(std::uint64_t applied, std::uint64_t group) {
    commits_.fetch_add(1, std::memory_order_relaxed);
    transactions_.fetch_add(applied, std::memory_order_relaxed);
    if (group > largest_group_.load(std::memory_order_relaxed)) {
      largest_group_.store(group, std::memory_order_relaxed);  // only the leader writes it
    }
  }

  // The writer connection's WAL hook, called after each COMMIT with the WAL's size in pages:
  // wakes the checkpointer past checkpoint_pages, checkpoints inline past 8 times that.
  static int AfterCommit(void* arg, sqlite3* db, const char* schema, int pages) {
    auto* self = static_cast<SqliteStore*>(arg);
    const int threshold = self->options_.checkpoint_pages;
    if (pages >= 8 * threshold) {
      // After the background run in progress, if any: two checkpoints at once would make this
      // one give up at once. PASSIVE copies what no reader still needs, and once all is copied
      // the WAL restarts at the next write.
      std::lock_guard running(self->checkpoint_run_mu_);
      sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (pages >= threshold && !self->checkpoint_wanted_.exchange(true)) {
      std::lock_guard lock(self->checkpoint_mu_);
      self->checkpoint_cv_.notify_one();
    }
    return SQLITE_OK;
  }

  void CheckpointLoop() {
    std::unique_lock lock(checkpoint_mu_);
    for (;;) {
      checkpoint_cv_.wait(lock, [&] { return checkpoint_stop_ || checkpoint_wanted_.load(); });
      if (checkpoint_stop_) return;
      lock.unlock();
      {
        // PASSIVE never blocks the writer or readers; what it cannot copy now waits for the
        // next run.
        std::lock_guard running(checkpoint_run_mu_);
        sqlite3_wal_checkpoint_v2(checkpoint_conn_->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                  nullptr, nullptr);
      }
      checkpoints_.fetch_add(1, std::memory_order_relaxed);
      checkpoint_wanted_.store(false);
      lock.lock();
    }
  }

  Attempt RunReadOnce(const TxFn& fn) {
    auto conn = AcquireReader();
    if (!conn.ok()) return {std::move(conn).error(), false};
    Attempt a = RunRead(**conn, fn);
    ReleaseReader(std::move(conn).value());
    return a;
  }

  static Attempt RunRead(Connection& conn, const TxFn& fn) {
    int rc = conn.Simple("BEGIN");
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
    if (static_cast<int>(readers_.size()) < options_.max_readers) {
      readers_.push_back(std::move(conn));
    }
  }

  const SqliteOptions options_;
  const std::size_t max_group_;

  std::mutex queue_mu_;
  std::deque<Writer*> queue_;  // GUARDED_BY(queue_mu_); the front one leads or will lead
  // The threads of the last writes (GUARDED_BY(queue_mu_)): how many writers to expect.
  std::array<std::thread::id, 64> recent_writers_{};
  std::size_t next_recent_ = 0;  // GUARDED_BY(queue_mu_)
  bool lingering_ = false;       // GUARDED_BY(queue_mu_); the leader waits for company
  // The thread that leads groups whose front writer is asynchronous (WriteAsync).
  std::condition_variable async_cv_;
  bool async_stop_ = false;  // GUARDED_BY(queue_mu_)
  std::thread async_leader_;
  const std::chrono::microseconds linger_{options_.commit_linger_us};
  // The writer connection and the group being run belong to the leader of the moment (the writer
  // at the front of the queue), which touches them without holding queue_mu_.
  std::unique_ptr<Connection> writer_;
  std::vector<Writer*> group_;
  std::atomic<std::thread::id> leader_{};  // the thread running write functions, if any

  std::atomic<std::uint64_t> commits_{0}, transactions_{0}, largest_group_{0}, queued_{0};

  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> readers_;  // GUARDED_BY(pool_mu_)

  // The background checkpointer (options_.checkpoint_pages > 0).
  std::unique_ptr<Connection> checkpoint_conn_;  // used by the checkpointer thread only
  std::mutex checkpoint_mu_;
  std::mutex checkpoint_run_mu_;  // held while a checkpoint runs, by either thread
  std::condition_variable checkpoint_cv_;
  std::atomic<bool> checkpoint_wanted_{false};  // set by the writer's hook, cleared after a run
  bool checkpoint_stop_ = false;                // GUARDED_BY(checkpoint_mu_)
  std::atomic<std::uint64_t> checkpoints_{0};
  std::thread checkpointer_;
};

}  // namespace

void ConfigureSqliteProcess() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

Result<std::unique_ptr<Store>> OpenSqlite(const SqliteOptions& options) {
  ConfigureSqliteProcess();
  auto store = std::make_unique<SqliteStore>(options);
  MUSTER_TRY(store->Init());
  return std::unique_ptr<Store>(std::move(store));
}

std::optional<SqliteWriteStats> GetSqliteWriteStats(const Store& store) {
  const auto* sqlite = dynamic_cast<const SqliteStore*>(&store);
  if (sqlite == nullptr) return std::nullopt;
  return sqlite->stats();
}

}  // namespace muster::store
