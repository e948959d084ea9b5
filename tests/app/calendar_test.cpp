// Calendar feeds: what phone calendar apps read must be valid RFC 5545 (escaping, folding,
// CRLF, UTC times) however long or Chinese the text, and only a genuine feed token opens one.
#include "app/calendar.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

namespace muster::app {
namespace {

Timestamp At(std::string_view rfc3339) { return *ParseRfc3339(rfc3339, "t"); }

crypto::Keyring Keys(char digit = 'a') {
  crypto::InitCrypto();
  return *crypto::Keyring::FromHex(std::string(64, digit));
}

CalendarEntry Entry(std::string uid, std::string summary) {
  CalendarEntry e;
  e.uid = std::move(uid);
  e.summary = std::move(summary);
  e.location = "福田区莲花街道 景田社区核酸检测点";
  e.description = "请提前十分钟到达";
  e.starts = At("2022-01-12T08:00:00+08:00");
  e.ends = At("2022-01-12T12:30:00+08:00");
  e.last_modified = At("2022-01-11T21:15:07+08:00");
  return e;
}

// Splits a document at CRLF into its physical lines.
std::vector<std::string> PhysicalLines(std::string_view doc) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t at; (at = doc.find("\r\n", start)) != std::string_view::npos; start = at + 2) {
    lines.emplace_back(doc.substr(start, at - start));
  }
  EXPECT_EQ(start, doc.size()) << "the document must end with CRLF";
  return lines;
}

// Joins folded lines back into content lines (RFC 5545, 3.1).
std::vector<std::string> Unfold(std::string_view doc) {
  std::vector<std::string> out;
  for (std::string& line : PhysicalLines(doc)) {
    if (!line.empty() && line[0] == ' ') {
      EXPECT_FALSE(out.empty());
      if (!out.empty()) out.back() += line.substr(1);
    } else {
      out.push_back(std::move(line));
    }
  }
  return out;
}

// Reverses the TEXT escaping; fails the test on an escape RFC 5545 does not define.
std::string Unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      EXPECT_NE(text[i], ';') << "unescaped semicolon in " << text;
      EXPECT_NE(text[i], ',') << "unescaped comma in " << text;
      out += text[i];
      continue;
    }
    EXPECT_LT(i + 1, text.size()) << "dangling backslash in " << text;
    if (i + 1 >= text.size()) break;
    char c = text[++i];
    if (c == 'n' || c == 'N') {
      out += '\n';
    } else {
      EXPECT_TRUE(c == '\\' || c == ';' || c == ',') << "bad escape \\" << c;
      out += c;
    }
  }
  return out;
}

// Returns the values of property `name` in content lines, in order.
std::vector<std::string> Values(const std::vector<std::string>& lines, std::string_view name) {
  std::vector<std::string> out;
  std::string prefix = std::string(name) + ":";
  for (const std::string& l : lines) {
    if (l.starts_with(prefix)) out.push_back(l.substr(prefix.size()));
  }
  return out;
}

bool ValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || (c >= 0x80 && c < 0xC2) || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// Checks the framing rules every physical line obeys.
void ExpectWellFramed(std::string_view doc) {
  for (std::size_t i = 0; i < doc.size(); ++i) {
    if (doc[i] == '\n') {
      ASSERT_TRUE(i > 0 && doc[i - 1] == '\r') << "bare LF at " << i;
    }
    if (doc[i] == '\r') {
      ASSERT_TRUE(i + 1 < doc.size() && doc[i + 1] == '\n') << "bare CR";
    }
  }
  for (const std::string& line : PhysicalLines(doc)) {
    EXPECT_LE(line.size(), 75u) << line;
    EXPECT_TRUE(ValidUtf8(line)) << "a fold split a character: " << line;
    EXPECT_FALSE(line.empty());
    std::size_t trailing = 0;
    while (trailing < line.size() && line[line.size() - 1 - trailing] == '\\') ++trailing;
    EXPECT_EQ(trailing % 2, 0u) << "a fold split an escape: " << line;
  }
}

TEST(CalendarText, EscapesAsRfc5545Requires) {
  EXPECT_EQ(EscapeCalendarText("a\\b;c,d"), "a\\\\b\\;c\\,d");
  EXPECT_EQ(EscapeCalendarText("one\ntwo\r\nthree\rfour"), "one\\ntwo\\nthree\\nfour");
  EXPECT_EQ(EscapeCalendarText("\n\n"), "\\n\\n");
  EXPECT_EQ(EscapeCalendarText("time: 8:00 \"gate\" 'B'"), "time: 8:00 \"gate\" 'B'");
  EXPECT_EQ(EscapeCalendarText("景田社区，请带口罩；谢谢"), "景田社区，请带口罩；谢谢");
  EXPECT_EQ(EscapeCalendarText("\\n"), "\\\\n");
  EXPECT_EQ(EscapeCalendarText(""), "");
}

TEST(CalendarText, DropsControlCharactersButKeepsTabs) {
  EXPECT_EQ(EscapeCalendarText(std::string("a\0b\x01\x1f\x7f"
                                           "c\td",
                                           9)),
            "abc\td");
}

TEST(CalendarText, ReplacesInvalidUtf8) {
  EXPECT_EQ(EscapeCalendarText("a\xff"
                               "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(EscapeCalendarText("\xe6\x99"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // cut-off 景
  EXPECT_EQ(EscapeCalendarText("\xc0\xaf"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(EscapeCalendarText("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(EscapeCalendarText("\xf4\x90\x80\x80").size(), 12u);          // beyond U+10FFFF
  EXPECT_EQ(EscapeCalendarText("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");  // an emoji stays
}

TEST(CalendarFeed, HasTheCalendarPropertiesAndCrlfLineEnds) {
  std::vector<CalendarEntry> entries = {Entry("signup-12@muster", "核酸检测点秩序维护")};
  std::string doc = CalendarFeed("我的志愿服务", entries);
  ExpectWellFramed(doc);
  EXPECT_TRUE(doc.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
  EXPECT_TRUE(doc.ends_with("END:VCALENDAR\r\n"));
  std::vector<std::string> lines = Unfold(doc);
  EXPECT_EQ(Values(lines, "VERSION"), std::vector<std::string>{"2.0"});
  EXPECT_EQ(Values(lines, "CALSCALE"), std::vector<std::string>{"GREGORIAN"});
  EXPECT_EQ(Values(lines, "X-WR-CALNAME"), std::vector<std::string>{"我的志愿服务"});
  EXPECT_EQ(Values(lines, "X-WR-TIMEZONE"), std::vector<std::string>{"Asia/Shanghai"});
  EXPECT_EQ(Values(lines, "PRODID").size(), 1u);
}

TEST(CalendarFeed, WritesOneEventPerEntryWithItsFields) {
  std::vector<CalendarEntry> entries = {Entry("signup-12@muster", "核酸检测点秩序维护"),
                                        Entry("signup-13@muster", "物资搬运")};
  std::vector<std::string> lines = Unfold(CalendarFeed("shifts", entries));
  EXPECT_EQ(Values(lines, "BEGIN").size(), 1u + 2u + 2u);  // calendar, events, alarms
  EXPECT_EQ(Values(lines, "UID"),
            (std::vector<std::string>{"signup-12@muster", "signup-13@muster"}));
  EXPECT_EQ(Values(lines, "SUMMARY"), (std::vector<std::string>{"核酸检测点秩序维护", "物资搬运"}));
  EXPECT_EQ(Values(lines, "LOCATION"),
            std::vector<std::string>(2, "福田区莲花街道 景田社区核酸检测点"));
  EXPECT_EQ(Values(lines, "DTSTAMP"), std::vector<std::string>(2, "20220111T131507Z"));
  EXPECT_EQ(Values(lines, "LAST-MODIFIED"), std::vector<std::string>(2, "20220111T131507Z"));
  EXPECT_EQ(Values(lines, "STATUS"), std::vector<std::string>(2, "CONFIRMED"));
  // Each event's description, then its alarm's.
  EXPECT_EQ(Values(lines, "DESCRIPTION"),
            (std::vector<std::string>{"请提前十分钟到达", "核酸检测点秩序维护", "请提前十分钟到达",
                                      "物资搬运"}));
}

TEST(CalendarFeed, WritesTimesInUtc) {
  CalendarEntry e = Entry("signup-1@muster", "早班");
  e.starts = At("2022-01-01T07:00:00+08:00");  // the previous day in UTC
  e.ends = At("2022-01-01T09:45:30+08:00");
  e.last_modified = At("2021-12-31T23:59:59Z");
  std::string doc = CalendarFeed("c", std::vector<CalendarEntry>{e});
  std::vector<std::string> lines = Unfold(doc);
  EXPECT_EQ(Values(lines, "DTSTART"), std::vector<std::string>{"20211231T230000Z"});
  EXPECT_EQ(Values(lines, "DTEND"), std::vector<std::string>{"20220101T014530Z"});
  EXPECT_EQ(Values(lines, "DTSTAMP"), std::vector<std::string>{"20211231T235959Z"});
  EXPECT_EQ(doc.find("TZID"), std::string::npos);
}

TEST(CalendarFeed, MapsStatusesAndRemindsOnlyOfLiveShifts) {
  std::vector<CalendarEntry> entries = {Entry("a@muster", "A"), Entry("b@muster", "B"),
                                        Entry("c@muster", "C")};
  entries[1].status = CalendarStatus::kWaiting;
  entries[2].status = CalendarStatus::kCancelled;
  std::vector<std::string> lines = Unfold(CalendarFeed("c", entries));
  EXPECT_EQ(Values(lines, "STATUS"),
            (std::vector<std::string>{"CONFIRMED", "TENTATIVE", "CANCELLED"}));
  EXPECT_EQ(Values(lines, "TRIGGER"), std::vector<std::string>(2, "-PT1H"));
  EXPECT_EQ(Values(lines, "ACTION"), std::vector<std::string>(2, "DISPLAY"));
  // The alarms belong to A and B: each VALARM sits inside its VEVENT.
  std::vector<std::string> order;
  for (const std::string& l : lines) {
    if (l.starts_with("UID:") || l == "BEGIN:VALARM" || l == "END:VEVENT") order.push_back(l);
  }
  EXPECT_EQ(order,
            (std::vector<std::string>{"UID:a@muster", "BEGIN:VALARM", "END:VEVENT", "UID:b@muster",
                                      "BEGIN:VALARM", "END:VEVENT", "UID:c@muster", "END:VEVENT"}));
}

TEST(CalendarFeed, EscapesEveryTextProperty) {
  CalendarEntry e = Entry("signup-9@muster", "Gate B, shift 2; bring \\ID\\");
  e.location = "Block 3,\nUnit 5";
  e.description = "line one\r\nline two; last, really";
  std::string doc = CalendarFeed("Li, Wei; shifts", std::vector<CalendarEntry>{e});
  ExpectWellFramed(doc);
  std::vector<std::string> lines = Unfold(doc);
  EXPECT_EQ(Values(lines, "SUMMARY")[0], "Gate B\\, shift 2\\; bring \\\\ID\\\\");
  EXPECT_EQ(Values(lines, "LOCATION")[0], "Block 3\\,\\nUnit 5");
  EXPECT_EQ(Unescape(Values(lines, "DESCRIPTION")[0]), "line one\nline two; last, really");
  EXPECT_EQ(Values(lines, "X-WR-CALNAME")[0], "Li\\, Wei\\; shifts");
}

TEST(CalendarFeed, LeavesOutEmptyTextAndImpossibleEnds) {
  CalendarEntry e = Entry("signup-3@muster", "S");
  e.location.clear();
  e.description.clear();
  e.ends = e.starts;
  std::vector<std::string> lines = Unfold(CalendarFeed("c", std::vector<CalendarEntry>{e}));
  EXPECT_TRUE(Values(lines, "LOCATION").empty());
  EXPECT_TRUE(Values(lines, "DTEND").empty());
  EXPECT_EQ(Values(lines, "DESCRIPTION"), std::vector<std::string>{"S"});  // the alarm's
}

TEST(CalendarFeed, FoldsLongChineseSummariesBetweenCharacters) {
  std::string summary;
  for (int i = 0; i < 12; ++i) summary += "核酸检测点秩序维护，请携带身份证；";
  CalendarEntry e = Entry("signup-12@muster", summary);
  std::string doc = CalendarFeed("我的志愿服务", std::vector<CalendarEntry>{e});
  ExpectWellFramed(doc);
  EXPECT_NE(doc.find("\r\n "), std::string::npos) << "expected folded lines";
  std::vector<std::string> lines = Unfold(doc);
  ASSERT_EQ(Values(lines, "SUMMARY").size(), 1u);
  EXPECT_EQ(Unescape(Values(lines, "SUMMARY")[0]), summary);
}

TEST(CalendarFeed, FoldsAnyMixOfWidthsAndEscapes) {
  // One-, two-, three- and four-byte characters and escaped ones, at every length and offset.
  const std::vector<std::string> pieces = {"a", "é", "景", "😀", ",", ";", "\\", "\n", " "};
  std::mt19937 rng(5545);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  for (int length = 0; length < 160; ++length) {
    std::string text;
    for (int i = 0; i < length; ++i) text += pieces[pick(rng)];
    CalendarEntry e = Entry("u@muster", text);
    e.location = std::string(static_cast<std::size_t>(length % 7), 'x') + text;
    std::string doc = CalendarFeed(text, std::vector<CalendarEntry>{e});
    SCOPED_TRACE(text);
    ExpectWellFramed(doc);
    std::vector<std::string> lines = Unfold(doc);
    EXPECT_EQ(Unescape(Values(lines, "SUMMARY")[0]), text);
    EXPECT_EQ(Unescape(Values(lines, "X-WR-CALNAME")[0]), text);
    if (length > 0) {
      EXPECT_EQ(Unescape(Values(lines, "LOCATION")[0]), e.location);
    }
    if (::testing::Test::HasFailure()) break;
  }
}

TEST(CalendarFeed, FoldsOnlyPast75Octets) {
  std::string exact(75 - std::string("SUMMARY:").size(), 'x');
  std::string doc = CalendarFeed("c", std::vector<CalendarEntry>{Entry("u@muster", exact)});
  EXPECT_NE(doc.find("\r\nSUMMARY:" + exact + "\r\n"), std::string::npos);
  doc = CalendarFeed("c", std::vector<CalendarEntry>{Entry("u@muster", exact + "y")});
  EXPECT_NE(doc.find("\r\nSUMMARY:" + exact + "\r\n y\r\n"), std::string::npos);
}

TEST(CalendarFeed, NeverEmitsBrokenUtf8) {
  CalendarEntry e = Entry("u@muster", std::string(40, '\xe6') + "\x99\xaf");
  std::string doc = CalendarFeed("\xff\xfe", std::vector<CalendarEntry>{e});
  ExpectWellFramed(doc);
  EXPECT_TRUE(ValidUtf8(doc));
}

TEST(CalendarFeed, IsDeterministic) {
  std::vector<CalendarEntry> entries = {Entry("a@muster", "A"), Entry("b@muster", "B")};
  EXPECT_EQ(CalendarFeed("c", entries), CalendarFeed("c", entries));
}

TEST(CalendarFeed, AnEmptyCalendarIsStillACalendar) {
  std::string doc = CalendarFeed("c", {});
  ExpectWellFramed(doc);
  EXPECT_EQ(doc.find("VEVENT"), std::string::npos);
  EXPECT_TRUE(
      doc.ends_with("X-WR-TIMEZONE:Asia/Shanghai\r\n"
                    "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"
                    "X-PUBLISHED-TTL:PT1H\r\n"
                    "END:VCALENDAR\r\n"));
}

// --- feed tokens ---

void ExpectRefused(const Result<MemberId>& r, std::string_view reason) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kValidationFailed);
  EXPECT_EQ(r.error().field, "token");
  EXPECT_EQ(r.error().reason, reason) << r.error().message;
}

std::string RawFeedToken(const crypto::Keyring& keys, std::uint8_t version, std::int64_t member,
                         std::string_view label) {
  std::string body(1, static_cast<char>(version));
  for (int shift = 56; shift >= 0; shift -= 8) {
    body.push_back(static_cast<char>(static_cast<std::uint64_t>(member) >> shift));
  }
  return crypto::Base64Url(body + keys.Mac(std::string(label) + body));
}

constexpr std::string_view kFeedLabel{"muster.calendar\0", 16};

TEST(CalendarFeedToken, RoundTripsTheMember) {
  crypto::Keyring keys = Keys();
  for (std::int64_t id : {std::int64_t{1}, std::int64_t{12}, std::int64_t{1} << 40,
                          std::numeric_limits<std::int64_t>::max()}) {
    std::string token = CalendarFeedToken(keys, MemberId(id));
    EXPECT_EQ(token.size(), kCalendarTokenChars);
    EXPECT_EQ(
        token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    auto r = VerifyCalendarFeedToken(keys, token);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(*r, MemberId(id));
  }
  EXPECT_NE(CalendarFeedToken(keys, MemberId(1)), CalendarFeedToken(keys, MemberId(2)));
  EXPECT_EQ(CalendarFeedToken(keys, MemberId(1)), CalendarFeedToken(keys, MemberId(1)));
}

TEST(CalendarFeedToken, FollowsTheDocumentedLayout) {
  crypto::Keyring keys = Keys();
  EXPECT_EQ(CalendarFeedToken(keys, MemberId(12)), RawFeedToken(keys, 1, 12, kFeedLabel));
}

TEST(CalendarFeedToken, RefusesEveryCharacterReplaced) {
  crypto::Keyring keys = Keys();
  std::string token = CalendarFeedToken(keys, MemberId(12));
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (std::size_t i = 0; i < token.size(); ++i) {
    for (char c : alphabet) {
      if (c == token[i]) continue;
      std::string altered = token;
      altered[i] = c;
      auto r = VerifyCalendarFeedToken(keys, altered);
      ASSERT_FALSE(r.ok()) << "position " << i << " -> " << c;
      // The last character carries two bits beyond the 41 bytes, which must be zero.
      if (i + 1 < token.size()) {
        EXPECT_EQ(r.error().reason, "forged") << i << " -> " << c;
      }
    }
  }
}

TEST(CalendarFeedToken, AnotherKeyRefuses) {
  std::string token = CalendarFeedToken(Keys('b'), MemberId(12));
  ExpectRefused(VerifyCalendarFeedToken(Keys(), token), "forged");
}

TEST(CalendarFeedToken, RefusesMalformedInput) {
  crypto::Keyring keys = Keys();
  std::string token = CalendarFeedToken(keys, MemberId(12));
  for (std::string bad :
       {std::string(), token + "A", token + "AA", token + "=", token + " ", token.substr(1),
        token.substr(0, 54), std::string(55, '*'), std::string(1 << 20, 'A'), token + token}) {
    ExpectRefused(VerifyCalendarFeedToken(keys, bad), "malformed");
  }
}

TEST(CalendarFeedToken, RetiredVersionsAreRevoked) {
  crypto::Keyring keys = Keys();
  ExpectRefused(VerifyCalendarFeedToken(keys, RawFeedToken(keys, 0, 12, kFeedLabel)), "revoked");
  ExpectRefused(VerifyCalendarFeedToken(keys, RawFeedToken(keys, 2, 12, kFeedLabel)), "malformed");
  ExpectRefused(VerifyCalendarFeedToken(keys, RawFeedToken(keys, 1, 0, kFeedLabel)), "malformed");
  ExpectRefused(VerifyCalendarFeedToken(keys, RawFeedToken(keys, 1, -3, kFeedLabel)), "malformed");
}

TEST(CalendarFeedToken, RefusesAMacMadeForAnotherPurpose) {
  crypto::Keyring keys = Keys();
  ExpectRefused(VerifyCalendarFeedToken(keys, RawFeedToken(keys, 1, 12, {"muster.checkin\0", 15})),
                "forged");
  ExpectRefused(VerifyCalendarFeedToken(keys, RawFeedToken(keys, 1, 12, "")), "forged");
}

TEST(CalendarFeedToken, RandomInputNeverPasses) {
  crypto::Keyring keys = Keys();
  std::mt19937 rng(7986);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 120);
  for (int i = 0; i < 20000; ++i) {
    std::string s(i % 2 == 0 ? kCalendarTokenChars : static_cast<std::size_t>(length(rng)), ' ');
    for (char& c : s) c = static_cast<char>(byte(rng));
    if (i % 4 == 0) s = crypto::Base64Url(s.substr(0, 41));
    auto r = VerifyCalendarFeedToken(keys, s);
    ASSERT_FALSE(r.ok());
  }
}

}  // namespace
}  // namespace muster::app
