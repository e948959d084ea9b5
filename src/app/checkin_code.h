#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/ids.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/keyring.h"

namespace muster::app {

// What a genuine check-in token says: the site whose code it is and when it stops being accepted.
struct CheckinToken {
  SiteId site;
  Timestamp issued;
  Timestamp expires;

  bool operator==(const CheckinToken&) const = default;
};

// The token layout, version 1 (57 bytes, sent as 76 characters of unpadded base64url):
//   byte 0       version (1)
//   bytes 1-8    site id, unsigned big-endian
//   bytes 9-16   issued, Unix seconds, signed big-endian
//   bytes 17-24  expires, Unix seconds, signed big-endian
//   bytes 25-56  HMAC-SHA-256 (Keyring::Mac) of "muster.checkin" NUL bytes 0-24
// The MAC's label keeps a check-in token from passing as any other token signed by the same key.
inline constexpr std::uint8_t kCheckinTokenVersion = 1;
inline constexpr std::size_t kCheckinTokenChars = 76;

// Returns the check-in token of `site`, valid from `issued` until just before `expires`.
// REQUIRES: site.valid(), issued < expires.
std::string SignCheckinToken(const crypto::Keyring& keys, SiteId site, Timestamp issued,
                             Timestamp expires);

// Checks `token` (as SignCheckinToken made it, under the same key) at instant `now` and returns
// what it carries. Fails with validation_failed on field "token" and reason "malformed" (not a
// token of this version: wrong length, characters outside base64url, trailing bytes, an unknown
// version), "forged" (the MAC does not match: altered, or signed under another key) or "expired"
// (now >= expires). The MAC is compared in constant time. Does not check that `issued` has
// passed, nor the shift window at the site: the check-in use case does that.
Result<CheckinToken> VerifyCheckinToken(const crypto::Keyring& keys, std::string_view token,
                                        Timestamp now);

// Each module of a QR code drawn by QrSvg is this many SVG user units (and CSS pixels) wide.
inline constexpr int kQrModulePixels = 8;
// The most bytes QrSvg can encode (version 40 at error correction level M).
inline constexpr std::size_t kQrMaxBytes = 2331;

// Returns `text` as a QR code (error correction level M, the whole text in 8-bit mode, the
// smallest version that holds it) in a standalone SVG document: a white background and a single
// <path> of the dark modules, a quiet zone of 4 modules on every side, kQrModulePixels per module,
// crisp edges; no script, no external reference. Returns an empty string when `text` is empty or
// longer than kQrMaxBytes (or memory runs out).
std::string QrSvg(std::string_view text);

}  // namespace muster::app
