// Hostile input through the real binary (issue 15, "Bad input"): oversized headers, slow
// requests (slowloris), idle keep-alive connections, too many connections, path traversal, absurd
// numbers, deeply nested JSON and 10,000 tags. Each is refused with a clear answer (or the
// connection is cut), nothing is stored, and the server keeps answering.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <array>
#include <string>
#include <thread>

#include "test_support.h"

namespace mltrack::integration {
namespace {

namespace asio = boost::asio;

class HostileInputTest : public IntegrationTest {
 protected:
  asio::ip::tcp::socket Connect() {
    asio::ip::tcp::socket socket(io_);
    socket.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    return socket;
  }
  void ExpectHealthy() { EXPECT_EQ(client().Get("/api/health").status, 200); }
  void ExpectRefused(const HttpResult& result, int status, const std::string& code, const std::string& field) {
    EXPECT_EQ(result.status, status) << result.Describe();
    std::optional<ErrorBody> error = ParseErrorBody(result.body);
    ASSERT_TRUE(error.has_value()) << result.Describe();
    EXPECT_EQ(error->code, code) << result.body;
    if (!field.empty()) {
      EXPECT_TRUE(error->NamesField(field)) << result.body;
    }
  }
  asio::io_context io_;
};

TEST_F(HostileInputTest, OversizedHeaderIs431) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const HttpResult result = RawHttpExchange(
      server_->port(), "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-MLtrack-User: " + std::string(10'000, 'u') + "\r\n\r\n");
  ExpectRefused(result, 431, "header_too_large", "header");
  ExpectHealthy();
}

TEST_F(HostileInputTest, SlowRequestIsCutAtTheReadTimeout) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--read-timeout", "1s"}));
  asio::ip::tcp::socket socket = Connect();
  const std::string request = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(200, 's');
  const auto start = std::chrono::steady_clock::now();
  boost::system::error_code ec;
  // One byte every 100 ms: never a whole header. The server must hang up within its timeout.
  for (char c : request) {
    asio::write(socket, asio::buffer(&c, 1), ec);
    if (ec) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (std::chrono::steady_clock::now() - start > std::chrono::seconds(10)) break;
  }
  if (!ec) {  // the writes may all land in the kernel's buffer: a read then sees the close
    char byte;
    socket.read_some(asio::buffer(&byte, 1), ec);
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(ec) << "the server kept a slow request open";
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  ExpectHealthy();
}

// A kept-alive connection that sends nothing after its answer is closed at the read timeout too
// (issue 15, "idle timeouts"): idle clients cannot pile up to the connection limit.
TEST_F(HostileInputTest, IdleKeepAliveConnectionIsClosedAtTheReadTimeout) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--read-timeout", "1s"}));
  asio::ip::tcp::socket socket = Connect();
  boost::system::error_code ec;
  asio::write(socket, asio::buffer(std::string("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")), ec);
  ASSERT_FALSE(ec) << ec.message();
  std::string answer;
  std::array<char, 4096> chunk;
  const auto complete = [&answer] {  // the header and Content-Length bytes of body
    const size_t end = answer.find("\r\n\r\n");
    const size_t length = answer.find("Content-Length: ");
    return end != std::string::npos && length != std::string::npos && length < end &&
           answer.size() >= end + 4 + std::stoul(answer.substr(length + 16));
  };
  while (!complete()) {
    const size_t bytes = socket.read_some(asio::buffer(chunk), ec);
    ASSERT_FALSE(ec) << "the answer did not come: " << ec.message() << " after " << answer;
    answer.append(chunk.data(), bytes);
  }
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200")) << answer;
  EXPECT_EQ(answer.find("Connection: close"), std::string::npos) << "the connection should stay open: " << answer;
  const auto idle_from = std::chrono::steady_clock::now();
  bool closed = false;
  socket.async_read_some(asio::buffer(chunk), [&](boost::system::error_code error, size_t) {
    ec = error;
    closed = true;
  });
  io_.restart();
  io_.run_for(std::chrono::seconds(10));
  const auto idle_for = std::chrono::steady_clock::now() - idle_from;
  ASSERT_TRUE(closed) << "an idle connection was still open after 10 s";
  EXPECT_EQ(ec, asio::error::eof) << ec.message();
  EXPECT_GE(idle_for, std::chrono::milliseconds(500));
  ExpectHealthy();
}

TEST_F(HostileInputTest, ConnectionsOverTheLimitAre503) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--max-connections", "3"}));
  std::vector<asio::ip::tcp::socket> idle;
  for (int i = 0; i < 3; ++i) idle.push_back(Connect());
  HttpResult refused;
  // The idle connections are counted once their sessions start: poll briefly.
  for (int attempt = 0; attempt < 50 && refused.status != 503; ++attempt) {
    refused = RawHttpExchange(server_->port(), "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    if (refused.status != 503) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ExpectRefused(refused, 503, "overloaded", "");
  EXPECT_EQ(refused.Header("retry-after"), "1");
  idle.clear();  // closes them
  HttpResult after;
  for (int attempt = 0; attempt < 50 && after.status != 200; ++attempt) {
    after = RawHttpExchange(server_->port(), "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    if (after.status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(after.status, 200) << after.Describe();
}

TEST_F(HostileInputTest, PathTraversalNeverLeavesTheWebApp) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  for (const std::string& target : std::vector<std::string>{
           "/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2f..%2fetc%2fpasswd",
           "/assets/%2e%2e/%2e%2e/etc/passwd", "/..%5c..%5cetc%5cpasswd", "//etc/passwd", "/assets/%00.js"}) {
    const HttpResult result = RawHttpExchange(server_->port(), "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_EQ(result.body.find("root:"), std::string::npos) << target;
    EXPECT_TRUE(result.status == 200 || result.status == 400 || result.status == 404) << target << ": " << result.Describe();
  }
  ExpectHealthy();
}

TEST_F(HostileInputTest, AbsurdNumbersAreRefusedNamingTheField) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const auto event = [](const std::string& extra) {
    return R"({"ts":"2026-01-01T00:00:00Z","model":"gpt-4o-mini")" + extra + "}";
  };
  ExpectRefused(Ingest(event(R"(,"input_tokens":1e308)")), 400, "invalid_event", "input_tokens");
  ExpectRefused(Ingest(event(R"(,"output_tokens":1e400)")), 400, "invalid_event", "output_tokens");
  ExpectRefused(Ingest(event(R"(,"latency_ms":-1)")), 400, "invalid_event", "latency_ms");
  ExpectRefused(Ingest(event(R"(,"ttft_ms":-0.5)")), 400, "invalid_event", "ttft_ms");
  ExpectRefused(Ingest(event(R"(,"cost_usd":-1e308)")), 400, "invalid_event", "cost_usd");
  EXPECT_EQ(CountEvents(), 0);
}

TEST_F(HostileInputTest, DeeplyNestedJsonIsRefused) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  EXPECT_EQ(Ingest(deep).status, 400);
  const std::string deep_tags = R"({"ts":"2026-01-01T00:00:00Z","model":"m","tags":)" + std::string(50'000, '{') + "}";
  EXPECT_EQ(Ingest(deep_tags).status, 400);
  EXPECT_EQ(client().Post("/api/v1/query", std::string(100'000, '{')).status, 400);
  EXPECT_EQ(client().Post("/api/v1/events/search", R"({"filters":)" + deep + "}").status, 400);
  EXPECT_EQ(CountEvents(), 0);
  ExpectHealthy();
}

TEST_F(HostileInputTest, TenThousandTagsAreRefused) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  std::string tags;
  for (int i = 0; i < 10'000; ++i) tags += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":\"v\"";
  const HttpResult result = Ingest(R"({"ts":"2026-01-01T00:00:00Z","model":"m","tags":{)" + tags + "}}");
  ExpectRefused(result, 400, "invalid_event", "tags");
  std::string headers;
  for (int i = 0; i < 10'000; ++i) headers += "X-MLtrack-Tag-k" + std::to_string(i) + ": v\r\n";
  const HttpResult proxied = RawHttpExchange(
      server_->port(), "POST /proxy/openai/v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers +
                           "Content-Length: 2\r\n\r\n{}");
  EXPECT_EQ(proxied.status, 431) << proxied.Describe();  // 10,000 header lines are over the header limit
  EXPECT_EQ(CountEvents(), 0);
  ExpectHealthy();
}

}  // namespace
}  // namespace mltrack::integration
