#pragma once

#include <cstdint>
#include <string>

namespace muster::dispatch::testing {

// The shape of a random test instance.
struct RandomSpec {
  int volunteers = 20;
  int shifts = 6;
  bool aligned = true;  // all shifts on one grid of equal slots
  int slot_hours = 4;   // slot length when aligned
  int days = 1;
  double cap_hours_min = 4;  // daily caps are drawn from [min, max] whole hours
  double cap_hours_max = 12;
  int max_headcount = 3;
  int max_priority = 3;
  double skill_rate = 0.3;  // share of shifts needing a skill
  double risk_rate = 0.2;
  double age_rate = 0.2;
  double homeless_rate = 0.05;
};

// Returns the JSON text of a random instance drawn from `seed`; the same seed gives the same text.
std::string RandomInstanceJson(std::uint64_t seed, const RandomSpec& spec);

}  // namespace muster::dispatch::testing
