#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "app/notifications.h"
#include "base/clock.h"
#include "base/result.h"
#include "crypto/keyring.h"
#include "notify/id_follower.h"
#include "notify/log_sink.h"
#include "notify/transport.h"
#include "store/store.h"

namespace muster::notify {

struct DelivererOptions {
  // How often the background thread looks for work when nobody calls Wake().
  std::chrono::milliseconds poll_interval{1000};
  // Notifications read per pass, and deliveries claimed (and sent at once) per pass, of which
  // at most per_webhook_batch go to one webhook, so that a receiver that hangs until the timeout
  // holds up only a few deliveries to the others.
  int fanout_batch = 500;
  int claim_batch = 32;
  int per_webhook_batch = 16;
  // The wait after the first failed attempt; it doubles with each further failure up to
  // max_backoff. A Retry-After answer lengthens the wait (up to max_backoff), never shortens it.
  std::chrono::seconds first_retry{10};
  std::chrono::seconds max_backoff{3600};
  // A delivery is recorded failed after max_attempts attempts, or when its next attempt would
  // come later than max_age after the notification reached the webhook.
  int max_attempts = 60;
  std::chrono::seconds max_age{48 * 3600};
  // How long a claimed delivery belongs to the process that claimed it: if that process dies
  // mid-attempt, another retries after this. Must exceed the transport's total timeout.
  std::chrono::seconds lease{300};
  // How long a notification id skipped by a concurrent transaction is waited for (IdFollower).
  std::chrono::seconds gap_grace{900};
};

// What one pass did.
struct DeliveryPass {
  int fanned_out = 0;  // delivery rows created
  int attempted = 0;   // POSTs made
  int delivered = 0;
  int retrying = 0;    // failed attempts that will be retried
  int failed = 0;      // deliveries given up
  bool more_due = false;  // due deliveries were left for the next pass
};

// The recipient fields a webhook body carries: ids always; the name and full mobile number only
// for webhooks configured with personal data.
struct Recipient {
  std::optional<MemberId> member;
  std::optional<UserId> user;
  std::optional<std::string> name;
  std::optional<std::string> phone;
};

// Returns the JSON body sent to a webhook of `format` for one attempt of one delivery
// (docs/notifications.md describes it).
std::string WebhookBody(app::WebhookFormat format, app::DeliveryId delivery, app::WebhookId webhook,
                        int attempt, const app::StoredNotification& n, const Recipient& to);

// Returns the wait after the `attempts`-th failed attempt (1-based): first_retry doubled
// attempts-1 times, at most max_backoff.
std::chrono::seconds Backoff(int attempts, const DelivererOptions& options);

// Delivers the outbox's notifications to the configured webhooks. Each pass
//   1. fans out: reads notifications newer than its cursor (following late commits, see
//      IdFollower) and records one pending delivery per (active webhook whose kinds match,
//      notification) -- idempotently, so a rerun or a second process adds nothing;
//   2. claims due deliveries in one transaction (counting the attempt and leasing the row), so
//      that of several processes on one PostgreSQL exactly one POSTs each attempt;
//   3. POSTs them, signed (notify/signature.h), and records each outcome: delivered, or the next
//      attempt after an exponential backoff, or failed once the attempts or the time run out.
// All state lives in the database, so a restart resumes where the last process stopped. A
// process that dies between POST and record has its lease expire and the attempt repeated: a
// receiver may see a delivery twice and recognises it by its X-Muster-Delivery id.
//
// RunOnce() may be called directly (tests, with a fake clock) or by the background thread that
// Start() runs; not both at once. Start/Wake/Stop may be called from any thread.
class Deliverer {
 public:
  // `store`, `keys`, `clock` and `transport` must outlive the deliverer.
  Deliverer(store::Store& store, const crypto::Keyring& keys, const Clock& clock,
            Transport& transport, DelivererOptions options = {}, LogSink log = nullptr);
  // Stops the background thread if it runs.
  ~Deliverer();
  Deliverer(const Deliverer&) = delete;
  Deliverer& operator=(const Deliverer&) = delete;

  // Runs one pass (see the class comment): fans out what is new, then claims, sends and records
  // one batch of due deliveries.
  Result<DeliveryPass> RunOnce();

  // Starts the background thread: passes back to back while there is work, else one every
  // poll_interval or on Wake(). REQUIRES: not started.
  void Start();
  // Asks the background thread for a pass now (e.g. after a notification was written).
  void Wake();
  // Stops the background thread, letting a batch in flight finish (bounded by the transport's
  // timeout). Idempotent.
  void Stop();

 private:
  struct Claim;

  Result<int> FanOut();
  // Claims due deliveries; sets `more_due` when some were left for the next pass.
  Result<std::vector<Claim>> ClaimDue(Timestamp now, const std::string& token, bool& more_due);
  // Returns up to `limit` due deliveries of one webhook, oldest due first.
  Result<std::vector<Claim>> DueOf(store::Transaction& tx, app::WebhookId hook, Timestamp now,
                                   int limit);
  // Counts the attempt and leases `c` to this pass (reading the recipient's personal data when
  // the webhook takes it); returns false, recording the delivery failed, when it is exhausted.
  Result<bool> Lease(store::Transaction& tx, Claim& c, Timestamp now, const std::string& token);
  Status Record(const std::vector<Claim>& claims, const std::vector<PostResult>& results,
                const std::string& token, DeliveryPass& pass);
  PostRequest BuildRequest(const Claim& c, Timestamp now) const;
  void Loop();
  void Log(std::string_view line) const;

  store::Store& store_;
  const crypto::Keyring& keys_;
  const Clock& clock_;
  Transport& transport_;
  const DelivererOptions options_;
  const LogSink log_;

  // Owned by the thread running passes.
  std::optional<IdFollower> follower_;
  std::int64_t persisted_cursor_ = -1;
  std::size_t next_hook_ = 0;  // the webhook ClaimDue starts with, in turn

  std::mutex mu_;
  std::condition_variable cv_;
  bool wake_ = false;     // GUARDED_BY(mu_)
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace muster::notify
