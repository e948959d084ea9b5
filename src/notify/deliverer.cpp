#include "notify/deliverer.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "notify/signature.h"

namespace muster::notify {
namespace {

constexpr std::string_view kFanoutCursor = "webhook_fanout";

struct HookFilter {
  app::WebhookId id;
  std::vector<std::string> kinds;
  std::int64_t after = 0;
};

// One notification the fan-out read: its id and kind.
struct Seen {
  std::int64_t id;
  std::string kind;
};

Result<std::vector<HookFilter>> ActiveWebhooks(store::Transaction& tx) {
  std::vector<HookFilter> out;
  MUSTER_TRY(tx.Query("SELECT id, kinds, after_notification_id FROM webhooks WHERE active = 1",
                      [&](const store::Row& r) {
                        out.push_back({app::WebhookId(r.Int(0)), app::ParseKinds(r.Text(1)),
                                       r.Int(2)});
                        return Ok();
                      }));
  return out;
}

Status ReadSeen(store::Transaction& tx, std::string_view sql, std::initializer_list<store::Value> p,
                std::vector<Seen>& out) {
  return tx.Query(sql, p, [&](const store::Row& r) {
    out.push_back({r.Int(0), r.String(1)});
    return Ok();
  });
}

Status SaveCursor(store::Transaction& tx, std::int64_t position, Timestamp now) {
  MUSTER_TRY(tx.Exec(
      "INSERT INTO outbox_cursors (name, position, updated_at) VALUES (?, ?, ?) "
      "ON CONFLICT (name) DO UPDATE SET position = excluded.position, "
      "updated_at = excluded.updated_at WHERE outbox_cursors.position < excluded.position",
      {std::string(kFanoutCursor), position, UnixSeconds(now)}));
  return Ok();
}

nlohmann::json OptionalId(std::optional<std::int64_t> v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

// A delivery claimed for one attempt, with what its POST needs.
struct Deliverer::Claim {
  app::DeliveryId id;
  int attempt = 0;  // this attempt's number, 1-based
  Timestamp created_at;
  app::WebhookId webhook;
  std::string url;
  app::WebhookFormat format = app::WebhookFormat::kMuster;
  bool personal_data = false;
  std::string secret_sealed;
  app::StoredNotification notification;
  Recipient recipient;
};

std::string WebhookBody(app::WebhookFormat format, app::DeliveryId delivery, app::WebhookId webhook,
                        int attempt, const app::StoredNotification& n, const Recipient& to) {
  using nlohmann::json;
  std::string text = n.title + (n.body.empty() ? "" : "\n" + n.body);
  if (format == app::WebhookFormat::kChatText) {
    return json{{"msgtype", "text"}, {"text", {{"content", text}}}}.dump(
        -1, ' ', false, json::error_handler_t::replace);
  }
  if (format == app::WebhookFormat::kFeishuText) {
    return json{{"msg_type", "text"}, {"content", {{"text", text}}}}.dump(
        -1, ' ', false, json::error_handler_t::replace);
  }
  json payload = json::parse(n.payload, nullptr, /*allow_exceptions=*/false);
  if (payload.is_discarded()) payload = json::object();
  json recipient = {
      {"member_id", OptionalId(to.member ? std::optional(to.member->value) : std::nullopt)},
      {"user_id", OptionalId(to.user ? std::optional(to.user->value) : std::nullopt)}};
  if (to.name) recipient["name"] = *to.name;
  if (to.phone) recipient["phone"] = *to.phone;
  json body = {{"delivery_id", delivery.value},
               {"webhook_id", webhook.value},
               {"attempt", attempt},
               {"notification",
                {{"id", n.id.value},
                 {"kind", n.kind},
                 {"title", n.title},
                 {"body", n.body},
                 {"payload", payload},
                 {"created_at", FormatRfc3339(n.created_at)}}},
               {"recipient", recipient}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::chrono::seconds Backoff(int attempts, const DelivererOptions& options) {
  std::chrono::seconds wait = options.first_retry;
  for (int i = 1; i < attempts && wait < options.max_backoff; ++i) wait *= 2;
  return std::min(wait, options.max_backoff);
}

Deliverer::Deliverer(store::Store& store, const crypto::Keyring& keys, const Clock& clock,
                     Transport& transport, DelivererOptions options, LogSink log)
    : store_(store),
      keys_(keys),
      clock_(clock),
      transport_(transport),
      options_(options),
      log_(std::move(log)) {
  crypto::InitCrypto();
}

Deliverer::~Deliverer() { Stop(); }

void Deliverer::Log(std::string_view line) const {
  if (log_) log_(line);
}

Result<int> Deliverer::FanOut() {
  Timestamp now = clock_.Now();
  if (!follower_) {
    MUSTER_ASSIGN(auto cursor, store_.Read([&](store::Transaction& tx) {
      return tx.QueryInt("SELECT position FROM outbox_cursors WHERE name = ?",
                         {std::string(kFanoutCursor)});
    }));
    follower_.emplace(cursor.value_or(0), IdFollower::Options{options_.gap_grace});
    persisted_cursor_ = cursor.value_or(-1);
  }
  IdFollower next = *follower_;
  int inserted = 0;
  std::int64_t lost = 0;
  Status s = store_.Write([&](store::Transaction& tx) -> Status {
    next = *follower_;
    inserted = 0;
    MUSTER_ASSIGN(std::vector<HookFilter> hooks, ActiveWebhooks(tx));
    if (hooks.empty()) {
      // Nothing to deliver to: move past everything. A webhook created later starts after the
      // newest notification it can see, so nothing it should receive is skipped here.
      MUSTER_ASSIGN(auto newest, tx.QueryInt("SELECT MAX(id) FROM notifications", {}));
      next.Reset(newest.value_or(0));
    } else {
      std::vector<Seen> fresh, filled;
      MUSTER_TRY(ReadSeen(tx, "SELECT id, kind FROM notifications WHERE id > ? ORDER BY id LIMIT ?",
                          {next.scanned(), std::int64_t{options_.fanout_batch}}, fresh));
      for (const IdFollower::Gap& g : next.gaps()) {
        MUSTER_TRY(ReadSeen(tx, "SELECT id, kind FROM notifications WHERE id BETWEEN ? AND ?",
                            {g.first, g.last}, filled));
      }
      std::vector<std::int64_t> fresh_ids;
      for (const Seen& n : fresh) fresh_ids.push_back(n.id);
      next.Advance(fresh_ids, now);
      for (const Seen& n : filled) next.Fill(n.id);
      fresh.insert(fresh.end(), filled.begin(), filled.end());
      for (const Seen& n : fresh) {
        for (const HookFilter& h : hooks) {
          if (n.id <= h.after || (!h.kinds.empty() && std::find(h.kinds.begin(), h.kinds.end(),
                                                                n.kind) == h.kinds.end())) {
            continue;
          }
          MUSTER_ASSIGN(std::int64_t added,
                        tx.Exec("INSERT INTO webhook_deliveries (webhook_id, notification_id, "
                                "status, attempts, created_at, next_attempt_at) "
                                "VALUES (?, ?, 'pending', 0, ?, ?) "
                                "ON CONFLICT (webhook_id, notification_id) DO NOTHING",
                                {h.id.value, n.id, UnixSeconds(now), UnixSeconds(now)}));
          inserted += static_cast<int>(added);
        }
      }
    }
    lost = next.Expire(now);
    if (next.settled() > persisted_cursor_) MUSTER_TRY(SaveCursor(tx, next.settled(), now));
    return Ok();
  });
  if (!s.ok()) return std::move(s).error();
  if (lost > 0) {
    Log("notify: gave up waiting for " + std::to_string(lost) + " notification id(s) below " +
        std::to_string(next.scanned()) + " (rolled back, or committed too late)");
  }
  follower_ = std::move(next);
  persisted_cursor_ = std::max(persisted_cursor_, follower_->settled());
  return inserted;
}

Result<std::vector<Deliverer::Claim>> Deliverer::DueOf(store::Transaction& tx, app::WebhookId hook,
                                                       Timestamp now, int limit) {
  std::vector<Claim> due;
  MUSTER_TRY(tx.Query(
      "SELECT d.id, d.attempts, d.created_at, w.id, w.url, w.format, w.personal_data, "
      "w.secret_sealed, n.id, n.member_id, n.user_id, n.kind, n.title, n.body, n.payload, "
      "n.created_at FROM webhook_deliveries d "
      "JOIN webhooks w ON w.id = d.webhook_id JOIN notifications n ON n.id = d.notification_id "
      "WHERE d.webhook_id = ? AND d.status = 'pending' AND d.next_attempt_at <= ? "
      "AND (d.claimed_until IS NULL OR d.claimed_until <= ?) "
      "ORDER BY d.next_attempt_at, d.id LIMIT ?",
      {hook.value, UnixSeconds(now), UnixSeconds(now), std::int64_t{limit}},
      [&](const store::Row& r) {
        Claim c;
        c.id = app::DeliveryId(r.Int(0));
        c.attempt = static_cast<int>(r.Int(1)) + 1;
        c.created_at = FromUnixSeconds(r.Int(2));
        c.webhook = app::WebhookId(r.Int(3));
        c.url = r.String(4);
        c.format = app::ParseWebhookFormat(r.Text(5)).value_or(app::WebhookFormat::kMuster);
        c.personal_data = r.Int(6) != 0;
        c.secret_sealed = r.String(7);
        app::StoredNotification& n = c.notification;
        n.id = app::NotificationId(r.Int(8));
        if (auto m = r.OptInt(9)) n.member = c.recipient.member = MemberId(*m);
        if (auto u = r.OptInt(10)) n.user = c.recipient.user = UserId(*u);
        n.kind = r.String(11);
        n.title = r.String(12);
        n.body = r.String(13);
        n.payload = r.String(14);
        n.created_at = FromUnixSeconds(r.Int(15));
        due.push_back(std::move(c));
        return Ok();
      }));
  return due;
}

Result<bool> Deliverer::Lease(store::Transaction& tx, Claim& c, Timestamp now,
                              const std::string& token) {
  // Attempts are counted when claimed, so a process dying mid-attempt still uses one up.
  if (c.attempt > options_.max_attempts || now - c.created_at >= options_.max_age) {
    MUSTER_TRY(tx.Exec("UPDATE webhook_deliveries SET status = 'failed', last_error = ?, "
                       "claimed_until = NULL, claim_token = NULL WHERE id = ?",
                       {"gave up after " + std::to_string(c.attempt - 1) + " attempts",
                        c.id.value}));
    return false;
  }
  MUSTER_TRY(tx.Exec("UPDATE webhook_deliveries SET attempts = attempts + 1, claimed_until = ?, "
                     "claim_token = ?, last_attempt_at = ? WHERE id = ?",
                     {UnixSeconds(now + options_.lease), token, UnixSeconds(now), c.id.value}));
  if (c.personal_data && c.recipient.member) {
    MUSTER_TRY(tx.Query("SELECT name, phone FROM members WHERE id = ?",
                        {c.recipient.member->value}, [&](const store::Row& r) {
                          c.recipient.name = r.String(0);
                          c.recipient.phone = r.String(1);
                          return Ok();
                        }));
  } else if (c.personal_data && c.recipient.user) {
    MUSTER_TRY(tx.Query("SELECT username FROM users WHERE id = ?", {c.recipient.user->value},
                        [&](const store::Row& r) {
                          c.recipient.name = r.String(0);
                          return Ok();
                        }));
  }
  return true;
}

Result<std::vector<Deliverer::Claim>> Deliverer::ClaimDue(Timestamp now, const std::string& token,
                                                          bool& more_due) {
  std::size_t first_hook = next_hook_++;
  return store_.Write([&](store::Transaction& tx) -> Result<std::vector<Claim>> {
    more_due = false;
    std::vector<app::WebhookId> hooks;
    MUSTER_TRY(tx.Query("SELECT id FROM webhooks WHERE active = 1 ORDER BY id",
                        [&](const store::Row& r) {
                          hooks.emplace_back(r.Int(0));
                          return Ok();
                        }));
    std::vector<Claim> claimed;
    // Each webhook gets at most per_webhook_batch, starting from another webhook each pass, so
    // that one with a backlog or a receiver that hangs cannot starve the others.
    for (std::size_t i = 0; i < hooks.size(); ++i) {
      int room = std::min(options_.per_webhook_batch,
                          options_.claim_batch - static_cast<int>(claimed.size()));
      if (room <= 0) {
        more_due = true;
        break;
      }
      MUSTER_ASSIGN(std::vector<Claim> due,
                    DueOf(tx, hooks[(first_hook + i) % hooks.size()], now, room + 1));
      if (static_cast<int>(due.size()) > room) {
        more_due = true;
        due.pop_back();
      }
      for (Claim& c : due) {
        MUSTER_ASSIGN(bool leased, Lease(tx, c, now, token));
        if (leased) claimed.push_back(std::move(c));
      }
    }
    return claimed;
  });
}

PostRequest Deliverer::BuildRequest(const Claim& c, Timestamp now) const {
  PostRequest req;
  req.url = c.url;
  req.body = WebhookBody(c.format, c.id, c.webhook, c.attempt, c.notification, c.recipient);
  std::int64_t ts = UnixSeconds(now);
  req.headers = {{"X-Muster-Delivery", std::to_string(c.id.value)},
                 {"X-Muster-Event", c.notification.kind},
                 {"X-Muster-Attempt", std::to_string(c.attempt)},
                 {std::string(kTimestampHeader), std::to_string(ts)}};
  auto secret = keys_.Open(c.secret_sealed);
  if (secret.ok()) {
    req.headers.emplace_back(std::string(kSignatureHeader), SignWebhook(*secret, ts, req.body));
  }
  return req;
}

Status Deliverer::Record(const std::vector<Claim>& claims, const std::vector<PostResult>& results,
                         const std::string& token, DeliveryPass& pass) {
  Timestamp now = clock_.Now();
  DeliveryPass counted;
  Status s = store_.Write([&](store::Transaction& tx) -> Status {
    counted = DeliveryPass{};
    for (std::size_t i = 0; i < claims.size(); ++i) {
      const Claim& c = claims[i];
      const PostResult& r = results[i];
      store::Value status_code = r.status > 0 ? store::Value(std::int64_t{r.status}) : store::Null();
      if (r.ok()) {
        MUSTER_TRY(tx.Exec(
            "UPDATE webhook_deliveries SET status = 'delivered', delivered_at = ?, last_status = ?, "
            "last_error = NULL, claimed_until = NULL, claim_token = NULL "
            "WHERE id = ? AND claim_token = ? AND status = 'pending'",
            {UnixSeconds(now), status_code, c.id.value, token}));
        ++counted.delivered;
        continue;
      }
      std::chrono::seconds wait = Backoff(c.attempt, options_);
      if (r.retry_after) wait = std::max(wait, std::min(*r.retry_after, options_.max_backoff));
      Timestamp next = now + wait;
      bool give_up = c.attempt >= options_.max_attempts || next - c.created_at > options_.max_age;
      MUSTER_TRY(tx.Exec(
          "UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, last_status = ?, "
          "last_error = ?, claimed_until = NULL, claim_token = NULL "
          "WHERE id = ? AND claim_token = ? AND status = 'pending'",
          {std::string(give_up ? "failed" : "pending"), UnixSeconds(next), status_code,
           r.error.substr(0, 500), c.id.value, token}));
      ++(give_up ? counted.failed : counted.retrying);
    }
    return Ok();
  });
  if (!s.ok()) return s;
  pass.delivered += counted.delivered;
  pass.retrying += counted.retrying;
  pass.failed += counted.failed;
  return Ok();
}

Result<DeliveryPass> Deliverer::RunOnce() {
  DeliveryPass pass;
  MUSTER_ASSIGN(pass.fanned_out, FanOut());
  Timestamp now = clock_.Now();
  std::string token = crypto::Hex(crypto::RandomBytes(12));
  MUSTER_ASSIGN(std::vector<Claim> claims, ClaimDue(now, token, pass.more_due));
  if (claims.empty()) return pass;
  std::vector<PostRequest> requests;
  requests.reserve(claims.size());
  for (const Claim& c : claims) requests.push_back(BuildRequest(c, now));
  std::vector<PostResult> results = transport_.PostAll(requests);
  results.resize(claims.size());
  for (std::size_t i = 0; i < claims.size(); ++i) {
    bool signed_ok = std::any_of(requests[i].headers.begin(), requests[i].headers.end(),
                                 [](const auto& h) { return h.first == kSignatureHeader; });
    if (!signed_ok) {
      // The secret did not open (the data key changed): the receiver would refuse the body.
      results[i] = PostResult{0, "cannot open the webhook secret with this data key", {}};
    }
  }
  pass.attempted = static_cast<int>(claims.size());
  MUSTER_TRY(Record(claims, results, token, pass));
  return pass;
}

void Deliverer::Start() {
  std::lock_guard lock(mu_);
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Deliverer::Wake() {
  {
    std::lock_guard lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

void Deliverer::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Deliverer::Loop() {
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      wake_ = false;
    }
    auto pass = RunOnce();
    bool more = false;
    if (!pass.ok()) {
      Log("notify: delivery pass failed: " + pass.error().ToString());
    } else {
      more = pass->more_due || pass->fanned_out > 0;
    }
    std::unique_lock lock(mu_);
    if (!more) {
      cv_.wait_for(lock, options_.poll_interval, [this] { return wake_ || stopping_; });
    }
  }
}

}  // namespace muster::notify
