#include "server/router.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

namespace mltrack::server {
namespace {

Handler Reply(std::string text) {
  return [text](const HttpRequest&) { return HttpResponse::Text(200, "text/plain", text); };
}

HttpRequest Request(std::string method, std::string path) {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  return request;
}

Router MakeRouter() {
  Router router;
  router.Add("GET", "/api/health", Reply("health"));
  router.Add("POST", "/api/v1/events", Reply("ingest"));
  router.Add("POST", "/api/v1/query", Reply("query"));
  router.AddPrefix("GET", "/api/v1/budgets/", Reply("budget"));
  router.AddPrefix("DELETE", "/api/v1/budgets/", Reply("delete budget"));
  router.AddPrefix("GET", "/api/v1/budgets/special/", Reply("special"));
  return router;
}

TEST(RouterTest, ExactPathsMatchByMethod) {
  Router router = MakeRouter();
  EXPECT_EQ(router.Dispatch(Request("GET", "/api/health")).body, "health");
  EXPECT_EQ(router.Dispatch(Request("POST", "/api/v1/events")).body, "ingest");
  EXPECT_EQ(router.Dispatch(Request("POST", "/api/v1/query")).body, "query");
}

TEST(RouterTest, LongestPrefixWins) {
  Router router = MakeRouter();
  EXPECT_EQ(router.Dispatch(Request("GET", "/api/v1/budgets/7")).body, "budget");
  EXPECT_EQ(router.Dispatch(Request("DELETE", "/api/v1/budgets/7")).body, "delete budget");
  EXPECT_EQ(router.Dispatch(Request("GET", "/api/v1/budgets/special/x")).body, "special");
}

TEST(RouterTest, UnknownPathIs404Json) {
  Router router = MakeRouter();
  HttpResponse response = router.Dispatch(Request("GET", "/api/nope"));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_NE(response.body.find(R"("code":"not_found")"), std::string::npos) << response.body;
  // A trailing slash is a different path.
  EXPECT_EQ(router.Dispatch(Request("GET", "/api/health/")).status, 404);
}

TEST(RouterTest, WrongMethodIs405WithAllow) {
  Router router = MakeRouter();
  HttpResponse response = router.Dispatch(Request("GET", "/api/v1/events"));
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.Header("allow"), "POST");
  EXPECT_NE(response.body.find(R"("code":"method_not_allowed")"), std::string::npos) << response.body;

  HttpResponse prefix = router.Dispatch(Request("PUT", "/api/v1/budgets/7"));
  EXPECT_EQ(prefix.status, 405);
  EXPECT_EQ(prefix.Header("Allow"), "DELETE, GET, HEAD");
}

TEST(RouterTest, HeadUsesGetHandler) {
  Router router = MakeRouter();
  EXPECT_EQ(router.Dispatch(Request("HEAD", "/api/health")).body, "health");
  EXPECT_EQ(router.Dispatch(Request("HEAD", "/api/v1/events")).status, 405);
}

TEST(RouterTest, FallbackGetsEverythingUnmatched) {
  Router router = MakeRouter();
  router.SetFallback(Reply("fallback"));
  EXPECT_EQ(router.Dispatch(Request("GET", "/dashboard/cost")).body, "fallback");
  EXPECT_EQ(router.Dispatch(Request("POST", "/anything")).body, "fallback");
  // A known path with the wrong method is still 405, not the fallback.
  EXPECT_EQ(router.Dispatch(Request("GET", "/api/v1/query")).status, 405);
}

TEST(RouterTest, AddReplacesSameMethodAndPath) {
  Router router;
  router.Add("GET", "/x", Reply("first"));
  router.Add("GET", "/x", Reply("second"));
  EXPECT_EQ(router.Dispatch(Request("GET", "/x")).body, "second");
}

TEST(RouterTest, EveryResponseSaysHowLongTheHandlerTook) {
  Router router;
  router.Add("GET", "/slow", [](const HttpRequest&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return HttpResponse::Text(200, "text/plain", "done");
  });
  for (const char* path : {"/slow", "/missing"}) {
    HttpResponse response = router.Dispatch(Request("GET", path));
    std::optional<std::string_view> timing = response.Header("Server-Timing");
    ASSERT_TRUE(timing.has_value()) << path;
    ASSERT_TRUE(timing->starts_with("app;dur=")) << *timing;
    const double ms = std::stod(std::string(timing->substr(8)));
    if (std::string_view(path) == "/slow") EXPECT_GE(ms, 20.0);
  }
}

}  // namespace
}  // namespace mltrack::server
