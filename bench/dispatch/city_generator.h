#pragma once

#include <cstdint>
#include <string>

namespace muster::bench {

// The shape of a generated city instance.
struct CitySpec {
  int volunteers = 2000;
  int shifts = 400;
  int sites = 0;        // community sites; 0 picks one per 6 shifts
  int slot_hours = 4;   // shifts on a grid of equal slots from 08:00
  bool aligned = true;  // false: a general instance (see GenerateCity)
  int days = 1;         // general instances only: shifts and availability over this many days
  std::uint64_t seed = 1;
};

// Returns the JSON text of a realistic Shenzhen instance: homes scattered around the district
// centres (22.45-22.85 N, 113.75-114.35 E), shifts at community sites between 08:00 and 24:00 on
// one day, availability after work or all day, daily caps of 4 to 12 hours, some shifts needing
// a skill, some high-risk, some with an age limit. The same spec gives the same text. A general
// instance (aligned = false) has shifts of 2 to 8 hours starting at any whole hour from 07:00,
// daily caps of 4 to 8 hours, and availability over `days` days (each volunteer free on most of
// them), so shifts overlap and caps bind.
std::string GenerateCity(const CitySpec& spec);

}  // namespace muster::bench
