#include "app/accounts.h"

#include "app/audit.h"
#include "app/outbox.h"
#include "crypto/keyring.h"
#include "store/registry_repo.h"

namespace muster::app {
namespace {

// Checks that `scope` names an object of the kind `role` acts within.
Status CheckScope(store::Transaction& tx, Role role, std::optional<std::int64_t> scope) {
  if (role == Role::kCityAdmin) {
    if (scope) return Invalid("scope_id", "a city administrator has no scope", "scope_not_allowed");
    return Ok();
  }
  if (!scope) return Invalid("scope_id", "this role needs a scope_id", "required");
  store::RegistryRepo repo(tx);
  bool found = false;
  switch (role) {
    case Role::kUnitAdmin: { MUSTER_ASSIGN(auto x, repo.FindUnit(UnitId(*scope))); found = x.has_value(); break; }
    case Role::kBranchSecretary: { MUSTER_ASSIGN(auto x, repo.FindBranch(BranchId(*scope))); found = x.has_value(); break; }
    case Role::kStreetCoordinator: { MUSTER_ASSIGN(auto x, repo.FindStreet(StreetId(*scope))); found = x.has_value(); break; }
    case Role::kCommunityCoordinator: { MUSTER_ASSIGN(auto x, repo.FindCommunity(CommunityId(*scope))); found = x.has_value(); break; }
    case Role::kVolunteer: { MUSTER_ASSIGN(auto x, repo.FindMember(MemberId(*scope))); found = x.has_value(); break; }
    case Role::kCityAdmin: break;
  }
  if (!found) {
    return Invalid("scope_id", "no " + std::string(Name(role) == "volunteer" ? "member" : "object") +
                                   " of the kind this role acts within has this id", "unknown_reference");
  }
  return Ok();
}

std::optional<User> ReadUser(store::Transaction& tx, std::string_view where, store::Value key,
                             std::string* password_hash, Status& status) {
  std::optional<User> out;
  status = tx.Query("SELECT id, username, role, scope_id, password_hash FROM users WHERE " +
                        std::string(where) + " AND disabled = 0",
                    {key}, [&](const store::Row& r) {
                      out = User{UserId(r.Int(0)), r.String(1), *ParseRole(r.Text(2)), r.OptInt(3)};
                      if (password_hash) *password_hash = r.String(4);
                      return Ok();
                    });
  return out;
}

}  // namespace

Status ValidateUsername(std::string_view u) {
  bool ok = u.size() >= 3 && u.size() <= 64;
  for (char c : u) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-' || c == '@');
  }
  if (!ok) return Invalid("username", "3-64 letters, digits, '.', '_', '-' or '@'", "username");
  return Ok();
}

Status ValidatePassword(std::string_view p) {
  std::size_t chars = 0;
  for (unsigned char c : p) chars += (c & 0xC0) != 0x80;  // count code points
  if (chars < 12) return Invalid("password", "must be at least 12 characters", "password_length");
  if (chars > 128) return Invalid("password", "must be at most 128 characters", "password_length");
  return Ok();
}

Result<User> Accounts::AddUser(const Actor& by, const NewUser& in) {
  MUSTER_TRY(ValidateUsername(in.username));
  MUSTER_TRY(ValidatePassword(in.password));
  // Who may create this account is decided before anything else: a refused caller learns neither
  // whether the scope exists nor makes the server spend an argon2id hash on his behalf.
  MUSTER_TRY(store_.Read([&](store::Transaction& tx) {
    return Access::CreateUser(tx, by, in.role, in.scope_id);
  }));
  MUSTER_ASSIGN(std::string hash, crypto::HashPassword(in.password));
  return store_.Write([&](store::Transaction& tx) -> Result<User> {
    MUSTER_TRY(Access::CreateUser(tx, by, in.role, in.scope_id));
    MUSTER_TRY(CheckScope(tx, in.role, in.scope_id));
    MUSTER_ASSIGN(auto taken, tx.QueryInt("SELECT id FROM users WHERE username = ?", {in.username}));
    if (taken) return Conflict("an account of that name exists", "username");
    MUSTER_ASSIGN(auto id, tx.InsertReturningId(
                               "INSERT INTO users (username, password_hash, role, scope_id, created_at) "
                               "VALUES (?, ?, ?, ?, ?) RETURNING id",
                               {in.username, hash, std::string(Name(in.role)), store::Opt(in.scope_id),
                                UnixSeconds(clock_.Now())}));
    User user{UserId(id), in.username, in.role, in.scope_id};
    MUSTER_TRY(AppendAudit(tx, by, clock_.Now(), "user_created", "user/" + std::to_string(id),
                           "role " + std::string(Name(in.role))));
    return user;
  });
}

Status Accounts::CheckRateLimit(store::Transaction& tx, const std::string& username,
                                const std::string& address) {
  Timestamp since = clock_.Now() - options_.failure_window;
  MUSTER_ASSIGN(auto by_account, CountAuditSince(tx, "login_failed", "username", username, since));
  MUSTER_ASSIGN(auto by_address, CountAuditSince(tx, "login_failed", "address", address, since));
  if (by_account >= options_.max_failures_per_account ||
      by_address >= options_.max_failures_per_address) {
    Error e{ErrorCode::kRateLimited, "too many failed logins; try again later", "", "login_failures"};
    e.retry_after = static_cast<int>(options_.failure_window.count());
    return e;
  }
  return Ok();
}

Result<SessionGrant> Accounts::Login(const std::string& username, const std::string& password,
                                     const std::string& address) {
  Actor who{UserId(), username.substr(0, 64), Role::kVolunteer, 0, address};
  std::string hash;
  MUSTER_ASSIGN(auto user, store_.Read([&](store::Transaction& tx) -> Result<std::optional<User>> {
                  MUSTER_TRY(CheckRateLimit(tx, who.username, address));
                  Status s;
                  auto u = ReadUser(tx, "username = ?", username, &hash, s);
                  if (!s.ok()) return std::move(s).error();
                  return u;
                }));
  // Verify against a fixed hash for unknown users so both answers take the same time.
  static const std::string kDummy = *crypto::HashPassword("not a password of anyone");
  bool ok = crypto::VerifyPassword(password, user ? hash : kDummy) && user.has_value();
  Timestamp now = clock_.Now();
  if (!ok) {
    MUSTER_TRY(store_.Write([&](store::Transaction& tx) {
      return AppendAudit(tx, who, now, "login_failed", "session");
    }));
    return Error{ErrorCode::kUnauthenticated, "wrong username or password", "password", "login"};
  }
  SessionGrant grant{crypto::Base64Url(crypto::RandomBytes(32)),
                     crypto::Base64Url(crypto::RandomBytes(32)), *user,
                     now + options_.idle_timeout, now + options_.absolute_timeout};
  MUSTER_TRY(store_.Write([&](store::Transaction& tx) -> Status {
    MUSTER_TRY(tx.Exec(
        "INSERT INTO sessions (token_hash, csrf_token, user_id, created_at, last_seen_at) "
        "VALUES (?, ?, ?, ?, ?)",
        {crypto::TokenDigest(grant.token), grant.csrf_token, user->id.value, UnixSeconds(now),
         UnixSeconds(now)}));
    Actor actor{user->id, user->username, user->role, user->scope_id.value_or(0), address};
    return AppendAudit(tx, actor, now, "login", "session");
  }));
  return grant;
}

Result<SessionInfo> Accounts::Authenticate(const std::string& token, const std::string& address) {
  const Error expired{ErrorCode::kUnauthenticated, "sign in again: the session has ended", "", "session"};
  std::string digest = crypto::TokenDigest(token);
  Timestamp now = clock_.Now();
  const auto steady_now = std::chrono::steady_clock::now();
  std::optional<CachedSession> row;
  std::uint64_t revocations_seen = 0;
  if (options_.session_cache_ttl.count() > 0) {
    std::lock_guard lock(cache_mu_);
    revocations_seen = revocations_;
    auto it = cache_.find(digest);
    if (it != cache_.end()) {
      if (steady_now - it->second.read_at < options_.session_cache_ttl) {
        row = it->second;
      } else {
        cache_.erase(it);
      }
    }
  }
  if (!row) {
    MUSTER_ASSIGN(row, store_.Read([&](store::Transaction& tx) -> Result<std::optional<CachedSession>> {
                    std::optional<CachedSession> out;
                    MUSTER_TRY(tx.Query(
                        "SELECT s.id, s.created_at, s.last_seen_at, s.csrf_token, u.id, u.username, "
                        "u.role, u.scope_id FROM sessions s JOIN users u ON u.id = s.user_id "
                        "WHERE s.token_hash = ? AND s.revoked = 0 AND u.disabled = 0",
                        {digest}, [&](const store::Row& r) {
                          out = CachedSession{
                              r.Int(0), r.Int(1), r.Int(2),
                              SessionInfo{Actor{UserId(r.Int(4)), r.String(5),
                                                *ParseRole(r.Text(6)), r.OptInt(7).value_or(0), {}},
                                          r.String(3)},
                              steady_now};
                          return Ok();
                        }));
                    return out;
                  }));
    if (!row) return expired;
  }
  if (UnixSeconds(now) >= row->created + options_.absolute_timeout.count() ||
      UnixSeconds(now) >= row->last_seen + options_.idle_timeout.count()) {
    std::lock_guard lock(cache_mu_);
    cache_.erase(digest);
    return expired;
  }
  // Refresh the idle expiry at most once a minute: a write per request would cost throughput.
  if (UnixSeconds(now) - row->last_seen >= 60) {
    MUSTER_TRY(store_.Write([&](store::Transaction& tx) {
      return tx.Exec("UPDATE sessions SET last_seen_at = ? WHERE id = ?",
                     {UnixSeconds(now), row->session_id});
    }));
    row->last_seen = UnixSeconds(now);
  }
  if (options_.session_cache_ttl.count() > 0) {
    std::lock_guard lock(cache_mu_);
    // Bounded: entries of idle tokens are dropped when the map grows past what live sessions need.
    if (cache_.size() > 100000) cache_.clear();
    // A logout that committed since this lookup began may concern this very session.
    if (revocations_ == revocations_seen) cache_[digest] = *row;
  }
  SessionInfo info = std::move(row->info);
  info.actor.address = address;
  return info;
}

Status Accounts::Logout(const std::string& token, const Actor& actor) {
  const std::string digest = crypto::TokenDigest(token);
  Status s = store_.Write([&](store::Transaction& tx) -> Status {
    MUSTER_TRY(tx.Exec("UPDATE sessions SET revoked = 1 WHERE token_hash = ?", {digest}));
    // Every server process ends the session's live pages (api::DeliverLiveEvent); the digest
    // names a session that no longer opens anything.
    MUSTER_TRY(PublishEvent(tx, clock_.Now(), kSessionEndedEvent,
                            "{\"session\":\"" + digest + "\"}"));
    return AppendAudit(tx, actor, clock_.Now(), "logout", "session");
  });
  // After the commit; counting revocations keeps a lookup that read the session before the
  // commit from caching it afterwards.
  std::lock_guard lock(cache_mu_);
  cache_.erase(digest);
  ++revocations_;
  return s;
}

Result<User> Accounts::FindUser(UserId id) {
  return store_.Read([&](store::Transaction& tx) -> Result<User> {
    Status s;
    auto u = ReadUser(tx, "id = ?", id.value, nullptr, s);
    if (!s.ok()) return std::move(s).error();
    if (!u) return NotFound("no user with id " + std::to_string(id.value));
    return *u;
  });
}

}  // namespace muster::app
