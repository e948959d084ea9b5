#include "http/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <sstream>
#include <stdexcept>

namespace muster::http {

void Counter::Increment(double by) const {
  if (counter_ != nullptr) counter_->Increment(by);
}
double Counter::Value() const { return counter_ != nullptr ? counter_->Value() : 0.0; }

void Gauge::Increment(double by) const {
  if (gauge_ != nullptr) gauge_->Increment(by);
}
void Gauge::Decrement(double by) const {
  if (gauge_ != nullptr) gauge_->Decrement(by);
}
void Gauge::Set(double value) const {
  if (gauge_ != nullptr) gauge_->Set(value);
}
double Gauge::Value() const { return gauge_ != nullptr ? gauge_->Value() : 0.0; }

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {}
Metrics::~Metrics() = default;

Counter Metrics::AddCounter(std::string_view name, std::string_view help, const Labels& labels) {
  auto& family = prometheus::BuildCounter()
                     .Name(std::string(name))
                     .Help(std::string(help))
                     .Register(*registry_);
  return Counter(&family.Add(prometheus::Labels(labels.begin(), labels.end())));
}

Gauge Metrics::AddGauge(std::string_view name, std::string_view help, const Labels& labels) {
  auto& family =
      prometheus::BuildGauge().Name(std::string(name)).Help(std::string(help)).Register(*registry_);
  return Gauge(&family.Add(prometheus::Labels(labels.begin(), labels.end())));
}

std::string Metrics::RenderText() const {
  prometheus::TextSerializer serializer;
  std::ostringstream out;
  serializer.Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace muster::http
