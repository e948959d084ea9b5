// Check-in tokens and their QR codes: only this server's unaltered, unexpired tokens pass, and
// the SVG carries exactly the modules libqrencode computes.
#include "app/checkin_code.h"

#include <gtest/gtest.h>
#include <qrencode.h>

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <pugixml.hpp>
#include <random>
#include <vector>

namespace muster::app {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

crypto::Keyring Keys(char digit = 'a') {
  crypto::InitCrypto();
  return *crypto::Keyring::FromHex(std::string(64, digit));
}

Timestamp At(std::string_view rfc3339) { return *ParseRfc3339(rfc3339, "t"); }

class CheckinTokenTest : public ::testing::Test {
 protected:
  crypto::Keyring keys_ = Keys();
  SiteId site_{42};
  Timestamp issued_ = At("2022-01-12T08:00:00+08:00");
  Timestamp expires_ = At("2022-01-12T20:00:00+08:00");
  std::string token_ = SignCheckinToken(keys_, site_, issued_, expires_);
};

void ExpectRefused(const Result<CheckinToken>& r, std::string_view reason) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kValidationFailed);
  EXPECT_EQ(r.error().field, "token");
  EXPECT_EQ(r.error().reason, reason) << r.error().message;
}

// Builds a token the way the header documents the layout, with any version byte.
std::string RawToken(const crypto::Keyring& keys, std::uint8_t version, std::int64_t site,
                     std::int64_t issued, std::int64_t expires, std::string_view label) {
  std::string body(1, static_cast<char>(version));
  for (std::int64_t v : {site, issued, expires}) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      body.push_back(static_cast<char>(static_cast<std::uint64_t>(v) >> shift));
    }
  }
  std::string input(label);
  input += body;
  return crypto::Base64Url(body + keys.Mac(input));
}

constexpr std::string_view kCheckinLabel{"muster.checkin\0", 15};

TEST_F(CheckinTokenTest, RoundTripsSiteAndInstants) {
  auto r = VerifyCheckinToken(keys_, token_, issued_);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(*r, (CheckinToken{site_, issued_, expires_}));
}

TEST_F(CheckinTokenTest, IsCompactAndUrlSafe) {
  EXPECT_EQ(token_.size(), kCheckinTokenChars);
  for (char c : token_) EXPECT_NE(kAlphabet.find(c), std::string_view::npos) << c;
}

TEST_F(CheckinTokenTest, FollowsTheDocumentedLayout) {
  EXPECT_EQ(token_,
            RawToken(keys_, 1, 42, UnixSeconds(issued_), UnixSeconds(expires_), kCheckinLabel));
}

TEST_F(CheckinTokenTest, RoundTripsExtremeValues) {
  const std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  Timestamp before_epoch = FromUnixSeconds(-86400);
  std::string t = SignCheckinToken(keys_, SiteId(kMax), before_epoch, FromUnixSeconds(kMax));
  auto r = VerifyCheckinToken(keys_, t, before_epoch);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(*r, (CheckinToken{SiteId(kMax), before_epoch, FromUnixSeconds(kMax)}));
}

TEST_F(CheckinTokenTest, AcceptedUntilTheSecondBeforeExpiry) {
  EXPECT_TRUE(VerifyCheckinToken(keys_, token_, expires_ - std::chrono::seconds(1)).ok());
  ExpectRefused(VerifyCheckinToken(keys_, token_, expires_), "expired");
  ExpectRefused(VerifyCheckinToken(keys_, token_, expires_ + std::chrono::hours(24 * 365)),
                "expired");
}

TEST_F(CheckinTokenTest, AcceptedBeforeItsIssueInstant) {
  // Servers' clocks may differ by a little; the shift window is the check-in use case's rule.
  EXPECT_TRUE(VerifyCheckinToken(keys_, token_, issued_ - std::chrono::minutes(5)).ok());
}

TEST_F(CheckinTokenTest, RefusesEveryCharacterReplacedAnywhere) {
  for (std::size_t i = 0; i < token_.size(); ++i) {
    for (char c : kAlphabet) {
      if (c == token_[i]) continue;
      std::string altered = token_;
      altered[i] = c;
      SCOPED_TRACE("position " + std::to_string(i) + " -> " + c);
      ExpectRefused(VerifyCheckinToken(keys_, altered, issued_), "forged");
    }
  }
}

TEST_F(CheckinTokenTest, RefusesEveryBitFlippedInTheDecodedBytes) {
  std::string raw = *crypto::FromBase64Url(token_);
  for (std::size_t bit = 0; bit < raw.size() * 8; ++bit) {
    std::string altered = raw;
    altered[bit / 8] = static_cast<char>(altered[bit / 8] ^ (1 << (bit % 8)));
    SCOPED_TRACE("bit " + std::to_string(bit));
    ExpectRefused(VerifyCheckinToken(keys_, crypto::Base64Url(altered), issued_), "forged");
  }
}

TEST_F(CheckinTokenTest, ForgedTakesPrecedenceOverExpired) {
  std::string altered = token_;
  altered[10] = altered[10] == 'A' ? 'B' : 'A';
  ExpectRefused(VerifyCheckinToken(keys_, altered, expires_ + std::chrono::hours(1)), "forged");
}

TEST_F(CheckinTokenTest, AnotherKeyRefuses) {
  ExpectRefused(VerifyCheckinToken(Keys('b'), token_, issued_), "forged");
  std::string theirs = SignCheckinToken(Keys('b'), site_, issued_, expires_);
  ExpectRefused(VerifyCheckinToken(keys_, theirs, issued_), "forged");
}

TEST_F(CheckinTokenTest, RefusesTrailingAndLeadingGarbage) {
  for (std::string bad :
       {token_ + "A", token_ + "AA", token_ + "AAAA", token_ + "=", token_ + "==", token_ + " ",
        token_ + "\n", "A" + token_, " " + token_, token_ + std::string(1, '\0')}) {
    SCOPED_TRACE(bad);
    ExpectRefused(VerifyCheckinToken(keys_, bad, issued_), "malformed");
  }
}

TEST_F(CheckinTokenTest, RefusesTruncatedTokens) {
  for (std::size_t n = 0; n < token_.size(); ++n) {
    ExpectRefused(VerifyCheckinToken(keys_, token_.substr(0, n), issued_), "malformed");
  }
}

TEST_F(CheckinTokenTest, RefusesCharactersOutsideBase64Url) {
  for (char c : std::string("+/=.~ %\t\"<")) {
    std::string altered = token_;
    altered[30] = c;
    ExpectRefused(VerifyCheckinToken(keys_, altered, issued_), "malformed");
  }
  std::string padded_alphabet = token_;
  padded_alphabet[75] = '+';  // standard base64, not base64url
  ExpectRefused(VerifyCheckinToken(keys_, padded_alphabet, issued_), "malformed");
}

TEST_F(CheckinTokenTest, RefusesEmptyAndHugeInput) {
  ExpectRefused(VerifyCheckinToken(keys_, "", issued_), "malformed");
  ExpectRefused(VerifyCheckinToken(keys_, std::string(1 << 20, 'A'), issued_), "malformed");
  ExpectRefused(VerifyCheckinToken(keys_, std::string(16 << 20, '\xff'), issued_), "malformed");
  std::string repeated;
  for (int i = 0; i < 1000; ++i) repeated += token_;
  ExpectRefused(VerifyCheckinToken(keys_, repeated, issued_), "malformed");
}

TEST_F(CheckinTokenTest, RefusesAGenuineTokenOfAnotherVersion) {
  for (std::uint8_t version : {0, 2, 255}) {
    std::string t =
        RawToken(keys_, version, 42, UnixSeconds(issued_), UnixSeconds(expires_), kCheckinLabel);
    ExpectRefused(VerifyCheckinToken(keys_, t, issued_), "malformed");
  }
}

TEST_F(CheckinTokenTest, RefusesSignedNonsense) {
  // Only a caller's bug could sign these; the verifier refuses them all the same.
  const Timestamp kEpoch = FromUnixSeconds(0);
  ExpectRefused(VerifyCheckinToken(keys_, RawToken(keys_, 1, 0, 0, 100, kCheckinLabel), kEpoch),
                "malformed");
  ExpectRefused(VerifyCheckinToken(keys_, RawToken(keys_, 1, -5, 0, 100, kCheckinLabel), kEpoch),
                "malformed");
  ExpectRefused(VerifyCheckinToken(keys_, RawToken(keys_, 1, 7, 100, 100, kCheckinLabel), kEpoch),
                "malformed");
}

TEST_F(CheckinTokenTest, RefusesAMacMadeForAnotherPurpose) {
  std::string t = RawToken(keys_, 1, 42, UnixSeconds(issued_), UnixSeconds(expires_),
                           std::string_view("muster.calendar\0", 16));
  ExpectRefused(VerifyCheckinToken(keys_, t, issued_), "forged");
  std::string unlabelled = RawToken(keys_, 1, 42, UnixSeconds(issued_), UnixSeconds(expires_), "");
  ExpectRefused(VerifyCheckinToken(keys_, unlabelled, issued_), "forged");
}

TEST_F(CheckinTokenTest, RandomInputNeverPasses) {
  std::mt19937 rng(20220112);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 160), letter(0, 63);
  for (int i = 0; i < 20000; ++i) {
    std::string s(i % 2 == 0 ? kCheckinTokenChars : static_cast<std::size_t>(length(rng)), ' ');
    for (char& c : s) {
      c = i % 4 < 2 ? kAlphabet[letter(rng)] : static_cast<char>(byte(rng));
    }
    auto r = VerifyCheckinToken(keys_, s, issued_);
    ASSERT_FALSE(r.ok()) << s;
    ASSERT_TRUE(r.error().reason == "forged" || r.error().reason == "malformed");
  }
}

// --- QR codes ---

struct QrDeleter {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

// Returns libqrencode's own module grid for `text` (whole text in 8-bit mode, level M).
std::vector<std::vector<bool>> LibraryGrid(const std::string& text) {
  std::unique_ptr<QRcode, QrDeleter> q(QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M));
  EXPECT_NE(q, nullptr);
  std::vector<std::vector<bool>> grid(q->width, std::vector<bool>(q->width));
  for (int y = 0; y < q->width; ++y) {
    for (int x = 0; x < q->width; ++x) grid[y][x] = (q->data[y * q->width + x] & 1) != 0;
  }
  return grid;
}

// Reads the dark modules back from a path made of rectangles one module high, each drawn as
// "M x y h n v 1 h -n z" (absolute move, relative lines), into a side x side grid.
std::vector<std::vector<bool>> GridFromPath(std::string_view d, int side) {
  std::vector<std::vector<bool>> grid(side, std::vector<bool>(side));
  std::size_t i = 0;
  auto number = [&]() {
    char* end = nullptr;
    std::string rest(d.substr(i, 16));
    long v = std::strtol(rest.c_str(), &end, 10);
    EXPECT_NE(end, rest.c_str()) << "number expected at " << i;
    i += static_cast<std::size_t>(end - rest.c_str());
    while (i < d.size() && d[i] == ' ') ++i;
    return static_cast<int>(v);
  };
  auto expect = [&](char c) {
    EXPECT_LT(i, d.size());
    EXPECT_EQ(d[i], c) << "at " << i;
    ++i;
  };
  while (i < d.size() && !::testing::Test::HasFailure()) {
    expect('M');
    int x = number();
    int y = number();
    expect('h');
    int n = number();
    expect('v');
    EXPECT_EQ(number(), 1);
    expect('h');
    EXPECT_EQ(number(), -n);
    expect('z');
    EXPECT_GT(n, 0);
    EXPECT_TRUE(y >= 0 && y < side && x >= 0 && x + n <= side) << x << "," << y << "+" << n;
    if (::testing::Test::HasFailure()) break;
    for (int k = 0; k < n; ++k) {
      EXPECT_FALSE(grid[y][x + k]) << "module drawn twice at " << x + k << "," << y;
      grid[y][x + k] = true;
    }
  }
  return grid;
}

struct ParsedSvg {
  int side = 0;                         // modules, quiet zone included
  std::vector<std::vector<bool>> grid;  // dark modules, quiet zone included
};

ParsedSvg ParseQrSvg(const std::string& svg) {
  ParsedSvg out;
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_string(svg.c_str());
  EXPECT_TRUE(parsed) << parsed.description();
  pugi::xml_node root = doc.document_element();
  EXPECT_STREQ(root.name(), "svg");
  EXPECT_STREQ(root.attribute("xmlns").value(), "http://www.w3.org/2000/svg");
  EXPECT_STREQ(root.attribute("shape-rendering").value(), "crispEdges");
  int x0 = -1, y0 = -1, w = 0, h = 0;
  EXPECT_EQ(std::sscanf(root.attribute("viewBox").value(), "%d %d %d %d", &x0, &y0, &w, &h), 4);
  EXPECT_EQ(x0, 0);
  EXPECT_EQ(y0, 0);
  EXPECT_EQ(w, h);
  out.side = w;
  EXPECT_EQ(root.attribute("width").as_int(), w * kQrModulePixels);
  EXPECT_EQ(root.attribute("height").as_int(), h * kQrModulePixels);
  pugi::xpath_node_set paths = doc.select_nodes("//path");
  EXPECT_EQ(paths.size(), 1u);
  EXPECT_TRUE(doc.select_nodes("//script").empty());
  EXPECT_TRUE(doc.select_nodes("//image | //use | //foreignObject | //a | //style").empty());
  for (pugi::xpath_node n : doc.select_nodes("//*")) {
    for (pugi::xml_attribute a : n.node().attributes()) {
      std::string name = a.name();
      std::string value = a.value();
      EXPECT_EQ(name.find("href"), std::string::npos) << name;
      EXPECT_NE(name.substr(0, 2), "on") << name;
      EXPECT_EQ(value.find("url("), std::string::npos) << value;
      if (name != "xmlns") {
        EXPECT_EQ(value.find("//"), std::string::npos) << name;
      }
    }
  }
  if (paths.size() == 1 && w > 0) {
    out.grid = GridFromPath(paths[0].node().attribute("d").value(), w);
  }
  return out;
}

void ExpectSvgShowsLibraryGrid(const std::string& text) {
  SCOPED_TRACE("text of " + std::to_string(text.size()) + " bytes");
  std::string svg = QrSvg(text);
  ASSERT_FALSE(svg.empty());
  ParsedSvg parsed = ParseQrSvg(svg);
  ASSERT_FALSE(::testing::Test::HasFailure());
  std::vector<std::vector<bool>> expected = LibraryGrid(text);
  const int width = static_cast<int>(expected.size());
  ASSERT_EQ(parsed.side, width + 8);
  for (int y = 0; y < parsed.side; ++y) {
    for (int x = 0; x < parsed.side; ++x) {
      bool inside = x >= 4 && y >= 4 && x < width + 4 && y < width + 4;
      bool want = inside && expected[y - 4][x - 4];
      ASSERT_EQ(parsed.grid[y][x], want) << "module " << x << "," << y;
    }
  }
}

TEST(QrSvg, DrawsTheLibrarysModulesOfACheckinUrl) {
  std::string url =
      "https://muster.example.cn/c/" +
      SignCheckinToken(Keys(), SiteId(7), FromUnixSeconds(1641945600), FromUnixSeconds(1641988800));
  ExpectSvgShowsLibraryGrid(url);
}

TEST(QrSvg, DrawsTheLibrarysModulesOfManyTexts) {
  ExpectSvgShowsLibraryGrid("A");
  ExpectSvgShowsLibraryGrid("0123456789");
  ExpectSvgShowsLibraryGrid("深圳市福田区 核酸检测点 3 号");
  ExpectSvgShowsLibraryGrid(std::string(500, 'x'));
  ExpectSvgShowsLibraryGrid(std::string(kQrMaxBytes, 'z'));
}

TEST(QrSvg, ACheckinUrlIsSmallEnoughToScanFromAPhoneScreen) {
  std::string url = "https://muster.example.cn/c/" + std::string(kCheckinTokenChars, 'Q');
  ParsedSvg parsed = ParseQrSvg(QrSvg(url));
  // Version 6 (41 modules) at level M; drawn 8 px per module, 392 px with the quiet zone.
  EXPECT_EQ(parsed.side, 41 + 8);
}

TEST(QrSvg, KeepsBytesAfterANul) {
  std::string text("before\0after", 12);
  std::string svg = QrSvg(text);
  ASSERT_FALSE(svg.empty());
  std::unique_ptr<QRcode, QrDeleter> q(
      QRcode_encodeData(12, reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M));
  ParsedSvg parsed = ParseQrSvg(svg);
  ASSERT_EQ(parsed.side, q->width + 8);
  for (int y = 0; y < q->width; ++y) {
    for (int x = 0; x < q->width; ++x) {
      ASSERT_EQ(parsed.grid[y + 4][x + 4], (q->data[y * q->width + x] & 1) != 0);
    }
  }
  EXPECT_NE(svg, QrSvg("before"));
}

TEST(QrSvg, AnswersEmptyForTextItCannotEncode) {
  EXPECT_EQ(QrSvg(""), "");
  EXPECT_EQ(QrSvg(std::string(kQrMaxBytes + 1, 'z')), "");
  EXPECT_EQ(QrSvg(std::string(1 << 20, 'z')), "");
}

TEST(QrSvg, EscapesNothingBecauseTheTextNeverAppearsInTheDocument) {
  std::string svg = QrSvg("<script>alert(1)</script>\"&'");
  EXPECT_EQ(svg.find("script"), std::string::npos);
  EXPECT_EQ(svg.find("alert"), std::string::npos);
  ParseQrSvg(svg);
}

}  // namespace
}  // namespace muster::app
