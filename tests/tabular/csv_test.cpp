#include "tabular/csv.h"

#include <gtest/gtest.h>
#include <iconv.h>

#include <random>

namespace muster::tabular {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// Re-encodes UTF-8 `text` with glibc's iconv, as another program would have saved it.
std::string Encode(std::string_view text, const char* to) {
  iconv_t cd = iconv_open(to, "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(text.size() * 4 + 8, '\0');
  char* in = const_cast<char*>(text.data());
  size_t in_left = text.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  EXPECT_NE(iconv(cd, &in, &in_left, &out_ptr, &out_left), static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

Rows MustRead(std::string_view bytes) {
  Result<Sheet> sheet = ReadCsv(bytes, "t");
  EXPECT_TRUE(sheet.ok()) << (sheet.ok() ? "" : sheet.error().ToString());
  return sheet.ok() ? sheet->rows : Rows{};
}

struct ReadCase {
  const char* what;
  std::string input;
  Rows rows;
};

class ReadCsvCases : public ::testing::TestWithParam<ReadCase> {};

TEST_P(ReadCsvCases, GivesTheCells) {
  EXPECT_EQ(MustRead(GetParam().input), GetParam().rows) << GetParam().what;
}

INSTANTIATE_TEST_SUITE_P(
    Rfc4180AndExcel, ReadCsvCases,
    ::testing::Values(
        ReadCase{"lf", "a,b\n1,2\n", {{"a", "b"}, {"1", "2"}}},
        ReadCase{"crlf", "a,b\r\n1,2\r\n", {{"a", "b"}, {"1", "2"}}},
        ReadCase{"no final line end", "a,b\r\n1,2", {{"a", "b"}, {"1", "2"}}},
        ReadCase{"lone cr line ends", "a,b\rc,d\r", {{"a", "b"}, {"c", "d"}}},
        ReadCase{"quoted comma", "\"a,b\",c\n", {{"a,b", "c"}}},
        ReadCase{"doubled quotes", "\"say \"\"hi\"\"\",x", {{"say \"hi\"", "x"}}},
        ReadCase{"embedded lf", "\"l1\nl2\",b\r\nc,d", {{"l1\nl2", "b"}, {"c", "d"}}},
        ReadCase{"embedded crlf kept", "\"a\r\nb\"\r\n", {{"a\r\nb"}}},
        ReadCase{"empty fields", ",a,,\n", {{"", "a", "", ""}}},
        ReadCase{"quoted empty", "\"\"\nx\n", {{""}, {"x"}}},
        ReadCase{"blank line is a row without cells", "a\n\nb\n", {{"a"}, {}, {"b"}}},
        ReadCase{"trailing blank rows dropped", "a,b\n,\n\n\r\n\"\"\n", {{"a", "b"}}},
        ReadCase{"ragged rows kept",
                 "a,b,c\n1\n1,2,3,4\n",
                 {{"a", "b", "c"}, {"1"}, {"1", "2", "3", "4"}}},
        ReadCase{"empty file", "", {}}, ReadCase{"bom only", "\xEF\xBB\xBF", {}},
        ReadCase{"header only", "姓名,电话\n", {{"姓名", "电话"}}},
        ReadCase{"utf8 bom",
                 "\xEF\xBB\xBF姓名,街道\r\n张三,黄贝街道\r\n",
                 {{"姓名", "街道"}, {"张三", "黄贝街道"}}},
        ReadCase{"quote inside unquoted field is literal", "ab\"c,d", {{"ab\"c", "d"}}},
        ReadCase{"text after closing quote appended", "\"ab\"c,d", {{"abc", "d"}}},
        ReadCase{"spaces kept", " a , b ", {{" a ", " b "}}},
        ReadCase{"apostrophe kept", "'=1+2,x", {{"'=1+2", "x"}}},
        ReadCase{"tab separated", "姓名\t电话\n张三\t138\n", {{"姓名", "电话"}, {"张三", "138"}}},
        ReadCase{"comma wins over tab", "a\tb,c\n", {{"a\tb", "c"}}},
        ReadCase{"quoted tab does not make a tsv", "\"a\tb\"\nc\n", {{"a\tb"}, {"c"}}},
        ReadCase{"sep hint", "sep=;\na;b\n", {{"a", "b"}}},
        ReadCase{"sep lookalike is data", "sep=;x\n", {{"sep=;x"}}}));

TEST(ReadCsv, DecodesGbkFromChineseExcel) {
  // 黄贝街道 as Excel on Chinese Windows saves it.
  const std::string gbk_street = "\xBB\xC6\xB1\xB4\xBD\xD6\xB5\xC0";
  EXPECT_EQ(Encode("黄贝街道", "GBK"), gbk_street);
  std::string file = Encode("街道,名称\r\n", "GBK") + gbk_street + ",\xB6\xAB\xC3\xC5\r\n";
  EXPECT_EQ(MustRead(file), (Rows{{"街道", "名称"}, {"黄贝街道", "东门"}}));
}

TEST(ReadCsv, DecodesGb18030FourByteCharacters) {
  std::string text = "名字,𠀀\r\n";  // U+20000 needs GB18030's four-byte form
  EXPECT_EQ(MustRead(Encode(text, "GB18030")), (Rows{{"名字", "𠀀"}}));
}

TEST(ReadCsv, DecodesUtf16UnicodeText) {
  std::string text = "姓名\t电话\r\n张三\t13812345678\r\n";
  Rows expected = {{"姓名", "电话"}, {"张三", "13812345678"}};
  EXPECT_EQ(MustRead("\xFF\xFE" + Encode(text, "UTF-16LE")), expected);
  EXPECT_EQ(MustRead("\xFE\xFF" + Encode(text, "UTF-16BE")), expected);
}

TEST(ReadCsv, KeepsTheSheetName) {
  Result<Sheet> sheet = ReadCsv("a\n", "名单");
  ASSERT_TRUE(sheet.ok());
  EXPECT_EQ(sheet->name, "名单");
}

struct ErrorCase {
  const char* what;
  std::string input;
  Limits limits;
  std::string message;
  std::string reason;
};

class ReadCsvErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ReadCsvErrors, NameTheLine) {
  const ErrorCase& c = GetParam();
  Result<Sheet> sheet = ReadCsv(c.input, "t", c.limits);
  ASSERT_FALSE(sheet.ok()) << c.what;
  EXPECT_EQ(sheet.error().code, ErrorCode::kBadRequest) << c.what;
  EXPECT_EQ(sheet.error().field, "file") << c.what;
  EXPECT_EQ(sheet.error().message.substr(0, c.message.size()), c.message) << c.what;
  EXPECT_EQ(sheet.error().reason, c.reason) << c.what;
}

Limits Small() {
  Limits limits;
  limits.max_rows = 3;
  limits.max_columns = 2;
  limits.max_cell_bytes = 4;
  limits.max_cells = 5;
  return limits;
}

INSTANTIATE_TEST_SUITE_P(
    Hostile, ReadCsvErrors,
    ::testing::Values(
        ErrorCase{"unterminated",
                  "a,b\n\"open,c\nmore\n",
                  {},
                  "line 2: unterminated quoted field",
                  "syntax"},
        ErrorCase{"line count after embedded newlines",
                  "\"a\nb\",c\r\n\"x",
                  {},
                  "line 3: unterminated",
                  "syntax"},
        ErrorCase{"neither utf8 nor gb18030",
                  "a,b\n\xFF\xFF\n",
                  {},
                  "line 2: the file is neither UTF-8 nor GBK",
                  "encoding"},
        ErrorCase{"bom then bad utf8",
                  "\xEF\xBB\xBFok\n\xC3\x28\n",
                  {},
                  "line 2: invalid UTF-8",
                  "encoding"},
        ErrorCase{"odd utf16", "\xFF\xFE\x41\x00\x42", {}, "line 1: invalid UTF-16", "encoding"},
        ErrorCase{
            "nul byte", std::string("a,b\nc\0d\n", 8), {}, "line 2: NUL character", "encoding"},
        ErrorCase{
            "workbook given as csv", "PK\x03\x04rest", {}, "this is an Excel workbook", "not_csv"},
        ErrorCase{"too many rows", "a\nb\nc\nd\n", Small(), "line 4: more than 3 rows",
                  "too_large"},
        ErrorCase{"too many columns", "a,b,c\n", Small(), "line 1: more than 2 columns",
                  "too_large"},
        ErrorCase{"cell too long", "ok\nabcde\n", Small(), "line 2: a cell is longer than 4 bytes",
                  "too_large"},
        ErrorCase{"too many cells", "a,b\nc,d\ne,f\n", Small(), "line 3: more than 5 cells",
                  "too_large"}));

TEST(WriteCsv, WritesBomCrlfAndQuotes) {
  Sheet sheet{
      "s", {{"姓名", "备注"}, {"张三", "a,b"}, {"李四", "say \"hi\""}, {"王五", "l1\nl2"}, {""}}};
  EXPECT_EQ(
      WriteCsv(sheet),
      "\xEF\xBB\xBF姓名,备注\r\n张三,\"a,b\"\r\n李四,\"say \"\"hi\"\"\"\r\n王五,\"l1\nl2\"\r\n"
      "\"\"\r\n");
}

TEST(WriteCsv, WritesNothingButTheBomForNoRows) { EXPECT_EQ(WriteCsv(Sheet{}), "\xEF\xBB\xBF"); }

struct GuardCase {
  std::string cell;
  bool guarded;
};

class FormulaGuard : public ::testing::TestWithParam<GuardCase> {};

TEST_P(FormulaGuard, FollowsTheDocumentedRule) {
  EXPECT_EQ(NeedsFormulaGuard(GetParam().cell), GetParam().guarded) << GetParam().cell;
}

INSTANTIATE_TEST_SUITE_P(
    Owasp, FormulaGuard,
    ::testing::Values(GuardCase{"=SUM(A1:A9)", true}, GuardCase{"@SUM(A1)", true},
                      GuardCase{"+cmd|' /C calc'!A0", true},
                      GuardCase{"-2+3+cmd|' /C calc'!A0", true}, GuardCase{"\tx", true},
                      GuardCase{"\rx", true}, GuardCase{"-A1", true}, GuardCase{"＝SUM(A1)", true},
                      GuardCase{"＠x", true}, GuardCase{"＋cmd|x", true}, GuardCase{"-12.5", false},
                      GuardCase{"+86 138-1234-5678", false}, GuardCase{"-1,234.50", false},
                      GuardCase{"+5%", false}, GuardCase{"-", false}, GuardCase{"－1", false},
                      GuardCase{"13812345678", false}, GuardCase{"(010) 1234-5678", false},
                      GuardCase{"a=b", false}, GuardCase{"", false}, GuardCase{"张三", false}));

TEST(WriteCsv, PrefixesFormulasWithAnApostropheThatReadCsvKeeps) {
  Sheet sheet{"s", {{"=HYPERLINK(\"http://x\")", "-5", "@me"}}};
  std::string csv = WriteCsv(sheet);
  EXPECT_EQ(csv, "\xEF\xBB\xBF\"'=HYPERLINK(\"\"http://x\"\")\",-5,'@me\r\n");
  EXPECT_EQ(MustRead(csv), (Rows{{"'=HYPERLINK(\"http://x\")", "-5", "'@me"}}));
}

TEST(WriteCsv, QuotesASepLookalikeFirstCell) {
  Sheet sheet{"s", {{"sep=;"}, {"x"}}};
  EXPECT_EQ(MustRead(WriteCsv(sheet)), sheet.rows);
}

// What ReadCsv(WriteCsv(rows)) must give: guarded cells carry their apostrophe, trailing rows
// without content are gone.
Rows ExpectedAfterRoundTrip(Rows rows) {
  for (auto& row : rows) {
    for (auto& cell : row) {
      if (NeedsFormulaGuard(cell)) cell = "'" + cell;
    }
  }
  auto blank = [](const std::vector<std::string>& row) {
    for (const auto& cell : row) {
      if (!cell.empty()) return false;
    }
    return true;
  };
  while (!rows.empty() && blank(rows.back())) rows.pop_back();
  return rows;
}

TEST(CsvRoundTrip, GivesBackTheCellsOfRandomSheets) {
  const std::vector<std::string> pieces = {"a", "中", ",", "\"", "\n", "\r", "\r\n", "\t",    " ",
                                           "=", "-",  "+", "@",  "1",  "'",  "𠀀",   "sep=;", ""};
  std::mt19937 random(20240501);
  for (int round = 0; round < 500; ++round) {
    Rows rows(random() % 6);
    for (auto& row : rows) {
      row.resize(random() % 5);
      for (auto& cell : row) {
        for (size_t k = random() % 4; k > 0; --k) cell += pieces[random() % pieces.size()];
      }
    }
    Sheet sheet{"s", rows};
    ASSERT_EQ(MustRead(WriteCsv(sheet)), ExpectedAfterRoundTrip(rows)) << "round " << round;
  }
}

}  // namespace
}  // namespace muster::tabular
