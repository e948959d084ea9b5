#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "base/result.h"
#include "http/request.h"

namespace muster::http {

// The deepest nesting of arrays and objects a request body may have.
inline constexpr int kMaxJsonDepth = 32;

// Returns the depth of the deepest array/object nesting in `text` (0 for a scalar), scanning
// without recursion, so a body of 100000 '[' costs a loop and not the stack. Strings are skipped,
// escapes included. Stops counting and returns a value above `limit` once `limit` is passed.
int JsonNestingDepth(std::string_view text, int limit);

// Returns the body of `request` parsed as JSON, or: unsupported_media_type when Content-Type is
// not application/json (parameters such as charset=utf-8 allowed), bad_request when the body is
// empty, malformed, not UTF-8, or nested deeper than kMaxJsonDepth. Thread-safe.
Result<nlohmann::json> ParseJsonBody(const Request& request);

// Reads the fields of one JSON object with their types, remembering the first problem so that a
// handler reads every field and checks once:
//
//   BodyReader r(json);
//   std::string name = r.String("name");
//   std::optional<double> lat = r.OptionalDouble("lat");
//   std::vector<std::int64_t> ids = r.IntList("department_ids");
//   MUSTER_TRY(r.Finish());
//
// Accessors return a default value after a problem; Finish() then reports, as validation_failed
// naming the field ("shifts[2].site_id" inside lists): first any field the handler did not read
// (an unknown field), else the first missing or mistyped field. A null value counts as absent.
// Integers must be JSON integers (1.5 and "1" are refused); doubles accept any number.
// Not thread-safe; `object` must outlive the reader.
class BodyReader {
 public:
  // `path` prefixes the field names in errors (empty at the top level).
  explicit BodyReader(const nlohmann::json& object, std::string path = {});
  // The reader keeps a reference: a temporary would dangle.
  explicit BodyReader(nlohmann::json&& object, std::string path = {}) = delete;

  std::string String(std::string_view key);
  std::optional<std::string> OptionalString(std::string_view key);
  std::int64_t Int(std::string_view key);
  std::optional<std::int64_t> OptionalInt(std::string_view key);
  double Double(std::string_view key);
  std::optional<double> OptionalDouble(std::string_view key);
  bool Bool(std::string_view key);
  std::optional<bool> OptionalBool(std::string_view key);
  // Lists are required unless read with the Optional variant, which gives an empty list when the
  // field is absent.
  std::vector<std::int64_t> IntList(std::string_view key);
  std::vector<std::int64_t> OptionalIntList(std::string_view key);
  std::vector<std::string> StringList(std::string_view key);
  std::vector<std::string> OptionalStringList(std::string_view key);

  // Reads a required list of objects, calling `parse(BodyReader&)` for each item with a reader
  // whose errors name "key[i].field"; each item's reader is finished here. Returns the items.
  template <typename Parse>
  auto ObjectList(std::string_view key, Parse&& parse)
      -> std::vector<std::invoke_result_t<Parse&, BodyReader&>>;
  // Reads a required nested object through `parse(BodyReader&)`; errors name "key.field".
  template <typename Parse>
  auto Object(std::string_view key, Parse&& parse) -> std::invoke_result_t<Parse&, BodyReader&>;

  // Returns the raw value of `key` (marking it read), or nullptr when absent or null.
  const nlohmann::json* Raw(std::string_view key);

  // Records `error` as a problem of this body unless one is already recorded; for checks a
  // handler makes itself while reading (e.g. a list of the wrong length).
  void Fail(Error error);

  // Returns the first problem found (unknown fields first), or Ok. Call once, after reading.
  Status Finish();

  // Returns "path.key" (or "key" at the top level), the name errors give to `key`.
  std::string FieldName(std::string_view key) const;

 private:
  // Returns the value of `key`, or nullptr when absent/null (a problem when `required`).
  const nlohmann::json* Find(std::string_view key, bool required);
  const nlohmann::json* FindArray(std::string_view key, bool required);
  void WrongType(std::string_view key, std::string_view expected);
  template <typename T>
  std::optional<T> Get(std::string_view key, bool required);

  const nlohmann::json& object_;
  std::string path_;
  std::vector<std::string> read_keys_;
  std::optional<Error> error_;
};

template <typename Parse>
auto BodyReader::ObjectList(std::string_view key, Parse&& parse)
    -> std::vector<std::invoke_result_t<Parse&, BodyReader&>> {
  std::vector<std::invoke_result_t<Parse&, BodyReader&>> items;
  const nlohmann::json* array = FindArray(key, /*required=*/true);
  if (array == nullptr) return items;
  items.reserve(array->size());
  for (std::size_t i = 0; i < array->size(); ++i) {
    std::string item_path = FieldName(key) + "[" + std::to_string(i) + "]";
    if (!(*array)[i].is_object()) {
      Fail(Invalid(item_path, "must be an object", "type"));
      continue;
    }
    BodyReader item((*array)[i], item_path);
    items.push_back(parse(item));
    Status status = item.Finish();
    if (!status.ok()) Fail(std::move(status).error());
  }
  return items;
}

template <typename Parse>
auto BodyReader::Object(std::string_view key, Parse&& parse)
    -> std::invoke_result_t<Parse&, BodyReader&> {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  const nlohmann::json* value = Find(key, /*required=*/true);
  if (value != nullptr && !value->is_object()) {
    WrongType(key, "an object");
    value = nullptr;
  }
  BodyReader nested(value != nullptr ? *value : kEmpty, FieldName(key));
  auto result = parse(nested);
  if (value != nullptr) {
    Status status = nested.Finish();
    if (!status.ok()) Fail(std::move(status).error());
  }
  return result;
}

}  // namespace muster::http
