#include "base/validate.h"

#include <gtest/gtest.h>

namespace muster {
namespace {

const Date kToday = Date{std::chrono::year(2026), std::chrono::month(11), std::chrono::day(29)};

struct MobileCase {
  const char* input;
  const char* normalized;  // nullptr when refused
  const char* reason;      // the refusal's reason
};

class MobileTest : public testing::TestWithParam<MobileCase> {};

TEST_P(MobileTest, NormalisesOrRefusesWithItsReason) {
  const MobileCase& c = GetParam();
  auto r = NormalizeMobile(c.input);
  if (c.normalized != nullptr) {
    ASSERT_TRUE(r.ok()) << c.input << ": " << r.error().ToString();
    EXPECT_EQ(*r, c.normalized);
  } else {
    ASSERT_FALSE(r.ok()) << c.input;
    EXPECT_EQ(r.error().code, ErrorCode::kValidationFailed);
    EXPECT_EQ(r.error().field, "phone");
    EXPECT_EQ(r.error().reason, c.reason) << c.input;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, MobileTest,
    testing::Values(MobileCase{"13812345678", "13812345678", ""},
                    MobileCase{"+86 138-1234-5678", "13812345678", ""},
                    MobileCase{"0086 138 1234 5678", "13812345678", ""},
                    MobileCase{"+8613812345678", "13812345678", ""},
                    MobileCase{"１３８１２３４５６７８", "13812345678", ""},  // full-width digits
                    MobileCase{"＋８６　１３８－１２３４－５６７８", "13812345678", ""},
                    MobileCase{"19912345678", "19912345678", ""},
                    MobileCase{"12812345678", nullptr, "mobile_prefix"},
                    MobileCase{"1381234567", nullptr, "mobile_length"},
                    MobileCase{"138123456789", nullptr, "mobile_length"},
                    MobileCase{"", nullptr, "mobile_length"},
                    MobileCase{"+1 415 555 0100", nullptr, "mobile_prefix"},
                    MobileCase{"138abc45678", nullptr, "mobile_characters"},
                    MobileCase{"138\xff" "12345678", nullptr, "mobile_characters"},
                    MobileCase{"23812345678", nullptr, "mobile_prefix"}));

struct IdCase {
  const char* input;
  const char* normalized;
  const char* reason;
};

class ResidentIdTest : public testing::TestWithParam<IdCase> {};

TEST_P(ResidentIdTest, ChecksEveryPartWithItsOwnReason) {
  const IdCase& c = GetParam();
  auto r = NormalizeResidentId(c.input, kToday);
  if (c.normalized != nullptr) {
    ASSERT_TRUE(r.ok()) << c.input << ": " << r.error().ToString();
    EXPECT_EQ(r->number, c.normalized);
  } else {
    ASSERT_FALSE(r.ok()) << c.input;
    EXPECT_EQ(r.error().code, ErrorCode::kValidationFailed);
    EXPECT_EQ(r.error().field, "id_number");
    EXPECT_EQ(r.error().reason, c.reason) << c.input << ": " << r.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Vectors, ResidentIdTest,
    testing::Values(IdCase{"11010519491231002X", "11010519491231002X", ""},
                    IdCase{"11010519491231002x", "11010519491231002X", ""},
                    IdCase{"360426199101010071", "360426199101010071", ""},
                    IdCase{"34052419800101001X", "34052419800101001X", ""},
                    IdCase{"１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", ""},
                    IdCase{" 110105 19491231 002X ", "11010519491231002X", ""},
                    IdCase{"340524198001010013", nullptr, "id_checksum"},
                    IdCase{"110105491231002", nullptr, "id_15_digit"},
                    IdCase{"1101051949123100", nullptr, "id_length"},
                    IdCase{"11010519491231002XX", nullptr, "id_length"},
                    IdCase{"1101051949123X002X", nullptr, "id_characters"},
                    IdCase{"11010519491231-02X", nullptr, "id_characters"},
                    IdCase{"990105194912310021", nullptr, "id_province"},
                    IdCase{"110105194902300021", nullptr, "id_birth_date"},  // 30 February
                    IdCase{"110105209901010021", nullptr, "id_birth_date"},  // in the future
                    IdCase{"110105180001010021", nullptr, "id_birth_date"}));

TEST(ResidentId, ReportsTheBirthDate) {
  auto r = NormalizeResidentId("360426199101010071", kToday);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(FormatDate(r->birth_date), "1991-01-01");
}

TEST(ResidentId, CheckCharacterFollowsIso7064) {
  EXPECT_EQ(ResidentIdCheckChar("11010519491231002"), 'X');
  EXPECT_EQ(ResidentIdCheckChar("36042619910101007"), '1');
}

TEST(ResidentId, NamesTheFieldItWasGiven) {
  auto r = NormalizeResidentId("340524198001010013", kToday, "members[3].id_number");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "members[3].id_number");
}

TEST(Mask, KeepsOnlyTheEnds) {
  EXPECT_EQ(MaskMobile("13812345678"), "138****5678");
  EXPECT_EQ(MaskResidentId("11010519491231002X"), "110105********002X");
  EXPECT_EQ(MaskMobile("123"), "***");
}

TEST(Name, TrimsAndCountsCodePoints) {
  EXPECT_EQ(*NormalizeName("  黄贝街道 "), "黄贝街道");
  EXPECT_TRUE(NormalizeName(std::string(64, 'a')).ok());
  EXPECT_EQ(NormalizeName(std::string(65, 'a')).error().reason, "name_length");
  // 64 Chinese characters are 192 bytes and still a valid name.
  std::string chinese;
  for (int i = 0; i < 64; ++i) chinese += "街";
  EXPECT_TRUE(NormalizeName(chinese).ok());
  EXPECT_EQ(NormalizeName("   ").error().reason, "name_length");
  EXPECT_EQ(NormalizeName("a\nb").error().reason, "name_characters");
}

}  // namespace
}  // namespace muster
