#include "http/response.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace muster::http {
namespace {

TEST(HttpStatus, MapsEveryErrorCode) {
  const std::pair<ErrorCode, int> kTable[] = {
      {ErrorCode::kBadRequest, 400},
      {ErrorCode::kValidationFailed, 422},
      {ErrorCode::kUnauthenticated, 401},
      {ErrorCode::kForbidden, 403},
      {ErrorCode::kNotFound, 404},
      {ErrorCode::kConflict, 409},
      {ErrorCode::kShiftFull, 409},
      {ErrorCode::kScheduleConflict, 409},
      {ErrorCode::kInsufficientFunds, 409},
      {ErrorCode::kPayloadTooLarge, 413},
      {ErrorCode::kUnsupportedMediaType, 415},
      {ErrorCode::kRateLimited, 429},
      {ErrorCode::kUnavailable, 503},
      {ErrorCode::kInternal, 500},
  };
  // The table must name every code: the last enumerator bounds the count.
  ASSERT_EQ(std::size(kTable), static_cast<std::size_t>(ErrorCode::kInternal) + 1);
  for (const auto& [code, status] : kTable) {
    EXPECT_EQ(HttpStatus(code), status) << ErrorCodeName(code);
  }
}

TEST(ErrorResponse, CarriesCodeMessageAndField) {
  Response response = ErrorResponse(Invalid("phone", "not a mainland mobile number"));
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(response.content_type, "application/json");
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body, nlohmann::json::parse(R"({"error": {"code": "validation_failed",
      "message": "not a mainland mobile number", "field": "phone"}})"));
}

TEST(ErrorResponse, OmitsEmptyFieldAndIncludesReason) {
  Response plain = ErrorResponse(NotFound("no such shift"));
  auto body = nlohmann::json::parse(plain.body);
  EXPECT_FALSE(body["error"].contains("field"));
  EXPECT_FALSE(body["error"].contains("reason"));
  Response with_reason = ErrorResponse(Invalid("id_number", "bad check character", "id_checksum"));
  EXPECT_EQ(nlohmann::json::parse(with_reason.body)["error"]["reason"], "id_checksum");
}

TEST(ErrorResponse, InternalErrorsNeverShowTheirMessage) {
  Response response = ErrorResponse(Internal("sqlite: disk I/O error at /var/lib/muster.db"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("sqlite"), std::string::npos);
  EXPECT_NE(response.internal_detail.find("sqlite"), std::string::npos);
}

TEST(ErrorResponse, UnavailableAsksToRetry) {
  Response response = ErrorResponse(Unavailable("database busy"));
  EXPECT_EQ(response.status, 503);
  EXPECT_TRUE(response.Header("retry-after").has_value());
}

TEST(RateLimitedResponse, SaysWhenToRetry) {
  Response response = RateLimitedResponse(std::chrono::seconds(42));
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(response.Header("Retry-After"), "42");
  EXPECT_EQ(nlohmann::json::parse(response.body)["error"]["code"], "rate_limited");
}

TEST(ResponseJson, ReplacesInvalidUtf8InsteadOfThrowing) {
  Response response = Response::Json({{"name", std::string("bad \xff byte")}});
  EXPECT_EQ(response.status, 200);
  EXPECT_NO_THROW(nlohmann::json::parse(response.body));
}

TEST(Respond, EncodesValueOrError) {
  Result<int> good = 7;
  Result<int> bad = NotFound("gone");
  auto encode = [](int v) { return nlohmann::json{{"id", v}}; };
  EXPECT_EQ(Respond(good, encode, 201).status, 201);
  EXPECT_EQ(Respond(bad, encode).status, 404);
}

}  // namespace
}  // namespace muster::http

namespace muster::http {
namespace {

TEST(ErrorResponse, RateLimitedAsksToRetryLater) {
  Response response = ErrorResponse(MakeError(ErrorCode::kRateLimited, "too many sign-ups"));
  EXPECT_EQ(response.status, 429);
  EXPECT_TRUE(response.Header("Retry-After").has_value());
}

}  // namespace
}  // namespace muster::http
