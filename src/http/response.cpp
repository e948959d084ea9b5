#include "http/response.h"

#include <nlohmann/json.hpp>

#include "http/text.h"

namespace muster::http {

Response::Response(const Error& error) { *this = ErrorResponse(error); }

void Response::SetHeader(std::string_view name, std::string value) {
  for (auto& [key, existing] : headers) {
    if (EqualsIgnoreCase(key, name)) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::move(value));
}

std::optional<std::string_view> Response::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

Response Response::Json(const nlohmann::json& body, int status) {
  Response response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

Response Response::Text(std::string body, std::string content_type, int status) {
  Response response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

Response Response::NoContent() {
  Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

Response Response::Stream(std::shared_ptr<EventStream> stream) {
  Response response;
  response.content_type = "text/event-stream";
  response.stream = std::move(stream);
  return response;
}

Error MakeError(ErrorCode code, std::string message, std::string field) {
  Error error;
  error.code = code;
  error.message = std::move(message);
  error.field = std::move(field);
  return error;
}

int HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest:
      return 400;
    case ErrorCode::kValidationFailed:
      return 422;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kShiftFull:
      return 409;
    case ErrorCode::kScheduleConflict:
      return 409;
    case ErrorCode::kInsufficientFunds:
      return 409;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kUnsupportedMediaType:
      return 415;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

namespace {

Response ErrorBody(int status, std::string_view code, std::string_view message,
                   std::string_view field, std::string_view reason) {
  nlohmann::json inner = {{"code", code}, {"message", message}};
  if (!field.empty()) inner["field"] = field;
  if (!reason.empty()) inner["reason"] = reason;
  return Response::Json({{"error", std::move(inner)}}, status);
}

// Returns the error's own retry hint when base/error.h carries one (Error::retry_after), else a
// default per code: a busy database clears in seconds, a rate limit in about a minute.
template <typename E>
long long RetryAfterSeconds(const E& error) {
  if constexpr (requires { error.retry_after; }) {
    if (error.retry_after > 0) return error.retry_after;
  }
  return error.code == ErrorCode::kRateLimited ? 60 : 5;
}

}  // namespace

Response ErrorResponse(const Error& error) {
  const int status = HttpStatus(error.code);
  if (error.code == ErrorCode::kInternal) {
    Response response = ErrorBody(status, "internal", "internal error", {}, {});
    response.internal_detail = error.ToString();
    if (response.internal_detail.empty()) response.internal_detail = "internal error";
    return response;
  }
  Response response =
      ErrorBody(status, ErrorCodeName(error.code), error.message, error.field, error.reason);
  if (error.code == ErrorCode::kUnavailable || error.code == ErrorCode::kRateLimited) {
    response.SetHeader("Retry-After", std::to_string(RetryAfterSeconds(error)));
  }
  if (error.code == ErrorCode::kUnauthenticated) response.SetHeader("WWW-Authenticate", "Bearer");
  return response;
}

Response RateLimitedResponse(std::chrono::seconds retry_after) {
  const long long seconds = std::max<long long>(1, retry_after.count());
  Response response =
      ErrorBody(429, "rate_limited",
                "too many attempts; retry after " + std::to_string(seconds) + " seconds", {}, {});
  response.SetHeader("Retry-After", std::to_string(seconds));
  return response;
}

Response InternalErrorResponse(std::string_view correlation_id) {
  std::string message = "internal error (correlation id ";
  message.append(correlation_id);
  message.push_back(')');
  return ErrorBody(500, "internal", message, {}, {});
}

}  // namespace muster::http
