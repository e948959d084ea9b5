#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/access.h"
#include "base/clock.h"
#include "base/time.h"
#include "store/store.h"
#include "store/transaction.h"

namespace muster::app {

// One line of the append-only audit log: who did what to which object, when, from where.
// Details never hold personal data (no phone, no ID number, no password, no token).
struct AuditEntry {
  std::int64_t id = 0;
  Timestamp at;
  std::optional<UserId> user_id;
  std::string username;
  std::string action;  // login, login_failed, logout, denied, reveal, export, user_created, ...
  std::string object;  // "member/12", "user/3", a route pattern for denials
  std::string detail;
  std::string address;
};

// Appends an entry in the caller's transaction, so that it commits with the change it records.
Status AppendAudit(store::Transaction& tx, const Actor& actor, Timestamp at, std::string_view action,
                   std::string_view object, std::string_view detail = {});

// Returns entries newest first, before id `before` (0: from the newest), at most `limit`.
Result<std::vector<AuditEntry>> ReadAudit(store::Transaction& tx, std::int64_t before, int limit);

// Counts entries of `action` since `since` whose username (or address) is `key`: the login
// rate limit counts failed logins this way, so it holds across processes and restarts.
Result<std::int64_t> CountAuditSince(store::Transaction& tx, std::string_view action,
                                     std::string_view column, const std::string& key, Timestamp since);

// The audit log as a service: records outside another transaction (denials, exports), and
// reads for the city administrator.
class AuditLog {
 public:
  AuditLog(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}
  // Records one entry in its own transaction.
  Status Record(const Actor& actor, std::string_view action, std::string_view object,
                std::string_view detail = {});
  // Returns entries newest first; only the city administrator may read the log.
  Result<std::vector<AuditEntry>> Read(const Actor& actor, std::int64_t before, int limit);

 private:
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace muster::app
