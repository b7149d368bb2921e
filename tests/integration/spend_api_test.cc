// Budgets, alerts and webhooks through the real binary: create, read, update, delete; bad input
// is a 400 naming the field and changes nothing; state survives a restart (docs/api.md).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/hmac.h>
#include <simdjson.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "test_support.h"
#include "tls_receiver.h"

namespace mltrack::integration {
namespace {

constexpr const char* kBudget =
    R"({"name": "ml monthly", "scope": {"field": "team", "value": "ml"}, "period": "month",
        "amount_usd": 100, "thresholds_pct": [50, 80, 100], "timezone": "UTC"})";

class SpendApiTest : public IntegrationTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(StartServer()); }

  size_t CountOf(const std::string& path, const char* list) {
    HttpResult result = client().Get(path);
    EXPECT_EQ(result.status, 200) << result.Describe();
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(result.body).get(root)) return SIZE_MAX;
    return simdjson::dom::array(root[list]).size();
  }

  // POSTs `body` to `path`: a 400 whose details name `field`, and the list stays as it was.
  void ExpectRejected(const std::string& path, const char* list, const std::string& body, const std::string& field) {
    const size_t before = CountOf(path, list);
    HttpResult result = client().Post(path, body);
    EXPECT_EQ(result.status, 400) << body << " -> " << result.Describe();
    std::optional<ErrorBody> error = ParseErrorBody(result.body);
    ASSERT_TRUE(error.has_value()) << result.body;
    EXPECT_TRUE(error->NamesField(field)) << "no detail names " << field << ": " << result.body;
    EXPECT_EQ(CountOf(path, list), before) << "a rejected request changed the list";
  }
};

TEST_F(SpendApiTest, BudgetCrudWithSpendAndProjection) {
  // A second ago, not a minute: the month and week periods below must hold the events whatever
  // the hour (a minute ago lay in the previous week when the test ran at Monday 00:00:40).
  const std::string ts = std::to_string(NowMs() - 1'000);
  HttpResult ingest = client().Post(
      "/api/v1/events", Ndjson({R"({"ts": )" + ts +
                                R"(, "model": "gpt-4o", "team": "ml", "cost_usd": 12.5})",
                                R"({"ts": )" + ts +
                                R"(, "model": "gpt-4o", "team": "web", "cost_usd": 99})"}),
      "application/x-ndjson");
  ASSERT_EQ(ingest.status, 200) << ingest.Describe();

  HttpResult created = client().Post("/api/v1/budgets", kBudget);
  ASSERT_EQ(created.status, 201) << created.Describe();
  simdjson::dom::parser parser;
  simdjson::dom::element budget = parser.parse(created.body);
  const std::string id{std::string_view(budget["id"])};
  EXPECT_EQ(std::string_view(budget["name"]), "ml monthly");
  EXPECT_EQ(double(budget["spend_usd"]), 12.5);  // only team ml counts
  EXPECT_EQ(double(budget["share_pct"]), 12.5);
  EXPECT_GE(double(budget["projected_usd"]), 12.5);
  EXPECT_LE(double(budget["projected_low_usd"]), double(budget["projected_usd"]));
  EXPECT_GE(double(budget["projected_high_usd"]), double(budget["projected_usd"]));
  EXPECT_TRUE(budget["exceeds_on"].is_null() || budget["exceeds_on"].is_string());

  HttpResult one = client().Get("/api/v1/budgets/" + id);
  ASSERT_EQ(one.status, 200) << one.Describe();
  HttpResult updated = client().Request("PUT", "/api/v1/budgets/" + id,
                                        R"({"name": "ml monthly", "scope": {"field": "team", "value": "ml"},
                                            "period": "week", "amount_usd": 20})",
                                        "application/json");
  ASSERT_EQ(updated.status, 200) << updated.Describe();
  simdjson::dom::parser parser2;
  simdjson::dom::element after = parser2.parse(updated.body);
  EXPECT_EQ(std::string_view(after["period"]), "week");
  EXPECT_EQ(double(after["share_pct"]), 62.5);
  // 62.5 % of the new amount: the 50 % alert fires, once.
  for (int attempt = 0; attempt < 100 && CountOf("/api/v1/alerts", "alerts") < 1; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(CountOf("/api/v1/alerts", "alerts"), 1u);
  EXPECT_NE(client().Get("/api/v1/alerts?budget_id=" + id).body.find("\"threshold_pct\":50"), std::string::npos);

  // The budget survives a SIGKILL and a restart.
  ASSERT_TRUE(server_->Restart());
  EXPECT_EQ(CountOf("/api/v1/budgets", "budgets"), 1u);
  EXPECT_EQ(CountOf("/api/v1/alerts", "alerts"), 1u);

  EXPECT_EQ(client().Request("DELETE", "/api/v1/budgets/" + id, "", "application/json").status, 200);
  EXPECT_EQ(client().Get("/api/v1/budgets/" + id).status, 404);
  EXPECT_EQ(client().Request("DELETE", "/api/v1/budgets/" + id, "", "application/json").status, 404);
  EXPECT_EQ(CountOf("/api/v1/budgets", "budgets"), 0u);
}

TEST_F(SpendApiTest, BadBudgetsAreRefusedNamingTheField) {
  const std::string path = "/api/v1/budgets";
  ExpectRejected(path, "budgets", R"({"name": "x", "amount_usd": -5})", "amount_usd");
  ExpectRejected(path, "budgets", R"({"name": "x", "amount_usd": 0})", "amount_usd");
  ExpectRejected(path, "budgets", R"({"name": "x"})", "amount_usd");
  ExpectRejected(path, "budgets", R"({"amount_usd": 5})", "name");
  ExpectRejected(path, "budgets", R"({"name": "x", "amount_usd": 5, "colour": "red"})", "colour");
  ExpectRejected(path, "budgets", R"({"name": "x", "amount_usd": 5, "period": "fortnight"})", "period");
  ExpectRejected(path, "budgets", R"({"name": "x", "amount_usd": 5, "thresholds_pct": [80, 50]})", "thresholds_pct[1]");
  ExpectRejected(path, "budgets", R"({"name": "x", "amount_usd": 5, "thresholds_pct": [50, 50]})", "thresholds_pct[1]");
  ExpectRejected(path, "budgets", R"({"name": "x", "amount_usd": 5, "scope": {"field": "colour", "value": "a"}})",
                 "scope.field");
  ExpectRejected(path, "budgets", R"({"name": "x", "amount_usd": 5, "scope": {"field": "latency_ms", "value": "a"}})",
                 "scope.field");
  ExpectRejected(path, "budgets", R"({"name": "x", "amount_usd": 5, "scope": {"field": "team"}})", "scope.value");
  ExpectRejected(path, "budgets", R"({"name": "x", "amount_usd": 5, "timezone": "Mars/Olympus"})", "timezone");
  ExpectRejected(path, "budgets", "[1, 2]", "body");
  HttpResult missing = client().Request("PUT", "/api/v1/budgets/b-404", kBudget, "application/json");
  EXPECT_EQ(missing.status, 404) << missing.Describe();
}

TEST_F(SpendApiTest, WebhookCrudAndBadInput) {
  const std::string path = "/api/v1/webhooks";
  ExpectRejected(path, "webhooks", R"({"url": "ftp://example.com/hook"})", "url");
  ExpectRejected(path, "webhooks", R"({"url": "https://"})", "url");
  ExpectRejected(path, "webhooks", R"({"url": "http://"})", "url");
  ExpectRejected(path, "webhooks", R"({"url": "http://host:99999/"})", "url");
  ExpectRejected(path, "webhooks", R"({"secret": "s"})", "url");
  ExpectRejected(path, "webhooks", R"({"url": "http://127.0.0.1:9/", "secret": 5})", "secret");
  ExpectRejected(path, "webhooks", R"({"url": "http://127.0.0.1:9/", "colour": "red"})", "colour");

  HttpResult created = client().Post(path, R"({"url": "http://127.0.0.1:9/hook", "secret": "s3cret"})");
  ASSERT_EQ(created.status, 201) << created.Describe();
  EXPECT_EQ(created.body.find("s3cret"), std::string::npos) << "the secret is never shown";
  EXPECT_NE(created.body.find("\"signed\":true"), std::string::npos);
  simdjson::dom::parser parser;
  const std::string id{std::string_view(parser.parse(created.body)["id"])};
  HttpResult updated = client().Request("PUT", path + "/" + id, R"({"url": "https://127.0.0.1:9/other"})",
                                        "application/json");
  ASSERT_EQ(updated.status, 200) << updated.Describe();
  EXPECT_NE(updated.body.find("\"signed\":false"), std::string::npos);
  ASSERT_TRUE(server_->Restart());
  EXPECT_NE(client().Get(path + "/" + id).body.find("https://127.0.0.1:9/other"), std::string::npos);
  EXPECT_EQ(client().Request("DELETE", path + "/" + id, "", "application/json").status, 200);
  EXPECT_EQ(CountOf(path, "webhooks"), 0u);
}

// An alert reaches an https:// webhook whose certificate `--webhook-ca` trusts, signed; the same
// receiver is refused (and retried) by a server that does not trust it.
class HttpsWebhookTest : public IntegrationTest {
 protected:
  // Starts a server (with `extra_args`), points a signed webhook at the receiver and crosses a
  // budget's 50 % threshold; returns the webhook's id.
  std::string CrossAThreshold(const std::vector<std::string>& extra_args, uint16_t receiver_port) {
    StartServer(extra_args);
    HttpResult webhook = client().Post("/api/v1/webhooks", R"({"url": "https://127.0.0.1:)" +
                                                               std::to_string(receiver_port) +
                                                               R"(/hooks/mltrack", "secret": "s3cret"})");
    EXPECT_EQ(webhook.status, 201) << webhook.Describe();
    HttpResult budget = client().Post("/api/v1/budgets", R"({"name": "tiny", "period": "month", "amount_usd": 0.00001,
                                                            "thresholds_pct": [50]})");
    EXPECT_EQ(budget.status, 201) << budget.Describe();
    EXPECT_EQ(Ingest(EventJson("https-1")).status, 200);  // gpt-4o-mini, 100 + 20 tokens: more than $0.000005
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(webhook.body).get(root)) return "";
    return std::string(std::string_view(root["id"]));
  }
};

TEST_F(HttpsWebhookTest, AnAlertReachesAWebhookTheCaFlagTrusts) {
  const testing::TestCertificate certificate = testing::MakeSelfSignedCertificate(temp_.path());
  testing::TlsReceiver receiver(certificate);
  CrossAThreshold({"--webhook-ca", certificate.cert_file.string(), "--webhook-retry-min", "100ms"}, receiver.port());
  std::vector<testing::TlsReceiver::Request> requests;
  for (int attempt = 0; attempt < 200 && requests.empty(); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    requests = receiver.requests();
  }
  ASSERT_EQ(requests.size(), 1u);
  const testing::TlsReceiver::Request& request = requests[0];
  EXPECT_EQ(request.target(), "/hooks/mltrack");
  EXPECT_EQ(request["X-MLtrack-Alert-Id"], "alert-1");
  EXPECT_NE(request.body().find("\"threshold_pct\":50"), std::string::npos) << request.body();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), "s3cret", 6, reinterpret_cast<const unsigned char*>(request.body().data()), request.body().size(),
       digest, &length);
  std::string hex;
  for (unsigned int idx = 0; idx < length; ++idx) hex += fmt::format("{:02x}", digest[idx]);
  EXPECT_EQ(request["X-MLtrack-Signature"], "sha256=" + hex);
}

TEST_F(HttpsWebhookTest, AnUntrustedReceiverIsNotSentTheAlertAndTheErrorSaysWhy) {
  const testing::TestCertificate certificate = testing::MakeSelfSignedCertificate(temp_.path());
  testing::TlsReceiver receiver(certificate);
  const std::string id = CrossAThreshold({"--webhook-retry-min", "100ms"}, receiver.port());
  std::string shown;
  for (int attempt = 0; attempt < 200 && shown.find("certificate verify failed") == std::string::npos; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    shown = client().Get("/api/v1/webhooks/" + id).body;
  }
  EXPECT_NE(shown.find("certificate verify failed"), std::string::npos) << shown;
  EXPECT_TRUE(receiver.requests().empty());
}

}  // namespace
}  // namespace mltrack::integration
