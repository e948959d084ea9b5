#include "app/calendar.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstdio>

namespace muster::app {
namespace {

constexpr std::size_t kFoldOctets = 75;
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kMacLabel{"muster.calendar\0", 16};
constexpr std::size_t kBodyBytes = 9;
constexpr std::size_t kMacBytes = 32;

// Returns the length of the well-formed UTF-8 sequence at text[i] (2 to 4), or 0 when the bytes
// there are not one (stray continuation byte, overlong form, surrogate, beyond U+10FFFF, cut off).
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte (Unicode table 3-7)
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > text.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

// Appends `line` and CRLF to `out`, folding it into lines of at most 75 octets: each
// continuation line starts with a space. A cut never falls inside a UTF-8 character nor between
// a backslash and the character it escapes. REQUIRES: `line` is valid UTF-8 whose backslashes
// all begin escape pairs, as EscapeCalendarText makes it.
void AppendFolded(std::string& out, std::string_view line) {
  std::size_t column = 0;
  for (std::size_t i = 0; i < line.size();) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    std::size_t n = c == '\\' ? 2 : c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    n = std::min(n, line.size() - i);
    if (column + n > kFoldOctets) {
      out += "\r\n ";
      column = 1;
    }
    out.append(line.substr(i, n));
    column += n;
    i += n;
  }
  out += "\r\n";
}

void AppendProperty(std::string& out, std::string_view name, std::string_view value) {
  std::string line(name);
  line += ':';
  line += value;
  AppendFolded(out, line);
}

void AppendText(std::string& out, std::string_view name, std::string_view text) {
  AppendProperty(out, name, EscapeCalendarText(text));
}

// Formats `t` as an RFC 5545 UTC date-time, e.g. "20220112T000000Z".
std::string UtcDateTime(Timestamp t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd(day);
  std::chrono::hh_mm_ss hms(t - day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string_view StatusName(CalendarStatus status) {
  switch (status) {
    case CalendarStatus::kConfirmed:
      return "CONFIRMED";
    case CalendarStatus::kWaiting:
      return "TENTATIVE";
    case CalendarStatus::kCancelled:
      return "CANCELLED";
  }
  return "CONFIRMED";
}

void AppendEvent(std::string& out, const CalendarEntry& e) {
  AppendFolded(out, "BEGIN:VEVENT");
  AppendText(out, "UID", e.uid);
  AppendProperty(out, "DTSTAMP", UtcDateTime(e.last_modified));
  AppendProperty(out, "LAST-MODIFIED", UtcDateTime(e.last_modified));
  AppendProperty(out, "DTSTART", UtcDateTime(e.starts));
  // DTEND must be later than DTSTART; without it the event lasts no time (RFC 5545, 3.6.1).
  if (e.ends > e.starts) AppendProperty(out, "DTEND", UtcDateTime(e.ends));
  AppendText(out, "SUMMARY", e.summary);
  if (!e.location.empty()) AppendText(out, "LOCATION", e.location);
  if (!e.description.empty()) AppendText(out, "DESCRIPTION", e.description);
  AppendProperty(out, "STATUS", StatusName(e.status));
  if (e.status != CalendarStatus::kCancelled) {
    AppendFolded(out, "BEGIN:VALARM");
    AppendFolded(out, "ACTION:DISPLAY");
    // A display alarm must carry a DESCRIPTION (RFC 5545, 3.6.6).
    AppendText(out, "DESCRIPTION", e.summary.empty() ? "志愿服务提醒" : e.summary);
    AppendFolded(out, "TRIGGER:-PT1H");
    AppendFolded(out, "END:VALARM");
  }
  AppendFolded(out, "END:VEVENT");
}

void PutU64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

std::uint64_t GetU64(std::string_view bytes, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
  return v;
}

std::string MacInput(std::string_view body) {
  std::string input(kMacLabel);
  input.append(body);
  return input;
}

Error TokenError(std::string message, std::string reason) {
  return Invalid("token", std::move(message), std::move(reason));
}

Error Malformed() { return TokenError("not a calendar feed address", "malformed"); }

}  // namespace

std::string EscapeCalendarText(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      std::size_t n = Utf8SequenceLength(text, i);
      if (n == 0) {
        out += kReplacement;
        ++i;
      } else {
        out.append(text.substr(i, n));
        i += n;
      }
      continue;
    }
    ++i;
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\r':
        if (i < text.size() && text[i] == '\n') ++i;
        out += "\\n";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += '\t';
        break;
      default:
        // Other control characters are not allowed in TEXT (RFC 5545, 3.3.11).
        if (c >= 0x20 && c != 0x7F) out += static_cast<char>(c);
    }
  }
  return out;
}

std::string CalendarFeed(std::string_view calendar_name, std::span<const CalendarEntry> entries) {
  std::string out;
  AppendFolded(out, "BEGIN:VCALENDAR");
  AppendFolded(out, "VERSION:2.0");
  AppendFolded(out, "PRODID:-//Muster//Volunteer shifts//ZH");
  AppendFolded(out, "CALSCALE:GREGORIAN");
  AppendText(out, "X-WR-CALNAME", calendar_name);
  AppendFolded(out, "X-WR-TIMEZONE:Asia/Shanghai");
  // How often subscribing apps should fetch the feed again (RFC 7986, and Outlook's spelling).
  AppendFolded(out, "REFRESH-INTERVAL;VALUE=DURATION:PT1H");
  AppendFolded(out, "X-PUBLISHED-TTL:PT1H");
  for (const CalendarEntry& e : entries) AppendEvent(out, e);
  AppendFolded(out, "END:VCALENDAR");
  return out;
}

std::string CalendarFeedToken(const crypto::Keyring& keys, MemberId member) {
  assert(member.valid());
  std::string token;
  token.reserve(kBodyBytes + kMacBytes);
  token.push_back(static_cast<char>(kCalendarTokenVersion));
  PutU64(token, static_cast<std::uint64_t>(member.value));
  token += keys.Mac(MacInput(token));
  return crypto::Base64Url(token);
}

Result<MemberId> VerifyCalendarFeedToken(const crypto::Keyring& keys, std::string_view token) {
  if (token.size() != kCalendarTokenChars) return Malformed();
  Result<std::string> raw = crypto::FromBase64Url(token);
  if (!raw.ok() || raw->size() != kBodyBytes + kMacBytes) return Malformed();
  std::string_view bytes = *raw;
  std::string_view body = bytes.substr(0, kBodyBytes);
  // The MAC covers the version byte, so an altered token reads as forged, not as another version.
  if (!keys.VerifyMac(MacInput(body), bytes.substr(kBodyBytes))) {
    return TokenError("this calendar feed address was not issued by this server", "forged");
  }
  auto version = static_cast<unsigned char>(body[0]);
  if (version < kCalendarTokenVersion) {
    return TokenError("this calendar feed address has been replaced; subscribe again", "revoked");
  }
  if (version != kCalendarTokenVersion) return Malformed();
  MemberId member(static_cast<std::int64_t>(GetU64(body, 1)));
  if (!member.valid()) return Malformed();
  return member;
}

}  // namespace muster::app
