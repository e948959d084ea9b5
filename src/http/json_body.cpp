#include "http/json_body.h"

#include <algorithm>
#include <limits>

#include "http/response.h"
#include "http/text.h"

namespace muster::http {

int JsonNestingDepth(std::string_view text, int limit) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

namespace {

// Returns whether `content_type` is application/json with at most a UTF-8 charset parameter.
bool IsJsonMediaType(std::string_view content_type) {
  std::size_t semi = content_type.find(';');
  if (!EqualsIgnoreCase(TrimSpace(content_type.substr(0, semi)), "application/json")) return false;
  while (semi != std::string_view::npos) {
    std::string_view rest = content_type.substr(semi + 1);
    semi = rest.find(';');
    std::string_view param = TrimSpace(rest.substr(0, semi));
    if (param.empty()) continue;
    std::size_t eq = param.find('=');
    if (eq == std::string_view::npos) return false;
    if (!EqualsIgnoreCase(TrimSpace(param.substr(0, eq)), "charset")) continue;
    std::string_view charset = TrimSpace(param.substr(eq + 1));
    if (charset.size() >= 2 && charset.front() == '"')
      charset = charset.substr(1, charset.size() - 2);
    if (!EqualsIgnoreCase(charset, "utf-8")) return false;
  }
  return true;
}

}  // namespace

Result<nlohmann::json> ParseJsonBody(const Request& request) {
  std::optional<std::string_view> content_type = request.Header("content-type");
  if (!content_type || !IsJsonMediaType(*content_type)) {
    return MakeError(ErrorCode::kUnsupportedMediaType, "the body must be application/json");
  }
  if (TrimSpace(request.body).empty()) return BadRequest("the request body is empty");
  if (JsonNestingDepth(request.body, kMaxJsonDepth) > kMaxJsonDepth) {
    return BadRequest("the JSON body is nested deeper than " + std::to_string(kMaxJsonDepth));
  }
  nlohmann::json parsed = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return BadRequest("the body is not valid JSON");
  return parsed;
}

BodyReader::BodyReader(const nlohmann::json& object, std::string path)
    : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) {
    if (path_.empty()) {
      Fail(BadRequest("the body must be a JSON object"));
    } else {
      Fail(Invalid(path_, "must be an object", "type"));
    }
  }
}

std::string BodyReader::FieldName(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  std::string name = path_;
  name.push_back('.');
  name.append(key);
  return name;
}

void BodyReader::Fail(Error error) {
  if (!error_) error_ = std::move(error);
}

void BodyReader::WrongType(std::string_view key, std::string_view expected) {
  Fail(Invalid(FieldName(key), "must be " + std::string(expected), "type"));
}

const nlohmann::json* BodyReader::Find(std::string_view key, bool required) {
  if (std::find(read_keys_.begin(), read_keys_.end(), key) == read_keys_.end()) {
    read_keys_.emplace_back(key);
  }
  const nlohmann::json* value = nullptr;
  if (object_.is_object()) {
    auto it = object_.find(key);
    if (it != object_.end() && !it->is_null()) value = &*it;
  }
  if (value == nullptr && required) Fail(Invalid(FieldName(key), "is required", "required"));
  return value;
}

const nlohmann::json* BodyReader::FindArray(std::string_view key, bool required) {
  const nlohmann::json* value = Find(key, required);
  if (value != nullptr && !value->is_array()) {
    WrongType(key, "a list");
    return nullptr;
  }
  return value;
}

const nlohmann::json* BodyReader::Raw(std::string_view key) { return Find(key, false); }

namespace {

// Converts `value` to T when its JSON type is T's; nullopt otherwise.
template <typename T>
std::optional<T> Convert(const nlohmann::json& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (value.is_string()) return value.get_ref<const std::string&>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (value.is_boolean()) return value.get<bool>();
  } else if constexpr (std::is_same_v<T, double>) {
    if (value.is_number()) return value.get<double>();
  } else {
    static_assert(std::is_same_v<T, std::int64_t>);
    if (value.is_number_unsigned()) {
      auto u = value.get<std::uint64_t>();
      if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return static_cast<std::int64_t>(u);
      }
    } else if (value.is_number_integer()) {
      return value.get<std::int64_t>();
    }
  }
  return std::nullopt;
}

template <typename T>
constexpr std::string_view TypeName() {
  if constexpr (std::is_same_v<T, std::string>) return "a string";
  if constexpr (std::is_same_v<T, bool>) return "true or false";
  if constexpr (std::is_same_v<T, double>) return "a number";
  if constexpr (std::is_same_v<T, std::int64_t>) return "an integer";
  return "";
}

}  // namespace

template <typename T>
std::optional<T> BodyReader::Get(std::string_view key, bool required) {
  const nlohmann::json* value = Find(key, required);
  if (value == nullptr) return std::nullopt;
  std::optional<T> converted = Convert<T>(*value);
  if (!converted) WrongType(key, TypeName<T>());
  return converted;
}

std::string BodyReader::String(std::string_view key) {
  return Get<std::string>(key, true).value_or(std::string());
}
std::optional<std::string> BodyReader::OptionalString(std::string_view key) {
  return Get<std::string>(key, false);
}
std::int64_t BodyReader::Int(std::string_view key) {
  return Get<std::int64_t>(key, true).value_or(0);
}
std::optional<std::int64_t> BodyReader::OptionalInt(std::string_view key) {
  return Get<std::int64_t>(key, false);
}
double BodyReader::Double(std::string_view key) { return Get<double>(key, true).value_or(0.0); }
std::optional<double> BodyReader::OptionalDouble(std::string_view key) {
  return Get<double>(key, false);
}
bool BodyReader::Bool(std::string_view key) { return Get<bool>(key, true).value_or(false); }
std::optional<bool> BodyReader::OptionalBool(std::string_view key) { return Get<bool>(key, false); }

namespace {

template <typename T>
std::vector<T> ReadList(BodyReader& reader, const nlohmann::json* array, std::string_view key) {
  std::vector<T> items;
  if (array == nullptr) return items;
  items.reserve(array->size());
  for (std::size_t i = 0; i < array->size(); ++i) {
    std::optional<T> item = Convert<T>((*array)[i]);
    if (!item) {
      reader.Fail(Invalid(reader.FieldName(key) + "[" + std::to_string(i) + "]",
                          "must be " + std::string(TypeName<T>()), "type"));
      return {};
    }
    items.push_back(std::move(*item));
  }
  return items;
}

}  // namespace

std::vector<std::int64_t> BodyReader::IntList(std::string_view key) {
  return ReadList<std::int64_t>(*this, FindArray(key, true), key);
}
std::vector<std::int64_t> BodyReader::OptionalIntList(std::string_view key) {
  return ReadList<std::int64_t>(*this, FindArray(key, false), key);
}
std::vector<std::string> BodyReader::StringList(std::string_view key) {
  return ReadList<std::string>(*this, FindArray(key, true), key);
}
std::vector<std::string> BodyReader::OptionalStringList(std::string_view key) {
  return ReadList<std::string>(*this, FindArray(key, false), key);
}

Status BodyReader::Finish() {
  if (object_.is_object()) {
    for (const auto& [key, value] : object_.items()) {
      if (std::find(read_keys_.begin(), read_keys_.end(), key) == read_keys_.end()) {
        return Invalid(FieldName(key), "unknown field", "unknown_field");
      }
    }
  }
  if (error_) return *error_;
  return Ok();
}

}  // namespace muster::http
