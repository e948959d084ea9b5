#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace prometheus {
class Counter;
class Gauge;
class Registry;
}  // namespace prometheus

namespace muster::http {

// A handle to one counter in a Metrics registry; cheap to copy, valid while the registry lives.
// Increment() is thread-safe and lock-free.
class Counter {
 public:
  Counter() = default;
  // Adds `by` (>= 0) to the counter; a default-constructed handle ignores it.
  void Increment(double by = 1.0) const;
  // Returns the current value (for tests).
  double Value() const;

 private:
  friend class Metrics;
  explicit Counter(prometheus::Counter* counter) : counter_(counter) {}
  prometheus::Counter* counter_ = nullptr;
};

// A handle to one gauge; as Counter, but it may go down.
class Gauge {
 public:
  Gauge() = default;
  void Increment(double by = 1.0) const;
  void Decrement(double by = 1.0) const;
  void Set(double value) const;
  double Value() const;

 private:
  friend class Metrics;
  explicit Gauge(prometheus::Gauge* gauge) : gauge_(gauge) {}
  prometheus::Gauge* gauge_ = nullptr;
};

using Labels = std::map<std::string, std::string>;

// The process's metrics, exposed as Prometheus text on GET /metrics (prometheus-cpp's registry).
// The server registers its HTTP metrics here; other layers register theirs through the
// composition root (e.g. a counter of database errors handed to the store as a callback).
// Thread-safe.
class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Returns the counter `name` with `labels`, creating it on first use. `name` must be a valid
  // Prometheus name ("muster_db_errors_total"); a name already used for another type throws
  // std::invalid_argument (a start-up bug).
  Counter AddCounter(std::string_view name, std::string_view help, const Labels& labels = {});
  // Returns the gauge `name` with `labels`, creating it on first use.
  Gauge AddGauge(std::string_view name, std::string_view help, const Labels& labels = {});

  // Returns every metric in the Prometheus text exposition format (version 0.0.4).
  std::string RenderText() const;

  // Returns the underlying registry, for histograms and families with variable labels.
  prometheus::Registry& registry() { return *registry_; }

 private:
  // Shared because prometheus-cpp's collectors take registries by shared_ptr.
  std::shared_ptr<prometheus::Registry> registry_;
};

}  // namespace muster::http
