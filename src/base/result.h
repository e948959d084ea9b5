#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

#include "base/error.h"

namespace muster {

// Either a value of T or an Error. Expected failures travel as Result; exceptions are kept for bugs.
//
//   Result<MemberId> id = members.Insert(m);
//   if (!id.ok()) return id.error();
//   Use(*id);
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok().
  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !ok().
  const Error& error() const& { assert(!ok()); return std::get<1>(v_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

  // Returns the value, or `fallback` when this holds an error.
  T value_or(T fallback) const& { return ok() ? std::get<0>(v_) : std::move(fallback); }

 private:
  std::variant<T, Error> v_;
};

// The value-less result: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  // REQUIRES: !ok().
  const Error& error() const& { assert(!ok_); return error_; }
  Error&& error() && { assert(!ok_); return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status Ok() { return Status(); }

}  // namespace muster

// Evaluates `expr` (a Result or Status); returns its error from the enclosing function on failure.
#define MUSTER_TRY(expr) MUSTER_TRY_IMPL(MUSTER_CONCAT(muster_try_, __COUNTER__), expr)
#define MUSTER_TRY_IMPL(tmp, expr)                \
  do {                                            \
    auto tmp = (expr);                            \
    if (!tmp.ok()) return std::move(tmp).error(); \
  } while (0)

#define MUSTER_CONCAT_INNER(a, b) a##b
#define MUSTER_CONCAT(a, b) MUSTER_CONCAT_INNER(a, b)

// Declares `lhs` from the value of `expr` (a Result<T>), or returns its error.
//   MUSTER_ASSIGN(auto id, repo.Insert(x));
#define MUSTER_ASSIGN(lhs, expr) MUSTER_ASSIGN_IMPL(MUSTER_CONCAT(muster_r_, __COUNTER__), lhs, expr)
#define MUSTER_ASSIGN_IMPL(tmp, lhs, expr)               \
  auto tmp = (expr);                                     \
  if (!tmp.ok()) return std::move(tmp).error();          \
  lhs = std::move(tmp).value()
