#pragma once

#include <string>
#include <string_view>

namespace muster {

// The codes every expected failure travels with; the names are those of the API contract
// (shared/spec/API.md). http/ maps each to one HTTP status in one function.
enum class ErrorCode {
  kBadRequest,            // malformed JSON, query or file
  kValidationFailed,      // a field breaks a rule
  kUnauthenticated,
  kForbidden,
  kNotFound,
  kConflict,
  kShiftFull,
  kScheduleConflict,
  kInsufficientFunds,
  kPayloadTooLarge,
  kUnsupportedMediaType,
  kRateLimited,
  kUnavailable,           // transient: database busy beyond its budget, disk full, shutting down
  kInternal,              // a bug; never carries internals to a client
};

// Returns the API spelling of `code`, e.g. "validation_failed".
std::string_view ErrorCodeName(ErrorCode code);

// An expected failure: what went wrong (`code`), a sentence for people (`message`), the input field
// it concerns (`field`, empty when none) and, for validation, a finer machine-readable `reason`
// such as "id_checksum" that clients may use to pick a translated message.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string field;
  std::string reason;
  // For kRateLimited and kUnavailable: seconds after which a retry may succeed (0: unknown).
  int retry_after = 0;

  // Returns "field: message" (or just the message when no field is set).
  std::string ToString() const;

  // Returns a copy whose field is `prefix` + "." + field (or `prefix` when field is empty), for
  // errors found inside a nested object or a list item ("shifts[2].site_id").
  Error WithFieldPrefix(std::string_view prefix) const;

  bool operator==(const Error&) const = default;
};

// Builders for the common cases; each states the field the error names.
Error BadRequest(std::string message, std::string field = {});
Error Invalid(std::string field, std::string message, std::string reason = {});
Error NotFound(std::string message);
Error Conflict(std::string message, std::string field = {});
Error Forbidden(std::string message);
Error Unavailable(std::string message);
Error Internal(std::string message);

}  // namespace muster
