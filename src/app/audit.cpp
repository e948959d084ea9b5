#include "app/audit.h"

namespace muster::app {

Status AppendAudit(store::Transaction& tx, const Actor& actor, Timestamp at, std::string_view action,
                   std::string_view object, std::string_view detail) {
  store::Value user = actor.user_id.valid() ? store::Value(actor.user_id.value) : store::Null();
  MUSTER_TRY(tx.Exec(
      "INSERT INTO audit_log (at, user_id, username, action, object, detail, address) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {UnixSeconds(at), user, actor.username, std::string(action), std::string(object),
       std::string(detail), actor.address}));
  return Ok();
}

Result<std::vector<AuditEntry>> ReadAudit(store::Transaction& tx, std::int64_t before, int limit) {
  std::vector<AuditEntry> out;
  MUSTER_TRY(tx.Query(
      "SELECT id, at, user_id, username, action, object, detail, address FROM audit_log "
      "WHERE (CAST(? AS BIGINT) = 0 OR id < ?) ORDER BY id DESC LIMIT ?",
      {before, before, std::int64_t{limit}}, [&](const store::Row& r) {
        AuditEntry e;
        e.id = r.Int(0);
        e.at = FromUnixSeconds(r.Int(1));
        if (auto u = r.OptInt(2)) e.user_id = UserId(*u);
        e.username = r.String(3);
        e.action = r.String(4);
        e.object = r.String(5);
        e.detail = r.String(6);
        e.address = r.String(7);
        out.push_back(std::move(e));
        return Ok();
      }));
  return out;
}

Result<std::int64_t> CountAuditSince(store::Transaction& tx, std::string_view action,
                                     std::string_view column, const std::string& key,
                                     Timestamp since) {
  std::string sql = "SELECT COUNT(*) FROM audit_log WHERE action = ? AND at >= ? AND ";
  sql += column == "address" ? "address = ?" : "username = ?";
  MUSTER_ASSIGN(auto n, tx.QueryInt(sql, {std::string(action), UnixSeconds(since), key}));
  return n.value_or(0);
}

Status AuditLog::Record(const Actor& actor, std::string_view action, std::string_view object,
                        std::string_view detail) {
  return store_.Write([&](store::Transaction& tx) {
    return AppendAudit(tx, actor, clock_.Now(), action, object, detail);
  });
}

Result<std::vector<AuditEntry>> AuditLog::Read(const Actor& actor, std::int64_t before, int limit) {
  MUSTER_TRY(Access::Require(actor, {Role::kCityAdmin}, "read the audit log"));
  return store_.Read([&](store::Transaction& tx) { return ReadAudit(tx, before, limit); });
}

}  // namespace muster::app
