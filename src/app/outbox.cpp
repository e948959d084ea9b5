#include "app/outbox.h"

namespace muster::app {

Status Notify(store::Transaction& tx, Timestamp now, const Notification& n) {
  store::Value member = n.member ? store::Value(n.member->value) : store::Null();
  store::Value user = n.user ? store::Value(n.user->value) : store::Null();
  MUSTER_TRY(tx.Exec(
      "INSERT INTO notifications (member_id, user_id, kind, title, body, payload, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {member, user, n.kind, n.title, n.body, n.payload, UnixSeconds(now)}));
  return Ok();
}

Status PublishEvent(store::Transaction& tx, Timestamp now, std::string_view kind,
                    std::string_view payload) {
  MUSTER_TRY(tx.Exec("INSERT INTO events (kind, payload, created_at) VALUES (?, ?, ?)",
                 {std::string(kind), std::string(payload), UnixSeconds(now)}));
  return Ok();
}

}  // namespace muster::app
