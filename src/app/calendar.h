#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/ids.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/keyring.h"

namespace muster::app {

// Where a volunteer stands on a shift, as a calendar shows it.
enum class CalendarStatus {
  kConfirmed,  // STATUS:CONFIRMED
  kWaiting,    // on the waiting list: STATUS:TENTATIVE
  kCancelled,  // STATUS:CANCELLED, and no reminder
};

// One shift of a volunteer's calendar. Text is UTF-8.
struct CalendarEntry {
  std::string uid;  // stable across feeds and unique, e.g. "signup-12@muster"
  std::string summary;
  std::string location;
  std::string description;
  Timestamp starts;
  Timestamp ends;
  CalendarStatus status = CalendarStatus::kConfirmed;
  Timestamp last_modified;  // also the DTSTAMP: the feed has no METHOD (RFC 5545, 3.8.7.2)
};

// Returns an iCalendar document (RFC 5545) named `calendar_name` with one VEVENT per entry, in
// the order given: times in UTC, text escaped, lines folded at 75 octets between UTF-8
// characters, CRLF line ends. Events not cancelled carry a display alarm an hour before they
// start. Invalid UTF-8 in the text becomes U+FFFD and control characters other than line breaks
// and tabs are dropped, so the output is always valid UTF-8. The same input gives the same bytes.
std::string CalendarFeed(std::string_view calendar_name, std::span<const CalendarEntry> entries);

// Returns `text` escaped as an RFC 5545 TEXT value: backslash, semicolon and comma take a
// backslash, a line break (CRLF, LF or CR) becomes "\n", with the clean-up CalendarFeed describes.
std::string EscapeCalendarText(std::string_view text);

// The feed token layout, version 1 (41 bytes, sent as 55 characters of unpadded base64url):
//   byte 0       version (1)
//   bytes 1-8    member id, unsigned big-endian
//   bytes 9-40   HMAC-SHA-256 (Keyring::Mac) of "muster.calendar" NUL bytes 0-8
// The token is the only credential of a feed URL (calendar apps fetch it without a session) and
// never expires; raising the version retires every token issued before.
inline constexpr std::uint8_t kCalendarTokenVersion = 1;
inline constexpr std::size_t kCalendarTokenChars = 55;

// Returns the feed token of `member`. REQUIRES: member.valid().
std::string CalendarFeedToken(const crypto::Keyring& keys, MemberId member);

// Checks a feed token made by CalendarFeedToken under the same key and returns its member.
// Fails with validation_failed on field "token" and reason "malformed" (wrong length, characters
// outside base64url, trailing bytes), "forged" (the MAC does not match) or "revoked" (a genuine
// token of an earlier version). The MAC is compared in constant time.
Result<MemberId> VerifyCalendarFeedToken(const crypto::Keyring& keys, std::string_view token);

}  // namespace muster::app
