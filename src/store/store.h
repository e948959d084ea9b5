#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "base/result.h"
#include "store/transaction.h"

namespace muster::store {

// The database: the source of truth. Work happens inside transactions handed to a function;
// the Store commits when the function succeeds, rolls back when it fails, and reruns it when the
// database asked for a retry (contention), so the function must have no effects outside the
// transaction. Implementations are thread-safe; many threads may run transactions at once.
class Store {
 public:
  virtual ~Store() = default;

  virtual Backend backend() const = 0;

  // Runs `fn` in a read-write transaction (serializable on both backends). Returns what `fn`
  // returned, or kUnavailable when contention outlasted the retry budget.
  template <typename F>
  auto Write(F&& fn) -> std::invoke_result_t<F, Transaction&> {
    return Run(true, std::forward<F>(fn));
  }

  // Runs `fn` in a read-write transaction as Write does, without waiting for it: `done` is called
  // once, with what `fn` returned or the error that ended the transaction, after the transaction
  // has ended (committed or not). For a caller that must not block (an event loop): `fn` and
  // `done` are moved into the store and run on a thread of its choosing; a store without a
  // writer thread of its own may run both before WriteAsync returns. `done` must be short, must
  // not throw and must not call Write: it may run on the thread that runs everyone's writes. An
  // exception thrown by `fn` reaches `done` as kInternal.
  template <typename F, typename D>
  void WriteAsync(F fn, D done) {
    using R = std::invoke_result_t<F&, Transaction&>;
    struct Job {
      F fn;
      D done;
      std::optional<R> out;
    };
    auto job = std::make_shared<Job>(Job{std::move(fn), std::move(done), std::nullopt});
    RunWriteAsync(
        [job](Transaction& tx) -> Status {
          job->out.emplace(job->fn(tx));
          if (!job->out->ok()) return job->out->error();
          return Ok();
        },
        [job](Status s) {
          if (!s.ok()) return job->done(R(std::move(s).error()));
          job->done(std::move(*job->out));
        });
  }

  // Runs `fn` in a read-only transaction that sees one consistent snapshot.
  template <typename F>
  auto Read(F&& fn) -> std::invoke_result_t<F, Transaction&> {
    return Run(false, std::forward<F>(fn));
  }

  // Applies every migration not yet applied (see store/migrations.h). Safe to call from several
  // processes at once. Returns the schema version reached.
  Result<int> Migrate();

 protected:
  // Runs `fn` in a transaction, retrying as described above.
  virtual Status RunTransaction(bool write, const std::function<Status(Transaction&)>& fn) = 0;

  // Runs `fn` in a write transaction as RunTransaction does and then calls `done` with the
  // outcome, as WriteAsync describes. This default runs both on the caller's thread.
  using WriteDone = std::function<void(Status)>;
  virtual void RunWriteAsync(std::function<Status(Transaction&)> fn, WriteDone done) {
    Status s = Ok();
    try {
      s = RunTransaction(true, fn);
    } catch (const std::exception& e) {
      s = Internal(std::string("the write function threw: ") + e.what());
    }
    done(std::move(s));
  }

 private:
  template <typename F>
  auto Run(bool write, F&& fn) -> std::invoke_result_t<F, Transaction&> {
    using R = std::invoke_result_t<F, Transaction&>;
    std::optional<R> out;
    Status s = RunTransaction(write, [&](Transaction& tx) -> Status {
      out.emplace(fn(tx));
      if (!out->ok()) return out->error();
      return Ok();
    });
    if (!s.ok()) return R(std::move(s).error());
    return std::move(*out);
  }
};

}  // namespace muster::store
