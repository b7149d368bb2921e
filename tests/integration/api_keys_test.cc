// API keys through the real binary (docs/security.md): `mltrack keys create|list|revoke`, 401
// vs 403 on every kind of route once a key exists, the proxy's X-MLtrack-Key, the live
// WebSocket, per-key rate limits, and the refusal to serve a non-loopback address keyless.
#include <gtest/gtest.h>

#include <thread>

#include "test_support.h"

namespace mltrack::integration {
namespace {

constexpr const char* kEvent = R"({"ts":"2026-01-01T00:00:00Z","model":"gpt-4o-mini","input_tokens":1})";

class ApiKeysTest : public IntegrationTest {
 protected:
  std::string DataDir() const { return (temp_.path() / "data").string(); }
  // `mltrack keys create`: the key is the line on stdout (a note goes to stderr).
  std::string CreateKey(const std::string& scope, const std::string& name = "") {
    return KeyFromOutput(RunMltrack("keys create --data " + DataDir() + " --scope " + scope +
                                    (name.empty() ? "" : " --name " + name) + " 2>/dev/null"));
  }
  HttpResult Call(const std::string& method, const std::string& target, const std::string& body, const std::string& key) {
    HeaderFields headers;
    if (!key.empty()) headers.push_back({"Authorization", "Bearer " + key});
    return client().Request(method, target, body, body.empty() ? "" : "application/json", headers);
  }
  void ExpectError(const HttpResult& result, int status, const std::string& code) {
    EXPECT_EQ(result.status, status) << result.Describe();
    std::optional<ErrorBody> error = ParseErrorBody(result.body);
    ASSERT_TRUE(error.has_value()) << result.Describe();
    EXPECT_EQ(error->code, code) << result.body;
  }
  static std::string Id(const std::string& key) { return key.substr(4, 12); }
  std::string QueryBody() const { return std::string("{") + kQueryRange + R"(,"metrics":["count"]})"; }
};

TEST_F(ApiKeysTest, CliCreatesListsAndRevokesWithoutShowingSecrets) {
  const std::string key = CreateKey("ingest", "ci-runner");
  ASSERT_EQ(key.size(), 4u + 12 + 1 + 64);
  const CommandResult listed = RunMltrack("keys list --data " + DataDir());
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find(Id(key)), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("ingest"), std::string::npos);
  EXPECT_NE(listed.output.find("ci-runner"), std::string::npos);
  EXPECT_NE(listed.output.find("active"), std::string::npos);
  EXPECT_EQ(listed.output.find(key.substr(17)), std::string::npos) << "the secret must never be listed";

  EXPECT_EQ(RunMltrack("keys revoke --data " + DataDir() + " " + Id(key)).exit_code, 0);
  EXPECT_NE(RunMltrack("keys list --data " + DataDir()).output.find("revoked 20"), std::string::npos);
  const CommandResult unknown = RunMltrack("keys revoke --data " + DataDir() + " 000000000000");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.output.find("no key has the id"), std::string::npos) << unknown.output;

  const CommandResult bad_scope = RunMltrack("keys create --data " + DataDir() + " --scope root");
  EXPECT_EQ(bad_scope.exit_code, 2);
  EXPECT_NE(bad_scope.output.find("--scope must be ingest, read or admin"), std::string::npos) << bad_scope.output;
  const CommandResult bad_name = RunMltrack("keys create --data " + DataDir() + " --scope read --name 'a b'");
  EXPECT_EQ(bad_name.exit_code, 2);
  EXPECT_NE(bad_name.output.find("--name"), std::string::npos) << bad_name.output;
}

TEST_F(ApiKeysTest, EveryApiNeedsAKeyOfTheRightScope) {
  const std::string ingest = CreateKey("ingest");
  const std::string read = CreateKey("read");
  const std::string admin = CreateKey("admin");
  ASSERT_NO_FATAL_FAILURE(StartServer());

  // Public: health (readiness probes), the OpenAPI document, the web app.
  EXPECT_EQ(Call("GET", "/api/health", "", "").status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/openapi.json", "", "").status, 200);
  EXPECT_EQ(Call("GET", "/", "", "").status, 200);

  const std::string budget = R"({"name": "b", "scope": {"field": "team", "value": "ml"}, "period": "month", "amount_usd": 10})";
  const std::vector<std::tuple<std::string, std::string, std::string>> calls = {
      {"POST", "/api/v1/events", kEvent},
      {"POST", "/v1/traces", R"({"resourceSpans":[]})"},
      {"POST", "/api/v1/query", QueryBody()},
      {"GET", "/api/analytics/overview", ""},
      {"GET", "/api/v1/fields", ""},
      {"POST", "/api/v1/events/search", "{}"},
      {"GET", "/api/v1/budgets", ""},
      {"POST", "/api/v1/budgets", budget},
      {"GET", "/api/v1/reports", ""},
      {"GET", "/api/2.0/mlflow/experiments/search", ""},
  };
  for (const auto& [method, path, body] : calls) {
    SCOPED_TRACE(method + " " + path);
    const HttpResult missing = Call(method, path, body, "");
    ExpectError(missing, 401, "unauthorized");
    EXPECT_EQ(missing.Header("www-authenticate"), "Bearer realm=\"mltrack\"");
    ExpectError(Call(method, path, body, "mlt_000000000000_" + std::string(64, '0')), 401, "unauthorized");
    ExpectError(Call(method, path, body, admin.substr(0, 40)), 401, "unauthorized");  // truncated
  }

  // Wrong scope: 403 naming the scope needed.
  const HttpResult read_ingesting = Call("POST", "/api/v1/events", kEvent, read);
  ExpectError(read_ingesting, 403, "forbidden_scope");
  EXPECT_NE(read_ingesting.body.find("needs ingest"), std::string::npos) << read_ingesting.body;
  ExpectError(Call("POST", "/api/v1/query", QueryBody(), ingest), 403, "forbidden_scope");
  ExpectError(Call("GET", "/api/analytics/overview", "", ingest), 403, "forbidden_scope");
  ExpectError(Call("POST", "/api/v1/budgets", budget, read), 403, "forbidden_scope");
  ExpectError(Call("POST", "/api/v1/budgets", budget, ingest), 403, "forbidden_scope");

  // The right scope (admin holds both others).
  EXPECT_EQ(Call("POST", "/api/v1/events", kEvent, ingest).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/events", kEvent, admin).status, 200);
  EXPECT_EQ(Call("GET", "/api/analytics/overview", "", read).status, 200);
  const HttpResult counted = Call("POST", "/api/v1/query", QueryBody(), read);
  ASSERT_EQ(counted.status, 200) << counted.Describe();
  std::optional<QueryTable> table = ParseQueryTable(counted.body, nullptr);
  ASSERT_TRUE(table && table->rows.size() == 1);
  EXPECT_EQ(table->Cell(0, "count"), "2");  // nothing refused was stored
  const HttpResult created = Call("POST", "/api/v1/budgets", budget, admin);
  EXPECT_LT(created.status, 300) << created.Describe();
}

TEST_F(ApiKeysTest, RevokedAndNewKeysTakeEffectWhileTheServerRuns) {
  const std::string first = CreateKey("read");
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_EQ(Call("GET", "/api/v1/fields", "", first).status, 200);
  const std::string second = CreateKey("read");
  ASSERT_EQ(RunMltrack("keys revoke --data " + DataDir() + " " + Id(first)).exit_code, 0);
  int first_status = 0, second_status = 0;
  for (int attempt = 0; attempt < 40 && (first_status != 401 || second_status != 200); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    first_status = Call("GET", "/api/v1/fields", "", first).status;
    second_status = Call("GET", "/api/v1/fields", "", second).status;
  }
  EXPECT_EQ(first_status, 401);
  EXPECT_EQ(second_status, 200);
}

TEST_F(ApiKeysTest, LiveWebSocketNeedsAReadKey) {
  const std::string read = CreateKey("read");
  const std::string ingest = CreateKey("ingest");
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const auto upgrade = [this](const std::string& key) {
    return RawHttpExchange(server_->port(),
                           "GET /api/analytics/live HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                           "Sec-WebSocket-Version: 13\r\n" +
                               (key.empty() ? "" : "Authorization: Bearer " + key + "\r\n") + "\r\n");
  };
  EXPECT_EQ(upgrade("").status, 401);
  EXPECT_EQ(upgrade(ingest).status, 403);
  EXPECT_EQ(upgrade(read).status, 101);
}

TEST_F(ApiKeysTest, KeyHeaderInjectionAndOversizedValuesAreRefused) {
  const std::string ingest = CreateKey("ingest");
  ASSERT_NO_FATAL_FAILURE(StartServer());
  // X-MLtrack-Key (the proxy's header) works on any route; a forged value is malformed, not echoed.
  EXPECT_EQ(client().Request("POST", "/api/v1/events", kEvent, "application/json", {{"X-MLtrack-Key", ingest}}).status, 200);
  const HttpResult injected = RawHttpExchange(
      server_->port(), "POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-MLtrack-Key: " + ingest.substr(0, 30) +
                           "\rX-Admin: 1\r\nContent-Length: 2\r\n\r\n{}");
  EXPECT_TRUE(injected.status == 400 || injected.status == 401) << injected.Describe();
  EXPECT_EQ(injected.body.find("X-Admin"), std::string::npos);
  const HttpResult long_key = client().Request("POST", "/api/v1/events", kEvent, "application/json",
                                               {{"Authorization", "Bearer " + std::string(6000, 'a')}});
  ExpectError(long_key, 401, "unauthorized");
  EXPECT_EQ(long_key.body.find(std::string(100, 'a')), std::string::npos) << "the value must not be echoed";
}

TEST_F(ApiKeysTest, PerKeyRateLimitAnswers429WithRetryAfter) {
  const std::string a = CreateKey("read");
  const std::string b = CreateKey("read");
  ASSERT_NO_FATAL_FAILURE(StartServer({"--rate-limit", "0.2", "--rate-burst", "3"}));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Call("GET", "/api/v1/fields", "", a).status, 200) << i;
  const HttpResult limited = Call("GET", "/api/v1/fields", "", a);
  ExpectError(limited, 429, "rate_limited");
  EXPECT_EQ(limited.Header("retry-after"), "5");
  EXPECT_EQ(Call("GET", "/api/v1/fields", "", b).status, 200);
  EXPECT_EQ(Call("GET", "/api/health", "", "").status, 200);
}

TEST_F(ApiKeysTest, BadRateFlagsStopTheServer) {
  for (const std::string& flag : std::vector<std::string>{"--rate-limit -1", "--rate-limit fast", "--rate-limit 1e308", "--rate-burst 5"}) {
    const CommandResult result = RunMltrack("serve --data " + DataDir() + " --listen 127.0.0.1:0 " + flag);
    EXPECT_EQ(result.exit_code, 2) << flag << ": " << result.output;
    EXPECT_NE(result.output.find(flag.substr(0, flag.find(' '))), std::string::npos) << result.output;
  }
}

TEST_F(ApiKeysTest, NonLoopbackAddressWithoutAKeyRefusesToStart) {
  const CommandResult result = RunMltrack("serve --data " + DataDir() + " --listen 0.0.0.0:0");
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("mltrack keys create --data " + DataDir() + " --scope admin"), std::string::npos)
      << result.output;
  // A revoked key is no key.
  const std::string key = CreateKey("admin");
  ASSERT_EQ(RunMltrack("keys revoke --data " + DataDir() + " " + Id(key)).exit_code, 0);
  EXPECT_EQ(RunMltrack("serve --data " + DataDir() + " --listen 0.0.0.0:0").exit_code, 2);
}

}  // namespace
}  // namespace mltrack::integration
