#include "base/money.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace muster {
namespace {

TEST(Money, FormatsFenAsYuanWithSeparators) {
  EXPECT_EQ(FormatYuan(Fen{459000000}), "4,590,000.00");
  EXPECT_EQ(FormatYuan(Fen{5}), "0.05");
  EXPECT_EQ(FormatYuan(Fen{123456}), "1,234.56");
  EXPECT_EQ(FormatYuan(Fen{-100}), "-1.00");
  EXPECT_EQ(FormatYuan(Fen{std::numeric_limits<std::int64_t>::min()}),
            "-92,233,720,368,547,758.08");
}

TEST(Money, AddsAndCompares) {
  EXPECT_EQ((Fen{100} + Fen{50}).value, 150);
  EXPECT_LT(Fen{1}, Fen{2});
}

}  // namespace
}  // namespace muster
