#include <gtest/gtest.h>

#include <random>

#include "tabular/xlsx.h"
#include "tabular/zip_builder.h"

namespace muster::tabular {
namespace {

using Rows = std::vector<std::vector<std::string>>;
using testing::BuildXlsx;
using testing::BuildZip;
using testing::XlsxEntries;
using testing::XlsxParts;
using testing::ZipEntries;

std::vector<Sheet> MustRead(const std::string& bytes, const Limits& limits = {}) {
  Result<std::vector<Sheet>> sheets = ReadXlsx(bytes, limits);
  EXPECT_TRUE(sheets.ok()) << (sheets.ok() ? "" : sheets.error().ToString());
  return sheets.ok() ? *sheets : std::vector<Sheet>{};
}

Error MustFail(const std::string& bytes, const Limits& limits = {}) {
  Result<std::vector<Sheet>> sheets = ReadXlsx(bytes, limits);
  EXPECT_FALSE(sheets.ok());
  if (sheets.ok()) return Error{};
  EXPECT_EQ(sheets.error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(sheets.error().field, "file");
  return sheets.error();
}

const char kStyles[] =
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;"
    "d&quot;日&quot;\"/><numFmt numFmtId=\"165\" formatCode=\"[h]:mm\"/></numFmts>"
    "<cellXfs count=\"7\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
    "<xf numFmtId=\"22\"/><xf numFmtId=\"20\"/><xf numFmtId=\"10\"/><xf numFmtId=\"165\"/>"
    "</cellXfs></styleSheet>";

TEST(ReadXlsx, ReadsSharedInlineAndRichStringsWithGaps) {
  XlsxParts parts;
  parts.shared_strings = {"<t>姓名</t>",
                          "<r><t>黄贝</t></r><r><rPr><b/></rPr><t xml:space=\"preserve\">街道 </t>"
                          "</r><rPh sb=\"0\" eb=\"2\"><t>huangbei</t></rPh>",
                          "<t>a_x000D_b_x005F_x0041_</t>"};
  parts.sheets = {
      {"名单",
       "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
       "<c r=\"C1\" t=\"inlineStr\"><is><t>电话</t></is></c></row>"
       "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>1</v></c><c r=\"B3\"><v>1.3812345678E10</v></c>"
       "<c r=\"C3\" t=\"b\"><v>1</v></c><c r=\"D3\" t=\"e\"><v>#N/A</v></c>"
       "<c r=\"E3\" t=\"str\"><f>A1</f><v>x</v></c><c r=\"F3\"><f>1/0</f></c>"
       "<c r=\"G3\" t=\"s\"><v>2</v></c><c r=\"H3\" s=\"0\"/><c r=\"I3\" t=\"s\"/></row>"}};
  std::vector<Sheet> sheets = MustRead(BuildXlsx(parts));
  ASSERT_EQ(sheets.size(), 1u);
  EXPECT_EQ(sheets[0].name, "名单");
  EXPECT_EQ(sheets[0].rows,
            (Rows{{"姓名", "", "电话"},
                  {},
                  {"黄贝街道 ", "13812345678", "TRUE", "#N/A", "x", "", "a\rb_x0041_"}}));
}

TEST(ReadXlsx, PlacesCellsWithoutReferencesInOrder) {
  XlsxParts parts;
  parts.sheets = {{"s",
                   "<row><c t=\"inlineStr\"><is><t>a</t></is></c><c><v>1</v></c></row>"
                   "<row><c r=\"B2\"><v>2</v></c><c><v>3</v></c></row>"}};
  EXPECT_EQ(MustRead(BuildXlsx(parts))[0].rows, (Rows{{"a", "1"}, {"", "2", "3"}}));
}

TEST(ReadXlsx, RendersDatesByTheirNumberFormat) {
  XlsxParts parts;
  parts.styles = kStyles;
  parts.sheets = {
      {"s",
       "<row r=\"1\"><c s=\"1\"><v>45413</v></c><c s=\"2\"><v>45413</v></c>"
       "<c s=\"3\"><v>45413.5</v></c><c s=\"4\"><v>0.75</v></c><c s=\"5\"><v>0.25</v></c>"
       "<c s=\"6\"><v>1.5</v></c><c s=\"1\"><v>60</v></c><c s=\"99\"><v>7</v></c>"
       "<c><v>45413</v></c></row>"}};
  EXPECT_EQ(MustRead(BuildXlsx(parts))[0].rows,
            (Rows{{"2024-05-01", "2024-05-01", "2024-05-01 12:00:00", "18:00:00", "0.25", "1.5",
                   "1900-02-29", "7", "45413"}}));
}

TEST(ReadXlsx, HonoursThe1904DateSystem) {
  XlsxParts parts;
  parts.styles = kStyles;
  parts.date1904 = true;
  parts.sheets = {{"s", "<row><c s=\"1\"><v>0</v></c><c s=\"1\"><v>43951</v></c></row>"}};
  EXPECT_EQ(MustRead(BuildXlsx(parts))[0].rows, (Rows{{"1904-01-01", "2024-05-01"}}));
}

TEST(ReadXlsx, ReadsPrefixedElementsAndAbsoluteTargets) {
  const std::string main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  const std::string rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  ZipEntries entries = {
      {"_rels/.rels",
       "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
       "<Relationship Id=\"r\" Type=\"" +
           rels +
           "/officeDocument\" Target=\"/book/main.xml\"/>"
           "</Relationships>"},
      {"book/main.xml",
       "<x:workbook xmlns:x=\"" + main + "\" xmlns:rel=\"" + rels +
           "\"><x:sheets>"
           "<x:sheet name=\"图表\" sheetId=\"1\" rel:id=\"c1\"/>"
           "<x:sheet name=\"数据\" sheetId=\"2\" rel:id=\"w1\"/></x:sheets></x:workbook>"},
      {"book/_rels/main.xml.rels",
       "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
       "<Relationship Id=\"c1\" Type=\"" +
           rels +
           "/chartsheet\" Target=\"charts/c.xml\"/>"
           "<Relationship Id=\"w1\" Type=\"" +
           rels +
           "/worksheet\" Target=\"../sheets/./d.xml\"/>"
           "</Relationships>"},
      {"sheets/d.xml", "<x:worksheet xmlns:x=\"" + main +
                           "\"><x:sheetData><x:row r=\"2\">"
                           "<x:c r=\"B2\" t=\"inlineStr\"><x:is><x:t>东门</x:t></x:is></x:c>"
                           "</x:row></x:sheetData></x:worksheet>"}};
  std::vector<Sheet> sheets = MustRead(BuildZip(entries));
  ASSERT_EQ(sheets.size(), 1u);
  EXPECT_EQ(sheets[0].name, "数据");
  EXPECT_EQ(sheets[0].rows, (Rows{{}, {"", "东门"}}));
}

TEST(ReadXlsx, IgnoresDeclaredEntities) {
  XlsxParts parts;
  parts.sheets = {
      {"s", "<row><c t=\"inlineStr\"><is><t>&lt;&amp;&#x9EC4;&lol;</t></is></c></row>"}};
  ZipEntries entries = XlsxEntries(parts);
  for (auto& [path, content] : entries) {
    if (path == "xl/worksheets/sheet1.xml") {
      content = "<!DOCTYPE worksheet [<!ENTITY lol \"lollollol\">]>" + content;
    }
  }
  EXPECT_EQ(MustRead(BuildZip(entries))[0].rows, (Rows{{"<&黄&lol;"}}));
}

TEST(ReadXlsx, RefusesWhatIsNotAWorkbook) {
  EXPECT_EQ(MustFail("").reason, "not_xlsx");
  EXPECT_EQ(MustFail("name,phone\n").reason, "not_xlsx");
  EXPECT_EQ(MustFail("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 old xls").reason, "not_xlsx");
  EXPECT_EQ(MustFail(BuildZip({{"hello.txt", "hi"}})).reason, "not_xlsx");
  EXPECT_EQ(MustFail(BuildZip({{"xl/workbook.xml", "<document/>"}})).reason, "not_xlsx");
}

// Returns a valid workbook with `part` replaced by `content`.
std::string WithPart(const std::string& part, const std::string& content) {
  XlsxParts parts;
  parts.shared_strings = {"<t>a</t>"};
  parts.sheets = {{"s", "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"}};
  ZipEntries entries = XlsxEntries(parts);
  for (auto& [path, text] : entries) {
    if (path == part) text = content;
  }
  return BuildZip(entries);
}

TEST(ReadXlsx, ExplainsDamagedParts) {
  struct Case {
    std::string part;
    std::string content;
    std::string message;
  };
  const std::string ws = "<worksheet><sheetData><row r=\"1\">";
  const std::string end = "</row></sheetData></worksheet>";
  for (const Case& c : std::vector<Case>{
           {"xl/worksheets/sheet1.xml", "<worksheet><sheetData><row>",
            "damaged XLSX file: xl/worksheets/sheet1.xml"},
           {"xl/worksheets/sheet1.xml", "", "damaged XLSX file: xl/worksheets/sheet1.xml"},
           {"xl/worksheets/sheet1.xml", "<other/>",
            "damaged XLSX file: xl/worksheets/sheet1.xml holds no worksheet"},
           {"xl/worksheets/sheet1.xml", ws + "<c r=\"A1\" t=\"s\"><v>5</v></c>" + end,
            "sheet 's': cell A1: shared string '5' does not exist"},
           {"xl/worksheets/sheet1.xml", ws + "<c r=\"A1\" t=\"s\"><v>-1</v></c>" + end,
            "sheet 's': cell A1: shared string"},
           {"xl/worksheets/sheet1.xml", ws + "<c r=\"A0\"/>" + end,
            "sheet 's': bad cell reference 'A0'"},
           {"xl/worksheets/sheet1.xml", ws + "<c r=\"1A\"/>" + end,
            "sheet 's': bad cell reference '1A'"},
           {"xl/worksheets/sheet1.xml", ws + "<c r=\"XFE1\"/>" + end,
            "sheet 's': bad cell reference 'XFE1'"},
           {"xl/worksheets/sheet1.xml",
            "<worksheet><sheetData><row r=\"0\"/></sheetData></worksheet>",
            "sheet 's': bad row number '0'"},
           {"xl/sharedStrings.xml", "<sst><si><t>a</si></sst>",
            "damaged XLSX file: xl/sharedStrings.xml"},
           {"xl/_rels/workbook.xml.rels", "<Relationships/>",
            "damaged XLSX file: sheet 's' has no part"},
           {"xl/worksheets/sheet1.xml",
            ws + "<c t=\"inlineStr\"><is><t>\xBB\xC6</t></is></c>" + end,
            "sheet 's': cell A1: not valid UTF-8 text"},
           {"xl/workbook.xml", "<workbook", "damaged XLSX file: xl/workbook.xml"}}) {
    Error e = MustFail(WithPart(c.part, c.content));
    EXPECT_EQ(e.message.substr(0, c.message.size()), c.message) << e.message;
  }
}

TEST(ReadXlsx, RefusesAZipBomb) {
  XlsxParts parts;
  parts.sheets = {{"s", "<row><c><v>1</v></c></row>" + std::string(2 << 20, ' ')}};
  std::string bomb = BuildXlsx(parts);
  ASSERT_LT(bomb.size(), 20'000u);
  Limits limits;
  limits.max_uncompressed_bytes = 1 << 20;
  Error e = MustFail(bomb, limits);
  EXPECT_EQ(e.reason, "too_large");
  limits.max_uncompressed_bytes = 3 << 20;
  EXPECT_EQ(MustRead(bomb, limits)[0].rows, (Rows{{"1"}}));
}

TEST(ReadXlsx, EnforcesRowColumnCellAndTextLimits) {
  XlsxParts parts;
  parts.shared_strings = {"<t>" + std::string(100, 'x') + "</t>"};
  std::string cells;
  for (int r = 1; r <= 20; ++r)
    cells += "<row r=\"" + std::to_string(r) + "\"><c t=\"s\"><v>0</v></c></row>";
  parts.sheets = {{"s", cells}, {"wide", "<row><c r=\"Z1\"><v>1</v></c></row>"}};
  std::string bytes = BuildXlsx(parts);
  struct Case {
    Limits limits;
    std::string message;
  };
  Limits rows, columns, cell, text, cell_count;
  rows.max_rows = 10;
  columns.max_columns = 10;
  cell.max_cell_bytes = 99;
  text.max_text_bytes = 1000;  // ten references to one shared string already hold 1000 bytes
  cell_count.max_cells = 5;
  for (const Case& c : {Case{rows, "sheet 's': cell A11: more than 10 rows"},
                        Case{columns, "sheet 'wide': cell Z1: more than 10 columns"},
                        Case{cell, "sheet 's': cell A1: longer than 99 bytes"},
                        Case{text, "sheet 's': cell A11: the workbook holds more"},
                        Case{cell_count, "sheet 's': cell A6: the workbook holds more"}}) {
    Error e = MustFail(bytes, c.limits);
    EXPECT_EQ(e.message.substr(0, c.message.size()), c.message) << e.message;
    EXPECT_EQ(e.reason, "too_large");
  }
}

TEST(ReadXlsx, SurvivesTruncatedAndCorruptedFiles) {
  Result<std::string> written =
      WriteXlsx({Sheet{"人员", {{"姓名", "电话"}, {"张三", "13812345678"}, {"李四", "35"}}}});
  ASSERT_TRUE(written.ok());
  const std::string& good = *written;
  for (size_t length = 0; length < good.size(); length += 37) {
    Result<std::vector<Sheet>> read = ReadXlsx(good.substr(0, length));
    EXPECT_FALSE(read.ok()) << "length " << length;
    if (!read.ok()) {
      EXPECT_EQ(read.error().code, ErrorCode::kBadRequest);
    }
  }
  std::mt19937 random(42);
  for (int round = 0; round < 300; ++round) {
    std::string bad = good;
    for (int flips = 1 + random() % 4; flips > 0; --flips) {
      bad[random() % bad.size()] = static_cast<char>(random());
    }
    Result<std::vector<Sheet>> read = ReadXlsx(bad);
    if (!read.ok()) {
      EXPECT_EQ(read.error().code, ErrorCode::kBadRequest) << read.error().message;
    }
  }
}

}  // namespace
}  // namespace muster::tabular
