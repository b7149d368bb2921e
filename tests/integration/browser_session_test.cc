// Browser sign-in through the real binary (docs/security.md, "Browser sign-in"): a read or admin
// key becomes an HttpOnly, SameSite=Strict session cookie; cookie-authenticated state changes
// need an Origin (CSRF); sign-out ends the session; security headers on every answer.
#include <gtest/gtest.h>

#include "test_support.h"

namespace mltrack::integration {
namespace {

class BrowserSessionTest : public IntegrationTest {
 protected:
  std::string CreateKey(const std::string& scope) {
    return KeyFromOutput(RunMltrack("keys create --data " + (temp_.path() / "data").string() + " --scope " + scope));
  }
  // Signs in with `key`; returns "mltrack_session=<id>" for a Cookie header.
  std::string SignIn(const std::string& key) {
    const HttpResult result = client().Post("/api/v1/session", R"({"key":")" + key + R"("})");
    EXPECT_EQ(result.status, 200) << result.Describe();
    const std::string cookie = result.Header("set-cookie");
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("Path=/"), std::string::npos) << cookie;
    EXPECT_EQ(cookie.find(key), std::string::npos) << "the cookie must not hold the key";
    return cookie.substr(0, cookie.find(';'));
  }
  std::string Origin() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
};

TEST_F(BrowserSessionTest, SignInUseAndSignOut) {
  const std::string read = CreateKey("read");
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const HttpResult state = client().Get("/api/v1/session");
  ASSERT_EQ(state.status, 200);
  EXPECT_NE(state.body.find(R"("auth_required":true,"signed_in":false)"), std::string::npos) << state.body;

  const std::string cookie = SignIn(read);
  ASSERT_EQ(cookie.size(), std::string("mltrack_session=").size() + 64) << cookie;
  EXPECT_EQ(client().Request("GET", "/api/v1/fields", "", "", {{"Cookie", cookie}}).status, 200);
  EXPECT_EQ(client().Request("GET", "/api/analytics/overview", "", "", {{"Cookie", "theme=dark; " + cookie}}).status, 200);
  const HttpResult signed_in = client().Request("GET", "/api/v1/session", "", "", {{"Cookie", cookie}});
  EXPECT_NE(signed_in.body.find(R"("signed_in":true,"key_id":")" + read.substr(4, 12)), std::string::npos)
      << signed_in.body;
  // A read session cannot change configuration.
  EXPECT_EQ(client().Request("POST", "/api/v1/annotations", "{}", "application/json", {{"Cookie", cookie}, {"Origin", Origin()}})
                .status,
            403);

  const HttpResult out = client().Request("DELETE", "/api/v1/session", "", "", {{"Cookie", cookie}, {"Origin", Origin()}});
  EXPECT_EQ(out.status, 204) << out.Describe();
  EXPECT_NE(out.Header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(client().Request("GET", "/api/v1/fields", "", "", {{"Cookie", cookie}}).status, 401);
  EXPECT_EQ(client().Request("GET", "/api/v1/fields", "", "", {{"Cookie", "mltrack_session=" + std::string(64, 'a')}}).status,
            401);
}

TEST_F(BrowserSessionTest, BadSignInsAreRefused) {
  const std::string ingest = CreateKey("ingest");
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const HttpResult no_key = client().Post("/api/v1/session", R"({"token":"x"})");
  EXPECT_EQ(no_key.status, 400) << no_key.Describe();
  std::optional<ErrorBody> error = ParseErrorBody(no_key.body);
  ASSERT_TRUE(error);
  EXPECT_TRUE(error->NamesField("key"));
  EXPECT_EQ(client().Post("/api/v1/session", "not json").status, 400);
  EXPECT_EQ(client().Post("/api/v1/session", R"({"key":"mlt_nope"})").status, 401);
  const HttpResult wrong_scope = client().Post("/api/v1/session", R"({"key":")" + ingest + R"("})");
  EXPECT_EQ(wrong_scope.status, 403) << wrong_scope.Describe();
  EXPECT_TRUE(wrong_scope.Header("set-cookie").empty());
  // A sign-in from another site's page is refused by the Origin guard.
  EXPECT_EQ(client().Request("POST", "/api/v1/session", R"({"key":")" + ingest + R"("})", "application/json",
                             {{"Origin", "http://evil.example"}}).status,
            403);
}

TEST_F(BrowserSessionTest, CookieStateChangesNeedAnOrigin) {
  const std::string admin = CreateKey("admin");
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::string cookie = SignIn(admin);
  const std::string annotation = R"({"ts": "now", "text": "Rollback", "kind": "deploy"})";
  const HttpResult no_origin =
      client().Request("POST", "/api/v1/annotations", annotation, "application/json", {{"Cookie", cookie}});
  EXPECT_EQ(no_origin.status, 403) << no_origin.Describe();
  std::optional<ErrorBody> error = ParseErrorBody(no_origin.body);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "csrf");
  EXPECT_TRUE(error->NamesField("Origin"));
  const HttpResult foreign = client().Request("POST", "/api/v1/annotations", annotation, "application/json",
                                              {{"Cookie", cookie}, {"Origin", "http://evil.example"}});
  EXPECT_EQ(foreign.status, 403);
  const HttpResult same_site = client().Request("POST", "/api/v1/annotations", annotation, "application/json",
                                                {{"Cookie", cookie}, {"Origin", Origin()}});
  EXPECT_EQ(same_site.status, 201) << same_site.Describe();
  // A key in a header needs no Origin (scripts are not browsers).
  EXPECT_EQ(client().Request("POST", "/api/v1/annotations", annotation, "application/json",
                             {{"Authorization", "Bearer " + admin}}).status,
            201);
}

TEST_F(BrowserSessionTest, SecurityHeadersOnEveryAnswer) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  for (const std::string& target : std::vector<std::string>{"/", "/api/health", "/api/v1/fields", "/no/such/page", "/api/v1/nope"}) {
    const HttpResult result = client().Get(target);
    const std::string csp = result.Header("content-security-policy");
    EXPECT_NE(csp.find("script-src 'self';"), std::string::npos) << target << ": " << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << target;
    EXPECT_EQ(csp.find("script-src 'self' 'unsafe-inline'"), std::string::npos) << target;
    EXPECT_EQ(result.Header("x-content-type-options"), "nosniff") << target;
    EXPECT_EQ(result.Header("referrer-policy"), "no-referrer") << target;
    EXPECT_EQ(result.Header("x-frame-options"), "DENY") << target;
  }
  // Without keys the sign-in endpoint says so rather than pretending.
  EXPECT_NE(client().Get("/api/v1/session").body.find(R"("auth_required":false)"), std::string::npos);
  EXPECT_EQ(client().Post("/api/v1/session", R"({"key":"mlt_x"})").status, 409);
}

}  // namespace
}  // namespace mltrack::integration
