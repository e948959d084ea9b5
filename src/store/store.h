#pragma once

#include <functional>
#include <memory>
#include <optional>
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
