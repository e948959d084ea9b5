#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "app/access.h"
#include "base/clock.h"
#include "base/result.h"
#include "store/store.h"

namespace muster::app {

struct User {
  UserId id;
  std::string username;
  Role role = Role::kVolunteer;
  std::optional<std::int64_t> scope_id;
};

struct NewUser {
  std::string username;
  std::string password;
  Role role = Role::kVolunteer;
  std::optional<std::int64_t> scope_id;
};

// What a successful login hands out. The token is shown once: the database keeps its hash.
struct SessionGrant {
  std::string token;       // 256 random bits, base64url
  std::string csrf_token;  // to echo in X-CSRF-Token on cookie requests that change state
  User user;
  Timestamp idle_expires_at;
  Timestamp absolute_expires_at;
};

// An authenticated request's session.
struct SessionInfo {
  Actor actor;
  std::string csrf_token;
};

struct AccountOptions {
  std::chrono::seconds idle_timeout{30 * 60};
  std::chrono::seconds absolute_timeout{12 * 3600};
  std::chrono::seconds failure_window{15 * 60};
  int max_failures_per_account = 5;
  int max_failures_per_address = 20;
  // How long a looked-up session is trusted from memory before the database is asked again.
  // Within one process a logout takes effect at once; a logout or a disabled account in
  // another process sharing the database (PostgreSQL deployments) within this delay.
  // Zero: every request reads the database.
  std::chrono::milliseconds session_cache_ttl{2000};
};

// Accounts and sessions. Passwords (12-128 characters) are hashed with argon2id; session tokens
// come from the CSPRNG and are stored hashed; sessions end after `idle_timeout` without use,
// after `absolute_timeout` in any case, and at logout. Failed logins are counted in the audit
// log, per account and per address, and refused with rate_limited beyond the limits.
class Accounts {
 public:
  Accounts(store::Store& store, const Clock& clock, AccountOptions options = {})
      : store_(store), clock_(clock), options_(options) {}

  // Creates an account; the scope must exist and suit the role (a unit for unit_admin...).
  Result<User> AddUser(const Actor& by, const NewUser& user);
  // Checks a password and opens a session. Unknown users and wrong passwords get the same
  // answer in the same time.
  Result<SessionGrant> Login(const std::string& username, const std::string& password,
                             const std::string& address);
  // Returns the session of `token`, refreshing its idle expiry; unauthenticated when unknown,
  // expired or revoked.
  Result<SessionInfo> Authenticate(const std::string& token, const std::string& address);
  // Revokes the session of `token`.
  Status Logout(const std::string& token, const Actor& actor);
  // Returns the user behind an actor.
  Result<User> FindUser(UserId id);

  const AccountOptions& options() const { return options_; }

 private:
  Status CheckRateLimit(store::Transaction& tx, const std::string& username,
                        const std::string& address);

  // A session as last read from the database, for session_cache_ttl.
  struct CachedSession {
    std::int64_t session_id = 0;
    std::int64_t created = 0;    // unix seconds
    std::int64_t last_seen = 0;  // unix seconds, as stored
    SessionInfo info;
    std::chrono::steady_clock::time_point read_at;
  };

  store::Store& store_;
  const Clock& clock_;
  AccountOptions options_;
  std::mutex cache_mu_;
  std::unordered_map<std::string, CachedSession> cache_;  // GUARDED_BY(cache_mu_), by token digest
  std::uint64_t revocations_ = 0;                          // GUARDED_BY(cache_mu_)
};

// Checks a username: 3-64 characters of letters, digits, '.', '_', '-', '@'.
Status ValidateUsername(std::string_view username);
// Checks a password: 12-128 characters.
Status ValidatePassword(std::string_view password);

}  // namespace muster::app
