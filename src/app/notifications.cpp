#include "app/notifications.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "app/audit.h"
#include "base/validate.h"

namespace muster::app {
namespace {

constexpr std::size_t kMaxUrlBytes = 2048;
constexpr std::size_t kMaxKinds = 64;
constexpr std::size_t kMinSecretBytes = 16;
constexpr std::size_t kMaxSecretBytes = 256;

constexpr std::string_view kNotificationColumns =
    "id, member_id, user_id, kind, title, body, payload, created_at, read_at";

// The condition "addressed to the actor" over notifications; binds the two values of MineParams.
constexpr std::string_view kMine = "(user_id = ? OR member_id = ?)";

std::vector<store::Value> MineParams(const Actor& a) {
  // Ids are positive, so 0 matches nothing: the system actor and non-volunteers own no member's
  // notifications.
  std::int64_t member = a.role == Role::kVolunteer ? a.scope_id : 0;
  return {a.user_id.value, member};
}

StoredNotification ReadNotification(const store::Row& r) {
  StoredNotification n;
  n.id = NotificationId(r.Int(0));
  if (auto m = r.OptInt(1)) n.member = MemberId(*m);
  if (auto u = r.OptInt(2)) n.user = UserId(*u);
  n.kind = r.String(3);
  n.title = r.String(4);
  n.body = r.String(5);
  n.payload = r.String(6);
  n.created_at = FromUnixSeconds(r.Int(7));
  if (auto t = r.OptInt(8)) n.read_at = FromUnixSeconds(*t);
  return n;
}

Result<std::optional<StoredNotification>> FindMine(store::Transaction& tx, const Actor& a,
                                                   NotificationId id) {
  std::vector<store::Value> params = MineParams(a);
  params.insert(params.begin(), id.value);
  std::optional<StoredNotification> out;
  MUSTER_TRY(tx.QueryV("SELECT " + std::string(kNotificationColumns) +
                           " FROM notifications WHERE id = ? AND " + std::string(kMine),
                       params, [&](const store::Row& r) {
                         out = ReadNotification(r);
                         return Ok();
                       }));
  return out;
}

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host.starts_with("127.") || host == "[::1]";
}

// Splits "scheme://authority/..." and returns the authority's host and whether it is https.
struct UrlParts {
  bool https = false;
  std::string host;
};

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Whether every character of `text` is one `pred` accepts or one of `also`.
template <typename Pred>
bool AllOf(std::string_view text, Pred pred, std::string_view also) {
  return std::all_of(text.begin(), text.end(), [&](char c) {
    return pred(static_cast<unsigned char>(c)) != 0 || also.find(c) != std::string_view::npos;
  });
}

int IsHexDigit(unsigned char c) { return std::isxdigit(c); }
int IsAlnum(unsigned char c) { return std::isalnum(c); }
int IsDigit(unsigned char c) { return std::isdigit(c); }

// Checks "host[:port]" or "[IPv6][:port]"; returns the host, lower-cased.
Result<std::string> CheckAuthority(std::string_view authority, const std::string& f) {
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (authority.starts_with("[")) {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos || close < 2 ||
        !AllOf(authority.substr(1, close - 1), IsHexDigit, ":.")) {
      return Invalid(f, "malformed IPv6 address", "url_host");
    }
    host = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return Invalid(f, "malformed host", "url_host");
    has_port = !after.empty();
    if (has_port) port = after.substr(1);
  } else {
    std::size_t colon = authority.find(':');
    has_port = colon != std::string_view::npos;
    if (has_port) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    if (host.empty()) return Invalid(f, "the URL names no host", "url_host");
    if (!AllOf(host, IsAlnum, ".-")) {
      return Invalid(f, "the host may hold letters, digits, dots and hyphens (punycode for other "
                        "scripts)", "url_host");
    }
  }
  if (has_port) {
    bool digits = !port.empty() && port.size() <= 5 && AllOf(port, IsDigit, "");
    int n = digits ? std::stoi(std::string(port)) : 0;
    if (n < 1 || n > 65535) return Invalid(f, "the port must be 1-65535", "url_port");
  }
  return Lower(host);
}

Result<UrlParts> ParseWebhookUrl(std::string_view url, std::string_view field) {
  const std::string f(field);
  if (url.empty()) return Invalid(f, "a webhook needs a URL", "url_missing");
  if (url.size() > kMaxUrlBytes) return Invalid(f, "longer than 2048 characters", "url_length");
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f) {
      return Invalid(f, "spaces, control and non-ASCII characters must be percent-encoded",
                     "url_characters");
    }
  }
  UrlParts parts;
  std::string lower = Lower(url.substr(0, std::min<std::size_t>(url.size(), 8)));
  std::string_view rest;
  if (lower.starts_with("https://")) {
    parts.https = true;
    rest = url.substr(8);
  } else if (lower.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return Invalid(f, "must start with http:// or https://", "url_scheme");
  }
  if (rest.find('#') != std::string_view::npos) {
    return Invalid(f, "a webhook URL has no fragment (#)", "url_fragment");
  }
  std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  if (authority.find('@') != std::string_view::npos) {
    return Invalid(f, "credentials do not belong in the URL; receivers check the signature",
                   "url_credentials");
  }
  MUSTER_ASSIGN(parts.host, CheckAuthority(authority, f));
  return parts;
}

Result<std::vector<std::string>> CheckKinds(const std::vector<std::string>& kinds) {
  if (kinds.size() > kMaxKinds) return Invalid("kinds", "at most 64 kinds", "kinds_count");
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    const std::string& k = kinds[i];
    bool ok = !k.empty() && k.size() <= 64 && std::all_of(k.begin(), k.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
              });
    if (!ok) {
      return Invalid("kinds[" + std::to_string(i) + "]",
                     "a kind is 1-64 lowercase letters, digits or underscores", "kind");
    }
    if (seen.insert(k).second) out.push_back(k);
  }
  return out;
}

Status RequireCity(const Actor& a, std::string_view what) {
  return Access::Require(a, {Role::kCityAdmin}, what);
}

Result<std::optional<Webhook>> FindWebhook(store::Transaction& tx, WebhookId id) {
  std::optional<Webhook> out;
  MUSTER_TRY(tx.Query("SELECT " + std::string(kWebhookColumns) + " FROM webhooks WHERE id = ?",
                      {id.value}, [&](const store::Row& r) {
                        out = ReadWebhook(r);
                        return Ok();
                      }));
  return out;
}

}  // namespace

std::string_view Name(WebhookFormat f) {
  switch (f) {
    case WebhookFormat::kMuster: return "muster";
    case WebhookFormat::kChatText: return "chat_text";
    case WebhookFormat::kFeishuText: return "feishu_text";
  }
  return "muster";
}

Result<WebhookFormat> ParseWebhookFormat(std::string_view s, std::string_view field) {
  if (s == "muster") return WebhookFormat::kMuster;
  if (s == "chat_text") return WebhookFormat::kChatText;
  if (s == "feishu_text") return WebhookFormat::kFeishuText;
  return Invalid(std::string(field), "must be muster, chat_text or feishu_text", "enum");
}

std::string_view Name(DeliveryStatus s) {
  switch (s) {
    case DeliveryStatus::kPending: return "pending";
    case DeliveryStatus::kDelivered: return "delivered";
    case DeliveryStatus::kFailed: return "failed";
  }
  return "pending";
}

Result<DeliveryStatus> ParseDeliveryStatus(std::string_view s, std::string_view field) {
  if (s == "pending") return DeliveryStatus::kPending;
  if (s == "delivered") return DeliveryStatus::kDelivered;
  if (s == "failed") return DeliveryStatus::kFailed;
  return Invalid(std::string(field), "must be pending, delivered or failed", "enum");
}

bool Webhook::Accepts(std::string_view kind) const {
  return kinds.empty() || std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

Status ValidateWebhookUrl(std::string_view url, std::string_view field) {
  MUSTER_TRY(ParseWebhookUrl(url, field));
  return Ok();
}

std::vector<std::string> ParseKinds(std::string_view json_text) {
  std::vector<std::string> out;
  nlohmann::json j = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return out;
  for (const auto& k : j) {
    if (k.is_string()) out.push_back(k.get<std::string>());
  }
  return out;
}

Webhook ReadWebhook(const store::Row& r, std::string* secret_sealed) {
  Webhook w;
  w.id = WebhookId(r.Int(0));
  w.name = r.String(1);
  w.url = r.String(2);
  w.kinds = ParseKinds(r.Text(3));
  w.format = ParseWebhookFormat(r.Text(4)).value_or(WebhookFormat::kMuster);
  w.personal_data = r.Int(5) != 0;
  w.active = r.Int(6) != 0;
  w.after = NotificationId(r.Int(7));
  w.created_at = FromUnixSeconds(r.Int(8));
  if (auto t = r.OptInt(9)) w.disabled_at = FromUnixSeconds(*t);
  if (secret_sealed != nullptr) *secret_sealed = r.String(10);
  return w;
}

Result<std::vector<StoredNotification>> Notifications::ListMine(const Actor& a, store::Page page,
                                                                bool unread_only) const {
  std::string sql = "SELECT " + std::string(kNotificationColumns) + " FROM notifications WHERE " +
                    std::string(kMine) + " AND (CAST(? AS BIGINT) = 0 OR id < ?)";
  if (unread_only) sql += " AND read_at IS NULL";
  sql += " ORDER BY id DESC LIMIT ?";
  std::vector<store::Value> params = MineParams(a);
  params.insert(params.end(), {page.after, page.after, std::int64_t{page.limit}});
  return store_.Read([&](store::Transaction& tx) -> Result<std::vector<StoredNotification>> {
    std::vector<StoredNotification> out;
    MUSTER_TRY(tx.QueryV(sql, params, [&](const store::Row& r) {
      out.push_back(ReadNotification(r));
      return Ok();
    }));
    return out;
  });
}

Result<std::int64_t> Notifications::UnreadCount(const Actor& a) const {
  return store_.Read([&](store::Transaction& tx) -> Result<std::int64_t> {
    std::int64_t n = 0;
    MUSTER_TRY(tx.QueryV("SELECT COUNT(*) FROM notifications WHERE " + std::string(kMine) +
                             " AND read_at IS NULL",
                         MineParams(a), [&](const store::Row& r) {
                           n = r.Int(0);
                           return Ok();
                         }));
    return n;
  });
}

Result<StoredNotification> Notifications::MarkRead(const Actor& a, NotificationId id) {
  return store_.Write([&](store::Transaction& tx) -> Result<StoredNotification> {
    MUSTER_ASSIGN(auto found, FindMine(tx, a, id));
    if (!found) return NotFound("no such notification");
    if (!found->read_at) {
      Timestamp now = clock_.Now();
      MUSTER_TRY(tx.Exec("UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL",
                         {UnixSeconds(now), id.value}));
      found->read_at = now;
    }
    return *found;
  });
}

Result<std::int64_t> Notifications::MarkAllRead(const Actor& a) {
  std::vector<store::Value> params = MineParams(a);
  params.insert(params.begin(), UnixSeconds(clock_.Now()));
  return store_.Write([&](store::Transaction& tx) -> Result<std::int64_t> {
    return tx.ExecV("UPDATE notifications SET read_at = ? WHERE " + std::string(kMine) +
                        " AND read_at IS NULL",
                    params);
  });
}

Result<CreatedWebhook> Notifications::CreateWebhook(const Actor& a, const NewWebhook& in) {
  MUSTER_TRY(RequireCity(a, "configure webhooks"));
  MUSTER_ASSIGN(std::string name, NormalizeName(in.name, "name"));
  MUSTER_ASSIGN(UrlParts url, ParseWebhookUrl(in.url, "url"));
  if (in.personal_data && !url.https && !IsLoopbackHost(url.host)) {
    return Invalid("include_personal_data",
                   "personal data goes only to https URLs (or to this machine)",
                   "personal_data_https");
  }
  MUSTER_ASSIGN(std::vector<std::string> kinds, CheckKinds(in.kinds));
  std::string secret;
  if (in.secret) {
    if (in.secret->size() < kMinSecretBytes || in.secret->size() > kMaxSecretBytes) {
      return Invalid("secret", "a secret has 16-256 characters", "secret_length");
    }
    secret = *in.secret;
  } else {
    secret = crypto::Base64Url(crypto::RandomBytes(32));
  }
  std::string sealed = keys_.Seal(secret);
  std::string kinds_json = nlohmann::json(kinds).dump();
  Timestamp now = clock_.Now();
  store::Value created_by = a.user_id.valid() ? store::Value(a.user_id.value) : store::Null();
  return store_.Write([&](store::Transaction& tx) -> Result<CreatedWebhook> {
    MUSTER_ASSIGN(auto last, tx.QueryInt("SELECT MAX(id) FROM notifications", {}));
    MUSTER_ASSIGN(std::int64_t id,
                  tx.InsertReturningId(
                      "INSERT INTO webhooks (name, url, kinds, format, secret_sealed, "
                      "personal_data, active, after_notification_id, created_by, created_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id",
                      {name, in.url, kinds_json, std::string(Name(in.format)), sealed,
                       std::int64_t{in.personal_data ? 1 : 0}, last.value_or(0), created_by,
                       UnixSeconds(now)}));
    MUSTER_TRY(AppendAudit(tx, a, now, "webhook_created", "webhook/" + std::to_string(id),
                           in.personal_data ? "personal_data" : ""));
    MUSTER_ASSIGN(auto hook, FindWebhook(tx, WebhookId(id)));
    if (!hook) return Internal("webhook vanished after insert");
    return CreatedWebhook{*hook, secret};
  });
}

Result<std::vector<Webhook>> Notifications::ListWebhooks(const Actor& a, store::Page page) const {
  MUSTER_TRY(RequireCity(a, "read webhooks"));
  return store_.Read([&](store::Transaction& tx) -> Result<std::vector<Webhook>> {
    std::vector<Webhook> out;
    MUSTER_TRY(tx.Query("SELECT " + std::string(kWebhookColumns) +
                            " FROM webhooks WHERE id > ? ORDER BY id LIMIT ?",
                        {page.after, std::int64_t{page.limit}}, [&](const store::Row& r) {
                          out.push_back(ReadWebhook(r));
                          return Ok();
                        }));
    return out;
  });
}

Result<Webhook> Notifications::DisableWebhook(const Actor& a, WebhookId id) {
  MUSTER_TRY(RequireCity(a, "configure webhooks"));
  Timestamp now = clock_.Now();
  return store_.Write([&](store::Transaction& tx) -> Result<Webhook> {
    MUSTER_ASSIGN(auto hook, FindWebhook(tx, id));
    if (!hook) return NotFound("no such webhook");
    if (!hook->active) return *hook;
    MUSTER_TRY(tx.Exec("UPDATE webhooks SET active = 0, disabled_at = ? WHERE id = ?",
                       {UnixSeconds(now), id.value}));
    MUSTER_TRY(tx.Exec(
        "UPDATE webhook_deliveries SET status = 'failed', last_error = 'webhook disabled', "
        "claimed_until = NULL, claim_token = NULL WHERE webhook_id = ? AND status = 'pending'",
        {id.value}));
    MUSTER_TRY(AppendAudit(tx, a, now, "webhook_disabled", "webhook/" + std::to_string(id.value)));
    hook->active = false;
    hook->disabled_at = now;
    return *hook;
  });
}

Result<std::vector<Delivery>> Notifications::ListDeliveries(const Actor& a, WebhookId webhook,
                                                            std::optional<DeliveryStatus> status,
                                                            store::Page page) const {
  MUSTER_TRY(RequireCity(a, "read webhook deliveries"));
  std::string sql =
      "SELECT d.id, d.webhook_id, d.notification_id, n.kind, d.status, d.attempts, d.created_at, "
      "d.next_attempt_at, d.last_attempt_at, d.last_status, d.last_error, d.delivered_at "
      "FROM webhook_deliveries d JOIN notifications n ON n.id = d.notification_id "
      "WHERE d.webhook_id = ? AND (CAST(? AS BIGINT) = 0 OR d.id < ?)";
  std::vector<store::Value> params;
  params.reserve(5);
  params.emplace_back(webhook.value);
  params.emplace_back(page.after);
  params.emplace_back(page.after);
  if (status) {
    sql += " AND d.status = ?";
    params.emplace_back(std::string(Name(*status)));
  }
  sql += " ORDER BY d.id DESC LIMIT ?";
  params.emplace_back(std::int64_t{page.limit});
  return store_.Read([&](store::Transaction& tx) -> Result<std::vector<Delivery>> {
    MUSTER_ASSIGN(auto hook, FindWebhook(tx, webhook));
    if (!hook) return NotFound("no such webhook");
    std::vector<Delivery> out;
    MUSTER_TRY(tx.QueryV(sql, params, [&](const store::Row& r) {
      Delivery d;
      d.id = DeliveryId(r.Int(0));
      d.webhook = WebhookId(r.Int(1));
      d.notification = NotificationId(r.Int(2));
      d.kind = r.String(3);
      d.status = ParseDeliveryStatus(r.Text(4)).value_or(DeliveryStatus::kPending);
      d.attempts = static_cast<int>(r.Int(5));
      d.created_at = FromUnixSeconds(r.Int(6));
      if (d.status == DeliveryStatus::kPending) d.next_attempt_at = FromUnixSeconds(r.Int(7));
      if (auto t = r.OptInt(8)) d.last_attempt_at = FromUnixSeconds(*t);
      if (auto s = r.OptInt(9)) d.last_status = static_cast<int>(*s);
      if (!r.IsNull(10)) d.last_error = r.String(10);
      if (auto t = r.OptInt(11)) d.delivered_at = FromUnixSeconds(*t);
      out.push_back(std::move(d));
      return Ok();
    }));
    return out;
  });
}

}  // namespace muster::app
