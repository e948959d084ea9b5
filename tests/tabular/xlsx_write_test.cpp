#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "tabular/xlsx.h"
#include "tabular/zip_reader.h"

namespace muster::tabular {
namespace {

using Rows = std::vector<std::vector<std::string>>;

std::vector<Sheet> RoundTrip(const std::vector<Sheet>& sheets) {
  Result<std::string> bytes = WriteXlsx(sheets);
  EXPECT_TRUE(bytes.ok()) << (bytes.ok() ? "" : bytes.error().ToString());
  if (!bytes.ok()) return {};
  Result<std::vector<Sheet>> read = ReadXlsx(*bytes);
  EXPECT_TRUE(read.ok()) << (read.ok() ? "" : read.error().ToString());
  return read.ok() ? *read : std::vector<Sheet>{};
}

std::string Part(const std::string& xlsx, const char* name) {
  Result<ZipReader> zip = ZipReader::Open(xlsx, 1 << 30);
  EXPECT_TRUE(zip.ok());
  Result<std::string> part = zip->Read(name);
  EXPECT_TRUE(part.ok());
  return part.ok() ? *part : "";
}

double ColumnWidth(const std::string& sheet_xml, int column) {
  std::string key =
      "<col min=\"" + std::to_string(column) + "\" max=\"" + std::to_string(column) + "\" width=\"";
  size_t at = sheet_xml.find(key);
  return at == std::string::npos ? 0 : std::stod(sheet_xml.substr(at + key.size()));
}

const Rows kPeople = {
    {"姓名", "电话", "身份证号", "年龄", "积分", "银行卡", "备注"},
    {"张三", "13812345678", "11010519491231002X", "35", "0.1", "6222021234567890123", "黄贝街道"},
    {"李四", "", "360426199101010071", "-2.5", "1000000000", "", "中间有空"},
    {"王五", "+86 138-1234-5678", "007", "1.50", "1e5", "-0", "2024-05-01"},
    {"=SUM(A1:A3)", " lead", "trail ", "l1\nl2", "tab\there", "TRUE", "0.30000000000000004"},
    {"😀", "a&b<c>\"d'", "_x0041_ stays", "cr\rlf", "\x01 control", "", "end"},
};

TEST(WriteXlsx, RoundTripsChineseTextNumbersAndIdentifiers) {
  std::vector<Sheet> read = RoundTrip({Sheet{"人员", kPeople}});
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].name, "人员");
  ASSERT_EQ(read[0].rows.size(), kPeople.size());
  for (size_t r = 0; r < kPeople.size(); ++r) {
    for (size_t c = 0; c < kPeople[r].size(); ++c) {
      EXPECT_EQ(read[0].Cell(r, c), kPeople[r][c]) << "row " << r << " column " << c;
    }
  }
}

TEST(WriteXlsx, StoresPlainNumbersAsNumbersAndIdentifiersAsText) {
  Result<std::string> bytes =
      WriteXlsx({Sheet{"s", {{"h"}, {"35", "13812345678", "-2.5", "007"}}}});
  ASSERT_TRUE(bytes.ok());
  std::string xml = Part(*bytes, "xl/worksheets/sheet1.xml");
  EXPECT_NE(xml.find("<c r=\"A2\"><v>35</v></c>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<c r=\"B2\" t=\"s\">"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<c r=\"C2\"><v>-2.5</v></c>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<c r=\"D2\" t=\"s\">"), std::string::npos) << xml;
}

TEST(WriteXlsx, MakesTheHeaderBoldFrozenAndColumnsWide) {
  Rows rows = {{"街道名称", "x"}, {"黄贝街道黄贝街道黄贝街道", "1"}};
  Result<std::string> bytes = WriteXlsx({Sheet{"s", rows}});
  ASSERT_TRUE(bytes.ok());
  std::string sheet = Part(*bytes, "xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find("<pane ySplit=\"1\""), std::string::npos) << sheet;
  double wide = ColumnWidth(sheet, 1);
  double narrow = ColumnWidth(sheet, 2);
  EXPECT_GT(wide, 26);  // 12 CJK characters take 24 columns
  EXPECT_LT(wide, 32);
  EXPECT_GT(narrow, 7.9);  // the minimum
  EXPECT_LT(narrow, 10);
  EXPECT_NE(Part(*bytes, "xl/styles.xml").find("<b/>"), std::string::npos);
}

TEST(WriteXlsx, KeepsGapsAndDropsTrailingEmptiness) {
  Rows rows = {{"a", "", "c"}, {}, {"", "b", "", ""}, {"", ""}, {}};
  std::vector<Sheet> read = RoundTrip({Sheet{"s", rows}});
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].rows, (Rows{{"a", "", "c"}, {}, {"", "b"}}));
}

TEST(WriteXlsx, MakesSheetNamesValidAndUnique) {
  std::vector<Sheet> sheets = {
      {"a/b:c", {{"1"}}},
      {"", {{"2"}}},
      {"A/B:C", {{"3"}}},
      {"'引号'", {{"4"}}},
      {"黄贝街道二零二四年五月份志愿服务时长统计表第一部分以及第二部分的补充说明材料", {{"5"}}},
      {"History", {{"6"}}},
      {"[x]*?", {{"7"}}}};
  std::vector<Sheet> read = RoundTrip(sheets);
  std::vector<std::string> names;
  for (const auto& sheet : read) names.push_back(sheet.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "a_b_c", "Sheet2", "A_B_C (2)", "引号",
                       "黄贝街道二零二四年五月份志愿服务时长统计表第一部分以及第二部分", "History_",
                       "_x___"}));
  for (size_t i = 0; i < read.size(); ++i) EXPECT_EQ(read[i].rows, sheets[i].rows);
}

TEST(WriteXlsx, RefusesWhatExcelCannotHold) {
  struct Case {
    const char* what;
    std::vector<Sheet> sheets;
  };
  Case cases[] = {
      {"no sheets", {}},
      {"bad utf8", {Sheet{"s", {{"\xBB\xC6"}}}}},
      {"nul", {Sheet{"s", {{std::string("a\0b", 3)}}}}},
      {"long cell", {Sheet{"s", {{std::string(32768, 'x')}}}}},
      {"wide row", {Sheet{"s", {std::vector<std::string>(16385, "x")}}}},
  };
  for (const Case& c : cases) {
    Result<std::string> bytes = WriteXlsx(c.sheets);
    ASSERT_FALSE(bytes.ok()) << c.what;
    EXPECT_EQ(bytes.error().code, ErrorCode::kBadRequest) << c.what;
    EXPECT_EQ(bytes.error().field, "sheets") << c.what;
  }
  EXPECT_TRUE(WriteXlsx({Sheet{"s", {{std::string(32767, 'x')}}}}).ok());
}

// Points $TMPDIR at `dir` for the life of the object.
class ScopedTmpdir {
 public:
  explicit ScopedTmpdir(const std::string& dir) {
    if (const char* old = getenv("TMPDIR")) old_ = old;
    setenv("TMPDIR", dir.c_str(), 1);
  }
  ~ScopedTmpdir() {
    if (old_) {
      setenv("TMPDIR", old_->c_str(), 1);
    } else {
      unsetenv("TMPDIR");
    }
  }

 private:
  std::optional<std::string> old_;
};

TEST(WriteXlsx, LeavesNoTemporaryFilesBehind) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("tabular-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
       std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  {
    ScopedTmpdir tmpdir(dir.string());
    ASSERT_TRUE(WriteXlsx({Sheet{"s", kPeople}}).ok());
    EXPECT_FALSE(WriteXlsx({Sheet{"s", {{"\xFF"}}}}).ok());
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  std::filesystem::remove_all(dir);
}

TEST(WriteXlsx, ReportsAnUnwritableTemporaryFolderAsUnavailable) {
  ScopedTmpdir tmpdir("/nonexistent/muster-tabular-test");
  Result<std::string> bytes = WriteXlsx({Sheet{"s", {{"a"}}}});
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.error().code, ErrorCode::kUnavailable);
}

TEST(WriteXlsx, RoundTripsRandomSheets) {
  const std::vector<std::string> pieces = {"a", "中", "1", "0", ".", "-", " ", "\n",
                                           "=", "&",  "<", "😀", "9", "5", ""};
  std::mt19937 random(7);
  for (int round = 0; round < 40; ++round) {
    Rows rows(1 + random() % 5);
    for (auto& row : rows) {
      row.resize(random() % 5);
      for (auto& cell : row) {
        for (size_t k = random() % 5; k > 0; --k) cell += pieces[random() % pieces.size()];
      }
    }
    // What XLSX cannot tell apart: trailing empty cells and rows.
    Rows expected = rows;
    for (auto& row : expected) {
      while (!row.empty() && row.back().empty()) row.pop_back();
    }
    while (!expected.empty() && expected.back().empty()) expected.pop_back();
    std::vector<Sheet> read = RoundTrip({Sheet{"s", rows}});
    ASSERT_EQ(read.size(), 1u);
    ASSERT_EQ(read[0].rows, expected) << "round " << round;
  }
}

}  // namespace
}  // namespace muster::tabular
