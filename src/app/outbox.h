#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/ids.h"
#include "base/result.h"
#include "base/time.h"
#include "store/transaction.h"

namespace muster::app {

// A message for one person: a volunteer (reached through his member record: the account of role
// volunteer whose scope is that member reads it) or an account (coordinators, administrators).
// Title and body are in Simplified Chinese, the city's language; `payload` is JSON with the ids a
// client needs to render it in another language or to link to the object.
struct Notification {
  std::optional<MemberId> member;
  std::optional<UserId> user;
  std::string kind;  // call, promoted, assigned, reminder, escalated, routed, checkin_flagged...
  std::string title;
  std::string body;
  std::string payload = "{}";
};

// Writes a notification into the outbox, in the caller's transaction: it exists exactly when the
// change that causes it commits. Delivery (in-app, webhooks) reads the outbox afterwards.
Status Notify(store::Transaction& tx, Timestamp now, const Notification& n);

// Writes an event for live pages (server-sent events) into the outbox, in the caller's
// transaction. `kind` is the event name the web interface listens to (checkin, signup,
// shift_updated, request_posted, request_escalated, mode_changed, call_sent...); `payload` JSON.
Status PublishEvent(store::Transaction& tx, Timestamp now, std::string_view kind,
                    std::string_view payload = "{}");

// The event a logout writes, {"session": "<token digest>"}: not for pages, but for every server
// process to close the streams the session opened.
inline constexpr std::string_view kSessionEndedEvent = "session_ended";

}  // namespace muster::app
