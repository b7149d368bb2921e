#include "server/request_guard.h"

#include <gtest/gtest.h>

namespace mltrack::server {
namespace {

HttpRequest WithHeaders(std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest request;
  request.method = "POST";
  request.path = "/api/v1/events";
  for (auto& [name, value] : headers) request.headers.Add(name, value);
  return request;
}

TEST(HostPolicyTest, OwnAddressAndLoopbackNamesWithTheListenPort) {
  const HostPolicy policy("127.0.0.1", 8080, {}, {});
  for (const char* host : {"127.0.0.1:8080", "localhost:8080", "LocalHost:8080", "[::1]:8080", " 127.0.0.1:8080 ", "localhost"}) {
    EXPECT_TRUE(policy.HostAllowed(std::string_view(host))) << host;
  }
  for (const char* host : {"evil.example", "evil.example:8080", "127.0.0.1:80", "127.0.0.2:8080", ""}) {
    EXPECT_FALSE(policy.HostAllowed(std::string_view(host))) << host;
  }
  EXPECT_TRUE(policy.HostAllowed(std::nullopt));  // HTTP/1.0: no Host
  EXPECT_TRUE(policy.OriginAllowed("http://localhost:8080", "127.0.0.1:8080"));
  EXPECT_TRUE(policy.OriginAllowed("http://127.0.0.1:8080/", "127.0.0.1:8080"));
  EXPECT_FALSE(policy.OriginAllowed("http://evil.example", "127.0.0.1:8080"));
  EXPECT_FALSE(policy.OriginAllowed("null", "127.0.0.1:8080"));
  EXPECT_FALSE(policy.OriginAllowed("http://localhost:8081", "127.0.0.1:8080"));
}

TEST(HostPolicyTest, PortEightyAndWildcardListen) {
  const HostPolicy eighty("localhost", 80, {}, {});
  EXPECT_TRUE(eighty.HostAllowed(std::string_view("localhost")));
  EXPECT_TRUE(eighty.OriginAllowed("http://127.0.0.1", std::nullopt));
  const HostPolicy wildcard("0.0.0.0", 9000, {}, {});
  EXPECT_TRUE(wildcard.HostAllowed(std::string_view("192.168.1.20:9000")));  // an IP cannot be rebound
  EXPECT_TRUE(wildcard.HostAllowed(std::string_view("[fe80::1]:9000")));
  EXPECT_FALSE(wildcard.HostAllowed(std::string_view("192.168.1.20:9001")));
  EXPECT_FALSE(wildcard.HostAllowed(std::string_view("box.lan:9000")));
  const HostPolicy v6("::1", 7000, {}, {});
  EXPECT_TRUE(v6.HostAllowed(std::string_view("[::1]:7000")));
}

TEST(HostPolicyTest, ConfiguredNamesAndOrigins) {
  const HostPolicy policy("127.0.0.1", 8080, {"Dash.Example", "api.example:8443"}, {"https://App.Example/"});
  EXPECT_TRUE(policy.HostAllowed(std::string_view("dash.example")));
  EXPECT_TRUE(policy.HostAllowed(std::string_view("dash.example:9999")));
  EXPECT_TRUE(policy.HostAllowed(std::string_view("api.example:8443")));
  EXPECT_FALSE(policy.HostAllowed(std::string_view("api.example")));
  EXPECT_TRUE(policy.OriginAllowed("https://app.example", std::nullopt));
  EXPECT_TRUE(policy.OriginAllowed("http://dash.example", std::string_view("dash.example")));
  EXPECT_FALSE(policy.OriginAllowed("http://dash.example", std::string_view("127.0.0.1:8080")));
}

TEST(HostPolicyTest, CheckAnswers403NamingTheHeaderAndTheFlag) {
  const HostPolicy policy("127.0.0.1", 8080, {}, {});
  std::optional<HttpResponse> refused = policy.Check(WithHeaders({{"Host", "evil.example"}}));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 403);
  EXPECT_NE(refused->body.find("forbidden_host"), std::string::npos);
  EXPECT_NE(refused->body.find("--allow-host evil.example"), std::string::npos) << refused->body;
  refused = policy.Check(WithHeaders({{"Host", "127.0.0.1:8080"}, {"Origin", "https://evil.example"}}));
  ASSERT_TRUE(refused.has_value());
  EXPECT_NE(refused->body.find("forbidden_origin"), std::string::npos);
  EXPECT_NE(refused->body.find("--allow-origin https://evil.example"), std::string::npos) << refused->body;
  EXPECT_FALSE(policy.Check(WithHeaders({{"Host", "127.0.0.1:8080"}})).has_value());
  EXPECT_FALSE(HostPolicy::AllowAll().Check(WithHeaders({{"Host", "evil.example"}})).has_value());
}

}  // namespace
}  // namespace mltrack::server
