#include "base/result.h"

#include <gtest/gtest.h>

#include <memory>

namespace muster {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Invalid("x", "must be even");
  return x / 2;
}

Result<int> Quarter(int x) {
  MUSTER_ASSIGN(int h, Half(x));
  MUSTER_ASSIGN(int q, Half(h));
  return q;
}

Status CheckPositive(int x) {
  if (x <= 0) return Invalid("x", "must be positive");
  return Ok();
}

Status Both(int x) {
  MUSTER_TRY(CheckPositive(x));
  MUSTER_TRY(Half(x));
  return Ok();
}

TEST(Result, CarriesValueOrError) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kValidationFailed);
  EXPECT_EQ(r.error().ToString(), "x: must be even");
}

TEST(Result, TryPropagatesTheFirstError) {
  EXPECT_TRUE(Both(4).ok());
  EXPECT_EQ(Both(-2).error().message, "must be positive");
  EXPECT_EQ(Both(3).error().message, "must be even");
}

TEST(Result, HoldsMoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

TEST(Error, PrefixesNestedFields) {
  Error e = Invalid("site_id", "no such site");
  EXPECT_EQ(e.WithFieldPrefix("shifts[2]").field, "shifts[2].site_id");
  EXPECT_EQ(Invalid("", "x").WithFieldPrefix("shifts").field, "shifts");
}

TEST(Error, CodeNamesFollowTheApiContract) {
  EXPECT_EQ(ErrorCodeName(ErrorCode::kValidationFailed), "validation_failed");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kShiftFull), "shift_full");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kInsufficientFunds), "insufficient_funds");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kUnsupportedMediaType), "unsupported_media_type");
}

}  // namespace
}  // namespace muster
