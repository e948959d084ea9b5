#include "http/json_body.h"

#include <gtest/gtest.h>

#include "http/response.h"

namespace muster::http {
namespace {

Request JsonRequest(std::string body, std::string content_type = "application/json") {
  Request request;
  request.method = Method::kPost;
  request.headers = {{"Content-Type", std::move(content_type)}};
  request.body = std::move(body);
  return request;
}

TEST(ParseJsonBody, AcceptsJsonWithCharset) {
  EXPECT_TRUE(ParseJsonBody(JsonRequest(R"({"a":1})")).ok());
  EXPECT_TRUE(ParseJsonBody(JsonRequest(R"({"a":1})", "application/json; charset=utf-8")).ok());
  EXPECT_TRUE(ParseJsonBody(JsonRequest(R"({"a":1})", "Application/JSON;charset=\"UTF-8\"")).ok());
}

TEST(ParseJsonBody, RefusesOtherMediaTypes) {
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded",
                           "application/json; charset=latin1", "application/jsonx"}) {
    auto parsed = ParseJsonBody(JsonRequest("{}", type));
    ASSERT_FALSE(parsed.ok()) << type;
    EXPECT_EQ(parsed.error().code, ErrorCode::kUnsupportedMediaType) << type;
  }
  Request no_type;
  no_type.body = "{}";
  EXPECT_EQ(ParseJsonBody(no_type).error().code, ErrorCode::kUnsupportedMediaType);
}

TEST(ParseJsonBody, RefusesMalformedAndEmptyBodies) {
  for (const char* body :
       {"", "   ", "{", "{\"a\":}", "[1,2", "nul", "{\"a\":1} x", "{\"a\":\"\xff\"}"}) {
    auto parsed = ParseJsonBody(JsonRequest(body));
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.error().code, ErrorCode::kBadRequest) << body;
  }
}

TEST(ParseJsonBody, RefusesDeepNestingWithoutRecursion) {
  auto deep = ParseJsonBody(JsonRequest(std::string(100000, '[')));
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.error().code, ErrorCode::kBadRequest);
  std::string ok_depth = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(ParseJsonBody(JsonRequest(ok_depth)).ok());
  std::string too_deep = "[" + ok_depth + "]";
  EXPECT_FALSE(ParseJsonBody(JsonRequest(too_deep)).ok());
}

TEST(JsonNestingDepth, IgnoresBracketsInsideStrings) {
  EXPECT_EQ(JsonNestingDepth(R"({"a": "[[[{{{\"[[[", "b": [1]})", 100), 2);
  EXPECT_EQ(JsonNestingDepth("42", 100), 0);
}

TEST(BodyReader, ReadsTypedFields) {
  auto json = nlohmann::json::parse(R"({"name": "Futian", "lat": 22.5, "count": 3,
      "urgent": true, "department_ids": [4, 5], "skills": ["first_aid"], "note": null})");
  BodyReader r(json);
  EXPECT_EQ(r.String("name"), "Futian");
  EXPECT_EQ(r.OptionalDouble("lat"), 22.5);
  EXPECT_EQ(r.Int("count"), 3);
  EXPECT_TRUE(r.Bool("urgent"));
  EXPECT_EQ(r.IntList("department_ids"), (std::vector<std::int64_t>{4, 5}));
  EXPECT_EQ(r.StringList("skills"), (std::vector<std::string>{"first_aid"}));
  EXPECT_FALSE(r.OptionalString("note").has_value());
  EXPECT_FALSE(r.OptionalInt("absent").has_value());
  EXPECT_TRUE(r.OptionalIntList("absent_list").empty());
  EXPECT_TRUE(r.Finish().ok());
}

TEST(BodyReader, RefusesUnknownFieldNamingIt) {
  auto json = nlohmann::json::parse(R"({"name": "x", "nmae": "y"})");
  BodyReader r(json);
  (void)r.String("name");
  Status status = r.Finish();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kValidationFailed);
  EXPECT_EQ(status.error().field, "nmae");
}

TEST(BodyReader, NamesMissingAndMistypedFields) {
  auto json = nlohmann::json::parse(R"({"count": "3", "lat": "north"})");
  BodyReader r(json);
  (void)r.OptionalDouble("lat");
  (void)r.Int("count");
  (void)r.String("name");
  Status status = r.Finish();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().field, "lat");
  EXPECT_EQ(status.error().reason, "type");

  const nlohmann::json empty = nlohmann::json::object();
  BodyReader missing(empty);
  (void)missing.String("name");
  EXPECT_EQ(missing.Finish().error().field, "name");
}

TEST(BodyReader, IntegersMustBeIntegers) {
  const auto fraction = nlohmann::json::parse(R"({"a": 1.5})");
  BodyReader r(fraction);
  (void)r.Int("a");
  EXPECT_EQ(r.Finish().error().field, "a");
  const auto huge = nlohmann::json::parse(R"({"b": 18446744073709551615})");
  BodyReader r2(huge);
  (void)r2.Int("b");
  EXPECT_EQ(r2.Finish().error().field, "b");
  const auto negative = nlohmann::json::parse(R"({"c": -2})");
  BodyReader r3(negative);
  EXPECT_EQ(r3.Int("c"), -2);
  EXPECT_TRUE(r3.Finish().ok());
}

TEST(BodyReader, NamesTheListItemThatIsWrong) {
  auto json = nlohmann::json::parse(R"({"department_ids": [1, "two", 3]})");
  BodyReader r(json);
  (void)r.IntList("department_ids");
  EXPECT_EQ(r.Finish().error().field, "department_ids[1]");
}

struct Shift {
  std::int64_t site_id;
  std::string task;
};

TEST(BodyReader, ObjectListErrorsNameThePath) {
  auto json = nlohmann::json::parse(R"({"note": "n", "shifts": [
      {"site_id": 1, "task": "a"}, {"site_id": 2, "task": "b"}, {"site_id": "x", "task": "c"}]})");
  BodyReader r(json);
  (void)r.String("note");
  auto shifts = r.ObjectList("shifts", [](BodyReader& item) {
    return Shift{item.Int("site_id"), item.String("task")};
  });
  EXPECT_EQ(shifts.size(), 3u);
  Status status = r.Finish();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().field, "shifts[2].site_id");
}

TEST(BodyReader, ObjectListRefusesUnknownFieldsInItems) {
  auto json = nlohmann::json::parse(R"({"shifts": [{"site_id": 1, "task": "a", "extra": 0}]})");
  BodyReader r(json);
  (void)r.ObjectList("shifts", [](BodyReader& item) {
    return Shift{item.Int("site_id"), item.String("task")};
  });
  EXPECT_EQ(r.Finish().error().field, "shifts[0].extra");
}

TEST(BodyReader, NestedObjectErrorsNameThePath) {
  auto json = nlohmann::json::parse(R"({"user": {"id": 1, "role": 5}})");
  BodyReader r(json);
  (void)r.Object(
      "user", [](BodyReader& user) { return std::make_pair(user.Int("id"), user.String("role")); });
  EXPECT_EQ(r.Finish().error().field, "user.role");
}

TEST(BodyReader, TopLevelMustBeAnObject) {
  auto json = nlohmann::json::parse("[1, 2]");
  BodyReader r(json);
  Status status = r.Finish();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace muster::http

namespace muster::http {
namespace {

// The handler shape the README shows: errors return through MUSTER_TRY / MUSTER_ASSIGN.
Response CreateThing(const Request& request) {
  MUSTER_ASSIGN(nlohmann::json json, ParseJsonBody(request));
  BodyReader r(json);
  std::string name = r.String("name");
  MUSTER_TRY(r.Finish());
  return Response::Json({{"name", name}}, 201);
}

TEST(HandlerShape, ErrorsBecomeTheirAnswers) {
  EXPECT_EQ(CreateThing(JsonRequest(R"({"name":"a"})")).status, 201);
  EXPECT_EQ(CreateThing(JsonRequest(R"({"name":"a"})", "text/plain")).status, 415);
  EXPECT_EQ(CreateThing(JsonRequest(R"({"name":)")).status, 400);
  Response unknown = CreateThing(JsonRequest(R"({"name":"a","x":1})"));
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(nlohmann::json::parse(unknown.body)["error"]["field"], "x");
}

}  // namespace
}  // namespace muster::http
