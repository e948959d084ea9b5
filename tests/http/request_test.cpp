#include "http/request.h"

#include <gtest/gtest.h>

namespace muster::http {
namespace {

TEST(PercentDecode, DecodesEscapesAndPlus) {
  EXPECT_EQ(PercentDecode("a%20b+c", true), "a b c");
  EXPECT_EQ(PercentDecode("a%20b+c", false), "a b+c");
  EXPECT_EQ(PercentDecode("%E6%B7%B1%E5%9C%B3", false), "\xE6\xB7\xB1\xE5\x9C\xB3");
  EXPECT_FALSE(PercentDecode("%4", false).has_value());
  EXPECT_FALSE(PercentDecode("%zz", false).has_value());
  EXPECT_FALSE(PercentDecode("abc%", false).has_value());
}

TEST(Request, SplitsTargetAndDecodesQuery) {
  Request request;
  request.SetTarget("/api/v1/requests?status=open&street_id=7&note=a+b%26c&empty=");
  EXPECT_EQ(request.path, "/api/v1/requests");
  EXPECT_EQ(request.Query("status"), "open");
  EXPECT_EQ(request.Query("note"), "a b&c");
  EXPECT_EQ(request.Query("empty"), "");
  EXPECT_FALSE(request.Query("missing").has_value());
  auto street = request.QueryInt("street_id");
  ASSERT_TRUE(street.ok());
  EXPECT_EQ(**street, 7);
}

TEST(Request, QueryIntNamesAMalformedParameter) {
  Request request;
  request.SetTarget("/x?limit=ten");
  auto limit = request.QueryInt("limit");
  ASSERT_FALSE(limit.ok());
  EXPECT_EQ(limit.error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(limit.error().field, "limit");
  request.SetTarget("/x?a=%zz");
  EXPECT_FALSE(request.QueryParams().ok());
}

TEST(Request, HeadersIgnoreCase) {
  Request request;
  request.headers = {{"Content-Type", "application/json"}};
  EXPECT_EQ(request.Header("content-type"), "application/json");
  EXPECT_EQ(request.Header("CONTENT-TYPE"), "application/json");
  EXPECT_FALSE(request.Header("accept").has_value());
}

TEST(Request, ReadsCookiesAndBearerToken) {
  Request request;
  request.headers = {{"Cookie", "theme=dark; muster_session=abc123; x=\"q\""},
                     {"Authorization", "bearer   tok.en-1"}};
  EXPECT_EQ(request.Cookie("muster_session"), "abc123");
  EXPECT_EQ(request.Cookie("x"), "q");
  EXPECT_FALSE(request.Cookie("session").has_value());
  EXPECT_EQ(request.BearerToken(), "tok.en-1");
  request.headers = {{"Authorization", "Basic dXNlcjpwYXNz"}};
  EXPECT_FALSE(request.BearerToken().has_value());
  request.headers = {{"Authorization", "Bearer"}};
  EXPECT_FALSE(request.BearerToken().has_value());
}

TEST(Request, PathIdAcceptsOnlyPositiveIntegers) {
  Request request;
  request.path_params = {{"id", "42"}};
  EXPECT_EQ(*request.PathId("id"), 42);
  for (const char* bad : {"0", "-3", "4x", "", "99999999999999999999"}) {
    request.path_params = {{"id", bad}};
    auto id = request.PathId("id");
    ASSERT_FALSE(id.ok()) << bad;
    EXPECT_EQ(id.error().code, ErrorCode::kNotFound);
  }
}

TEST(Method, ParsesWireNames) {
  EXPECT_EQ(ParseMethod("GET"), Method::kGet);
  EXPECT_EQ(ParseMethod("DELETE"), Method::kDelete);
  EXPECT_FALSE(ParseMethod("get").has_value());
  EXPECT_FALSE(ParseMethod("TRACE").has_value());
  EXPECT_EQ(MethodName(Method::kPatch), "PATCH");
}

}  // namespace
}  // namespace muster::http
