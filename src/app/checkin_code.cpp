#include "app/checkin_code.h"

#include <qrencode.h>

#include <cassert>
#include <memory>

namespace muster::app {
namespace {

constexpr std::string_view kMacLabel{"muster.checkin\0", 15};
constexpr std::size_t kBodyBytes = 25;
constexpr std::size_t kMacBytes = 32;
constexpr int kQuietModules = 4;

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

Error Malformed() { return TokenError("not a check-in code", "malformed"); }

struct QrFree {
  void operator()(QRcode* qr) const { QRcode_free(qr); }
};

// Appends one subpath per horizontal run of dark modules: "M{x} {y}h{n}v1h-{n}z".
void AppendDarkRuns(const QRcode& qr, std::string& d) {
  for (int y = 0; y < qr.width; ++y) {
    const unsigned char* row = qr.data + static_cast<std::size_t>(y) * qr.width;
    for (int x = 0; x < qr.width;) {
      if ((row[x] & 1) == 0) {
        ++x;
        continue;
      }
      int start = x;
      while (x < qr.width && (row[x] & 1) != 0) ++x;
      std::string n = std::to_string(x - start);
      d += "M" + std::to_string(start + kQuietModules) + " " + std::to_string(y + kQuietModules) +
           "h" + n + "v1h-" + n + "z";
    }
  }
}

}  // namespace

std::string SignCheckinToken(const crypto::Keyring& keys, SiteId site, Timestamp issued,
                             Timestamp expires) {
  assert(site.valid() && issued < expires);
  std::string token;
  token.reserve(kBodyBytes + kMacBytes);
  token.push_back(static_cast<char>(kCheckinTokenVersion));
  PutU64(token, static_cast<std::uint64_t>(site.value));
  PutU64(token, static_cast<std::uint64_t>(UnixSeconds(issued)));
  PutU64(token, static_cast<std::uint64_t>(UnixSeconds(expires)));
  token += keys.Mac(MacInput(token));
  return crypto::Base64Url(token);
}

Result<CheckinToken> VerifyCheckinToken(const crypto::Keyring& keys, std::string_view token,
                                        Timestamp now) {
  // The length is checked before decoding, so an overlong input costs nothing.
  if (token.size() != kCheckinTokenChars) return Malformed();
  Result<std::string> raw = crypto::FromBase64Url(token);
  if (!raw.ok() || raw->size() != kBodyBytes + kMacBytes) return Malformed();
  std::string_view bytes = *raw;
  std::string_view body = bytes.substr(0, kBodyBytes);
  // The MAC covers the version byte too, so any altered character reads as forged; only a
  // genuine token of another version gets past this line to the version check.
  if (!keys.VerifyMac(MacInput(body), bytes.substr(kBodyBytes))) {
    return TokenError("this check-in code was not issued by this server", "forged");
  }
  if (static_cast<unsigned char>(body[0]) != kCheckinTokenVersion) return Malformed();
  CheckinToken out{SiteId(static_cast<std::int64_t>(GetU64(body, 1))),
                   FromUnixSeconds(static_cast<std::int64_t>(GetU64(body, 9))),
                   FromUnixSeconds(static_cast<std::int64_t>(GetU64(body, 17)))};
  if (!out.site.valid() || out.expires <= out.issued) return Malformed();
  if (now >= out.expires) {
    return TokenError("this check-in code has expired; show the site's current code", "expired");
  }
  return out;
}

std::string QrSvg(std::string_view text) {
  if (text.size() > kQrMaxBytes) return {};
  std::unique_ptr<QRcode, QrFree> qr(
      QRcode_encodeData(static_cast<int>(text.size()),
                        reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M));
  if (qr == nullptr) return {};
  const std::string side = std::to_string(qr->width + 2 * kQuietModules);
  const std::string pixels = std::to_string((qr->width + 2 * kQuietModules) * kQrModulePixels);
  std::string d;
  AppendDarkRuns(*qr, d);
  std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"";
  svg += " width=\"" + pixels + "\" height=\"" + pixels + "\"";
  svg += " viewBox=\"0 0 " + side + " " + side + "\" shape-rendering=\"crispEdges\">\n";
  svg += "<rect width=\"" + side + "\" height=\"" + side + "\" fill=\"#ffffff\"/>\n";
  svg += "<path fill=\"#000000\" d=\"" + d + "\"/>\n";
  svg += "</svg>\n";
  return svg;
}

}  // namespace muster::app
