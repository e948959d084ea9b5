#include "crypto/keyring.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace muster::crypto {
namespace {

constexpr char kContext[crypto_kdf_CONTEXTBYTES + 1] = "muster01";
enum SubkeyId : std::uint64_t { kSealKey = 1, kHashKey = 2, kMacKey = 3 };

std::string HexKey(const std::array<std::uint8_t, Keyring::kKeyBytes>& key) {
  return Hex(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
}

Status WriteNewKeyFile(const std::string& path) {
  std::array<std::uint8_t, Keyring::kKeyBytes> key{};
  randombytes_buf(key.data(), key.size());
  std::string text = HexKey(key) + "\n";
  sodium_memzero(key.data(), key.size());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Unavailable("cannot create key file " + path + ": " + std::strerror(errno));
  }
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  sodium_memzero(text.data(), text.size());
  if (!ok) return Unavailable("cannot write key file " + path);
  return Ok();
}

}  // namespace

bool InitCrypto() { return sodium_init() >= 0; }

Keyring::Keyring(const std::array<std::uint8_t, kKeyBytes>& master) {
  crypto_kdf_derive_from_key(seal_key_.data(), seal_key_.size(), kSealKey, kContext, master.data());
  crypto_kdf_derive_from_key(hash_key_.data(), hash_key_.size(), kHashKey, kContext, master.data());
  crypto_kdf_derive_from_key(mac_key_.data(), mac_key_.size(), kMacKey, kContext, master.data());
}

Result<Keyring> Keyring::FromHex(std::string_view hex) {
  if (!InitCrypto()) return Internal("libsodium could not be initialised");
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ')) {
    hex.remove_suffix(1);
  }
  std::array<std::uint8_t, kKeyBytes> master{};
  std::size_t len = 0;
  if (hex.size() != 2 * kKeyBytes ||
      sodium_hex2bin(master.data(), master.size(), hex.data(), hex.size(), nullptr, &len,
                     nullptr) != 0 ||
      len != kKeyBytes) {
    return Invalid("data_key", "the data key must be 64 hexadecimal digits", "key_format");
  }
  Keyring k(master);
  sodium_memzero(master.data(), master.size());
  return k;
}

Result<Keyring> Keyring::LoadFile(const std::string& path, bool create) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT || !create) {
      return Unavailable("data key file " + path +
                         " is missing: run `muster init` or set --key-file / MUSTER_KEY_FILE");
    }
    MUSTER_TRY(WriteNewKeyFile(path));
  } else if ((st.st_mode & 077) != 0) {
    return Unavailable("data key file " + path + " is readable by others: chmod 600 " + path);
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Unavailable("cannot read data key file " + path);
  auto k = FromHex(text.str());
  if (!k.ok()) return Unavailable("data key file " + path + ": " + k.error().message);
  return k;
}

Result<Keyring> Keyring::Load(const std::string& path, bool create) {
  if (const char* env = std::getenv("MUSTER_DATA_KEY"); env != nullptr && *env != '\0') {
    auto k = FromHex(env);
    if (!k.ok()) return Unavailable("MUSTER_DATA_KEY: " + k.error().message);
    return k;
  }
  return LoadFile(path, create);
}

std::string Keyring::Seal(std::string_view plaintext) const {
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        nonce, seal_key_.data());
  return Base64Url(out);
}

Result<std::string> Keyring::Open(std::string_view sealed) const {
  MUSTER_ASSIGN(std::string raw, FromBase64Url(sealed));
  if (raw.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return Internal("sealed value is truncated");
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(raw.data());
  std::size_t clen = raw.size() - crypto_secretbox_NONCEBYTES;
  std::string out(clen - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()),
                                 nonce + crypto_secretbox_NONCEBYTES, clen, nonce,
                                 seal_key_.data()) != 0) {
    return Internal("sealed value does not open with this data key");
  }
  return out;
}

std::string Keyring::KeyedHash(std::string_view value) const {
  std::array<unsigned char, 32> h{};
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(value.data()),
                     value.size(), hash_key_.data(), hash_key_.size());
  return Hex(std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}

std::string Keyring::Mac(std::string_view message) const {
  std::string out(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, mac_key_.data(), mac_key_.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&st, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

bool Keyring::VerifyMac(std::string_view message, std::string_view mac) const {
  std::string expected = Mac(message);
  return mac.size() == expected.size() &&
         sodium_memcmp(expected.data(), mac.data(), expected.size()) == 0;
}

std::string RandomBytes(std::size_t n) {
  InitCrypto();
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string Base64Url(std::string_view bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), kVariant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

Result<std::string> FromBase64Url(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return BadRequest("not valid base64url text");
  }
  out.resize(len);
  return out;
}

std::string Hex(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  out.pop_back();
  return out;
}

std::string TokenDigest(std::string_view token) {
  std::array<unsigned char, 32> h{};
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return Hex(std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}

Result<std::string> HashPassword(std::string_view password) {
  InitCrypto();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Unavailable("not enough memory to hash the password");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view password, const std::string& encoded) {
  InitCrypto();
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

}  // namespace muster::crypto
