#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace muster::notify {

// The headers a signed webhook POST carries.
inline constexpr std::string_view kSignatureHeader = "X-Muster-Signature";
inline constexpr std::string_view kTimestampHeader = "X-Muster-Timestamp";

// Returns the signature of a webhook body: "sha256=" and the hex HMAC-SHA256, under `secret`, of
// the decimal Unix `timestamp`, a dot, and `body`. Receivers recompute it from the
// X-Muster-Timestamp header and the raw body, compare in constant time, and refuse old
// timestamps so that a recorded request cannot be replayed later.
std::string SignWebhook(std::string_view secret, std::int64_t timestamp, std::string_view body);

// Checks a signature made by SignWebhook, in constant time.
bool VerifyWebhookSignature(std::string_view secret, std::int64_t timestamp, std::string_view body,
                            std::string_view signature);

}  // namespace muster::notify
