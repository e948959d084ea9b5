#include "dispatch/city_generator.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

namespace muster::bench {
namespace {

// District centres of Shenzhen (shared/data/shenzhen.json) inside the benchmark's box.
constexpr double kCentres[][2] = {{22.541, 114.055}, {22.555, 114.131}, {22.578, 114.236},
                                  {22.533, 113.930}, {22.655, 113.884}, {22.720, 114.247},
                                  {22.697, 114.045}, {22.708, 114.300}, {22.749, 113.936}};
constexpr const char* kSkills[] = {"medical", "driver", "translator"};

class Draw {
 public:
  explicit Draw(std::uint64_t seed) : rng_(seed) {}
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Unit(); }
  int Int(int lo, int hi) { return lo + int(Unit() * (hi - lo + 1)); }
  bool Chance(double p) { return Unit() < p; }
  // A point near a district centre, clamped to the city's box.
  std::pair<double, double> Place() {
    const double* c = kCentres[Int(0, std::size(kCentres) - 1)];
    double lat = std::clamp(c[0] + Normal() * 0.035, 22.45, 22.85);
    double lon = std::clamp(c[1] + Normal() * 0.045, 113.75, 114.35);
    return {lat, lon};
  }

 private:
  // Hand-rolled so that every platform draws the same numbers.
  double Unit() { return double(rng_() >> 11) * 0x1.0p-53; }
  double Normal() {
    double s = 0;
    for (int i = 0; i < 6; ++i) s += Unit();
    return (s - 3) / 0.7071;
  }
  std::mt19937_64 rng_;
};

std::string Hour(int h) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "\"2022-01-%02dT%02d:00:00+08:00\"", 12 + h / 24, h % 24);
  return buf;
}

// A volunteer of a general instance: some days after work, all day or mornings; cap 4 to 8 h.
void AppendGeneralVolunteer(std::string& out, int id, int days, Draw& d) {
  auto [lat, lon] = d.Place();
  char buf[200];
  std::snprintf(buf, sizeof buf, "{\"id\":%d,\"unit\":%d,\"department\":%d,\"home\":[%.6f,%.6f],",
                id, d.Int(1, 120), d.Int(1, 1500), lat, lon);
  out += buf;
  out += "\"skills\":[";
  bool first = true;
  for (int k = 0; k < 3; ++k) {
    if (d.Chance(k == 2 ? 0.04 : 0.12))
      out += (first ? "\"" : ",\"") + std::string(kSkills[k]) + "\"", first = false;
  }
  out += "],\"available\":[";
  double kind = d.Uniform(0, 1);
  first = true;
  for (int day = 0; day < days; ++day) {
    if (days > 1 && d.Chance(0.3)) continue;
    int from = kind < 0.5 ? d.Int(16, 18) : d.Int(7, 9);
    int to = kind < 0.85 ? 24 : d.Int(14, 17);
    out += (first ? "[" : ",[") + Hour(24 * day + from) + "," + Hour(24 * day + to) + "]";
    first = false;
  }
  std::snprintf(buf, sizeof buf, "],\"max_hours_per_day\":%d,\"high_risk_ok\":%s,\"age\":%d}",
                d.Int(4, 8), d.Chance(0.4) ? "true" : "false", d.Int(18, 70));
  out += buf;
}

void AppendVolunteer(std::string& out, int id, Draw& d) {
  auto [lat, lon] = d.Place();
  char buf[160];
  std::snprintf(buf, sizeof buf, "{\"id\":%d,\"unit\":%d,\"department\":%d,\"home\":[%.6f,%.6f],",
                id, d.Int(1, 120), d.Int(1, 1500), lat, lon);
  out += buf;
  out += "\"skills\":[";
  bool first = true;
  for (int k = 0; k < 3; ++k) {
    if (d.Chance(k == 2 ? 0.04 : 0.12))
      out += (first ? "\"" : ",\"") + std::string(kSkills[k]) + "\"", first = false;
  }
  // After work (from 16:00 or 18:00), all day, or mornings.
  double kind = d.Uniform(0, 1);
  int from = kind < 0.5 ? (d.Chance(0.5) ? 16 : 18) : 8;
  int to = kind < 0.85 ? 24 : 16;
  out += "],\"available\":[[" + Hour(from) + "," + Hour(to) + "]],";
  std::snprintf(buf, sizeof buf, "\"max_hours_per_day\":%d,\"high_risk_ok\":%s,\"age\":%d}",
                4 * d.Int(1, 3), d.Chance(0.4) ? "true" : "false", d.Int(18, 70));
  out += buf;
}

void AppendShift(std::string& out, int id, const std::vector<std::pair<double, double>>& sites,
                 const CitySpec& spec, Draw& d) {
  int site = d.Int(0, int(sites.size()) - 1);
  int length = spec.aligned ? spec.slot_hours : d.Int(2, 8);
  int slots = std::max(1, 16 / spec.slot_hours);
  int start = spec.aligned ? 8 + d.Int(0, slots - 1) * spec.slot_hours
                           : 24 * d.Int(0, spec.days - 1) + d.Int(7, 24 - length);
  char buf[200];
  std::snprintf(
      buf, sizeof buf,
      "{\"id\":%d,\"site\":[%.6f,%.6f],\"paired_unit\":%d,\"paired_departments\":[%d,%d],", id,
      sites[site].first, sites[site].second, d.Int(1, 120), d.Int(1, 1500), d.Int(1, 1500));
  out += buf;
  out += "\"starts_at\":" + Hour(start) + ",\"ends_at\":" + Hour(start + length) + ",";
  std::snprintf(buf, sizeof buf, "\"headcount\":%d,\"priority\":%d", d.Int(1, 6), d.Int(1, 3));
  out += buf;
  if (d.Chance(0.15)) out += ",\"skills\":[\"" + std::string(kSkills[d.Int(0, 1)]) + "\"]";
  if (d.Chance(0.10)) out += ",\"high_risk\":true";
  if (d.Chance(0.20)) out += ",\"min_age\":18,\"max_age\":60";
  out += "}";
}

}  // namespace

std::string GenerateCity(const CitySpec& spec) {
  Draw d(spec.seed);
  std::vector<std::pair<double, double>> sites(spec.sites > 0 ? spec.sites
                                                              : std::max(1, spec.shifts / 6));
  for (auto& s : sites) s = d.Place();
  std::string out =
      "{\"timezone\":\"+08:00\",\"penalties\":{\"same_unit\":5000,\"other_unit\":20000},"
      "\n\"volunteers\":[\n";
  out.reserve(std::size_t(spec.volunteers) * 260 + std::size_t(spec.shifts) * 300);
  for (int i = 0; i < spec.volunteers; ++i) {
    if (i > 0) out += ",\n";
    if (spec.aligned) {
      AppendVolunteer(out, i + 1, d);
    } else {
      AppendGeneralVolunteer(out, i + 1, spec.days, d);
    }
  }
  out += "],\n\"shifts\":[\n";
  for (int i = 0; i < spec.shifts; ++i) {
    if (i > 0) out += ",\n";
    AppendShift(out, i + 1, sites, spec, d);
  }
  out += "]}\n";
  return out;
}

}  // namespace muster::bench
