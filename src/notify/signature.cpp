#include "notify/signature.h"

#include <sodium.h>

#include "crypto/keyring.h"

namespace muster::notify {

std::string SignWebhook(std::string_view secret, std::int64_t timestamp, std::string_view body) {
  crypto::InitCrypto();
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  std::string prefix = std::to_string(timestamp) + ".";
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(prefix.data()),
                                prefix.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  return "sha256=" + crypto::Hex(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
}

bool VerifyWebhookSignature(std::string_view secret, std::int64_t timestamp, std::string_view body,
                            std::string_view signature) {
  std::string expected = SignWebhook(secret, timestamp, body);
  return expected.size() == signature.size() &&
         sodium_memcmp(expected.data(), signature.data(), expected.size()) == 0;
}

}  // namespace muster::notify
