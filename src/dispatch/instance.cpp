#include "dispatch/instance.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "base/time.h"

namespace muster::dispatch {
namespace {

using Json = nlohmann::json;

// Reads the member `key` of `object` into typed values; each reader returns an Error naming
// `path` + "." + key. Absent members leave the target untouched unless the reader requires them.
class Reader {
 public:
  Reader(const Json& object, std::string path) : object_(object), path_(std::move(path)) {}

  const Json* Find(const char* key) const {
    auto it = object_.find(key);
    return it == object_.end() || it->is_null() ? nullptr : &*it;
  }
  std::string Field(const char* key) const { return path_ + "." + key; }
  Error Missing(const char* key) const { return Invalid(Field(key), "is required", "required"); }

  Result<std::optional<std::int64_t>> Integer(const char* key, std::int64_t min,
                                              std::int64_t max) const {
    const Json* j = Find(key);
    if (j == nullptr) return std::optional<std::int64_t>();
    bool integral = j->is_number_integer() ||
                    (j->is_number_float() && std::nearbyint(j->get<double>()) == j->get<double>());
    if (!integral) return Invalid(Field(key), "must be an integer", "type");
    double as_double = j->get<double>();
    if (as_double < static_cast<double>(min) || as_double > static_cast<double>(max)) {
      return Invalid(Field(key),
                     "must be between " + std::to_string(min) + " and " + std::to_string(max),
                     "range");
    }
    return std::optional<std::int64_t>(j->is_number_unsigned()
                                           ? static_cast<std::int64_t>(j->get<std::uint64_t>())
                                           : j->get<std::int64_t>());
  }

  Result<bool> Bool(const char* key, bool fallback) const {
    const Json* j = Find(key);
    if (j == nullptr) return fallback;
    if (!j->is_boolean()) return Invalid(Field(key), "must be true or false", "type");
    return j->get<bool>();
  }

  Result<std::int64_t> Time(const char* key) const {
    const Json* j = Find(key);
    if (j == nullptr) return Missing(key);
    return TimeValue(*j, Field(key));
  }

  static Result<std::int64_t> TimeValue(const Json& j, const std::string& field) {
    if (!j.is_string()) return Invalid(field, "must be an RFC 3339 time string", "type");
    MUSTER_ASSIGN(Timestamp t, ParseRfc3339(j.get<std::string>(), field));
    return UnixSeconds(t);
  }

  Result<std::optional<LatLon>> Point(const char* key) const {
    const Json* j = Find(key);
    if (j == nullptr) return std::optional<LatLon>();
    if (!j->is_array() || j->size() != 2 || !(*j)[0].is_number() || !(*j)[1].is_number()) {
      return Invalid(Field(key), "must be [latitude, longitude] in degrees", "type");
    }
    LatLon p{(*j)[0].get<double>(), (*j)[1].get<double>()};
    if (!(p.lat >= -90 && p.lat <= 90)) {
      return Invalid(Field(key), "latitude must be between -90 and 90", "range");
    }
    if (!(p.lon >= -180 && p.lon <= 180)) {
      return Invalid(Field(key), "longitude must be between -180 and 180", "range");
    }
    return std::optional<LatLon>(p);
  }

  Result<std::vector<std::string>> Strings(const char* key) const {
    std::set<std::string> out;
    const Json* j = Find(key);
    if (j == nullptr) return std::vector<std::string>();
    if (!j->is_array()) return Invalid(Field(key), "must be a list of strings", "type");
    for (const Json& item : *j) {
      if (!item.is_string()) return Invalid(Field(key), "must be a list of strings", "type");
      out.insert(item.get<std::string>());
    }
    return std::vector<std::string>(out.begin(), out.end());
  }

  Result<std::vector<std::int64_t>> Integers(const char* key) const {
    std::set<std::int64_t> out;
    const Json* j = Find(key);
    if (j == nullptr) return std::vector<std::int64_t>();
    if (!j->is_array()) return Invalid(Field(key), "must be a list of integers", "type");
    for (const Json& item : *j) {
      if (!item.is_number_integer()) {
        return Invalid(Field(key), "must be a list of integers", "type");
      }
      out.insert(item.get<std::int64_t>());
    }
    return std::vector<std::int64_t>(out.begin(), out.end());
  }

 private:
  const Json& object_;
  std::string path_;
};

constexpr std::int64_t kMaxId = std::int64_t{1} << 53;
constexpr std::int64_t kMaxHeadcount = 1'000'000'000;

Result<std::int64_t> RequiredId(const Reader& r) {
  MUSTER_ASSIGN(auto id, r.Integer("id", 1, kMaxId));
  if (!id) return r.Missing("id");
  return *id;
}

Result<std::optional<int>> Age(const Reader& r, const char* key) {
  MUSTER_ASSIGN(auto age, r.Integer(key, 0, 200));
  if (!age) return std::optional<int>();
  return std::optional<int>(static_cast<int>(*age));
}

Result<std::vector<Window>> Windows(const Reader& r, const std::string& path) {
  std::vector<Window> out;
  const Json* j = r.Find("available");
  if (j == nullptr) return out;
  if (!j->is_array()) return Invalid(r.Field("available"), "must be a list of [from, to]", "type");
  for (std::size_t i = 0; i < j->size(); ++i) {
    std::string field = path + ".available[" + std::to_string(i) + "]";
    const Json& w = (*j)[i];
    if (!w.is_array() || w.size() != 2) return Invalid(field, "must be [from, to]", "type");
    MUSTER_ASSIGN(std::int64_t begin, Reader::TimeValue(w[0], field + "[0]"));
    MUSTER_ASSIGN(std::int64_t end, Reader::TimeValue(w[1], field + "[1]"));
    if (end <= begin) return Invalid(field, "must end after it starts", "order");
    out.push_back({begin, end});
  }
  return out;
}

Result<Volunteer> ParseVolunteer(const Json& j, const std::string& path) {
  if (!j.is_object()) return Invalid(path, "must be an object", "type");
  Reader r(j, path);
  Volunteer v;
  MUSTER_ASSIGN(v.id, RequiredId(r));
  MUSTER_ASSIGN(auto unit, r.Integer("unit", INT64_MIN, INT64_MAX));
  v.unit = unit;
  MUSTER_ASSIGN(auto department, r.Integer("department", INT64_MIN, INT64_MAX));
  v.department = department;
  MUSTER_ASSIGN(v.skills, r.Strings("skills"));
  MUSTER_ASSIGN(v.home, r.Point("home"));
  MUSTER_ASSIGN(v.available, Windows(r, path));
  if (const Json* h = r.Find("max_hours_per_day")) {
    if (!h->is_number()) return Invalid(r.Field("max_hours_per_day"), "must be a number", "type");
    double hours = h->get<double>();
    if (!(hours >= 0 && hours <= 24)) {
      return Invalid(r.Field("max_hours_per_day"), "must be between 0 and 24", "range");
    }
    v.max_seconds_per_day = std::llround(hours * 3600);
  }
  MUSTER_ASSIGN(v.high_risk_ok, r.Bool("high_risk_ok", false));
  MUSTER_ASSIGN(v.age, Age(r, "age"));
  return v;
}

Result<Shift> ParseShift(const Json& j, const std::string& path) {
  if (!j.is_object()) return Invalid(path, "must be an object", "type");
  Reader r(j, path);
  Shift s;
  MUSTER_ASSIGN(s.id, RequiredId(r));
  MUSTER_ASSIGN(s.site, r.Point("site"));
  MUSTER_ASSIGN(auto paired_unit, r.Integer("paired_unit", INT64_MIN, INT64_MAX));
  s.paired_unit = paired_unit;
  MUSTER_ASSIGN(s.paired_departments, r.Integers("paired_departments"));
  MUSTER_ASSIGN(s.starts_at, r.Time("starts_at"));
  MUSTER_ASSIGN(s.ends_at, r.Time("ends_at"));
  if (s.ends_at <= s.starts_at)
    return Invalid(r.Field("ends_at"), "must be after starts_at", "order");
  MUSTER_ASSIGN(auto headcount, r.Integer("headcount", INT64_MIN, INT64_MAX));
  if (!headcount) return r.Missing("headcount");
  if (*headcount < 0) return Invalid(r.Field("headcount"), "must not be negative", "range");
  s.headcount = std::min(*headcount, kMaxHeadcount);
  MUSTER_ASSIGN(s.skills, r.Strings("skills"));
  MUSTER_ASSIGN(s.high_risk, r.Bool("high_risk", false));
  MUSTER_ASSIGN(auto priority, r.Integer("priority", 1, 100));
  s.priority = static_cast<int>(priority.value_or(1));
  MUSTER_ASSIGN(s.min_age, Age(r, "min_age"));
  MUSTER_ASSIGN(s.max_age, Age(r, "max_age"));
  return s;
}

Result<int> ParseOffset(const Json* j) {
  if (j == nullptr) return 8 * 3600;
  auto bad = Invalid("timezone", "must be a UTC offset like \"+08:00\"", "time_format");
  if (!j->is_string()) return bad;
  std::string tz = j->get<std::string>();
  if (tz == "Z" || tz == "UTC") return 0;
  if (tz.size() != 6 || (tz[0] != '+' && tz[0] != '-') || tz[3] != ':') return bad;
  for (int i : {1, 2, 4, 5}) {
    if (tz[i] < '0' || tz[i] > '9') return bad;
  }
  int hours = (tz[1] - '0') * 10 + (tz[2] - '0');
  int minutes = (tz[4] - '0') * 10 + (tz[5] - '0');
  if (hours > 23 || minutes > 59) return bad;
  int seconds = hours * 3600 + minutes * 60;
  return tz[0] == '-' ? -seconds : seconds;
}

Result<Penalties> ParsePenalties(const Json* j) {
  Penalties p;
  if (j == nullptr) return p;
  if (!j->is_object()) return Invalid("penalties", "must be an object", "type");
  Reader r(*j, "penalties");
  constexpr std::int64_t kMaxPenalty = std::int64_t{1} << 40;
  MUSTER_ASSIGN(auto same, r.Integer("same_unit", 0, kMaxPenalty));
  MUSTER_ASSIGN(auto other, r.Integer("other_unit", 0, kMaxPenalty));
  p.same_unit = same.value_or(p.same_unit);
  p.other_unit = other.value_or(p.other_unit);
  return p;
}

// Parses every item of the list `key` with `parse`, refusing duplicate ids.
template <typename T, typename Parse>
Result<std::vector<T>> ParseList(const Json& root, const char* key, Parse parse) {
  std::vector<T> out;
  auto it = root.find(key);
  if (it == root.end() || it->is_null()) return out;
  if (!it->is_array()) return Invalid(key, "must be a list", "type");
  out.reserve(it->size());
  std::set<std::int64_t> ids;
  for (std::size_t i = 0; i < it->size(); ++i) {
    std::string path = std::string(key) + "[" + std::to_string(i) + "]";
    MUSTER_ASSIGN(T item, parse((*it)[i], path));
    if (!ids.insert(item.id).second) {
      return Invalid(path + ".id", "duplicate id " + std::to_string(item.id), "duplicate");
    }
    out.push_back(std::move(item));
  }
  return out;
}

Result<Instance> ParseRoot(const Json& root) {
  if (!root.is_object()) return BadRequest("the instance must be a JSON object");
  Instance instance;
  auto find = [&](const char* key) -> const Json* {
    auto it = root.find(key);
    return it == root.end() || it->is_null() ? nullptr : &*it;
  };
  MUSTER_ASSIGN(instance.utc_offset_seconds, ParseOffset(find("timezone")));
  MUSTER_ASSIGN(instance.penalties, ParsePenalties(find("penalties")));
  MUSTER_ASSIGN(instance.volunteers, ParseList<Volunteer>(root, "volunteers", ParseVolunteer));
  MUSTER_ASSIGN(instance.shifts, ParseList<Shift>(root, "shifts", ParseShift));
  return instance;
}

}  // namespace

Result<Instance> ParseInstance(std::string_view json) {
  Json root;
  try {
    root = Json::parse(json);
  } catch (const Json::exception& e) {
    // nlohmann's message carries the byte position, which is what a person needs to find it.
    return BadRequest(std::string("not valid JSON: ") + e.what());
  }
  return ParseRoot(root);
}

std::int64_t DayOf(const Instance& instance, std::int64_t unix_seconds) {
  std::int64_t local = unix_seconds + instance.utc_offset_seconds;
  return local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
}

}  // namespace muster::dispatch
