#pragma once

#include <cstdint>
#include <string>

namespace muster::bench {

// The shape of a generated city instance.
struct CitySpec {
  int volunteers = 2000;
  int shifts = 400;
  int sites = 0;             // community sites; 0 picks one per 6 shifts
  int slot_hours = 4;        // shifts on a grid of equal slots from 08:00
  bool aligned = true;       // false: lengths of 2 to 8 hours at any whole hour
  std::uint64_t seed = 1;
};

// Returns the JSON text of a realistic Shenzhen instance: homes scattered around the district
// centres (22.45-22.85 N, 113.75-114.35 E), shifts at community sites between 08:00 and 24:00 on
// one day, availability after work or all day, daily caps of 4 to 12 hours, some shifts needing
// a skill, some high-risk, some with an age limit. The same spec gives the same text.
std::string GenerateCity(const CitySpec& spec);

}  // namespace muster::bench
