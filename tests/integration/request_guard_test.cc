// Cross-site requests and DNS rebinding (issue 18, defects 2 and 3). A page on any site could
// POST `text/plain` events into a loopback server (a "simple" request a browser sends without
// asking), and any Host was answered, so a name the attacker controls, rebound to 127.0.0.1,
// could read the API. Now a present Origin must be the server's own (or --allow-origin), and the
// Host must be the listen address, a loopback name, or --allow-host; otherwise 403, nothing
// stored. curl and scripts, which send no Origin, keep working.
#include <gtest/gtest.h>

#include "test_support.h"

namespace mltrack::integration {
namespace {

constexpr const char* kEvent = R"({"ts":"2026-01-01T00:00:00Z","model":"gpt-4o-mini","input_tokens":1})";

class RequestGuardTest : public IntegrationTest {
 protected:
  HttpResult PostEvent(const HeaderFields& headers) {
    return client().Request("POST", "/api/v1/events", kEvent, "text/plain", headers);
  }
  HttpResult Health(const HeaderFields& headers) {
    return client().Request("GET", "/api/health", "", "", headers);
  }
  std::string Own(const std::string& host) const { return host + ":" + std::to_string(server_->port()); }

  void ExpectForbidden(const HttpResult& result, const std::string& code, const std::string& header) {
    EXPECT_EQ(result.status, 403) << result.Describe();
    std::optional<ErrorBody> error = ParseErrorBody(result.body);
    ASSERT_TRUE(error.has_value()) << result.Describe();
    EXPECT_EQ(error->code, code);
    EXPECT_TRUE(error->NamesField(header)) << result.body;
  }
};

TEST_F(RequestGuardTest, CrossSiteWriteIsRefusedAndNothingIsStored) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ExpectForbidden(PostEvent({{"Origin", "http://evil.example"}}), "forbidden_origin", "Origin");
  ExpectForbidden(PostEvent({{"Origin", "null"}}), "forbidden_origin", "Origin");
  ExpectForbidden(PostEvent({{"Origin", "http://127.0.0.1:1"}}), "forbidden_origin", "Origin");  // another port
  EXPECT_EQ(CountEvents(), 0);
  // Refused before the body is decoded: a 403 even for a body that is not an event.
  ExpectForbidden(client().Request("POST", "/api/v1/query", "{not json", "text/plain", {{"Origin", "https://a.example"}}),
                  "forbidden_origin", "Origin");

  EXPECT_EQ(PostEvent({}).status, 200);  // curl: no Origin
  EXPECT_EQ(PostEvent({{"Origin", "http://" + Own("127.0.0.1")}}).status, 200);  // the web app itself
  EXPECT_EQ(PostEvent({{"Origin", "http://" + Own("localhost")}}).status, 200);
  EXPECT_EQ(CountEvents(), 3);
}

TEST_F(RequestGuardTest, ForeignHostIsRefused) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ExpectForbidden(Health({{"Host", "evil.example"}}), "forbidden_host", "Host");
  ExpectForbidden(Health({{"Host", "evil.example:" + std::to_string(server_->port())}}), "forbidden_host", "Host");
  ExpectForbidden(client().Request("GET", "/", "", "", {{"Host", "evil.example"}}), "forbidden_host", "Host");
  ExpectForbidden(PostEvent({{"Host", "rebound.example"}}), "forbidden_host", "Host");
  ExpectForbidden(Health({{"Host", "127.0.0.1:1"}}), "forbidden_host", "Host");  // another port
  EXPECT_EQ(CountEvents(), 0);

  for (const std::string host : {"127.0.0.1", "localhost", "LOCALHOST", "[::1]"}) {
    EXPECT_EQ(Health({{"Host", Own(host)}}).status, 200) << host;
  }
}

TEST_F(RequestGuardTest, ConfiguredHostsAndOriginsAreAnswered) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--allow-host", "dash.example", "--allow-host", "api.example:8443",
                                       "--allow-origin", "https://app.example", "--allow-origin", "https://b.example/"}));
  EXPECT_EQ(Health({{"Host", "dash.example"}}).status, 200);
  EXPECT_EQ(Health({{"Host", "dash.example:80"}}).status, 200);  // a name without a port: any port
  EXPECT_EQ(Health({{"Host", "api.example:8443"}}).status, 200);
  ExpectForbidden(Health({{"Host", "api.example:9000"}}), "forbidden_host", "Host");
  ExpectForbidden(Health({{"Host", "other.example"}}), "forbidden_host", "Host");

  EXPECT_EQ(PostEvent({{"Origin", "https://app.example"}}).status, 200);
  EXPECT_EQ(PostEvent({{"Origin", "https://b.example"}}).status, 200);
  // A page served through an allowed name posts to its own origin.
  EXPECT_EQ(PostEvent({{"Host", "dash.example"}, {"Origin", "http://dash.example"}}).status, 200);
  ExpectForbidden(PostEvent({{"Host", "dash.example"}, {"Origin", "http://evil.example"}}), "forbidden_origin", "Origin");
  ExpectForbidden(PostEvent({{"Origin", "https://app.example.evil.example"}}), "forbidden_origin", "Origin");
  EXPECT_EQ(CountEvents(), 3);
}

// The same guards hold on the dashboard and annotation routes: a cross-site page can neither add
// nor delete an annotation, nor read a dashboard through a rebound name.
TEST_F(RequestGuardTest, DashboardAndAnnotationRoutesAreGuardedToo) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::string note = R"({"ts":"2026-01-01T00:00:00Z","text":"Gateway v2","kind":"deploy"})";
  const HeaderFields evil = {{"Origin", "http://evil.example"}};
  ExpectForbidden(client().Request("POST", "/api/v1/annotations", note, "text/plain", evil), "forbidden_origin", "Origin");
  EXPECT_EQ(client().Get("/api/v1/annotations").body.find("Gateway v2"), std::string::npos);  // not stored
  const HeaderFields own = {{"Origin", "http://" + Own("127.0.0.1")}};
  ASSERT_EQ(client().Request("POST", "/api/v1/annotations", note, "application/json", own).status, 201);
  ExpectForbidden(client().Request("DELETE", "/api/v1/annotations/1", "", "", evil), "forbidden_origin", "Origin");
  EXPECT_NE(client().Get("/api/v1/annotations").body.find("Gateway v2"), std::string::npos);

  const std::string range = "from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z";
  for (const std::string target :
       {"/api/analytics/performance?" + range, "/api/analytics/models/compare?" + range,
        "/api/analytics/ab?dimension=model&a=x&b=y&" + range, "/api/v1/annotations?" + range}) {
    ExpectForbidden(client().Request("GET", target, "", "", {{"Host", "rebound.example"}}), "forbidden_host", "Host");
    ExpectForbidden(client().Request("GET", target, "", "", evil), "forbidden_origin", "Origin");
    EXPECT_NE(client().Request("GET", target, "", "", own).status, 403) << target;
  }
}

}  // namespace
}  // namespace mltrack::integration
