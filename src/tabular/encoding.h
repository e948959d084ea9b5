#pragma once

// Text encodings met in office files. Internal to tabular/.

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace muster::tabular {

// Returns the offset of the first byte that breaks strict UTF-8 (overlong forms, surrogates and
// code points above U+10FFFF are breaks), or npos when all of `bytes` is valid UTF-8.
size_t FindInvalidUtf8(std::string_view bytes);

inline bool IsValidUtf8(std::string_view bytes) {
  return FindInvalidUtf8(bytes) == std::string_view::npos;
}

// How DecodeText understood its input.
enum class TextEncoding { kUtf8, kUtf8Bom, kUtf16Le, kUtf16Be, kGb18030 };

struct DecodedText {
  std::string text;  // UTF-8, without byte order mark
  TextEncoding encoding = TextEncoding::kUtf8;
};

// Decodes a text file to UTF-8: a UTF-8, UTF-16LE or UTF-16BE byte order mark decides; without
// one, valid UTF-8 is taken as is and anything else is decoded as GB18030 (a superset of the GBK
// that Excel on Chinese Windows writes). Returns BadRequest on field "file", naming the line of
// the first undecodable byte, when neither applies.
Result<DecodedText> DecodeText(std::string_view bytes);

// Appends the UTF-8 form of code point `c`. REQUIRES: c <= U+10FFFF and not a surrogate.
void AppendUtf8(std::string& out, char32_t c);

// Returns the number of UTF-16 code units of valid UTF-8 `text`: Excel counts its limits (31
// characters per sheet name, 32767 per cell) in these.
size_t Utf16Length(std::string_view text);

// Returns the longest prefix of valid UTF-8 `text` that has at most `units` UTF-16 code units,
// never cutting a character.
std::string_view TruncateUtf16(std::string_view text, size_t units);

// Returns how many columns valid UTF-8 `text` takes in a spreadsheet: East Asian wide and
// full-width characters count 2, others 1.
size_t DisplayWidth(std::string_view text);

}  // namespace muster::tabular
