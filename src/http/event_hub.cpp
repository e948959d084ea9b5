#include "http/event_hub.h"

#include <string_view>

namespace muster::http {

std::string FormatEvent(const Event& event, std::uint64_t id) {
  std::string text = "id: " + std::to_string(id) + "\n";
  if (!event.type.empty()) {
    text += "event: ";
    // A newline in the name would let it forge fields; keep only its first line.
    text.append(std::string_view(event.type).substr(0, event.type.find_first_of("\r\n")));
    text += "\n";
  }
  std::string_view data = event.data;
  while (true) {
    std::size_t nl = data.find('\n');
    std::string_view line = data.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    text += "data: ";
    text.append(line);
    text += "\n";
    if (nl == std::string_view::npos) break;
    data.remove_prefix(nl + 1);
  }
  text += "\n";
  return text;
}

EventStream::EventStream(std::size_t max_queue, std::function<bool(const Event&)> filter,
                         std::string owner)
    : max_queue_(max_queue), filter_(std::move(filter)), owner_(std::move(owner)) {}

bool EventStream::Push(const Event& event, const std::shared_ptr<const std::string>& text) {
  if (filter_ && !filter_(event)) return false;
  bool wake = false;
  bool queued = false;
  {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    if (queue_.size() >= max_queue_) {
      closed_ = true;
      wake = true;
    } else {
      wake = queue_.empty();
      queue_.push_back(text);
      queued = true;
    }
  }
  if (wake) Wake();
  return queued;
}

std::string EventStream::TakeAll() {
  std::deque<std::shared_ptr<const std::string>> taken;
  {
    std::lock_guard lock(mu_);
    taken.swap(queue_);
  }
  std::string out;
  for (const auto& text : taken) out += *text;
  return out;
}

void EventStream::Close() {
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
  }
  Wake();
}

bool EventStream::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

void EventStream::SetWaker(std::function<void()> waker) {
  std::lock_guard lock(mu_);
  waker_ = std::move(waker);
}

void EventStream::Wake() {
  std::function<void()> waker;
  {
    std::lock_guard lock(mu_);
    waker = waker_;
  }
  if (waker) waker();
}

EventHub::EventHub() : EventHub(Options{}) {}
EventHub::EventHub(Options options) : options_(options) {}
EventHub::~EventHub() { CloseAll(); }

std::shared_ptr<EventStream> EventHub::Subscribe(std::function<bool(const Event&)> filter,
                                                 std::string owner) {
  auto stream =
      std::make_shared<EventStream>(options_.max_queue, std::move(filter), std::move(owner));
  std::lock_guard lock(mu_);
  subscribers_.push_back(stream);
  return stream;
}

std::vector<std::shared_ptr<EventStream>> EventHub::LiveLocked() {
  std::vector<std::shared_ptr<EventStream>> live;
  live.reserve(subscribers_.size());
  std::size_t kept = 0;
  for (std::size_t i = 0; i < subscribers_.size(); ++i) {
    std::shared_ptr<EventStream> stream = subscribers_[i].lock();
    if (!stream || stream->closed()) continue;
    live.push_back(std::move(stream));
    // Self-move would empty a weak_ptr, so move only when an earlier slot was freed.
    if (kept != i) subscribers_[kept] = std::move(subscribers_[i]);
    ++kept;
  }
  subscribers_.resize(kept);
  return live;
}

void EventHub::Publish(const Event& event) {
  std::vector<std::shared_ptr<EventStream>> live;
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mu_);
    live = LiveLocked();
    id = next_id_++;
  }
  auto text = std::make_shared<const std::string>(FormatEvent(event, id));
  for (const auto& stream : live) stream->Push(event, text);
}

std::size_t EventHub::subscriber_count() {
  std::lock_guard lock(mu_);
  return LiveLocked().size();
}

void EventHub::CloseAll() {
  std::vector<std::shared_ptr<EventStream>> live;
  {
    std::lock_guard lock(mu_);
    live = LiveLocked();
    subscribers_.clear();
  }
  for (const auto& stream : live) stream->Close();
}

std::size_t EventHub::CloseOwnedBy(const std::string& owner) {
  if (owner.empty()) return 0;
  std::vector<std::shared_ptr<EventStream>> owned;
  {
    std::lock_guard lock(mu_);
    for (auto& stream : LiveLocked()) {
      if (stream->owner() == owner) owned.push_back(std::move(stream));
    }
  }
  for (const auto& stream : owned) stream->Close();
  return owned.size();
}

}  // namespace muster::http
