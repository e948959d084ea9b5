#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace muster::crypto {

// The data key and the keys derived from it: sealing of resident ID numbers at rest, keyed
// hashes for their uniqueness, and MACs for check-in tokens. The key lives outside the database
// (a file of mode 0600, or the MUSTER_DATA_KEY environment variable), so a copy of the database
// alone reveals no ID number. Immutable after construction; safe to share between threads.
class Keyring {
 public:
  static constexpr std::size_t kKeyBytes = 32;

  // Builds a keyring from a master key given as 64 hex digits.
  static Result<Keyring> FromHex(std::string_view hex);
  // Reads the key file at `path`; with `create`, writes a fresh random key there (mode 0600)
  // when the file does not exist. Errors name the path and what to do.
  static Result<Keyring> LoadFile(const std::string& path, bool create);
  // Uses MUSTER_DATA_KEY when set, else LoadFile(path, create).
  static Result<Keyring> Load(const std::string& path, bool create);

  // Encrypts `plaintext` (XSalsa20-Poly1305 with a random nonce); returns base64 text.
  std::string Seal(std::string_view plaintext) const;
  // Decrypts what Seal produced; fails if it was altered or sealed under another key.
  Result<std::string> Open(std::string_view sealed) const;
  // Returns a keyed BLAKE2b hash of `value` as 64 hex digits: equal values hash equally, and
  // without the key the hash reveals nothing, not even by trying every possible ID number.
  std::string KeyedHash(std::string_view value) const;
  // Returns the HMAC-SHA-256 of `message` under the token key (32 raw bytes).
  std::string Mac(std::string_view message) const;
  // Checks a MAC in constant time.
  bool VerifyMac(std::string_view message, std::string_view mac) const;

 private:
  explicit Keyring(const std::array<std::uint8_t, kKeyBytes>& master);

  std::array<std::uint8_t, kKeyBytes> seal_key_{};
  std::array<std::uint8_t, kKeyBytes> hash_key_{};
  std::array<std::uint8_t, kKeyBytes> mac_key_{};
};

// Initialises libsodium; call once at start-up (idempotent, thread-safe). Returns false only if
// the library cannot work on this machine.
bool InitCrypto();

// Returns `n` random bytes from the operating system's CSPRNG.
std::string RandomBytes(std::size_t n);
// Encodes bytes as URL-safe base64 without padding (for tokens in URLs and cookies).
std::string Base64Url(std::string_view bytes);
Result<std::string> FromBase64Url(std::string_view text);
std::string Hex(std::string_view bytes);

// Returns the digest under which a random session token is stored (BLAKE2b, hex): a plain
// hash suffices for 256 random bits, and a stolen database then holds no usable token.
std::string TokenDigest(std::string_view token);

// Hashes a password with argon2id (libsodium's interactive limits); returns the encoded string.
Result<std::string> HashPassword(std::string_view password);
// Checks `password` against an encoded argon2id hash.
bool VerifyPassword(std::string_view password, const std::string& encoded);

}  // namespace muster::crypto
