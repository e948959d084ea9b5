// The contract every Store implementation keeps, run against SQLite and a throwaway PostgreSQL.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/migrations.h"
#include "store/store.h"
#include "support/test_store.h"

namespace muster::store {
namespace {

using muster::testing::BackendName;
using muster::testing::NewStore;
using muster::testing::ReopenLastStore;

class StoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    store_ = NewStore(GetParam());
    Status s = store_->Write([](Transaction& tx) -> Status {
      return tx.ExecScript(
          "CREATE TABLE counters (id {ID}, name TEXT NOT NULL UNIQUE, n BIGINT NOT NULL, "
          "x {REAL}, note TEXT)");
    });
    ASSERT_TRUE(s.ok()) << s.error().message;
  }

  std::int64_t CountRows() {
    auto n = store_->Read([](Transaction& tx) { return tx.QueryInt("SELECT COUNT(*) FROM counters", {}); });
    EXPECT_TRUE(n.ok());
    return n.ok() ? n->value_or(-1) : -1;
  }

  std::int64_t Scalar(const std::string& sql) {
    auto n = store_->Read([&](Transaction& tx) { return tx.QueryInt(sql, {}); });
    EXPECT_TRUE(n.ok());
    return n.ok() ? n->value_or(-1) : -1;
  }

  std::unique_ptr<Store> store_;
};

TEST_P(StoreContract, MigrateIsIdempotent) {
  auto again = store_->Migrate();
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, AllMigrations().back().version);
}

// Migration 6 (statistics) was inserted below 7 and 8, which databases already had: Migrate
// must apply every migration not recorded, not only those above the newest recorded. The
// database is taken back to "migrated to 8 without 6" by undoing 6 by hand.
TEST_P(StoreContract, MigrateAppliesAMigrationMissingBelowTheNewest) {
  Status undo = store_->Write([](Transaction& tx) -> Status {
    return tx.ExecScript(
        "DROP INDEX attendance_uncounted; ALTER TABLE attendance DROP COLUMN counted_seconds; "
        "DROP INDEX shifts_unfolded; ALTER TABLE shifts DROP COLUMN stats_folded; "
        "DROP TABLE stats_tallies; DROP TABLE stats_cells; "
        "DELETE FROM schema_migrations WHERE version = 6");
  });
  ASSERT_TRUE(undo.ok()) << undo.error().message;
  auto columns_missing = store_->Read([](Transaction& tx) {
    return tx.Exec("SELECT counted_seconds FROM attendance");
  });
  ASSERT_FALSE(columns_missing.ok());

  auto version = store_->Migrate();
  ASSERT_TRUE(version.ok()) << version.error().message;
  EXPECT_EQ(*version, AllMigrations().back().version);
  auto applied = store_->Read([](Transaction& tx) -> Result<std::vector<std::int64_t>> {
    std::vector<std::int64_t> versions;
    MUSTER_TRY(tx.Query("SELECT version FROM schema_migrations ORDER BY version", {},
                        [&](const Row& r) {
                          versions.push_back(r.Int(0));
                          return Ok();
                        }));
    MUSTER_TRY(tx.Exec("SELECT counted_seconds FROM attendance"));
    MUSTER_TRY(tx.Exec("SELECT stats_folded FROM shifts"));
    MUSTER_TRY(tx.Exec("SELECT COUNT(*) FROM stats_tallies"));
    MUSTER_TRY(tx.Exec("SELECT COUNT(*) FROM stats_cells"));
    return versions;
  });
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  std::vector<std::int64_t> all;
  for (const Migration& m : AllMigrations()) all.push_back(m.version);
  EXPECT_EQ(*applied, all);

  auto again = store_->Migrate();
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, AllMigrations().back().version);
}

// A database that recorded a migration this program does not know (written by a newer one) is
// refused rather than changed.
TEST_P(StoreContract, MigrateRefusesAnUnknownMigration) {
  ASSERT_TRUE(store_
                  ->Write([](Transaction& tx) {
                    return tx.Exec(
                        "INSERT INTO schema_migrations (version, name) VALUES (?, 'future')",
                        {std::int64_t{AllMigrations().back().version + 1}});
                  })
                  .ok());
  auto refused = store_->Migrate();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
}

TEST_P(StoreContract, CommittedWriteIsVisibleToLaterReads) {
  auto id = store_->Write([](Transaction& tx) {
    return tx.InsertReturningId("INSERT INTO counters (name, n) VALUES (?, ?) RETURNING id",
                                {std::string("a"), std::int64_t{1}});
  });
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_GT(*id, 0);
  EXPECT_EQ(CountRows(), 1);
}

TEST_P(StoreContract, FailedWriteChangesNothing) {
  Status s = store_->Write([](Transaction& tx) -> Status {
    MUSTER_TRY(tx.Exec("INSERT INTO counters (name, n) VALUES (?, ?)", {std::string("a"), std::int64_t{1}}));
    return Invalid("name", "refused after the insert");
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "name");
  EXPECT_EQ(CountRows(), 0);
}

TEST_P(StoreContract, UniqueViolationIsConflict) {
  auto insert = [&] {
    return store_->Write([](Transaction& tx) {
      return tx.Exec("INSERT INTO counters (name, n) VALUES (?, ?)", {std::string("a"), std::int64_t{1}});
    });
  };
  ASSERT_TRUE(insert().ok());
  auto second = insert();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_EQ(CountRows(), 1);
}

TEST_P(StoreContract, ValuesRoundTripExactly) {
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  const std::string text = "黄贝街道 'quoted' \"double\" ? $1 \\ 😀";
  ASSERT_TRUE(store_->Write([&](Transaction& tx) {
                      return tx.Exec("INSERT INTO counters (name, n, x, note) VALUES (?, ?, ?, ?)",
                                     {text, big, 22.5431, Null()});
                    }).ok());
  struct Got {
    std::string name;
    std::int64_t n = 0;
    double x = 0;
    bool note_null = false;
  } got;
  ASSERT_TRUE(store_->Read([&](Transaction& tx) -> Status {
                      return tx.Query("SELECT name, n, x, note FROM counters", [&](const Row& r) {
                        got = {r.String(0), r.Int(1), r.Double(2), r.IsNull(3)};
                        return Ok();
                      });
                    }).ok());
  EXPECT_EQ(got.name, text);
  EXPECT_EQ(got.n, big);
  EXPECT_DOUBLE_EQ(got.x, 22.5431);
  EXPECT_TRUE(got.note_null);
}

TEST_P(StoreContract, QuestionMarksInsideQuotesAreNotParameters) {
  auto r = store_->Write([](Transaction& tx) {
    return tx.InsertReturningId("INSERT INTO counters (name, n, note) VALUES (?, ?, 'why?') RETURNING id",
                                {std::string("q"), std::int64_t{0}});
  });
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST_P(StoreContract, ErrorFromRowCallbackStopsAndRollsBack) {
  ASSERT_TRUE(store_->Write([](Transaction& tx) {
                      return tx.Exec("INSERT INTO counters (name, n) VALUES ('a', 1), ('b', 2)");
                    }).ok());
  int seen = 0;
  Status s = store_->Read([&](Transaction& tx) -> Status {
    return tx.Query("SELECT n FROM counters ORDER BY n", [&](const Row&) -> Status {
      ++seen;
      return NotFound("stop");
    });
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(seen, 1);
}

// Read-modify-write increments from many threads: each must count exactly once. On PostgreSQL
// this exercises serialization failures and reruns; on SQLite the single writer.
TEST_P(StoreContract, ConcurrentIncrementsAreNeverLost) {
  ASSERT_TRUE(store_->Write([](Transaction& tx) {
                      return tx.Exec("INSERT INTO counters (name, n) VALUES ('c', 0)");
                    }).ok());
  constexpr int kThreads = 8, kEach = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        Status s = store_->Write([](Transaction& tx) -> Status {
          MUSTER_ASSIGN(auto n, tx.QueryInt("SELECT n FROM counters WHERE name = 'c'", {}));
          MUSTER_TRY(tx.Exec("UPDATE counters SET n = ? WHERE name = 'c'", {*n + 1}));
          return Ok();
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto n = store_->Read([](Transaction& tx) { return tx.QueryInt("SELECT n FROM counters WHERE name = 'c'", {}); });
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->value_or(-1), kThreads * kEach);
}

// Two stores on one database behave as two server processes: contention between them never
// reaches a caller as an error, and no write is lost.
TEST_P(StoreContract, TwoStoresOnOneDatabaseNeverSurfaceBusy) {
  auto other = ReopenLastStore(GetParam());
  constexpr int kEach = 100;
  std::atomic<int> failures{0};
  auto writer = [&](Store& s, const std::string& prefix) {
    for (int i = 0; i < kEach; ++i) {
      auto st = s.Write([&](Transaction& tx) {
        return tx.Exec("INSERT INTO counters (name, n) VALUES (?, ?)",
                       {prefix + std::to_string(i), std::int64_t{i}});
      });
      if (!st.ok()) ++failures;
    }
  };
  std::thread a(writer, std::ref(*store_), "a");
  std::thread b(writer, std::ref(*other), "b");
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(CountRows(), 2 * kEach);
}

// A conditional write enforces a cap under concurrency: the pattern sign-ups rely on.
TEST_P(StoreContract, ConditionalWriteNeverExceedsCap) {
  ASSERT_TRUE(store_->Write([](Transaction& tx) {
                      return tx.Exec("INSERT INTO counters (name, n) VALUES ('cap', 0)");
                    }).ok());
  constexpr int kThreads = 8, kEach = 20, kCap = 37;
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        auto changed = store_->Write([](Transaction& tx) {
          return tx.Exec("UPDATE counters SET n = n + 1 WHERE name = 'cap' AND n < ?",
                         {std::int64_t{kCap}});
        });
        if (changed.ok() && *changed == 1) ++granted;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), kCap);
}

TEST_P(StoreContract, ReadSeesOneSnapshot) {
  ASSERT_TRUE(store_->Write([](Transaction& tx) {
                      return tx.Exec("INSERT INTO counters (name, n) VALUES ('s', 1)");
                    }).ok());
  std::int64_t first = 0, second = 0;
  Status s = store_->Read([&](Transaction& tx) -> Status {
    MUSTER_ASSIGN(auto a, tx.QueryInt("SELECT n FROM counters WHERE name = 's'", {}));
    first = a.value_or(0);
    std::thread([&] {
      ASSERT_TRUE(store_->Write([](Transaction& w) {
                          return w.Exec("UPDATE counters SET n = 2 WHERE name = 's'");
                        }).ok());
    }).join();
    MUSTER_ASSIGN(auto b, tx.QueryInt("SELECT n FROM counters WHERE name = 's'", {}));
    second = b.value_or(0);
    return Ok();
  });
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 1);
}

TEST_P(StoreContract, SyntaxErrorIsInternalNotRetried) {
  Status s = store_->Write([](Transaction& tx) -> Status {
    MUSTER_TRY(tx.Exec("SELEKT 1"));
    return Ok();
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInternal);
}

// Collects the outcomes of asynchronous writes and waits for them.
class Outcomes {
 public:
  // Returns the callback for one more write; each must be called exactly once.
  std::function<void(Result<std::int64_t>)> Expect() {
    std::lock_guard lock(mu_);
    ++pending_;
    return [this](Result<std::int64_t> r) {
      std::lock_guard guard(mu_);
      if (r.ok()) {
        ++ok_;
      } else {
        codes_.push_back(r.error().code);
        messages_.push_back(r.error().message);
      }
      if (--pending_ == 0) cv_.notify_all();
    };
  }
  // Waits until every expected callback ran (at most 60 s); returns whether they all did.
  bool Wait() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(60), [&] { return pending_ == 0; });
  }
  int ok() const { return ok_; }
  const std::vector<ErrorCode>& codes() const { return codes_; }
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int pending_ = 0;
  int ok_ = 0;
  std::vector<ErrorCode> codes_;
  std::vector<std::string> messages_;
};

// Every asynchronous write is answered once, with what its function returned; those that failed
// changed nothing.
TEST_P(StoreContract, WriteAsyncAnswersEachWriteOnce) {
  constexpr int kThreads = 4, kEach = 100;
  Outcomes outcomes;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string name = std::to_string(t) + "-" + std::to_string(i);
        store_->WriteAsync(
            [name, i](Transaction& tx) -> Result<std::int64_t> {
              MUSTER_TRY(tx.Exec("INSERT INTO counters (name, n) VALUES (?, ?)",
                                 {name, std::int64_t{i}}));
              if (i % 5 == 0) return Invalid("n", "a multiple of five", "range");
              return std::int64_t{i};
            },
            outcomes.Expect());
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(outcomes.Wait());
  EXPECT_EQ(outcomes.ok(), kThreads * kEach * 4 / 5);
  ASSERT_EQ(outcomes.codes().size(), static_cast<std::size_t>(kThreads * kEach / 5));
  for (ErrorCode code : outcomes.codes()) EXPECT_EQ(code, ErrorCode::kValidationFailed);
  EXPECT_EQ(CountRows(), kThreads * kEach * 4 / 5);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM counters WHERE n % 5 = 0"), 0);
}

// Waiting and asynchronous writes of one cap share it: never more than the cap is granted.
TEST_P(StoreContract, WriteAsyncAndWriteShareACap) {
  ASSERT_TRUE(store_->Write([](Transaction& tx) {
                      return tx.Exec("INSERT INTO counters (name, n) VALUES ('cap', 0)");
                    }).ok());
  constexpr int kThreads = 4, kEach = 30, kCap = 53;
  auto take = [](Transaction& tx) {
    return tx.Exec("UPDATE counters SET n = n + 1 WHERE name = 'cap' AND n < ?",
                   {std::int64_t{kCap}});
  };
  std::atomic<int> granted{0};
  Outcomes outcomes;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (t % 2 == 0) {
          auto changed = store_->Write(take);
          if (changed.ok() && *changed == 1) ++granted;
          continue;
        }
        auto count = outcomes.Expect();
        store_->WriteAsync(take, [&granted, count](Result<std::int64_t> r) {
          if (r.ok() && *r == 1) ++granted;
          count(std::move(r));
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(outcomes.Wait());
  EXPECT_TRUE(outcomes.codes().empty());
  EXPECT_EQ(granted.load(), kCap);
  EXPECT_EQ(Scalar("SELECT n FROM counters WHERE name = 'cap'"), kCap);
}

// An exception thrown by an asynchronous write's function reaches its callback as kInternal
// naming it, and its work is undone.
TEST_P(StoreContract, WriteAsyncTurnsAnExceptionIntoInternal) {
  Outcomes outcomes;
  store_->WriteAsync(
      [](Transaction& tx) -> Result<std::int64_t> {
        MUSTER_TRY(tx.Exec("INSERT INTO counters (name, n) VALUES ('thrown', 1)"));
        throw std::runtime_error("out of paper");
      },
      outcomes.Expect());
  ASSERT_TRUE(outcomes.Wait());
  ASSERT_EQ(outcomes.codes().size(), 1u);
  EXPECT_EQ(outcomes.codes()[0], ErrorCode::kInternal);
  EXPECT_NE(outcomes.messages()[0].find("out of paper"), std::string::npos)
      << outcomes.messages()[0];
  EXPECT_EQ(CountRows(), 0);
}

// A store closed with asynchronous writes queued finishes them first: each is answered, and
// those answered as done are in the database when it is opened again.
TEST_P(StoreContract, ClosingFinishesQueuedAsyncWrites) {
  constexpr int kWrites = 300;
  Outcomes outcomes;
  for (int i = 0; i < kWrites; ++i) {
    store_->WriteAsync(
        [i](Transaction& tx) {
          return tx.Exec("INSERT INTO counters (name, n) VALUES (?, ?)",
                         {"w" + std::to_string(i), std::int64_t{i}});
        },
        outcomes.Expect());
  }
  store_.reset();
  ASSERT_TRUE(outcomes.Wait());
  EXPECT_EQ(outcomes.ok(), kWrites);
  store_ = ReopenLastStore(GetParam());
  EXPECT_EQ(CountRows(), kWrites);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& param_info) { return BackendName(param_info.param); });

}  // namespace
}  // namespace muster::store
