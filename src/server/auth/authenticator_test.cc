#include "server/auth/authenticator.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace mltrack::server::auth {
namespace {

namespace fs = std::filesystem;

TEST(RequiredScopeTest, TheScopeTable) {
  EXPECT_FALSE(RequiredScope("GET", "/api/health"));
  EXPECT_FALSE(RequiredScope("GET", "/api/v1/openapi.json"));
  EXPECT_FALSE(RequiredScope("GET", "/"));
  EXPECT_FALSE(RequiredScope("GET", "/assets/index.js"));
  EXPECT_FALSE(RequiredScope("GET", "/cost"));
  EXPECT_EQ(RequiredScope("POST", "/api/v1/events"), Scope::kIngest);
  EXPECT_EQ(RequiredScope("POST", "/v1/traces"), Scope::kIngest);
  EXPECT_EQ(RequiredScope("POST", "/proxy/openai/v1/chat/completions"), Scope::kIngest);
  EXPECT_EQ(RequiredScope("POST", "/api/2.0/mlflow/runs/create"), Scope::kIngest);
  EXPECT_EQ(RequiredScope("GET", "/api/2.0/mlflow/runs/get"), Scope::kRead);
  EXPECT_EQ(RequiredScope("POST", "/api/2.0/mlflow/runs/search"), Scope::kRead);
  EXPECT_EQ(RequiredScope("POST", "/api/v1/query"), Scope::kRead);
  EXPECT_EQ(RequiredScope("POST", "/api/v1/events/search"), Scope::kRead);
  EXPECT_EQ(RequiredScope("GET", "/api/analytics/overview"), Scope::kRead);
  EXPECT_EQ(RequiredScope("GET", "/api/analytics/live"), Scope::kRead);
  EXPECT_EQ(RequiredScope("GET", "/api/v1/budgets"), Scope::kRead);
  EXPECT_EQ(RequiredScope("HEAD", "/api/v1/fields"), Scope::kRead);
  EXPECT_EQ(RequiredScope("POST", "/api/v1/budgets"), Scope::kAdmin);
  EXPECT_EQ(RequiredScope("PUT", "/api/v1/webhooks/3"), Scope::kAdmin);
  EXPECT_EQ(RequiredScope("DELETE", "/api/v1/annotations/7"), Scope::kAdmin);
  EXPECT_EQ(RequiredScope("POST", "/api/v1/reports"), Scope::kAdmin);
  EXPECT_EQ(RequiredScope("GET", "/api/v1/no-such-route"), Scope::kRead);  // unknown API paths are not public
}

// Keyless use is limited per client address when configured (the burst within one instant; the
// refill is TokenBucketTest's), and not at all by default.
TEST(AnonymousRateTest, LimitsEachAddressApartAndOnlyWhenConfigured) {
  AuthOptions options;
  options.anonymous_rate_per_second = 0.001;  // no refill within the test
  options.anonymous_rate_burst = 2;
  Authenticator limited(nullptr, options);
  Credentials first;
  first.peer = "127.0.0.2";
  Credentials second;
  second.peer = "127.0.0.3";
  EXPECT_FALSE(limited.Check("GET", "/api/v1/fields", first));
  EXPECT_FALSE(limited.Check("POST", "/api/v1/events", first));
  std::optional<HttpResponse> refused = limited.Check("GET", "/api/v1/fields", first);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  EXPECT_NE(refused->body.find("127.0.0.2"), std::string::npos) << refused->body;
  EXPECT_NE(refused->body.find("--anonymous-rate-limit"), std::string::npos) << refused->body;
  bool retry_after = false;
  for (const auto& [name, value] : refused->headers) retry_after = retry_after || (name == "Retry-After" && std::stol(value) >= 1);
  EXPECT_TRUE(retry_after);
  EXPECT_FALSE(limited.Check("GET", "/api/v1/fields", second)) << "another address has its own bucket";
  EXPECT_FALSE(limited.Check("GET", "/api/health", first)) << "public routes are not limited";

  Authenticator unlimited(nullptr, AuthOptions{});
  for (int call = 0; call < 100; ++call) ASSERT_FALSE(unlimited.Check("GET", "/api/v1/fields", first));
}

TEST(TokenBucketTest, RefillsAtTheRateUpToTheBurst) {
  const auto t0 = TokenBucket::Clock::now();
  TokenBucket bucket(2.0, 3.0, t0);
  EXPECT_TRUE(bucket.TryTake(t0));
  EXPECT_TRUE(bucket.TryTake(t0));
  EXPECT_TRUE(bucket.TryTake(t0));
  EXPECT_FALSE(bucket.TryTake(t0));
  EXPECT_EQ(bucket.RetryAfterSeconds(), 1);
  EXPECT_TRUE(bucket.TryTake(t0 + std::chrono::milliseconds(500)));  // 2/s: one token in 0.5 s
  EXPECT_FALSE(bucket.TryTake(t0 + std::chrono::milliseconds(500)));
  EXPECT_TRUE(bucket.HasToken(t0 + std::chrono::seconds(100)));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(bucket.TryTake(t0 + std::chrono::seconds(100)));
  EXPECT_FALSE(bucket.TryTake(t0 + std::chrono::seconds(100)));  // capped at the burst
  TokenBucket slow(0.1, 1.0, t0);
  EXPECT_TRUE(slow.TryTake(t0));
  EXPECT_EQ(slow.RetryAfterSeconds(), 10);
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mltrack-auth-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Result<std::unique_ptr<KeyStore>> opened = KeyStore::Open(dir_, 1000);
    ASSERT_TRUE(opened.ok());
    keys_ = std::move(*opened);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string NewKey(Scope scope) {
    auto created = keys_->Create(scope, "", 1);
    EXPECT_TRUE(created.ok());
    return created->second;
  }
  static Credentials Bearer(const std::string& key) {
    bearer_ = "Bearer " + key;
    return Credentials{std::string_view(bearer_), std::nullopt, std::nullopt, std::nullopt};
  }
  static int StatusOf(const std::optional<HttpResponse>& response) { return response ? response->status : 200; }

  fs::path dir_;
  std::unique_ptr<KeyStore> keys_;
  static inline std::string bearer_;
};

TEST_F(AuthenticatorTest, NoKeysOnLoopbackMeansOpen) {
  Authenticator auth(keys_.get(), {});
  EXPECT_FALSE(auth.required());
  EXPECT_EQ(StatusOf(auth.Check("POST", "/api/v1/events", {})), 200);
  Authenticator always(keys_.get(), AuthOptions{.always_required = true});
  EXPECT_EQ(StatusOf(always.Check("POST", "/api/v1/events", {})), 401);
  EXPECT_EQ(StatusOf(always.Check("GET", "/api/health", {})), 200);
}

TEST_F(AuthenticatorTest, MissingMalformedUnknownTruncatedForgedRevokedAre401) {
  const std::string key = NewKey(Scope::kAdmin);
  Authenticator auth(keys_.get(), {});
  ASSERT_TRUE(auth.required());
  const std::optional<HttpResponse> missing = auth.Check("GET", "/api/v1/fields", {});
  ASSERT_EQ(StatusOf(missing), 401);
  EXPECT_NE(missing->body.find("\"code\":\"unauthorized\""), std::string::npos) << missing->body;
  EXPECT_NE(missing->body.find("mltrack keys create"), std::string::npos) << missing->body;
  EXPECT_EQ(missing->Header("WWW-Authenticate"), "Bearer realm=\"mltrack\"");

  EXPECT_EQ(StatusOf(auth.Check("GET", "/api/v1/fields", Credentials{"Basic dXNlcjpwYXNz", {}, {}, {}})), 401);
  EXPECT_EQ(StatusOf(auth.Check("GET", "/api/v1/fields", Bearer(key.substr(0, key.size() - 5)))), 401);  // truncated
  EXPECT_EQ(StatusOf(auth.Check("GET", "/api/v1/fields", Bearer("mlt_000000000000_" + std::string(64, '0')))), 401);
  std::string forged = key;
  forged.back() = forged.back() == '0' ? '1' : '0';  // right id, wrong secret
  const std::optional<HttpResponse> wrong = auth.Check("GET", "/api/v1/fields", Bearer(forged));
  ASSERT_EQ(StatusOf(wrong), 401);
  EXPECT_NE(wrong->body.find("wrong API key"), std::string::npos) << wrong->body;
  EXPECT_EQ(StatusOf(auth.Check("GET", "/api/v1/fields", Bearer(key))), 200);
  EXPECT_EQ(StatusOf(auth.Check("GET", "/api/v1/fields", Bearer(forged))), 401);  // the cache keeps secrets apart

  ASSERT_TRUE(keys_->Revoke(SplitKey(key)->id, 2).ok());
  EXPECT_EQ(StatusOf(auth.Check("GET", "/api/v1/fields", Bearer(key))), 401);  // cached, but revoked
}

TEST_F(AuthenticatorTest, WrongScopeIs403AndScopesNest) {
  const std::string ingest = NewKey(Scope::kIngest);
  const std::string read = NewKey(Scope::kRead);
  const std::string admin = NewKey(Scope::kAdmin);
  Authenticator auth(keys_.get(), {});
  const std::optional<HttpResponse> refused = auth.Check("GET", "/api/analytics/cost", Bearer(ingest));
  ASSERT_EQ(StatusOf(refused), 403);
  EXPECT_NE(refused->body.find("\"code\":\"forbidden_scope\""), std::string::npos) << refused->body;
  EXPECT_NE(refused->body.find("needs read"), std::string::npos) << refused->body;
  EXPECT_EQ(StatusOf(auth.Check("POST", "/api/v1/events", Bearer(read))), 403);
  EXPECT_EQ(StatusOf(auth.Check("POST", "/api/v1/budgets", Bearer(read))), 403);
  EXPECT_EQ(StatusOf(auth.Check("POST", "/api/v1/budgets", Bearer(ingest))), 403);
  EXPECT_EQ(StatusOf(auth.Check("POST", "/api/v1/events", Bearer(ingest))), 200);
  EXPECT_EQ(StatusOf(auth.Check("POST", "/api/v1/query", Bearer(read))), 200);
  for (const char* path : {"/api/v1/events", "/api/v1/query", "/api/v1/budgets"}) {
    EXPECT_EQ(StatusOf(auth.Check("POST", path, Bearer(admin))), 200) << path;
  }
}

TEST_F(AuthenticatorTest, AdmitIsCheapAfterOneVerification) {
  const std::string key = NewKey(Scope::kRead);
  Authenticator auth(keys_.get(), {});
  auto first = auth.Admit("GET", "/api/v1/fields", Bearer(key));
  ASSERT_TRUE(std::holds_alternative<Admission>(first));
  EXPECT_FALSE(std::get<Admission>(first).verified);
  EXPECT_FALSE(auth.Verify(std::get<Admission>(first)));
  auto second = auth.Admit("GET", "/api/v1/fields", Bearer(key));
  ASSERT_TRUE(std::holds_alternative<Admission>(second));
  EXPECT_TRUE(std::get<Admission>(second).verified);
  // A cached key of the wrong scope is refused by Admit itself.
  auto wrong_scope = auth.Admit("POST", "/api/v1/events", Bearer(key));
  ASSERT_TRUE(std::holds_alternative<HttpResponse>(wrong_scope));
  EXPECT_EQ(std::get<HttpResponse>(wrong_scope).status, 403);
}

TEST_F(AuthenticatorTest, ProxyTakesTheKeyFromXMltrackKeyOnly) {
  const std::string key = NewKey(Scope::kIngest);
  Authenticator auth(keys_.get(), {});
  const std::string path = "/proxy/openai/v1/chat/completions";
  const std::optional<HttpResponse> provider_only = auth.Check("POST", path, Bearer(key));
  ASSERT_EQ(StatusOf(provider_only), 401);  // Authorization belongs to the provider there
  EXPECT_NE(provider_only->body.find("X-MLtrack-Key"), std::string::npos);
  EXPECT_EQ(StatusOf(auth.Check("POST", path, Credentials{"Bearer sk-provider", std::string_view(key), {}, {}})), 200);
  EXPECT_EQ(StatusOf(auth.Check("POST", "/api/v1/events", Credentials{std::nullopt, std::string_view(key), {}, {}})), 200);
}

TEST_F(AuthenticatorTest, HeaderInjectionThroughTheKeyHeaderIsMalformed) {
  NewKey(Scope::kIngest);
  Authenticator auth(keys_.get(), {});
  const std::string injected = "mlt_0123456789ab_" + std::string(60, 'a') + "\r\nX-Admin: 1";
  const std::optional<HttpResponse> refused =
      auth.Check("POST", "/api/v1/events", Credentials{std::nullopt, std::string_view(injected), {}, {}});
  ASSERT_EQ(StatusOf(refused), 401);
  EXPECT_NE(refused->body.find("malformed"), std::string::npos);
  EXPECT_EQ(refused->body.find("X-Admin"), std::string::npos);  // the value is not echoed
}

TEST_F(AuthenticatorTest, RateLimitAnswers429WithRetryAfterPerKey) {
  const std::string a = NewKey(Scope::kRead);
  const std::string b = NewKey(Scope::kRead);
  Authenticator auth(keys_.get(), AuthOptions{.rate_per_second = 0.5, .rate_burst = 3});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(StatusOf(auth.Check("GET", "/api/v1/fields", Bearer(a))), 200) << i;
  const std::optional<HttpResponse> limited = auth.Check("GET", "/api/v1/fields", Bearer(a));
  ASSERT_EQ(StatusOf(limited), 429);
  EXPECT_EQ(limited->Header("Retry-After"), "2");
  EXPECT_NE(limited->body.find("\"code\":\"rate_limited\""), std::string::npos);
  EXPECT_EQ(StatusOf(auth.Check("GET", "/api/v1/fields", Bearer(b))), 200);  // another key has its own bucket
  EXPECT_EQ(StatusOf(auth.Check("GET", "/api/health", Bearer(a))), 200);     // public routes are not counted
}

TEST_F(AuthenticatorTest, GuessingSecretsIsSlowedDownPerKeyId) {
  const std::string key = NewKey(Scope::kRead);
  Authenticator auth(keys_.get(), AuthOptions{.failures_per_second = 0.01, .failure_burst = 3});
  std::string forged = key;
  forged.back() = forged.back() == '0' ? '1' : '0';
  for (int i = 0; i < 3; ++i) EXPECT_EQ(StatusOf(auth.Check("GET", "/api/v1/fields", Bearer(forged))), 401) << i;
  const std::optional<HttpResponse> slowed = auth.Check("GET", "/api/v1/fields", Bearer(forged));
  ASSERT_EQ(StatusOf(slowed), 429);
  EXPECT_TRUE(slowed->Header("Retry-After"));
}

}  // namespace
}  // namespace mltrack::server::auth
