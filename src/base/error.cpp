#include "base/error.h"

namespace muster {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest: return "bad_request";
    case ErrorCode::kValidationFailed: return "validation_failed";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kForbidden: return "forbidden";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kShiftFull: return "shift_full";
    case ErrorCode::kScheduleConflict: return "schedule_conflict";
    case ErrorCode::kInsufficientFunds: return "insufficient_funds";
    case ErrorCode::kPayloadTooLarge: return "payload_too_large";
    case ErrorCode::kUnsupportedMediaType: return "unsupported_media_type";
    case ErrorCode::kRateLimited: return "rate_limited";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

std::string Error::ToString() const {
  if (field.empty()) return message;
  return field + ": " + message;
}

Error Error::WithFieldPrefix(std::string_view prefix) const {
  Error copy = *this;
  if (field.empty()) {
    copy.field = std::string(prefix);
  } else if (field.front() == '[') {
    copy.field = std::string(prefix) + field;
  } else {
    copy.field = std::string(prefix) + "." + field;
  }
  return copy;
}

Error BadRequest(std::string message, std::string field) {
  return Error{ErrorCode::kBadRequest, std::move(message), std::move(field), {}};
}
Error Invalid(std::string field, std::string message, std::string reason) {
  return Error{ErrorCode::kValidationFailed, std::move(message), std::move(field), std::move(reason)};
}
Error NotFound(std::string message) { return Error{ErrorCode::kNotFound, std::move(message), {}, {}}; }
Error Conflict(std::string message, std::string field) {
  return Error{ErrorCode::kConflict, std::move(message), std::move(field), {}};
}
Error Forbidden(std::string message) { return Error{ErrorCode::kForbidden, std::move(message), {}, {}}; }
Error Unavailable(std::string message) {
  return Error{ErrorCode::kUnavailable, std::move(message), {}, {}};
}
Error Internal(std::string message) { return Error{ErrorCode::kInternal, std::move(message), {}, {}}; }

}  // namespace muster
