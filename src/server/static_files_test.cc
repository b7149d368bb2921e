#include "server/static_files.h"

#include <fstream>
#include <random>

#include <gtest/gtest.h>

namespace mltrack::server {
namespace {

namespace fs = std::filesystem;

HttpRequest Get(std::string path) {
  HttpRequest request;
  request.method = "GET";
  request.path = std::move(path);
  return request;
}

const StaticAsset kAssets[] = {
    {"/index.html", "<html>app</html>"},
    {"/assets/index-3f2a.js", "console.log(1)"},
    {"/assets/index-9c1b.css", "body{}"},
    {"/favicon.svg", "<svg/>"},
};

class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = fs::temp_directory_path() / ("mltrack-static-test-" + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  void Write(const fs::path& relative, const std::string& bytes) const {
    fs::create_directories((path_ / relative).parent_path());
    std::ofstream(path_ / relative, std::ios::binary) << bytes;
  }

 private:
  fs::path path_;
};

TEST(StaticFilesTest, ServesEmbeddedFilesWithTypesAndCaching) {
  StaticFiles files(kAssets, std::nullopt);
  HttpResponse root = files.Serve(Get("/"));
  EXPECT_EQ(root.status, 200);
  EXPECT_EQ(root.body, "<html>app</html>");
  EXPECT_EQ(root.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(root.Header("Cache-Control"), "no-cache");

  HttpResponse js = files.Serve(Get("/assets/index-3f2a.js"));
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js.Header("Cache-Control"), "public, max-age=31536000, immutable");

  EXPECT_EQ(files.Serve(Get("/assets/index-9c1b.css")).content_type, "text/css; charset=utf-8");
  EXPECT_EQ(files.Serve(Get("/favicon.svg")).content_type, "image/svg+xml");
}

TEST(StaticFilesTest, RootPreloadsTheExecutiveOverviewOnlyAtDefaultFilters) {
  StaticFiles files(kAssets, std::nullopt);
  EXPECT_EQ(files.Serve(Get("/")).Header("Link"),
            "</api/analytics/overview?from=now-30d&to=now>; rel=preload; as=fetch; crossorigin");
  // Another page, or the executive page with filters, makes another request: no preload.
  HttpRequest filtered = Get("/");
  filtered.query.emplace("model", "gpt-4o");
  EXPECT_FALSE(files.Serve(filtered).Header("Link").has_value());
  EXPECT_FALSE(files.Serve(Get("/cost")).Header("Link").has_value());
  EXPECT_FALSE(files.Serve(Get("/assets/index-3f2a.js")).Header("Link").has_value());
}

TEST(StaticFilesTest, SpaFallbackServesIndexButNotForAssetsOrApi) {
  StaticFiles files(kAssets, std::nullopt);
  HttpResponse page = files.Serve(Get("/dashboards/cost"));
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<html>app</html>");
  EXPECT_EQ(page.Header("Cache-Control"), "no-cache");

  EXPECT_EQ(files.Serve(Get("/assets/missing.js")).status, 404);
  HttpResponse api = files.Serve(Get("/api/v1/nope"));
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.content_type, "application/json");
  EXPECT_EQ(files.Serve(Get("/api")).status, 404);

  HttpRequest post = Get("/dashboards/cost");
  post.method = "POST";
  EXPECT_EQ(files.Serve(post).status, 404);
}

TEST(StaticFilesTest, NothingBuiltSaysHowToBuild) {
  StaticFiles files({}, std::nullopt);
  HttpResponse page = files.Serve(Get("/"));
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("make web"), std::string::npos);
  EXPECT_EQ(files.Serve(Get("/api/x")).status, 404);
}

TEST(StaticFilesTest, ServesFromWebDirInDevMode) {
  TempDir dir;
  dir.Write("index.html", "<html>disk</html>");
  dir.Write("assets/app.js", "let x");
  StaticFiles files(kAssets, dir.path());  // web_dir wins over the embedded files
  EXPECT_EQ(files.Serve(Get("/")).body, "<html>disk</html>");
  EXPECT_EQ(files.Serve(Get("/assets/app.js")).body, "let x");
  EXPECT_EQ(files.Serve(Get("/assets/index-3f2a.js")).status, 404);
  EXPECT_EQ(files.Serve(Get("/some/route")).body, "<html>disk</html>");
}

TEST(StaticFilesTest, TraversalIsImpossible) {
  TempDir outer;
  outer.Write("secret.txt", "TOP-SECRET-BYTES");
  outer.Write("web/index.html", "<html>disk</html>");
  outer.Write("web/assets/a.js", "a");
  fs::create_directory_symlink(outer.path(), outer.path() / "web" / "escape");
  StaticFiles files({}, outer.path() / "web");
  for (const char* path : {"/../secret.txt", "/assets/../../secret.txt", "/./index.html", "//secret.txt",
                           "/escape/secret.txt", "/..\\secret.txt", "/assets/..", "/assets/"}) {
    HttpResponse response = files.Serve(Get(path));
    EXPECT_EQ(response.body.find("TOP-SECRET-BYTES"), std::string::npos) << path;
  }
  EXPECT_EQ(files.Serve(Get("/assets/../../secret.txt")).status, 404);
  EXPECT_EQ(files.Serve(Get("/assets/a.js")).body, "a");
}

TEST(StaticFilesTest, SafeUrlPaths) {
  EXPECT_TRUE(IsSafeUrlPath("/index.html"));
  EXPECT_TRUE(IsSafeUrlPath("/assets/a.b.js"));
  EXPECT_TRUE(IsSafeUrlPath("/..a"));
  EXPECT_FALSE(IsSafeUrlPath("/"));
  EXPECT_FALSE(IsSafeUrlPath("relative"));
  EXPECT_FALSE(IsSafeUrlPath("/a/../b"));
  EXPECT_FALSE(IsSafeUrlPath("/a/./b"));
  EXPECT_FALSE(IsSafeUrlPath("/a//b"));
  EXPECT_FALSE(IsSafeUrlPath("/a\\b"));
  EXPECT_FALSE(IsSafeUrlPath(std::string_view("/a\0b", 4)));
}

TEST(StaticFilesTest, ContentTypes) {
  EXPECT_EQ(ContentTypeFor("/a/b.WOFF2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("x.json"), "application/json");
  EXPECT_EQ(ContentTypeFor("x.png"), "image/png");
  EXPECT_EQ(ContentTypeFor("x.wasm"), "application/wasm");
  EXPECT_EQ(ContentTypeFor("/a.b/noext"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("x.unknown"), "application/octet-stream");
}

TEST(StaticFilesTest, AddStaticRoutesInstallsTheFallback) {
  Router router;
  router.Add("GET", "/api/health", [](const HttpRequest&) { return HttpResponse::Json(200, "{}"); });
  AddStaticRoutes(router, kAssets, std::nullopt);
  EXPECT_EQ(router.Dispatch(Get("/api/health")).body, "{}");
  EXPECT_EQ(router.Dispatch(Get("/")).body, "<html>app</html>");
  EXPECT_EQ(router.Dispatch(Get("/api/unknown")).status, 404);
}

}  // namespace
}  // namespace mltrack::server
