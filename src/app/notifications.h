#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/access.h"
#include "base/clock.h"
#include "base/ids.h"
#include "base/result.h"
#include "crypto/keyring.h"
#include "store/registry_repo.h"
#include "store/store.h"

namespace muster::app {

using NotificationId = Id<struct NotificationTag>;
using WebhookId = Id<struct WebhookTag>;
using DeliveryId = Id<struct DeliveryTag>;

// A notification as it rests in the outbox (see app/outbox.h), with its read state.
struct StoredNotification {
  NotificationId id;
  std::optional<MemberId> member;
  std::optional<UserId> user;
  std::string kind;
  std::string title;
  std::string body;
  std::string payload;  // JSON text
  Timestamp created_at;
  std::optional<Timestamp> read_at;
};

// The body a webhook receives: Muster's own JSON (docs/notifications.md), or the text message
// of enterprise chat robots: {"msgtype": "text", "text": {"content"}} (WeCom, DingTalk), or
// {"msg_type": "text", "content": {"text"}} (Feishu).
enum class WebhookFormat { kMuster, kChatText, kFeishuText };

std::string_view Name(WebhookFormat f);
Result<WebhookFormat> ParseWebhookFormat(std::string_view s, std::string_view field = "format");

// A configured receiver of notifications. The secret is never part of this value: it is shown
// once, when the webhook is created, and rests sealed with the data key.
struct Webhook {
  WebhookId id;
  std::string name;
  std::string url;
  // The notification kinds delivered; empty: every kind.
  std::vector<std::string> kinds;
  WebhookFormat format = WebhookFormat::kMuster;
  // Whether the recipient's name and full mobile number go out (SMS gateways need them).
  bool personal_data = false;
  bool active = true;
  // Notifications with ids up to this one predate the webhook and are not delivered to it.
  NotificationId after;
  Timestamp created_at;
  std::optional<Timestamp> disabled_at;

  // Returns whether notifications of `kind` go to this webhook.
  bool Accepts(std::string_view kind) const;
};

struct NewWebhook {
  std::string name;
  std::string url;
  std::vector<std::string> kinds;
  WebhookFormat format = WebhookFormat::kMuster;
  bool personal_data = false;
  // The HMAC key receivers verify signatures with (16-256 characters); generated when absent.
  std::optional<std::string> secret;
};

// What creating a webhook answers: the webhook and its secret, shown this once.
struct CreatedWebhook {
  Webhook webhook;
  std::string secret;
};

enum class DeliveryStatus { kPending, kDelivered, kFailed };

std::string_view Name(DeliveryStatus s);
Result<DeliveryStatus> ParseDeliveryStatus(std::string_view s, std::string_view field = "status");

// The record of one notification's delivery to one webhook.
struct Delivery {
  DeliveryId id;
  WebhookId webhook;
  NotificationId notification;
  std::string kind;
  DeliveryStatus status = DeliveryStatus::kPending;
  int attempts = 0;
  Timestamp created_at;
  std::optional<Timestamp> next_attempt_at;  // pending only
  std::optional<Timestamp> last_attempt_at;
  std::optional<int> last_status;  // HTTP status of the last answer; none when none came
  std::string last_error;
  std::optional<Timestamp> delivered_at;
};

// Checks a webhook URL: http or https, a host, an optional port 1-65535, at most 2048
// characters, no credentials, spaces or control characters. Errors name `field`.
Status ValidateWebhookUrl(std::string_view url, std::string_view field = "url");

// Parses the stored kinds filter (a JSON array of strings); a damaged one reads as empty.
std::vector<std::string> ParseKinds(std::string_view json_text);

// Reads one webhook row selected with kWebhookColumns; `secret_sealed` receives the sealed
// secret when given.
inline constexpr std::string_view kWebhookColumns =
    "id, name, url, kinds, format, personal_data, active, after_notification_id, created_at, "
    "disabled_at, secret_sealed";
Webhook ReadWebhook(const store::Row& r, std::string* secret_sealed = nullptr);

// In-app notifications for the signed-in person, and the city administrator's webhook
// configuration and delivery records. A notification is the actor's when it is addressed to his
// account, or, for a volunteer, to the member record his account stands for; anything else
// answers not_found. Thread-safe (state lives in the store).
class Notifications {
 public:
  Notifications(store::Store& store, const crypto::Keyring& keys, const Clock& clock)
      : store_(store), keys_(keys), clock_(clock) {}

  // Returns the actor's notifications, newest first: those with id below `page.after` (0: from
  // the newest), at most `page.limit`; only unread ones with `unread_only`.
  Result<std::vector<StoredNotification>> ListMine(const Actor& a, store::Page page,
                                                   bool unread_only) const;
  // Returns how many of the actor's notifications are unread.
  Result<std::int64_t> UnreadCount(const Actor& a) const;
  // Marks one of the actor's notifications read (a second call keeps the first time) and returns
  // it; not_found when it is not his.
  Result<StoredNotification> MarkRead(const Actor& a, NotificationId id);
  // Marks every unread notification of the actor read; returns how many changed.
  Result<std::int64_t> MarkAllRead(const Actor& a);

  // Creates a webhook (city administrator). It receives notifications created from now on.
  Result<CreatedWebhook> CreateWebhook(const Actor& a, const NewWebhook& in);
  // Lists webhooks in id order (city administrator).
  Result<std::vector<Webhook>> ListWebhooks(const Actor& a, store::Page page) const;
  // Disables a webhook (city administrator): nothing more is sent to it and its pending
  // deliveries are recorded failed. Idempotent.
  Result<Webhook> DisableWebhook(const Actor& a, WebhookId id);
  // Lists the delivery records of a webhook, newest first (id below `page.after`; 0: from the
  // newest), optionally of one status (city administrator).
  Result<std::vector<Delivery>> ListDeliveries(const Actor& a, WebhookId webhook,
                                               std::optional<DeliveryStatus> status,
                                               store::Page page) const;

 private:
  store::Store& store_;
  const crypto::Keyring& keys_;
  const Clock& clock_;
};

}  // namespace muster::app
