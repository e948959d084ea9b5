#include "dispatch/random_instance.h"

#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

namespace muster::dispatch::testing {
namespace {

std::string Time(std::int64_t day, std::int64_t hour) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "2022-01-%02dT%02d:00:00+08:00", int(12 + day + hour / 24),
                int(hour % 24));
  return buf;
}

}  // namespace

std::string RandomInstanceJson(std::uint64_t seed, const RandomSpec& spec) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto chance = [&](double p) { return uniform(0, 1) < p; };
  const char* skills[] = {"medical", "driver", "translator"};
  nlohmann::json instance;
  instance["penalties"] = {{"same_unit", pick(0, 3000)}, {"other_unit", pick(3000, 9000)}};
  for (int i = 0; i < spec.volunteers; ++i) {
    nlohmann::json v{{"id", 100 + i}, {"unit", pick(1, 4)}, {"high_risk_ok", chance(0.6)}};
    if (chance(0.7)) v["department"] = pick(1, 8);
    if (!chance(spec.homeless_rate)) v["home"] = {uniform(22.50, 22.60), uniform(113.95, 114.10)};
    if (chance(0.8)) v["age"] = pick(16, 75);
    nlohmann::json have = nlohmann::json::array();
    for (const char* s : skills) {
      if (chance(0.35)) have.push_back(s);
    }
    v["skills"] = have;
    v["max_hours_per_day"] = pick(int(spec.cap_hours_min), int(spec.cap_hours_max));
    nlohmann::json windows = nlohmann::json::array();
    for (int d = 0; d < spec.days; ++d) {
      int from = pick(0, 3) * 4, to = std::min(24, from + pick(1, 4) * 4 + (chance(0.3) ? 2 : 0));
      if (chance(0.85)) windows.push_back({Time(d, from), Time(d, to)});
    }
    v["available"] = windows;
    instance["volunteers"].push_back(v);
  }
  for (int i = 0; i < spec.shifts; ++i) {
    int day = pick(0, spec.days - 1);
    int length = spec.aligned ? spec.slot_hours : pick(1, 4) * 2;
    int start =
        spec.aligned ? pick(0, 24 / spec.slot_hours - 1) * spec.slot_hours : pick(0, 24 - length);
    nlohmann::json s{{"id", 1 + i},
                     {"starts_at", Time(day, start)},
                     {"ends_at", Time(day, start + length)},
                     {"headcount", pick(0, spec.max_headcount)},
                     {"priority", pick(1, spec.max_priority)},
                     {"paired_unit", pick(1, 4)},
                     {"paired_departments", {pick(1, 8), pick(1, 8)}}};
    if (chance(0.95)) s["site"] = {uniform(22.50, 22.60), uniform(113.95, 114.10)};
    if (chance(spec.skill_rate)) s["skills"] = {skills[pick(0, 2)]};
    if (chance(spec.risk_rate)) s["high_risk"] = true;
    if (chance(spec.age_rate)) s["min_age"] = 18, s["max_age"] = pick(40, 65);
    instance["shifts"].push_back(s);
  }
  return instance.dump();
}

}  // namespace muster::dispatch::testing
