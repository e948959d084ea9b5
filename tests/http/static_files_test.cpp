#include "http/static_files.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

namespace muster::http {
namespace {

namespace fs = std::filesystem;

// A temporary web root: index.html, a hashed asset, a hidden file, and a secret beside the root
// that no request may reach.
class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "muster-static-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    base_ = pattern;
    root_ = base_ / "web";
    fs::create_directories(root_ / "assets");
    Write(root_ / "index.html", "<!doctype html><title>Muster</title>");
    Write(root_ / "assets" / "app.3f9a1c.js", "console.log(1)");
    Write(root_ / "assets" / "app.3f9a1c.css", "body{}");
    Write(root_ / "favicon.svg", "<svg/>");
    Write(root_ / ".env", "SECRET=1");
    Write(base_ / "secret.txt", "top secret");
    fs::create_symlink(base_ / "secret.txt", root_ / "link.txt");
  }
  void TearDown() override { fs::remove_all(base_); }

  static void Write(const fs::path& path, std::string_view text) {
    std::ofstream(path, std::ios::binary) << text;
  }

  Response Get(std::string_view path,
               std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request request;
    request.SetTarget(path);
    request.headers = std::move(headers);
    return StaticFiles(root_).Serve(request);
  }

  fs::path base_;
  fs::path root_;
};

TEST_F(StaticFilesTest, ServesIndexWithoutCaching) {
  Response response = Get("/");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(response.Header("Cache-Control"), "no-cache");
  EXPECT_NE(response.body.find("Muster"), std::string::npos);
}

TEST_F(StaticFilesTest, HashedAssetsAreImmutable) {
  Response js = Get("/assets/app.3f9a1c.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js.Header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Get("/assets/app.3f9a1c.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(Get("/favicon.svg").content_type, "image/svg+xml");
}

TEST_F(StaticFilesTest, ClientRoutesGetIndexButApiPathsAndMissingFilesDoNot) {
  Response route = Get("/shifts/12");
  EXPECT_EQ(route.status, 200);
  EXPECT_NE(route.body.find("Muster"), std::string::npos);
  EXPECT_EQ(Get("/api/v1/unknown").status, 404);
  EXPECT_EQ(Get("/api").status, 404);
  EXPECT_EQ(Get("/missing.js").status, 404);
  EXPECT_EQ(Get("/assets/missing").status, 404);
}

TEST_F(StaticFilesTest, RefusesEveryTraversalAttempt) {
  for (const char* path :
       {"/../secret.txt", "/../../etc/passwd", "/%2e%2e/secret.txt", "/%2E%2E/%2e%2e/etc/passwd",
        "/..%2fsecret.txt", "/assets/..%2f..%2fsecret.txt", "/assets/%2e%2e/%2e%2e/secret.txt",
        "/..%5csecret.txt", "/%2e%2e%5csecret.txt", "/.env", "/%2eenv", "/link.txt",
        "/index.html%00.js", "//etc/passwd", "/%2fetc%2fpasswd"}) {
    Response response = Get(path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(response.body.find("secret"), std::string::npos) << path;
    EXPECT_EQ(response.body.find("root:"), std::string::npos) << path;
  }
}

TEST_F(StaticFilesTest, AnswersNotModifiedForAMatchingETag) {
  Response first = Get("/favicon.svg");
  auto etag = first.Header("ETag");
  ASSERT_TRUE(etag.has_value());
  Response again = Get("/favicon.svg", {{"If-None-Match", std::string(*etag)}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
}

TEST(ContentTypeFor, KnowsTheWebTypes) {
  EXPECT_EQ(ContentTypeFor("a.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("a.png"), "image/png");
  EXPECT_EQ(ContentTypeFor("README"), "application/octet-stream");
}

}  // namespace
}  // namespace muster::http
