#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"

namespace muster {

// Normalises a mainland mobile number and checks it. Removes spaces (also U+3000), hyphens and
// dashes (also full-width), maps full-width digits to ASCII, drops a +86 / 0086 prefix, then
// requires ^1[3-9]\d{9}$. Returns the 11 digits, or a validation error on `field` whose reason is
// one of mobile_characters, mobile_length, mobile_prefix.
Result<std::string> NormalizeMobile(std::string_view raw, std::string_view field = "phone");

// A checked 18-character resident ID number.
struct ResidentId {
  std::string number;  // 17 digits and a digit or 'X'
  Date birth_date;
};

// Normalises a resident ID number (full-width to ASCII, spaces removed, x to X) and checks it:
// 18 characters, a known province prefix, a real birth date not after `today`, and the
// ISO 7064 MOD 11-2 check character. Each failure has its own reason: id_15_digit, id_length,
// id_characters, id_province, id_birth_date, id_checksum.
Result<ResidentId> NormalizeResidentId(std::string_view raw, Date today,
                                       std::string_view field = "id_number");

// Returns the ISO 7064 MOD 11-2 check character ('0'-'9' or 'X') of 17 ASCII digits.
// REQUIRES: first17 holds exactly 17 digits.
char ResidentIdCheckChar(std::string_view first17);

// Checks a display name: 1-64 characters (Unicode code points) after trimming, valid UTF-8, no
// control characters. Returns the trimmed name.
Result<std::string> NormalizeName(std::string_view raw, std::string_view field = "name");

// Returns the number masked for listing: "13812345678" -> "138****5678".
std::string MaskMobile(std::string_view normalized);
// Returns the number masked for listing: first 6 and last 4 kept, "110105********002X".
std::string MaskResidentId(std::string_view normalized);

}  // namespace muster
