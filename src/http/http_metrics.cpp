#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "http/server_core.h"

namespace muster::http {

namespace {

constexpr int kMinStatus = 100;
constexpr int kMaxStatus = 599;
constexpr std::size_t kMethodSlots = 8;  // the seven routed methods and "OTHER"

std::size_t MethodSlot(std::optional<Method> method) {
  return method ? static_cast<std::size_t>(*method) : kMethodSlots - 1;
}

std::string MethodLabel(std::optional<Method> method) {
  return method ? std::string(MethodName(*method)) : std::string("OTHER");
}

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};
  return kBuckets;
}

}  // namespace

struct HttpMetrics::Slot {
  prometheus::Labels labels;  // method and route
  std::atomic<prometheus::Histogram*> latency{nullptr};
  std::array<std::atomic<prometheus::Counter*>, kMaxStatus - kMinStatus + 1> by_status{};
};

HttpMetrics::HttpMetrics(Metrics& metrics, const Router& router) {
  in_flight = metrics.AddGauge("muster_http_requests_in_flight", "Requests being handled.");
  connections = metrics.AddGauge("muster_http_open_connections", "Open client connections.");
  streams = metrics.AddGauge("muster_http_event_streams", "Open server-sent event streams.");
  requests_ = &prometheus::BuildCounter()
                   .Name("muster_http_requests_total")
                   .Help("Answered requests by route pattern and status.")
                   .Register(metrics.registry());
  latency_ = &prometheus::BuildHistogram()
                  .Name("muster_http_request_duration_seconds")
                  .Help("Time from a request's headers to its answer being written.")
                  .Register(metrics.registry());
  std::vector<RouteInfo> routes = router.Routes();
  route_count_ = routes.size();
  auto add_slot = [this](std::string method, std::string route) {
    auto slot = std::make_unique<Slot>();
    slot->labels = {{"method", std::move(method)}, {"route", std::move(route)}};
    slots_.push_back(std::move(slot));
  };
  for (const RouteInfo& route : routes)
    add_slot(std::string(MethodName(route.method)), route.pattern);
  for (std::size_t i = 0; i < kMethodSlots; ++i) {
    add_slot(
        MethodLabel(i + 1 < kMethodSlots ? std::optional(static_cast<Method>(i)) : std::nullopt),
        "static");
  }
  for (std::size_t i = 0; i < kMethodSlots; ++i) {
    add_slot(
        MethodLabel(i + 1 < kMethodSlots ? std::optional(static_cast<Method>(i)) : std::nullopt),
        "unmatched");
  }
}

HttpMetrics::~HttpMetrics() = default;

std::size_t HttpMetrics::FallbackSlot(std::optional<Method> method) const {
  return route_count_ + MethodSlot(method);
}

std::size_t HttpMetrics::UnmatchedSlot(std::optional<Method> method) const {
  return route_count_ + kMethodSlots + MethodSlot(method);
}

void HttpMetrics::Record(std::size_t slot_index, int status, double seconds) {
  Slot& slot = *slots_.at(slot_index);
  prometheus::Histogram* latency = slot.latency.load(std::memory_order_acquire);
  if (latency == nullptr) {
    // Family::Add is idempotent, so two threads racing here get the same series.
    latency = &latency_->Add(slot.labels, LatencyBuckets());
    slot.latency.store(latency, std::memory_order_release);
  }
  latency->Observe(seconds);
  if (status < kMinStatus || status > kMaxStatus) status = 500;
  auto& cached = slot.by_status[static_cast<std::size_t>(status - kMinStatus)];
  prometheus::Counter* counter = cached.load(std::memory_order_acquire);
  if (counter == nullptr) {
    prometheus::Labels labels = slot.labels;
    labels["status"] = std::to_string(status);
    counter = &requests_->Add(labels);
    cached.store(counter, std::memory_order_release);
  }
  counter->Increment();
}

}  // namespace muster::http
