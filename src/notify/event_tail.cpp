#include "notify/event_tail.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

namespace muster::notify {
namespace {

struct Row {
  std::int64_t id = 0;
  LiveEvent event;
};

Row EventRow(const store::Row& r) {
  return Row{r.Int(0), LiveEvent{r.String(1), r.String(2), ""}};
}

Row NotificationRow(const store::Row& r) {
  Row row;
  row.id = r.Int(0);
  row.event.kind = "notification";
  row.event.payload = nlohmann::json{{"id", row.id}, {"kind", r.String(3)}, {"title", r.String(4)}}
                          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (auto user = r.OptInt(2)) {
    row.event.topic = "user:" + std::to_string(*user);
  } else if (auto member = r.OptInt(1)) {
    row.event.topic = "member:" + std::to_string(*member);
  }
  return row;
}

// Reads the rows of `table` above the follower's position and inside its gaps.
Status ReadTable(store::Transaction& tx, const IdFollower& f, std::string_view columns,
                 std::string_view table, int batch, Row (*read)(const store::Row&),
                 std::vector<Row>& fresh, std::vector<Row>& filled) {
  std::string select = "SELECT " + std::string(columns) + " FROM " + std::string(table);
  auto collect = [read](std::vector<Row>& out) {
    return [read, &out](const store::Row& r) {
      out.push_back(read(r));
      return Ok();
    };
  };
  MUSTER_TRY(tx.Query(select + " WHERE id > ? ORDER BY id LIMIT ?",
                      {f.scanned(), std::int64_t{batch}}, collect(fresh)));
  for (const IdFollower::Gap& g : f.gaps()) {
    MUSTER_TRY(tx.Query(select + " WHERE id BETWEEN ? AND ? ORDER BY id", {g.first, g.last},
                        collect(filled)));
  }
  return Ok();
}

// Moves `f` over what a pass read and returns the rows in id order.
std::vector<Row> Follow(IdFollower& f, std::vector<Row> fresh, std::vector<Row> filled,
                        Timestamp now) {
  std::vector<std::int64_t> ids;
  for (const Row& r : fresh) ids.push_back(r.id);
  f.Advance(ids, now);
  for (const Row& r : filled) f.Fill(r.id);
  f.Expire(now);
  fresh.insert(fresh.end(), std::make_move_iterator(filled.begin()),
               std::make_move_iterator(filled.end()));
  std::sort(fresh.begin(), fresh.end(), [](const Row& a, const Row& b) { return a.id < b.id; });
  return fresh;
}

constexpr std::string_view kEventColumns = "id, kind, payload";
constexpr std::string_view kNotificationColumns = "id, member_id, user_id, kind, title";

}  // namespace

EventTail::EventTail(store::Store& store, const Clock& clock,
                     std::function<void(const LiveEvent&)> on_event, Options options, LogSink log)
    : store_(store),
      clock_(clock),
      on_event_(std::move(on_event)),
      options_(options),
      log_(std::move(log)) {}

EventTail::~EventTail() { Stop(); }

Result<int> EventTail::PollOnce() {
  Timestamp now = clock_.Now();
  IdFollower::Options fo{options_.gap_grace};
  if (!events_ || !notifications_) {
    MUSTER_ASSIGN(auto ends, store_.Read([](store::Transaction& tx)
                                             -> Result<std::pair<std::int64_t, std::int64_t>> {
      MUSTER_ASSIGN(auto e, tx.QueryInt("SELECT MAX(id) FROM events", {}));
      MUSTER_ASSIGN(auto n, tx.QueryInt("SELECT MAX(id) FROM notifications", {}));
      return std::make_pair(e.value_or(0), n.value_or(0));
    }));
    events_.emplace(ends.first, fo);
    notifications_.emplace(ends.second, fo);
    return 0;
  }
  std::vector<Row> events, late_events, notes, late_notes;
  Status s = store_.Read([&](store::Transaction& tx) -> Status {
    events.clear();
    late_events.clear();
    notes.clear();
    late_notes.clear();
    MUSTER_TRY(ReadTable(tx, *events_, kEventColumns, "events", options_.batch, EventRow, events,
                         late_events));
    return ReadTable(tx, *notifications_, kNotificationColumns, "notifications", options_.batch,
                     NotificationRow, notes, late_notes);
  });
  if (!s.ok()) return std::move(s).error();
  std::vector<Row> out = Follow(*events_, std::move(events), std::move(late_events), now);
  std::vector<Row> more = Follow(*notifications_, std::move(notes), std::move(late_notes), now);
  for (const Row& r : out) on_event_(r.event);
  for (const Row& r : more) on_event_(r.event);
  return static_cast<int>(out.size() + more.size());
}

void EventTail::Start() {
  std::lock_guard lock(mu_);
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void EventTail::Wake() {
  {
    std::lock_guard lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

void EventTail::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EventTail::Loop() {
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      wake_ = false;
    }
    auto n = PollOnce();
    if (!n.ok() && log_) log_("notify: event tail pass failed: " + n.error().ToString());
    bool more = n.ok() && *n >= options_.batch;
    std::unique_lock lock(mu_);
    if (!more) cv_.wait_for(lock, options_.poll_interval, [this] { return wake_ || stopping_; });
  }
}

}  // namespace muster::notify
