#include "tabular/table.h"

#include <gtest/gtest.h>

#include "tabular/xlsx.h"

namespace muster::tabular {
namespace {

TEST(ReadTable, TellsCsvFromXlsxByContent) {
  Result<std::vector<Sheet>> csv = ReadTable("姓名\n张三\n", "upload");
  ASSERT_TRUE(csv.ok());
  ASSERT_EQ(csv->size(), 1u);
  EXPECT_EQ((*csv)[0], (Sheet{"upload", {{"姓名"}, {"张三"}}}));

  Result<std::string> xlsx = WriteXlsx({Sheet{"名单", {{"姓名"}, {"张三"}}}});
  ASSERT_TRUE(xlsx.ok());
  Result<std::vector<Sheet>> read = ReadTable(*xlsx, "upload");
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0], (Sheet{"名单", {{"姓名"}, {"张三"}}}));

  Result<std::vector<Sheet>> xls = ReadTable("\xD0\xCF\x11\xE0 legacy", "upload");
  ASSERT_FALSE(xls.ok());
  EXPECT_EQ(xls.error().reason, "not_xlsx");
}

TEST(SheetCell, GivesEmptyTextOutsideTheRows) {
  Sheet sheet{"s", {{"a", "b"}, {}}};
  EXPECT_EQ(sheet.Cell(0, 1), "b");
  EXPECT_EQ(sheet.Cell(0, 2), "");
  EXPECT_EQ(sheet.Cell(1, 0), "");
  EXPECT_EQ(sheet.Cell(5, 0), "");
}

}  // namespace
}  // namespace muster::tabular
