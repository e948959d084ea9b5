#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/clock.h"
#include "base/result.h"
#include "notify/id_follower.h"
#include "notify/log_sink.h"
#include "store/store.h"

namespace muster::notify {

// One event for live pages, read from the outbox.
struct LiveEvent {
  // The name clients listen for: an `events` row's kind (checkin, signup, shift_updated...), or
  // "notification" for a new notification.
  std::string kind;
  // JSON. For "notification": {"id", "kind", "title"} of the notification.
  std::string payload;
  // Empty for events every signed-in user may receive; "user:<id>" or "member:<id>" for a
  // notification, which only its recipient may receive.
  std::string topic;
};

// Follows the outbox's `events` table and new notifications by id (IdFollower: late commits are
// not lost) and hands each to a callback in id order, so that live pages served by every process
// see every commit, whichever process made it. Starts after the newest rows present at the first
// pass: live pages need what happens from now on, not history.
//
// PollOnce() may be called directly (tests) or by the background thread Start() runs; not both
// at once. Start/Wake/Stop may be called from any thread.
class EventTail {
 public:
  struct Options {
    std::chrono::milliseconds poll_interval{500};
    // Rows read per table per pass.
    int batch = 500;
    std::chrono::seconds gap_grace{60};
  };

  // `store` and `clock` must outlive the tail. `on_event` runs on the thread polling; it must be
  // quick (EventHub::Publish is).
  EventTail(store::Store& store, const Clock& clock, std::function<void(const LiveEvent&)> on_event,
            Options options, LogSink log = nullptr);
  EventTail(store::Store& store, const Clock& clock, std::function<void(const LiveEvent&)> on_event)
      : EventTail(store, clock, std::move(on_event), Options{}) {}
  ~EventTail();
  EventTail(const EventTail&) = delete;
  EventTail& operator=(const EventTail&) = delete;

  // Reads what is new since the last pass and calls on_event for each; returns how many. The
  // first pass only notes where the tables end.
  Result<int> PollOnce();

  // Starts the background thread: a pass every poll_interval or on Wake(). REQUIRES: not started.
  void Start();
  void Wake();
  // Stops the background thread. Idempotent.
  void Stop();

 private:
  void Loop();

  store::Store& store_;
  const Clock& clock_;
  const std::function<void(const LiveEvent&)> on_event_;
  const Options options_;
  const LogSink log_;

  // Owned by the thread running passes.
  std::optional<IdFollower> events_;
  std::optional<IdFollower> notifications_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool wake_ = false;      // GUARDED_BY(mu_)
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace muster::notify
