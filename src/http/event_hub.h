#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace muster::http {

// One server-sent event.
struct Event {
  // The "event:" name clients listen for ("shift_updated"); empty sends the default "message".
  std::string type;
  // The payload, usually one line of JSON; newlines become several "data:" lines.
  std::string data;
  // Not sent: what subscribers' filters look at (e.g. "street:7") to keep events in scope.
  std::string topic;
};

// Formats `event` with `id` as server-sent event text ("id: 1\nevent: x\ndata: {...}\n\n").
std::string FormatEvent(const Event& event, std::uint64_t id);

// The queue between publishers and one open SSE connection. Publishers push from any thread;
// the server's connection drains it. Bounded: a subscriber that falls `max_queue` events behind is
// closed rather than fed a gap, and its client's EventSource reconnects and reloads its state.
// Thread-safe.
class EventStream {
 public:
  explicit EventStream(std::size_t max_queue, std::function<bool(const Event&)> filter = nullptr,
                       std::string owner = {});

  // Who opened the stream (EventHub::Subscribe), for EventHub::CloseOwnedBy; may be empty.
  const std::string& owner() const { return owner_; }

  // Queues formatted event text unless the stream is closed or the filter refuses `event`.
  // Closes the stream when the queue is full. Returns whether the text was queued.
  bool Push(const Event& event, const std::shared_ptr<const std::string>& text);
  // Returns and removes everything queued, concatenated (empty when nothing is queued).
  std::string TakeAll();
  // Closes the stream: nothing more is queued; the connection ends once it has written the rest.
  void Close();
  bool closed() const;
  // Sets the function called (with no lock held, on the pushing thread) when the queue turns
  // non-empty or the stream closes; the server uses it to wake the connection.
  void SetWaker(std::function<void()> waker);

 private:
  void Wake();

  const std::size_t max_queue_;
  const std::function<bool(const Event&)> filter_;
  const std::string owner_;
  mutable std::mutex mu_;
  std::deque<std::shared_ptr<const std::string>> queue_;  // GUARDED_BY(mu_)
  bool closed_ = false;                                   // GUARDED_BY(mu_)
  std::function<void()> waker_;                           // GUARDED_BY(mu_)
};

// Fans events out to the SSE streams of dashboards. A handler of GET /api/v1/events answers
//   return Response::Stream(hub.Subscribe([scope](const Event& e) { return InScope(scope, e); }));
// and any thread calls hub.Publish(...). Streams end when their client disconnects (the server
// drops them), on overflow, or on CloseAll(). Thread-safe.
class EventHub {
 public:
  struct Options {
    // Events a subscriber may fall behind before it is closed.
    std::size_t max_queue = 256;
  };

  EventHub();
  explicit EventHub(Options options);
  ~EventHub();

  // Returns a new stream receiving the events `filter` accepts (all events when null); the
  // filter runs on the publishing thread and must be thread-safe and quick.
  // `owner` names who opened it (a session), so that CloseOwnedBy can end it.
  std::shared_ptr<EventStream> Subscribe(std::function<bool(const Event&)> filter = nullptr,
                                         std::string owner = {});
  // Sends `event` to every open subscriber; numbers it with the next id. Never blocks on a slow
  // subscriber.
  void Publish(const Event& event);
  // Returns the number of open subscribers, forgetting those whose connection has gone.
  std::size_t subscriber_count();
  // Closes every subscriber (at shutdown).
  void CloseAll();
  // Closes the subscribers opened by `owner` (a session that ended); returns how many. An empty
  // owner closes none.
  std::size_t CloseOwnedBy(const std::string& owner);

 private:
  // Returns the live subscribers, forgetting the rest. REQUIRES: mu_ held.
  std::vector<std::shared_ptr<EventStream>> LiveLocked();

  const Options options_;
  std::mutex mu_;
  // Weak: the connection owns its stream, so a dropped connection frees it without telling us.
  std::vector<std::weak_ptr<EventStream>> subscribers_;  // GUARDED_BY(mu_)
  std::uint64_t next_id_ = 1;                            // GUARDED_BY(mu_)
};

}  // namespace muster::http
