#include "tabular/encoding.h"

#include <iconv.h>

#include <cerrno>
#include <memory>

namespace muster::tabular {
namespace {

bool IsContinuation(unsigned char b) { return (b & 0xC0) == 0x80; }

// Returns the length of the valid UTF-8 sequence at `i`, or 0 when it is not valid.
size_t ValidSequenceLength(std::string_view s, size_t i) {
  auto at = [&](size_t k) -> unsigned char { return i + k < s.size() ? s[i + k] : 0; };
  unsigned char b = at(0);
  if (b < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    length = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    length = 3;
    if (b == 0xE0) low = 0xA0;   // overlong
    if (b == 0xED) high = 0x9F;  // surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    length = 4;
    if (b == 0xF0) low = 0x90;   // overlong
    if (b == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (at(1) < low || at(1) > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (!IsContinuation(at(k))) return 0;
  }
  return length;
}

// Decodes the code point at `i` of valid UTF-8 and advances `i` past it.
char32_t NextCodePoint(std::string_view s, size_t& i) {
  unsigned char b = s[i];
  size_t length = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  char32_t c = length == 1 ? b : length == 2 ? (b & 0x1F) : length == 3 ? (b & 0x0F) : (b & 0x07);
  for (size_t k = 1; k < length && i + k < s.size(); ++k) c = (c << 6) | (s[i + k] & 0x3F);
  i += length;
  return c;
}

struct IconvCloser {
  void operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }
};

// Converts `bytes` from `from` to UTF-8. On an undecodable byte, returns false and sets
// `bad_offset` to its offset in `bytes`.
bool ConvertToUtf8(std::string_view bytes, const char* from, std::string& out, size_t& bad_offset) {
  iconv_t raw = iconv_open("UTF-8", from);
  if (raw == reinterpret_cast<iconv_t>(-1)) {
    bad_offset = 0;
    return false;
  }
  std::unique_ptr<void, IconvCloser> cd(raw);
  out.assign(bytes.size() * 2 + 16, '\0');
  // iconv's interface takes non-const input pointers but never writes through them.
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  size_t written = 0;
  while (in_left > 0) {
    char* out_ptr = out.data() + written;
    size_t out_left = out.size() - written;
    size_t rc = iconv(raw, &in, &in_left, &out_ptr, &out_left);
    written = out.size() - out_left;
    if (rc != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    bad_offset = bytes.size() - in_left;
    return false;
  }
  out.resize(written);
  return true;
}

size_t LineOfOffset(std::string_view bytes, size_t offset, size_t unit) {
  size_t line = 1;
  for (size_t i = 0; i + unit <= offset && i + unit <= bytes.size(); i += unit) {
    bool newline = unit == 1 ? bytes[i] == '\n'
                             : (bytes[i] == '\n' && bytes[i + 1] == 0) ||
                                   (bytes[i] == 0 && bytes[i + 1] == '\n');
    if (newline) ++line;
  }
  return line;
}

Error EncodingError(size_t line, std::string what) {
  Error e = BadRequest("line " + std::to_string(line) + ": " + std::move(what), "file");
  e.reason = "encoding";
  return e;
}

Result<DecodedText> DecodeUtf16(std::string_view body, bool little_endian) {
  DecodedText decoded{{}, little_endian ? TextEncoding::kUtf16Le : TextEncoding::kUtf16Be};
  size_t bad = 0;
  if (!ConvertToUtf8(body, little_endian ? "UTF-16LE" : "UTF-16BE", decoded.text, bad)) {
    return EncodingError(LineOfOffset(body, bad, 2), "invalid UTF-16 text");
  }
  return decoded;
}

}  // namespace

size_t FindInvalidUtf8(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t length = ValidSequenceLength(bytes, i);
    if (length == 0) return i;
    i += length;
  }
  return std::string_view::npos;
}

Result<DecodedText> DecodeText(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    std::string_view body = bytes.substr(3);
    size_t bad = FindInvalidUtf8(body);
    if (bad != std::string_view::npos) {
      return EncodingError(LineOfOffset(body, bad, 1),
                           "invalid UTF-8 although the file starts with a UTF-8 byte order mark");
    }
    return DecodedText{std::string(body), TextEncoding::kUtf8Bom};
  }
  if (bytes.starts_with("\xFF\xFE")) return DecodeUtf16(bytes.substr(2), true);
  if (bytes.starts_with("\xFE\xFF")) return DecodeUtf16(bytes.substr(2), false);
  if (IsValidUtf8(bytes)) return DecodedText{std::string(bytes), TextEncoding::kUtf8};
  DecodedText decoded{{}, TextEncoding::kGb18030};
  size_t bad = 0;
  if (!ConvertToUtf8(bytes, "GB18030", decoded.text, bad)) {
    return EncodingError(LineOfOffset(bytes, bad, 1),
                         "the file is neither UTF-8 nor GBK/GB18030 text; save it as CSV UTF-8");
  }
  return decoded;
}

void AppendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

size_t Utf16Length(std::string_view text) {
  size_t units = 0;
  for (size_t i = 0; i < text.size();) units += NextCodePoint(text, i) > 0xFFFF ? 2 : 1;
  return units;
}

std::string_view TruncateUtf16(std::string_view text, size_t units) {
  size_t used = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t next = i;
    size_t cost = NextCodePoint(text, next) > 0xFFFF ? 2 : 1;
    if (used + cost > units) break;
    used += cost;
    i = next;
  }
  return text.substr(0, i);
}

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    char32_t c = NextCodePoint(text, i);
    bool wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
                (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
                (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
    width += wide ? 2 : 1;
  }
  return width;
}

}  // namespace muster::tabular
