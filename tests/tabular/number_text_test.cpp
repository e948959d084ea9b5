#include "tabular/number_text.h"

#include <gtest/gtest.h>

namespace muster::tabular {
namespace {

TEST(FormatNumber, GivesTheShortestTextThatReadsBack) {
  struct Case {
    double value;
    const char* text;
  };
  for (const Case& c :
       {Case{0, "0"}, Case{-0.0, "0"}, Case{13812345678, "13812345678"}, Case{1e6, "1000000"},
        Case{0.1, "0.1"}, Case{0.1 + 0.2, "0.30000000000000004"}, Case{-2.5, "-2.5"},
        Case{1e20, "100000000000000000000"}, Case{1e21, "1E+21"}, Case{1.5e-7, "1.5E-07"},
        Case{0.00012, "0.00012"}, Case{1.1010519491231E+17, "110105194912310000"}}) {
    EXPECT_EQ(FormatNumber(c.value), c.text);
  }
}

TEST(ParseStorableNumber, AcceptsOnlyTextANumberCellShowsAgain) {
  struct Case {
    const char* text;
    std::optional<double> value;
  };
  for (const Case& c : {Case{"35", 35},
                        Case{"-2.5", -2.5},
                        Case{"0.1", 0.1},
                        Case{"0", 0},
                        Case{"1000000000", 1e9},
                        Case{"1234567890.12345", 1234567890.12345},
                        Case{"13812345678", {}},
                        Case{"11010519491231002X", {}},
                        Case{"6222021234567890123", {}},
                        Case{"007", {}},
                        Case{"1.50", {}},
                        Case{"1e5", {}},
                        Case{"+5", {}},
                        Case{"-0", {}},
                        Case{"", {}},
                        Case{"1.", {}},
                        Case{".5", {}},
                        Case{" 5", {}},
                        Case{"5 ", {}},
                        Case{"0.30000000000000004", {}},
                        Case{"1,000", {}},
                        Case{"0x10", {}},
                        Case{"inf", {}},
                        Case{"2024-05-01", {}}}) {
    EXPECT_EQ(ParseStorableNumber(c.text), c.value) << c.text;
  }
}

TEST(ClassifyFormatCode, TellsDatesAndTimesFromNumbers) {
  struct Case {
    const char* code;
    NumberKind kind;
  };
  for (const Case& c :
       {Case{"yyyy-mm-dd", NumberKind::kDate}, Case{"yyyy\"年\"m\"月\"d\"日\"", NumberKind::kDate},
        Case{"[DBNum1][$-804]yyyy\"年\"m\"月\"d\"日\"", NumberKind::kDate},
        Case{"[$-F800]dddd, mmmm dd, yyyy", NumberKind::kDate}, Case{"mmm-yy", NumberKind::kDate},
        Case{"h:mm", NumberKind::kTime}, Case{"mm:ss", NumberKind::kTime},
        Case{"h:mm AM/PM", NumberKind::kTime}, Case{"yyyy/m/d h:mm", NumberKind::kDateTime},
        Case{"[h]:mm:ss", NumberKind::kPlain}, Case{"0.00%", NumberKind::kPlain},
        Case{"General", NumberKind::kPlain}, Case{"@", NumberKind::kPlain},
        Case{"#,##0.00_);[Red](#,##0.00)", NumberKind::kPlain},
        Case{"0.00E+00", NumberKind::kPlain}, Case{"\"day\"0", NumberKind::kPlain},
        Case{"0;\"d\"", NumberKind::kPlain}}) {
    EXPECT_EQ(ClassifyFormatCode(c.code), c.kind) << c.code;
  }
}

TEST(ClassifyBuiltinFormat, KnowsTheBuiltInAndChineseIds) {
  EXPECT_EQ(ClassifyBuiltinFormat(0), NumberKind::kPlain);
  EXPECT_EQ(ClassifyBuiltinFormat(10), NumberKind::kPlain);
  EXPECT_EQ(ClassifyBuiltinFormat(14), NumberKind::kDate);
  EXPECT_EQ(ClassifyBuiltinFormat(20), NumberKind::kTime);
  EXPECT_EQ(ClassifyBuiltinFormat(22), NumberKind::kDateTime);
  EXPECT_EQ(ClassifyBuiltinFormat(31), NumberKind::kDate);   // yyyy"年"m"月"d"日"
  EXPECT_EQ(ClassifyBuiltinFormat(32), NumberKind::kTime);   // h"时"mm"分"
  EXPECT_EQ(ClassifyBuiltinFormat(49), NumberKind::kPlain);  // @
  EXPECT_EQ(ClassifyBuiltinFormat(57), NumberKind::kDate);
}

TEST(FormatSerial, CountsDaysLikeExcel) {
  struct Case {
    double serial;
    NumberKind kind;
    bool date1904;
    std::optional<std::string> text;
  };
  for (const Case& c :
       {Case{45413, NumberKind::kDate, false, "2024-05-01"},
        Case{45413.99, NumberKind::kDate, false, "2024-05-01"},
        Case{45413.5, NumberKind::kDateTime, false, "2024-05-01 12:00:00"},
        Case{0.75, NumberKind::kTime, false, "18:00:00"},
        Case{1, NumberKind::kDate, false, "1900-01-01"},
        Case{59, NumberKind::kDate, false, "1900-02-28"},
        Case{60, NumberKind::kDate, false, "1900-02-29"},
        Case{61, NumberKind::kDate, false, "1900-03-01"},
        Case{2958465, NumberKind::kDate, false, "9999-12-31"},
        Case{0, NumberKind::kDate, true, "1904-01-01"}, Case{0, NumberKind::kDate, false, {}},
        Case{-1, NumberKind::kDate, false, {}}, Case{2958466, NumberKind::kDate, false, {}},
        Case{45413, NumberKind::kPlain, false, {}}}) {
    EXPECT_EQ(FormatSerial(c.serial, c.kind, c.date1904), c.text) << c.serial;
  }
}

}  // namespace
}  // namespace muster::tabular
