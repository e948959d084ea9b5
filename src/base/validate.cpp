#include "base/validate.h"

#include <array>
#include <cstdint>

namespace muster {
namespace {

// Decodes one UTF-8 code point of `s` at `i`, advancing `i`; returns -1 on malformed input.
std::int32_t NextCodePoint(std::string_view s, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) return -1;
  std::int32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k < len; ++k) {
    unsigned char cc = byte(i + k);
    if ((cc >> 6) != 0x2) return -1;
    cp = (cp << 6) | (cc & 0x3F);
  }
  // Overlong encodings and surrogates are malformed.
  static constexpr std::array<std::int32_t, 5> kMin = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  i += len;
  return cp;
}

// Maps full-width ASCII variants (U+FF01..U+FF5E) to ASCII and the ideographic space to ' '.
std::int32_t Narrow(std::int32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) return cp - 0xFF01 + 0x21;
  if (cp == 0x3000) return ' ';
  return cp;
}

bool IsSpace(std::int32_t cp) { return cp == ' ' || cp == '\t' || cp == 0xA0; }
bool IsDash(std::int32_t cp) { return cp == '-' || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212; }

bool KnownProvince(int code) {
  static constexpr std::array<int, 35> kCodes = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34,
                                                 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
                                                 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83};
  for (int c : kCodes) {
    if (c == code) return true;
  }
  return false;
}

}  // namespace

Result<std::string> NormalizeMobile(std::string_view raw, std::string_view field) {
  std::string f(field);
  std::string digits;
  bool plus = false;
  for (std::size_t i = 0; i < raw.size();) {
    std::int32_t cp = NextCodePoint(raw, i);
    if (cp < 0) return Invalid(f, "not valid UTF-8 text", "mobile_characters");
    cp = Narrow(cp);
    if (IsSpace(cp) || IsDash(cp)) continue;
    if (cp == '+' && digits.empty() && !plus) {
      plus = true;
      continue;
    }
    if (cp < '0' || cp > '9') {
      return Invalid(f, "a mobile number may hold only digits, spaces, hyphens and a leading +86",
                     "mobile_characters");
    }
    digits += static_cast<char>(cp);
  }
  if (plus) {
    if (digits.rfind("86", 0) != 0) {
      return Invalid(f, "only mainland numbers (+86) are accepted", "mobile_prefix");
    }
    digits.erase(0, 2);
  } else if (digits.size() == 15 && digits.rfind("0086", 0) == 0) {
    digits.erase(0, 4);
  }
  if (digits.size() != 11) {
    return Invalid(f, "a mainland mobile number has 11 digits", "mobile_length");
  }
  if (digits[0] != '1' || digits[1] < '3' || digits[1] > '9') {
    return Invalid(f, "a mainland mobile number starts with 13 to 19", "mobile_prefix");
  }
  return digits;
}

char ResidentIdCheckChar(std::string_view first17) {
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kChars[] = "10X98765432";
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kChars[sum % 11];
}

Result<ResidentId> NormalizeResidentId(std::string_view raw, Date today, std::string_view field) {
  std::string f(field);
  std::string id;
  for (std::size_t i = 0; i < raw.size();) {
    std::int32_t cp = NextCodePoint(raw, i);
    if (cp < 0) return Invalid(f, "not valid UTF-8 text", "id_characters");
    cp = Narrow(cp);
    if (IsSpace(cp)) continue;
    if (cp == 'x') cp = 'X';
    if (!((cp >= '0' && cp <= '9') || cp == 'X')) {
      return Invalid(f, "a resident ID number holds 17 digits and a digit or X", "id_characters");
    }
    id += static_cast<char>(cp);
  }
  if (id.size() == 15 && id.find('X') == std::string::npos) {
    return Invalid(f, "15-digit ID numbers are no longer accepted: give the 18-digit number",
                   "id_15_digit");
  }
  if (id.size() != 18) return Invalid(f, "a resident ID number has 18 characters", "id_length");
  if (id.find('X') < 17) {
    return Invalid(f, "a resident ID number holds 17 digits and a digit or X", "id_characters");
  }
  if (!KnownProvince((id[0] - '0') * 10 + (id[1] - '0'))) {
    return Invalid(f, "the first two digits name no province", "id_province");
  }
  auto birth = ParseDate(id.substr(6, 4) + "-" + id.substr(10, 2) + "-" + id.substr(12, 2), f);
  if (!birth.ok() || *birth > today || birth->year() < std::chrono::year(1900)) {
    return Invalid(f, "digits 7-14 are not a real past birth date", "id_birth_date");
  }
  if (ResidentIdCheckChar(id) != id[17]) {
    return Invalid(f, "the check character does not match: the number is mistyped", "id_checksum");
  }
  return ResidentId{id, *birth};
}

Result<std::string> NormalizeName(std::string_view raw, std::string_view field) {
  std::string f(field);
  std::size_t begin = 0, end = raw.size();
  while (begin < end && (raw[begin] == ' ' || raw[begin] == '\t')) ++begin;
  while (end > begin && (raw[end - 1] == ' ' || raw[end - 1] == '\t')) --end;
  std::string_view s = raw.substr(begin, end - begin);
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::int32_t cp = NextCodePoint(s, i);
    if (cp < 0) return Invalid(f, "not valid UTF-8 text", "name_encoding");
    if (cp < 0x20 || cp == 0x7F) return Invalid(f, "control characters are not allowed", "name_characters");
    ++count;
  }
  if (count == 0) return Invalid(f, "must not be empty", "name_length");
  if (count > 64) return Invalid(f, "must be at most 64 characters", "name_length");
  return std::string(s);
}

std::string MaskMobile(std::string_view normalized) {
  if (normalized.size() != 11) return std::string(normalized.size(), '*');
  return std::string(normalized.substr(0, 3)) + "****" + std::string(normalized.substr(7));
}

std::string MaskResidentId(std::string_view normalized) {
  if (normalized.size() != 18) return std::string(normalized.size(), '*');
  return std::string(normalized.substr(0, 6)) + "********" + std::string(normalized.substr(14));
}

}  // namespace muster
