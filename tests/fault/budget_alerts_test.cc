// Budget alerts fire exactly once per budget, threshold and period across SIGKILLs, restarts,
// repeated ingest and late events; a webhook receiver that is down at first still receives every
// alert at least once, signed (tests/fault/README.md).
#include <openssl/hmac.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <atomic>
#include <chrono>
#include <cstring>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "fault_support.h"
#include "test_support.h"

namespace mltrack::fault {
namespace {

using integration::HttpClient;
using integration::HttpResult;
using integration::ServerProcess;
using integration::TempDir;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

constexpr const char* kSecret = "fault-test-secret";

std::string Hex(const unsigned char* data, unsigned int length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int idx = 0; idx < length; ++idx) {
    out += kHex[data[idx] >> 4];
    out += kHex[data[idx] & 15];
  }
  return out;
}

// A webhook receiver on 127.0.0.1:<port>: answers every POST 200 and remembers the alert ids it
// received (with a count) and whether every signature was right. Listens only once Start() runs.
class Receiver {
 public:
  explicit Receiver(uint16_t port) : port_(port) {}
  ~Receiver() { Stop(); }

  void Start() {
    acceptor_ = std::make_unique<asio::ip::tcp::acceptor>(
        io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    thread_ = std::thread([this] { Serve(); });
  }
  void Stop() {
    if (!acceptor_) return;
    stopping_ = true;
    // Unblocks accept() with a connection of our own.
    try {
      asio::io_context io;
      asio::ip::tcp::socket socket(io);
      socket.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    } catch (...) {
    }
    if (thread_.joinable()) thread_.join();
    acceptor_.reset();
  }
  std::map<std::string, int> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  std::vector<std::string> problems() const {
    std::lock_guard lock(mutex_);
    return problems_;
  }

 private:
  void Serve() {
    while (!stopping_) {
      asio::ip::tcp::socket socket(io_);
      beast::error_code ec;
      acceptor_->accept(socket, ec);
      if (ec || stopping_) continue;
      beast::flat_buffer buffer;
      http::request<http::string_body> request;
      http::read(socket, buffer, request, ec);
      if (ec) continue;
      Record(request);
      http::response<http::string_body> response{http::status::ok, 11};
      response.body() = "{}";
      response.prepare_payload();
      http::write(socket, response, ec);
    }
  }
  void Record(const http::request<http::string_body>& request) {
    std::lock_guard lock(mutex_);
    simdjson::dom::parser parser;
    simdjson::dom::element body;
    std::string_view id;
    if (parser.parse(request.body()).get(body) || body["id"].get(id)) {
      problems_.push_back("a body without an id: " + request.body());
      return;
    }
    if (std::string(request["X-MLtrack-Alert-Id"]) != id) problems_.push_back("X-MLtrack-Alert-Id differs from the body's id");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), kSecret, static_cast<int>(std::strlen(kSecret)),
         reinterpret_cast<const unsigned char*>(request.body().data()), request.body().size(), digest, &length);
    if (std::string(request["X-MLtrack-Signature"]) != "sha256=" + Hex(digest, length)) {
      problems_.push_back("bad signature on " + std::string(id));
    }
    ++received_[std::string(id)];
  }

  uint16_t port_;
  asio::io_context io_;
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::map<std::string, int> received_;
  std::vector<std::string> problems_;
};

// How long the receiver stays down: long enough for several failed attempts at the test's
// backoff (200 ms doubling to 1 s); MLTRACK_FAULT_WEBHOOK_DOWN_S=60 gives the minute of the issue.
int DownSeconds() {
  const char* text = std::getenv("MLTRACK_FAULT_WEBHOOK_DOWN_S");
  return text ? std::atoi(text) : 5;
}

std::string SpendEvent(const std::string& id, int64_t ts_ms, const std::string& team, double cost_usd) {
  return "{\"id\":\"" + id + "\",\"ts\":" + std::to_string(ts_ms) + ",\"model\":\"gpt-4o\",\"provider\":\"openai\"," +
         "\"team\":\"" + team + "\",\"input_tokens\":100,\"output_tokens\":10,\"cost_usd\":" + std::to_string(cost_usd) +
         "}";
}

struct AlertView {
  std::string id;
  double threshold_pct = 0;
  std::string period_start;
};

std::vector<AlertView> Alerts(HttpClient& client) {
  HttpResult result = client.Get("/api/v1/alerts");
  EXPECT_EQ(result.status, 200) << result.Describe();
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::vector<AlertView> alerts;
  if (parser.parse(result.body).get(root)) return alerts;
  for (simdjson::dom::element alert : simdjson::dom::array(root["alerts"])) {
    alerts.push_back({std::string(std::string_view(alert["id"])), double(alert["threshold_pct"]),
                      std::string(std::string_view(alert["period_start"]))});
  }
  return alerts;
}

// Polls until there are `count` alerts (or 20 s pass).
std::vector<AlertView> WaitForAlerts(HttpClient& client, size_t count) {
  std::vector<AlertView> alerts;
  for (int attempt = 0; attempt < 200; ++attempt) {
    alerts = Alerts(client);
    if (alerts.size() >= count) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return alerts;
}

void Ingest(HttpClient& client, const std::vector<std::string>& events) {
  HttpResult result = client.Post("/api/v1/events", integration::Ndjson(events), "application/x-ndjson");
  ASSERT_EQ(result.status, 200) << result.Describe();
}

TEST(BudgetAlertsTest, ThreeThresholdsFireOnceAcrossKillsAndReachADownWebhook) {
  const uint64_t seed = FaultSeed();
  std::mt19937_64 rng(seed);
  TempDir dir("budget-alerts");
  const uint16_t receiver_port = integration::FreePort();
  Receiver receiver(receiver_port);
  ServerProcess server(dir.path() / "data", dir.path() / "server.log",
                       {"--webhook-retry-min", "200ms", "--webhook-retry-max", "1s"});
  ASSERT_TRUE(server.Start());
  auto client = std::make_unique<HttpClient>(server.port(), std::chrono::seconds(30));
  const auto test_start = std::chrono::steady_clock::now();

  HttpResult webhook = client->Post("/api/v1/webhooks", "{\"url\":\"http://127.0.0.1:" + std::to_string(receiver_port) +
                                                            "/hook\",\"secret\":\"" + kSecret + "\"}");
  ASSERT_EQ(webhook.status, 201) << webhook.Describe();
  HttpResult budget = client->Post(
      "/api/v1/budgets", R"({"name": "ml monthly", "scope": {"field": "team", "value": "ml"}, "period": "month",
                            "amount_usd": 100, "thresholds_pct": [50, 80, 100], "timezone": "UTC"})");
  ASSERT_EQ(budget.status, 201) << budget.Describe();

  const int64_t now = integration::NowMs();
  int next_id = 0;
  auto events = [&](double total_usd, const std::string& team) {
    // `total_usd` split over a random number of events of whole cents.
    std::vector<std::string> lines;
    const int cents = static_cast<int>(total_usd * 100);
    const int pieces = 1 + static_cast<int>(rng() % 5);
    for (int piece = 0; piece < pieces; ++piece) {
      const int share = piece + 1 < pieces ? cents / pieces : cents - (pieces - 1) * (cents / pieces);
      lines.push_back(SpendEvent("e" + std::to_string(next_id++), now - 1000, team, share / 100.0));
    }
    return lines;
  };

  // 55 % of the ml budget (and spend of another team, which must not count).
  std::vector<std::string> first = events(55, "ml");
  Ingest(*client, first);
  Ingest(*client, events(500, "web"));
  ASSERT_EQ(WaitForAlerts(*client, 1).size(), 1u);
  // 85 %: the 80 % alert is due; SIGKILL right after the acknowledgement, before or after the
  // monitor recorded it (random), then a restart must fire it if it had not.
  Ingest(*client, events(30, "ml"));
  if (rng() % 2) std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 300));
  server.Kill();
  ASSERT_TRUE(server.Restart());
  client = std::make_unique<HttpClient>(server.port(), std::chrono::seconds(30));
  std::vector<AlertView> alerts = WaitForAlerts(*client, 2);
  ASSERT_EQ(alerts.size(), 2u);

  // Past 100 %, then more, repeated batches (duplicates) and a late event of last month.
  Ingest(*client, events(20, "ml"));
  ASSERT_EQ(WaitForAlerts(*client, 3).size(), 3u);
  Ingest(*client, events(40, "ml"));
  Ingest(*client, first);  // all duplicates
  Ingest(*client, {SpendEvent("late-1", now - 40LL * 86'400'000, "ml", 1.0)});
  server.Kill();
  ASSERT_TRUE(server.Restart());
  client = std::make_unique<HttpClient>(server.port(), std::chrono::seconds(30));
  Ingest(*client, events(5, "ml"));
  std::this_thread::sleep_for(std::chrono::seconds(1));  // time for any wrong second alert
  alerts = Alerts(*client);
  ASSERT_EQ(alerts.size(), 3u) << server.LogTail();
  std::set<double> thresholds;
  for (const AlertView& alert : alerts) {
    thresholds.insert(alert.threshold_pct);
    EXPECT_EQ(alert.period_start, alerts.front().period_start);
  }
  EXPECT_EQ(thresholds, (std::set<double>{50, 80, 100}));

  // The receiver comes up after DownSeconds() from the start: every alert arrives, signed.
  const auto up_at = test_start + std::chrono::seconds(DownSeconds());
  std::this_thread::sleep_until(up_at);
  receiver.Start();
  std::map<std::string, int> received;
  for (int attempt = 0; attempt < 300 && received.size() < alerts.size(); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    received = receiver.received();
  }
  for (const AlertView& alert : alerts) EXPECT_GE(received[alert.id], 1) << "alert " << alert.id << " not delivered";
  EXPECT_EQ(received.size(), alerts.size());
  EXPECT_EQ(receiver.problems(), std::vector<std::string>());

  // Delivery state survives a restart: nothing left pending.
  server.Kill();
  ASSERT_TRUE(server.Restart());
  client = std::make_unique<HttpClient>(server.port(), std::chrono::seconds(30));
  HttpResult hooks = client->Get("/api/v1/webhooks");
  ASSERT_EQ(hooks.status, 200);
  EXPECT_NE(hooks.body.find("\"delivered\":3,\"pending\":0"), std::string::npos) << hooks.body;
  EXPECT_EQ(Alerts(*client).size(), 3u);
  std::cout << "[ numbers ] alerts 3, deliveries received " << [&] {
    int total = 0;
    for (const auto& [id, count] : receiver.received()) total += count;
    return total;
  }() << ", receiver down " << DownSeconds() << " s\n";
  receiver.Stop();
}

}  // namespace
}  // namespace mltrack::fault
