#include "http/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace muster::http {
namespace {

Handler Named(std::string name) {
  return [name](const Request&) { return Response::Text(name); };
}

std::string Call(const RouteMatch& match) {
  Request request;
  return (*match.handler)(request).body;
}

TEST(Router, MatchesLiteralsAndParameters) {
  Router router;
  router.Put("/api/v1/streets/{id}/pairing", Named("street pairing"));
  router.Get("/api/v1/shifts", Named("shifts"));
  RouteMatch match = router.Match(Method::kPut, "/api/v1/streets/17/pairing");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(Call(match), "street pairing");
  EXPECT_EQ(*match.pattern, "/api/v1/streets/{id}/pairing");
  ASSERT_EQ(match.params.size(), 1u);
  EXPECT_EQ(match.params[0].first, "id");
  EXPECT_EQ(match.params[0].second, "17");
  EXPECT_EQ(router.Match(Method::kGet, "/api/v1/shifts").kind, RouteMatch::Kind::kFound);
}

TEST(Router, PrefersLiteralSegmentsOverParameters) {
  Router router;
  router.Post("/api/v1/members/{id}", Named("member"));
  router.Post("/api/v1/members/import", Named("import"));
  EXPECT_EQ(Call(router.Match(Method::kPost, "/api/v1/members/import")), "import");
  EXPECT_EQ(Call(router.Match(Method::kPost, "/api/v1/members/5")), "member");
}

TEST(Router, BacktracksWhenALiteralBranchDeadEnds) {
  Router router;
  router.Get("/a/b/c", Named("abc"));
  router.Get("/a/{x}/d", Named("axd"));
  RouteMatch match = router.Match(Method::kGet, "/a/b/d");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(Call(match), "axd");
  EXPECT_EQ(match.params[0].second, "b");
}

TEST(Router, UnknownPathIsNotFoundAndOtherMethodIsNotAllowed) {
  Router router;
  router.Get("/api/v1/mode", Named("get mode"));
  router.Put("/api/v1/mode", Named("put mode"));
  EXPECT_EQ(router.Match(Method::kGet, "/api/v1/nothing").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router.Match(Method::kGet, "/api/v1/mode/").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router.Match(Method::kGet, "api/v1/mode").kind, RouteMatch::Kind::kNotFound);
  RouteMatch match = router.Match(Method::kDelete, "/api/v1/mode");
  EXPECT_EQ(match.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(match.allow, "GET, HEAD, PUT");
}

TEST(Router, HeadFallsBackToGet) {
  Router router;
  router.Get("/healthz", Named("ok"));
  EXPECT_EQ(router.Match(Method::kHead, "/healthz").kind, RouteMatch::Kind::kFound);
}

TEST(Router, DecodesParametersButNotLiterals) {
  Router router;
  router.Get("/files/{name}", Named("file"));
  RouteMatch match = router.Match(Method::kGet, "/files/a%20b%2Fc");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.params[0].second, "a b/c");
  EXPECT_EQ(router.Match(Method::kGet, "/files/%zz").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router.Match(Method::kGet, "/%66iles/x").kind, RouteMatch::Kind::kNotFound);
}

TEST(Router, ListsRoutesInRegistrationOrder) {
  Router router;
  router.Post("/api/v1/districts", Named("a"));
  router.Get("/api/v1/calls/{id}", Named("b"));
  router.SetFallback(Named("static"));
  auto routes = router.Routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].method, Method::kPost);
  EXPECT_EQ(routes[0].pattern, "/api/v1/districts");
  EXPECT_EQ(routes[1].method, Method::kGet);
  EXPECT_EQ(routes[1].pattern, "/api/v1/calls/{id}");
}

TEST(Router, RefusesDuplicateAndMalformedPatterns) {
  Router router;
  router.Get("/x/{id}", Named("a"));
  EXPECT_THROW(router.Get("/x/{id}", Named("b")), std::invalid_argument);
  EXPECT_THROW(router.Get("/x/{other}", Named("b")), std::invalid_argument);
  EXPECT_THROW(router.Get("no-slash", Named("c")), std::invalid_argument);
  EXPECT_THROW(router.Get("/a{b", Named("d")), std::invalid_argument);
}

TEST(Router, FallbackServesUnmatchedReadsOnly) {
  Router router;
  router.Post("/api/v1/checkins", Named("checkin"));
  router.SetFallback(Named("static"));
  RouteMatch match = router.Match(Method::kGet, "/shifts/12");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(Call(match), "static");
  EXPECT_EQ(match.route_index, router.fallback_index());
  EXPECT_EQ(router.Match(Method::kPost, "/shifts/12").kind, RouteMatch::Kind::kNotFound);
}

}  // namespace
}  // namespace muster::http
