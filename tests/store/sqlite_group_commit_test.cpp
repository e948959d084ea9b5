// Group commit of the SQLite store: concurrent writes share COMMITs without sharing fates.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/fault_vfs.h"
#include "store/sqlite/sqlite_store.h"
#include "support/test_store.h"

namespace muster::store {
namespace {

using muster::testing::FaultVfs;
using muster::testing::TempDir;
using namespace std::chrono_literals;

constexpr char kSchema[] =
    "CREATE TABLE items (id {ID}, k BIGINT NOT NULL, who TEXT NOT NULL);"
    "CREATE TABLE slots (id {ID}, n BIGINT NOT NULL, cap BIGINT NOT NULL)";

Status Insert(Transaction& tx, std::int64_t k, const std::string& who = "w") {
  auto r = tx.Exec("INSERT INTO items (k, who) VALUES (?, ?)", {k, who});
  if (!r.ok()) return std::move(r).error();
  return Ok();
}

SqliteWriteStats Stats(const Store& store) { return *GetSqliteWriteStats(store); }

// Starts a write that holds the writer queue until `queued` writes, itself included, are queued
// behind it (then inserts k = -1 when `insert`), and returns its thread once it holds the queue:
// the writes queued meanwhile run as the next group(s).
std::thread HoldTheQueue(Store& store, std::uint64_t queued, bool insert) {
  auto holding = std::make_shared<std::atomic<bool>>(false);
  std::thread holder([&store, queued, insert, holding] {
    Status s = store.Write([&](Transaction& tx) -> Status {
      *holding = true;
      while (Stats(store).queued < queued) std::this_thread::sleep_for(1ms);
      return insert ? Insert(tx, -1) : Ok();
    });
    EXPECT_TRUE(s.ok()) << s.error().message;
  });
  while (!*holding) std::this_thread::sleep_for(1ms);
  return holder;
}

class SqliteGroupCommit : public ::testing::Test {
 protected:
  void SetUp() override { store_ = Open(); }

  std::unique_ptr<Store> Open(SqliteOptions options = {}) {
    options.path = dir_.path() + "/group.db";
    auto s = OpenSqlite(options);
    if (!s.ok()) throw std::runtime_error(s.error().message);
    std::unique_ptr<Store> store = std::move(s).value();
    Status made = store->Write([](Transaction& tx) -> Status {
      auto n = tx.QueryInt("SELECT COUNT(*) FROM sqlite_master WHERE name = 'items'", {});
      if (!n.ok()) return n.error();
      return **n == 0 ? tx.ExecScript(kSchema) : Ok();
    });
    if (!made.ok()) throw std::runtime_error(made.error().message);
    return store;
  }

  std::int64_t Scalar(const std::string& sql) {
    auto n = store_->Read([&](Transaction& tx) { return tx.QueryInt(sql, {}); });
    EXPECT_TRUE(n.ok()) << n.error().message;
    return n.ok() ? n->value_or(-1) : -1;
  }

  std::string IntegrityCheck() {
    std::string out;
    Status s = store_->Read([&](Transaction& tx) {
      return tx.Query("PRAGMA integrity_check", {}, [&](const Row& row) {
        out += row.String(0);
        return Ok();
      });
    });
    return s.ok() ? out : s.error().message;
  }

  // Holds the writer queue with one write until all of `writes` (one thread each) are queued
  // behind it, so that they run as the next group(s). Returns once every thread is done.
  void RunQueuedBehindAHeldWrite(std::vector<std::function<void()>> writes) {
    std::thread holder = HoldTheQueue(*store_, writes.size() + 1, false);
    std::vector<std::thread> threads;
    for (auto& w : writes) threads.emplace_back(w);
    holder.join();
    for (auto& t : threads) t.join();
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteGroupCommit, ConcurrentWritersEachCommitExactlyOnce) {
  constexpr int kThreads = 16, kEach = 250;
  SqliteWriteStats before = Stats(*store_);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Status s = store_->Write([&](Transaction& tx) { return Insert(tx, t * 1000 + i); });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items"), kThreads * kEach);
  EXPECT_EQ(Scalar("SELECT COUNT(DISTINCT k) FROM items"), kThreads * kEach);
  SqliteWriteStats after = Stats(*store_);
  EXPECT_EQ(after.transactions - before.transactions, std::uint64_t{kThreads * kEach});
  // Sixteen threads on a small machine queue up behind each other: groups form.
  EXPECT_LT(after.commits - before.commits, after.transactions - before.transactions);
  EXPECT_GT(after.largest_group, 1u);
  EXPECT_EQ(after.queued, 0u);
}

TEST_F(SqliteGroupCommit, QueuedWritesShareOneCommit) {
  constexpr int kWrites = 10;
  SqliteWriteStats before = Stats(*store_);
  std::atomic<int> ok{0};
  std::vector<std::function<void()>> writes;
  for (int i = 0; i < kWrites; ++i) {
    writes.push_back([&, i] {
      if (store_->Write([&](Transaction& tx) { return Insert(tx, i); }).ok()) ++ok;
    });
  }
  RunQueuedBehindAHeldWrite(writes);
  EXPECT_EQ(ok.load(), kWrites);
  SqliteWriteStats after = Stats(*store_);
  EXPECT_EQ(after.commits - before.commits, 2u);  // the held write, then all ten at once
  EXPECT_EQ(after.transactions - before.transactions, std::uint64_t{kWrites + 1});
  EXPECT_EQ(after.largest_group, std::uint64_t{kWrites});
}

// Asynchronous writes queued while a group runs form the next group by themselves, led by the
// store's own thread, and waiting writes queued among them join it.
TEST_F(SqliteGroupCommit, AsyncWritesQueuedMeanwhileShareOneCommit) {
  constexpr int kAsync = 12;
  SqliteWriteStats before = Stats(*store_);
  std::mutex mu;
  std::condition_variable cv;
  int answered = 0, ok = 0;
  std::thread waiting;
  std::thread holder = HoldTheQueue(*store_, kAsync + 2, true);
  for (int i = 0; i < kAsync; ++i) {
    store_->WriteAsync([i](Transaction& tx) { return Insert(tx, i); }, [&](Status s) {
      std::lock_guard lock(mu);
      ++answered;
      ok += s.ok() ? 1 : 0;
      cv.notify_all();
    });
    if (i == kAsync / 2) {
      // A waiting write in the middle: carried by the same group, it returns after its COMMIT.
      waiting = std::thread([&] {
        EXPECT_TRUE(store_->Write([](Transaction& tx) { return Insert(tx, 1000); }).ok());
      });
      while (Stats(*store_).queued < static_cast<std::uint64_t>(i) + 3) {
        std::this_thread::sleep_for(1ms);
      }
    }
  }
  holder.join();
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 30s, [&] { return answered == kAsync; }));
  EXPECT_EQ(ok, kAsync);
  lock.unlock();
  waiting.join();
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items"), kAsync + 2);
  SqliteWriteStats after = Stats(*store_);
  EXPECT_EQ(after.commits - before.commits, 2u);  // the held write, then all the others at once
  EXPECT_EQ(after.largest_group, std::uint64_t{kAsync + 1});
}

TEST_F(SqliteGroupCommit, GroupSizeIsBounded) {
  store_.reset();
  store_ = Open({.path = "", .max_group = 4});
  SqliteWriteStats before = Stats(*store_);
  std::vector<std::function<void()>> writes;
  for (int i = 0; i < 10; ++i) {
    writes.push_back([&, i] {
      EXPECT_TRUE(store_->Write([&](Transaction& tx) { return Insert(tx, i); }).ok());
    });
  }
  RunQueuedBehindAHeldWrite(writes);
  SqliteWriteStats after = Stats(*store_);
  EXPECT_EQ(after.commits - before.commits, 4u);  // 1 held + 4 + 4 + 2
  EXPECT_EQ(after.largest_group, 4u);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items"), 10);
}

// One write of a group refuses after inserting, another fails on a statement after inserting:
// each gets its own error and leaves nothing behind; the rest of the group commits.
TEST_F(SqliteGroupCommit, FailingWriteRollsBackAloneAndTheGroupCommits) {
  constexpr int kWrites = 9, kRefuses = 3, kBreaks = 6;
  SqliteWriteStats before = Stats(*store_);
  std::vector<Status> results(kWrites);
  std::vector<std::function<void()>> writes;
  for (int i = 0; i < kWrites; ++i) {
    writes.push_back([&, i] {
      results[i] = store_->Write([&](Transaction& tx) -> Status {
        MUSTER_TRY(Insert(tx, i));
        MUSTER_TRY(Insert(tx, 100 + i));
        if (i == kRefuses) return Invalid("k", "refused after two inserts");
        if (i == kBreaks)
          MUSTER_TRY(tx.Exec("INSERT INTO items (k, who) VALUES (?, NULL)", {std::int64_t{i}}));
        return Ok();
      });
    });
  }
  RunQueuedBehindAHeldWrite(writes);
  for (int i = 0; i < kWrites; ++i) {
    if (i == kRefuses) {
      ASSERT_FALSE(results[i].ok());
      EXPECT_EQ(results[i].error().field, "k");
    } else if (i == kBreaks) {
      ASSERT_FALSE(results[i].ok());
      EXPECT_EQ(results[i].error().code, ErrorCode::kConflict);  // NOT NULL
    } else {
      EXPECT_TRUE(results[i].ok()) << i << ": " << results[i].error().message;
    }
  }
  EXPECT_EQ(Stats(*store_).commits - before.commits, 2u);  // they did share a COMMIT
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items"), 2 * (kWrites - 2));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items WHERE k IN (3, 103, 6, 106)"), 0);
}

TEST_F(SqliteGroupCommit, ExceptionReachesItsOwnCallerOnly) {
  std::atomic<int> thrown{0}, ok{0};
  std::vector<std::function<void()>> writes;
  for (int i = 0; i < 5; ++i) {
    writes.push_back([&, i] {
      try {
        Status s = store_->Write([&](Transaction& tx) -> Status {
          MUSTER_TRY(Insert(tx, i));
          if (i == 2) throw std::runtime_error("bug");
          return Ok();
        });
        if (s.ok()) ++ok;
      } catch (const std::runtime_error&) {
        ++thrown;
      }
    });
  }
  RunQueuedBehindAHeldWrite(writes);
  EXPECT_EQ(thrown.load(), 1);
  EXPECT_EQ(ok.load(), 4);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items WHERE k = 2"), 0);
  EXPECT_TRUE(store_->Write([](Transaction& tx) { return Insert(tx, 99); }).ok());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items"), 5);
}

// The pattern sign-ups rely on, now with many writes per transaction.
TEST_F(SqliteGroupCommit, ConditionalCapHoldsUnderSixteenThreads) {
  constexpr std::int64_t kCap = 37;
  ASSERT_TRUE(store_
                  ->Write([&](Transaction& tx) {
                    return tx.Exec("INSERT INTO slots (n, cap) VALUES (0, ?)", {kCap});
                  })
                  .ok());
  constexpr int kThreads = 16, kEach = 10;
  std::atomic<int> granted{0}, full{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Status s = store_->Write([&](Transaction& tx) -> Status {
          MUSTER_ASSIGN(auto changed, tx.Exec("UPDATE slots SET n = n + 1 WHERE n < cap"));
          if (changed == 0) return Conflict("full");
          return Insert(tx, t * 100 + i, "signup");
        });
        if (s.ok()) {
          ++granted;
        } else if (s.error().code == ErrorCode::kConflict) {
          ++full;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), kCap);
  EXPECT_EQ(full.load(), kThreads * kEach - kCap);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(Scalar("SELECT n FROM slots"), kCap);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items WHERE who = 'signup'"), kCap);
}

TEST_F(SqliteGroupCommit, ReopenAfterCloseKeepsEverything) {
  constexpr int kThreads = 8, kEach = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        EXPECT_TRUE(store_->Write([&](Transaction& tx) { return Insert(tx, t * 1000 + i); }).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  store_.reset();
  store_ = Open();
  EXPECT_EQ(Scalar("SELECT COUNT(DISTINCT k) FROM items"), kThreads * kEach);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items"), kThreads * kEach);
  EXPECT_EQ(IntegrityCheck(), "ok");
}

// Checkpoints run on the background thread while writers go on, and keep the WAL bounded: 2,000
// commits of a kilobyte each would leave a WAL of at least 2,000 pages without them. With the
// checkpointer off the writer checkpoints as SQLite does by default.
TEST_F(SqliteGroupCommit, BackgroundCheckpointsKeepTheWalBounded) {
  for (int pages : {16, 0}) {
    SCOPED_TRACE(pages);
    store_.reset();
    std::filesystem::remove_all(dir_.path() + "/group.db");
    std::filesystem::remove_all(dir_.path() + "/group.db-wal");
    std::filesystem::remove_all(dir_.path() + "/group.db-shm");
    SqliteOptions options;
    options.checkpoint_pages = pages;
    store_ = Open(options);
    const std::string kilobyte(1000, 'x');
    std::uintmax_t largest_wal = 0;
    for (int i = 0; i < 2000; ++i) {
      ASSERT_TRUE(store_->Write([&](Transaction& tx) { return Insert(tx, i, kilobyte); }).ok());
      if (i % 100 == 99) {
        largest_wal = std::max(largest_wal, std::filesystem::file_size(dir_.path() + "/group.db-wal"));
      }
    }
    // 8 times the threshold (or SQLite's 1,000 pages), and a margin for frames written while a
    // checkpoint ran, at 4 KiB pages and their 24-byte frame headers.
    const std::uintmax_t bound = (pages > 0 ? 8 * pages + 64 : 1000 + 64) * (4096 + 24) + 32;
    EXPECT_LE(largest_wal, bound);
    if (pages > 0) {
      EXPECT_GT(Stats(*store_).checkpoints, 0u);
    } else {
      EXPECT_EQ(Stats(*store_).checkpoints, 0u);
    }
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items"), 2000);
    store_.reset();
    store_ = Open(options);
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items"), 2000);
    EXPECT_EQ(IntegrityCheck(), "ok");
  }
}

// The leader of a group waits for the threads that wrote lately: four threads writing in
// rounds share one COMMIT a round, however their arrivals spread. A lone thread never waits,
// even with a linger long enough to show it.
TEST_F(SqliteGroupCommit, LeaderWaitsForTheThreadsThatWroteLately) {
  store_.reset();
  SqliteOptions options;
  options.commit_linger_us = 2'000'000;
  store_ = Open(options);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(store_->Write([&](Transaction& tx) { return Insert(tx, i); }).ok());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "a lone thread waited";
  store_.reset();  // a store that has seen no writer yet
  store_ = Open(options);

  constexpr int kThreads = 4, kRounds = 5;
  std::barrier round(kThreads + 1);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        round.arrive_and_wait();
        // Spread the arrivals: the leader must wait for the late ones.
        std::this_thread::sleep_for(std::chrono::milliseconds(5 * t));
        EXPECT_TRUE(store_->Write([&](Transaction& tx) { return Insert(tx, 100 + 10 * r + t); }).ok());
        round.arrive_and_wait();
      }
    });
  }
  // This thread writes too (it opened the store, so the store has seen it write).
  SqliteWriteStats after_first{};
  for (int r = 0; r < kRounds; ++r) {
    round.arrive_and_wait();
    EXPECT_TRUE(store_->Write([&](Transaction& tx) { return Insert(tx, 1000 + r); }).ok());
    round.arrive_and_wait();
    if (r == 0) after_first = Stats(*store_);  // every thread is now known
  }
  const auto rounds_end = std::chrono::steady_clock::now();
  for (auto& t : threads) t.join();
  const SqliteWriteStats end = Stats(*store_);
  EXPECT_EQ(end.transactions - after_first.transactions,
            std::uint64_t{(kThreads + 1) * (kRounds - 1)});
  EXPECT_EQ(end.commits - after_first.commits, std::uint64_t{kRounds - 1});
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items"), 20 + (kThreads + 1) * kRounds);
  // Each wait ended when the last writer came, not at the end of the linger.
  EXPECT_LT(rounds_end - start, 3s);
}

// Two stores on one file act as two processes: busy between them reruns whole groups.
TEST_F(SqliteGroupCommit, TwoStoresWithGroupsLoseNothing) {
  auto other = Open();
  constexpr int kThreads = 4, kEach = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2 * kThreads; ++t) {
    Store& s = t % 2 == 0 ? *store_ : *other;
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (!s.Write([&](Transaction& tx) { return Insert(tx, t * 1000 + i); }).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(DISTINCT k) FROM items"), 2 * kThreads * kEach);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items"), 2 * kThreads * kEach);
}

// Before group commit a nested Write waited for itself forever; now it is refused at once.
// The writer connection keeps a larger page cache than SQLite's default; 0 leaves the default.
TEST_F(SqliteGroupCommit, WriterConnectionHasItsOwnPageCache) {
  auto cache = [&] {
    auto n = store_->Write([](Transaction& tx) { return tx.QueryInt("PRAGMA cache_size", {}); });
    EXPECT_TRUE(n.ok());
    return n.ok() ? n->value_or(0) : 0;
  };
  EXPECT_EQ(cache(), -SqliteOptions{}.writer_cache_kib);
  store_.reset();
  store_ = Open({.path = "", .writer_cache_kib = 0});
  EXPECT_EQ(cache(), -2000);
}

TEST_F(SqliteGroupCommit, NestedWriteIsRefusedNotDeadlocked) {
  Status inner = Ok();
  Status outer = store_->Write([&](Transaction& tx) -> Status {
    MUSTER_TRY(Insert(tx, 1));
    inner = store_->Write([](Transaction& t) { return Insert(t, 2); });
    // A Read inside a Write still works: it sees the last commit, not this transaction.
    auto seen =
        store_->Read([](Transaction& t) { return t.QueryInt("SELECT COUNT(*) FROM items", {}); });
    EXPECT_TRUE(seen.ok());
    EXPECT_EQ(seen->value_or(-1), 0);
    return Ok();
  });
  EXPECT_TRUE(outer.ok());
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.error().code, ErrorCode::kInternal);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items WHERE k = 1"), 1);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM items WHERE k = 2"), 0);
}

// A store over the fault VFS, and a way to make the COMMIT of one group meet a failing write.
class SqliteGroupCommitFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenSqlite({.path = dir_.path() + "/fault.db", .vfs = vfs_.name()});
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
    ASSERT_TRUE(store_->Write([](Transaction& tx) { return tx.ExecScript(kSchema); }).ok());
  }

  // Queues `n` one-row writes (k = 0..n-1) behind a held write (k = -1); the first of them,
  // running inside the group's transaction before its COMMIT, makes the next `count` WAL writes
  // fail with `code`. Returns what each of the `n` callers got.
  std::vector<Status> RunGroupMeetingFault(int n, int count, int code) {
    std::vector<Status> results(n);
    std::thread holder = HoldTheQueue(*store_, static_cast<std::uint64_t>(n) + 1, true);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        bool first_run = true;
        results[i] = store_->Write([&](Transaction& tx) -> Status {
          ++runs_;
          if (i == 0 && first_run) vfs_.FailWalWrites(count, code);
          first_run = false;
          return Insert(tx, i);
        });
      });
    }
    holder.join();
    for (auto& t : threads) t.join();
    vfs_.FailWalWrites(0, 0);
    return results;
  }

  std::int64_t Count(const std::string& where) {
    auto n = store_->Read([&](Transaction& tx) {
      return tx.QueryInt("SELECT COUNT(*) FROM items WHERE " + where, {});
    });
    EXPECT_TRUE(n.ok()) << n.error().message;
    return n.ok() ? n->value_or(-1) : -1;
  }

  std::atomic<int> runs_{0};      // runs of the queued writes' functions
  FaultVfs vfs_{"muster-fault"};  // outlives the store below
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

// A COMMIT that cannot write fails every write of its group; none of them took effect, and the
// store serves again once writing works.
TEST_F(SqliteGroupCommitFaults, FailedCommitFailsTheWholeGroup) {
  std::vector<Status> results = RunGroupMeetingFault(6, 1'000'000, SQLITE_IOERR_WRITE);
  EXPECT_GT(vfs_.failed_writes(), 0u);
  for (const Status& s : results) {
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kUnavailable) << s.error().message;
  }
  EXPECT_EQ(Count("k BETWEEN 0 AND 99"), 0);
  EXPECT_TRUE(store_->Write([](Transaction& tx) { return Insert(tx, 100); }).ok());
  EXPECT_EQ(Count("1 = 1"), 2);  // the held write and the one after
}

// A COMMIT that meets contention reruns the whole group: every caller succeeds, once.
TEST_F(SqliteGroupCommitFaults, BusyCommitRerunsTheWholeGroup) {
  SqliteWriteStats before = Stats(*store_);
  std::vector<Status> results = RunGroupMeetingFault(6, 1, SQLITE_BUSY);
  EXPECT_EQ(vfs_.failed_writes(), 1u);
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(runs_.load(), 12);  // each function ran twice: the lost group, then the rerun
  for (int i = 0; i < 6; ++i) EXPECT_EQ(Count("k = " + std::to_string(i)), 1) << i;
  EXPECT_EQ(Stats(*store_).transactions - before.transactions, 7u);
}

// Asynchronous writes whose COMMIT meets contention run again, at the back of the queue: each
// is answered once, as done, and stored once.
TEST_F(SqliteGroupCommitFaults, BusyCommitRerunsAsyncWrites) {
  constexpr int kWrites = 6;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Status> results;
  std::thread holder = HoldTheQueue(*store_, kWrites + 1, true);
  for (int i = 0; i < kWrites; ++i) {
    store_->WriteAsync(
        [this, i, first_run = true](Transaction& tx) mutable -> Status {
          ++runs_;
          if (i == 0 && first_run) vfs_.FailWalWrites(1, SQLITE_BUSY);
          first_run = false;
          return Insert(tx, i);
        },
        [&](Status s) {
          std::lock_guard lock(mu);
          results.push_back(std::move(s));
          cv.notify_all();
        });
  }
  holder.join();
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 30s, [&] { return results.size() == kWrites; }));
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(vfs_.failed_writes(), 1u);
  EXPECT_EQ(runs_.load(), 2 * kWrites);
  for (int i = 0; i < kWrites; ++i) EXPECT_EQ(Count("k = " + std::to_string(i)), 1) << i;
}

// A statement that fails so that SQLite ends the whole open transaction (an I/O error while a big
// row spills the page cache into the WAL) takes the group's earlier work with it: every write of
// the group fails with the I/O error and none of them is left behind, not even in part.
TEST_F(SqliteGroupCommitFaults, LostTransactionFailsTheWholeGroup) {
  constexpr int kWrites = 4, kBig = 2;
  std::vector<Status> results(kWrites);
  std::thread holder = HoldTheQueue(*store_, kWrites + 1, false);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWrites; ++i) {
    threads.emplace_back([&, i] {
      results[i] = store_->Write([&](Transaction& tx) -> Status {
        MUSTER_TRY(Insert(tx, i));
        if (i != kBig) return Ok();
        vfs_.FailWalWrites(1, SQLITE_IOERR_WRITE);
        auto r = tx.Exec("INSERT INTO items (k, who) VALUES (?, hex(randomblob(4000000)))",
                         {std::int64_t{100 + i}});
        if (!r.ok()) return std::move(r).error();
        return Ok();
      });
    });
  }
  holder.join();
  for (auto& t : threads) t.join();
  EXPECT_EQ(vfs_.failed_writes(), 1u);
  for (const Status& s : results) {
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kUnavailable) << s.error().message;
  }
  EXPECT_EQ(Count("1 = 1"), 0);
  EXPECT_TRUE(store_->Write([](Transaction& tx) { return Insert(tx, 7); }).ok());
  EXPECT_EQ(Count("1 = 1"), 1);
}

// The child writes from eight threads and reports each acknowledged key; it is killed in the
// middle. Never returns.
[[noreturn]] void WriteUntilKilled(const std::string& path, int round, int out) {
  auto opened = OpenSqlite({.path = path});
  if (!opened.ok()) _exit(2);
  std::unique_ptr<Store> store = std::move(opened).value();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::string pad(200, static_cast<char>('a' + t));
      for (std::int64_t i = 0;; ++i) {
        std::int64_t k = (round * 8 + t) * std::int64_t{1'000'000'000} + i;
        if (!store->Write([&](Transaction& tx) { return Insert(tx, k, pad); }).ok()) _exit(3);
        if (write(out, &k, sizeof k) != sizeof k) _exit(4);  // atomic: below PIPE_BUF
      }
    });
  }
  for (auto& t : threads) t.join();
  _exit(5);
}

// SIGKILL in the middle of a burst of writes, three times: every write that was acknowledged is
// there exactly once, and the file is sound. This is a process crash: with synchronous=NORMAL
// the WAL is in the operating system's cache, which survives it; power loss is not simulated.
TEST(SqliteCrash, AcknowledgedWritesSurviveSigkill) {
  TempDir dir;
  std::string path = dir.path() + "/crash.db";
  {
    auto s = OpenSqlite({.path = path});
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->Write([](Transaction& tx) { return tx.ExecScript(kSchema); }).ok());
  }
  std::vector<std::int64_t> acked;
  for (int round = 0; round < 3; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      WriteUntilKilled(path, round, fds[1]);
    }
    close(fds[1]);
    std::size_t start = acked.size();
    std::size_t kill_after = 2000 + 1500 * static_cast<std::size_t>(round);
    bool killed = false;
    auto deadline = std::chrono::steady_clock::now() + 20s;
    std::int64_t k;
    while (read(fds[0], &k, sizeof k) == static_cast<ssize_t>(sizeof k)) {
      acked.push_back(k);
      if (!killed &&
          (acked.size() - start >= kill_after || std::chrono::steady_clock::now() > deadline)) {
        kill(pid, SIGKILL);
        killed = true;
      }
    }
    close(fds[0]);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the writer ended by itself";
  }

  auto s = OpenSqlite({.path = path});
  ASSERT_TRUE(s.ok());
  std::map<std::int64_t, int> seen;
  std::string integrity;
  Status read = (*s)->Read([&](Transaction& tx) -> Status {
    MUSTER_TRY(tx.Query("SELECT k, COUNT(*) FROM items GROUP BY k", {}, [&](const Row& row) {
      seen[row.Int(0)] = static_cast<int>(row.Int(1));
      return Ok();
    }));
    return tx.Query("PRAGMA integrity_check", {}, [&](const Row& row) {
      integrity += row.String(0);
      return Ok();
    });
  });
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(integrity, "ok");
  int missing = 0;
  for (std::int64_t key : acked) missing += seen.count(key) == 0 ? 1 : 0;
  EXPECT_EQ(missing, 0) << "of " << acked.size() << " acknowledged writes";
  int duplicated = 0;
  for (const auto& [key, n] : seen) duplicated += n > 1 ? 1 : 0;
  EXPECT_EQ(duplicated, 0);
  EXPECT_GE(seen.size(), acked.size());  // a write may commit without its acknowledgement
}

}  // namespace
}  // namespace muster::store
