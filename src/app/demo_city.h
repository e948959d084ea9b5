#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tabular/sheet.h"

namespace muster::app {

// The public facts a synthetic city is built from (shared/data/shenzhen.json): districts with
// their centres and streets (or towns), sample unit names, and the pairings the source names.
struct CityFacts {
  struct District {
    std::string name;
    double lat = 0, lon = 0;
    std::vector<std::string> streets;  // street or town names
    bool towns = false;
  };
  struct SourcePairing {
    std::string unit;
    std::string street;
    std::vector<std::string> communities;
  };
  std::vector<District> districts;
  std::vector<std::string> unit_names;
  std::vector<SourcePairing> pairings;
};

// Returns the facts of the source city (data/shenzhen.json, built into the binary).
std::string_view DefaultCityFacts();

// Parses the city facts file; errors name the JSON path that is wrong.
Result<CityFacts> ParseCityFacts(std::string_view json);

// The size of the synthetic city; the defaults are the source's (701 communities, 68 units,
// 702 branches) with 30,000 members.
struct CityShape {
  int communities = 701;
  int units = 68;
  int branches = 702;
  int members = 30000;
  std::uint64_t seed = 20220101;
};

// Synthesises the registry of a city of `shape` on the facts, as import sheets (regions, units,
// departments, branches, sites, members, pairings). Deterministic: the same facts, shape and
// seed give the same sheets. Every street is paired with one unit (the source's pairings
// first), every community with one or two departments of its street's unit, from 2021-06-01.
// Names, phones and ID numbers are synthetic (ID numbers carry valid check characters).
std::vector<tabular::Sheet> SynthesizeCity(const CityFacts& facts, const CityShape& shape);

}  // namespace muster::app
