#include "tabular/encoding.h"

#include <gtest/gtest.h>

namespace muster::tabular {
namespace {

TEST(FindInvalidUtf8, FindsTheFirstBadByte) {
  struct Case {
    std::string bytes;
    size_t offset;
  };
  const size_t npos = std::string_view::npos;
  for (const Case& c : {Case{"", npos}, Case{"abc", npos}, Case{"黄贝街道😀", npos},
                        Case{"a\xC0\x80", 1},         // overlong NUL
                        Case{"ab\xED\xA0\x80", 2},    // surrogate
                        Case{"\xF4\x90\x80\x80", 0},  // above U+10FFFF
                        Case{"\xE4\xB8", 0},          // cut short
                        Case{"\xBB\xC6", 0},          // GBK, not UTF-8
                        Case{"ok\x80", 2}}) {
    EXPECT_EQ(FindInvalidUtf8(c.bytes), c.offset) << c.bytes;
  }
}

TEST(DecodeText, ReportsWhichEncodingItFound) {
  EXPECT_EQ(DecodeText("abc")->encoding, TextEncoding::kUtf8);
  EXPECT_EQ(DecodeText("\xEF\xBB\xBF"
                       "abc")
                ->encoding,
            TextEncoding::kUtf8Bom);
  EXPECT_EQ(DecodeText("\xEF\xBB\xBF"
                       "abc")
                ->text,
            "abc");
  EXPECT_EQ(DecodeText(std::string("\xFF\xFE"
                                   "a\0",
                                   4))
                ->text,
            "a");
  Result<DecodedText> gbk = DecodeText("\xBB\xC6\xB1\xB4");
  ASSERT_TRUE(gbk.ok());
  EXPECT_EQ(gbk->encoding, TextEncoding::kGb18030);
  EXPECT_EQ(gbk->text, "黄贝");
}

TEST(Utf16, CountsAndCutsLikeExcel) {
  EXPECT_EQ(Utf16Length("a中😀"), 4u);
  EXPECT_EQ(TruncateUtf16("a中😀", 3), "a中");
  EXPECT_EQ(TruncateUtf16("a中😀", 4), "a中😀");
  EXPECT_EQ(TruncateUtf16("", 4), "");
}

TEST(DisplayWidth, CountsWideCharactersTwice) {
  EXPECT_EQ(DisplayWidth("ab"), 2u);
  EXPECT_EQ(DisplayWidth("黄贝街道"), 8u);
  EXPECT_EQ(DisplayWidth("ＡＢ1"), 5u);
}

TEST(AppendUtf8, EncodesEveryLength) {
  std::string out;
  for (char32_t c : {U'a', U'é', U'中', U'😀'}) AppendUtf8(out, c);
  EXPECT_EQ(out, "aé中😀");
}

}  // namespace
}  // namespace muster::tabular
