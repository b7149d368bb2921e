// The LLM proxy through the real binary against a fake upstream (FakeUpstream): forwarding,
// streaming pass-through, usage, errors, timeouts, client disconnects, the cache, header
// validation, and that the caller's API key is passed on but never stored or logged.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "fake_upstream.h"
#include "test_support.h"

namespace mltrack::integration {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kApiKey = "sk-test-SECRET-5f2a9c";
constexpr const char* kChatPath = "/proxy/openai/v1/chat/completions";
constexpr const char* kChatBody = R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say this is a test"}]})";
constexpr const char* kStreamBody =
    R"({"model":"gpt-4","messages":[{"role":"user","content":"Say this is a test"}],"stream":true,"stream_options":{"include_usage":true}})";

std::string SseChunk(const std::string& json) { return "data: " + json + "\n\n"; }

// The SSE pieces of a streamed chat completion (from the recorded cassette's shape).
std::vector<std::string> StreamPieces() {
  const std::string head = R"({"id":"c1","object":"chat.completion.chunk","created":1731368639,"model":"gpt-4-0613",)";
  return {SseChunk(head + R"("choices":[{"index":0,"delta":{"role":"assistant","content":""}}],"usage":null})"),
          SseChunk(head + R"("choices":[{"index":0,"delta":{"content":"This is"}}],"usage":null})"),
          SseChunk(head + R"("choices":[{"index":0,"delta":{"content":" a test."}}],"usage":null})") +
              SseChunk(head + R"("choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}})") +
              "data: [DONE]\n\n"};
}

// Reads a streamed response piece by piece, noting when each arrived.
struct StreamRead {
  int status = 0;
  std::string body;
  std::vector<std::pair<Clock::time_point, size_t>> pieces;  // arrival, bytes
};

StreamRead ReadStreamed(uint16_t port, const std::string& body, const Headers& headers, size_t stop_after = 0) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> request{http::verb::post, kChatPath, 11};
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : headers) request.insert(name, value);
  request.body() = body;
  request.prepare_payload();
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  http::read_header(stream, buffer, parser);
  StreamRead read;
  read.status = parser.get().result_int();
  char scratch[4096];
  while (!parser.is_done()) {
    parser.get().body().data = scratch;
    parser.get().body().size = sizeof(scratch);
    beast::error_code ec;
    http::read_some(stream, buffer, parser, ec);
    if (ec == http::error::need_buffer) ec = {};
    const size_t bytes = sizeof(scratch) - parser.get().body().size;
    if (bytes > 0) {
      read.pieces.emplace_back(Clock::now(), bytes);
      read.body.append(scratch, bytes);
    }
    if (ec || (stop_after != 0 && read.pieces.size() >= stop_after)) break;
  }
  return read;  // the connection closes here
}

class ProxyTest : public IntegrationTest {
 protected:
  void StartProxy(std::vector<std::string> extra = {}) {
    extra.insert(extra.end(), {"--upstream", "openai=" + upstream_.url(), "--upstream", "anthropic=" + upstream_.url(),
                               "--log-level", "debug"});
    StartServer(std::move(extra));
  }

  Headers Labels() const {
    return {{"Authorization", std::string("Bearer ") + kApiKey},
            {"X-MLtrack-User", "ana@example.com"},
            {"X-MLtrack-Experiment", "proxy-it"},
            {"X-MLtrack-Session", "s-1"},
            {"X-MLtrack-Tag-Env", "prod"}};
  }

  // Events are stored just after the answer: wait for them.
  std::optional<QueryTable> WaitForEvents(int64_t count, const std::string& spec_members) {
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    std::optional<QueryTable> table;
    while (Clock::now() < deadline) {
      if (CountEvents() >= count) return QueryTableOf(std::string(kQueryRange) + "," + spec_members);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "expected " << count << " events, have " << CountEvents();
    return std::nullopt;
  }

  FakeUpstream upstream_;
};

constexpr const char* kEventColumns =
    R"("group_by":["experiment","user","session_id","tags.env","provider","model","operation","endpoint","status",)"
    R"("error_type","http_status","streaming","cache_hit"],"metrics":["count","sum:input_tokens","sum:output_tokens",)"
    R"("sum:cost_usd","max:latency_ms","max:ttft_ms"])";

TEST_F(ProxyTest, ForwardsAChatCallAndRecordsIt) {
  StartProxy();
  HttpResult result = client().Request("POST", kChatPath, kChatBody, "application/json", Labels());
  ASSERT_EQ(result.status, 200) << result.Describe();
  EXPECT_EQ(result.body, ChatCompletionJson("gpt-4o-mini-2024-07-18", 10, 5));
  EXPECT_EQ(result.Header("x-request-id"), "req_fake");  // the provider's headers come back

  ASSERT_EQ(upstream_.received().size(), 1u);
  const FakeUpstream::Received sent = upstream_.received()[0];
  EXPECT_EQ(sent.target, "/v1/chat/completions");
  EXPECT_EQ(sent.body, kChatBody);
  EXPECT_EQ(sent.headers.at("authorization"), std::string("Bearer ") + kApiKey);
  EXPECT_EQ(sent.headers.at("host"), "127.0.0.1:" + std::to_string(upstream_.port()));
  EXPECT_EQ(sent.headers.at("accept-encoding"), "identity");
  for (const auto& [name, value] : sent.headers) EXPECT_FALSE(name.starts_with("x-mltrack")) << name;

  auto table = WaitForEvents(1, kEventColumns);
  ASSERT_TRUE(table);
  ASSERT_EQ(table->rows.size(), 1u);
  EXPECT_EQ(table->Cell(0, "experiment"), "proxy-it");
  EXPECT_EQ(table->Cell(0, "user"), "ana@example.com");
  EXPECT_EQ(table->Cell(0, "session_id"), "s-1");
  EXPECT_EQ(table->Cell(0, "tags.env"), "prod");
  EXPECT_EQ(table->Cell(0, "provider"), "openai");
  EXPECT_EQ(table->Cell(0, "model"), "gpt-4o-mini-2024-07-18");
  EXPECT_EQ(table->Cell(0, "operation"), "chat");
  EXPECT_EQ(table->Cell(0, "endpoint"), "/v1/chat/completions");
  EXPECT_EQ(table->Cell(0, "status"), "ok");
  EXPECT_EQ(table->Cell(0, "http_status"), "200");
  EXPECT_EQ(table->Cell(0, "streaming"), "false");
  EXPECT_EQ(table->Cell(0, "cache_hit"), "false");
  EXPECT_EQ(table->Cell(0, "sum:input_tokens"), "10");
  EXPECT_EQ(table->Cell(0, "sum:output_tokens"), "5");
  EXPECT_NE(table->Cell(0, "sum:cost_usd"), "null");
  EXPECT_NE(table->Cell(0, "max:latency_ms"), "null");
  EXPECT_EQ(table->Cell(0, "max:ttft_ms"), "null");  // not streamed

  // input_hash: a SHA-256 of the body's messages (request_input_hash_test.cc works it out).
  auto by_hash = QueryTableOf(R"("group_by":["input_hash"],"metrics":["count"])");
  ASSERT_TRUE(by_hash);
  ASSERT_EQ(by_hash->rows.size(), 1u);
  EXPECT_EQ(by_hash->Cell(0, "input_hash"), "7b6b5e41493c42b5be199bc1c07b3ca18ac042adc0cecaac8f5e50dede6e78be");
}

TEST_F(ProxyTest, StreamsPieceByPieceWithoutBuffering) {
  StartProxy();
  upstream_.Push({200, "text/event-stream", StreamPieces(), std::chrono::milliseconds(400)});
  StreamRead read = ReadStreamed(client_port_, kStreamBody, Labels());
  ASSERT_EQ(read.status, 200);
  std::string expected;
  for (const std::string& piece : StreamPieces()) expected += piece;
  EXPECT_EQ(read.body, expected);
  const auto sent = upstream_.piece_times();
  ASSERT_EQ(sent.size(), 3u);
  ASSERT_GE(read.pieces.size(), 3u);
  // The first piece reached the client before the upstream even wrote the second one.
  EXPECT_LT(read.pieces.front().first, sent[1]);
  EXPECT_LT(read.pieces[1].first, sent[2]);

  auto table = WaitForEvents(1, kEventColumns);
  ASSERT_TRUE(table);
  EXPECT_EQ(table->Cell(0, "streaming"), "true");
  EXPECT_EQ(table->Cell(0, "model"), "gpt-4-0613");
  EXPECT_EQ(table->Cell(0, "sum:input_tokens"), "12");
  EXPECT_EQ(table->Cell(0, "sum:output_tokens"), "5");
  const double ttft = std::stod(table->Cell(0, "max:ttft_ms"));
  const double latency = std::stod(table->Cell(0, "max:latency_ms"));
  EXPECT_LT(ttft, 300);      // the first piece came at once
  EXPECT_GT(latency, 790);   // the last after two gaps of 400 ms
}

TEST_F(ProxyTest, UpstreamErrorsPassThroughAndAreRecorded) {
  StartProxy();
  const std::string error_body = R"({"error":{"message":"The model `nope` does not exist or you do not have access to it.",)"
                                 R"("type":"invalid_request_error","param":null,"code":"model_not_found"}})";
  upstream_.Push({404, "application/json", {error_body}});
  HttpResult result = client().Request("POST", kChatPath, R"({"model":"nope","messages":[]})", "application/json", Labels());
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(result.body, error_body);
  auto table = WaitForEvents(1, kEventColumns);
  ASSERT_TRUE(table);
  EXPECT_EQ(table->Cell(0, "status"), "error");
  EXPECT_EQ(table->Cell(0, "error_type"), "model_not_found");
  EXPECT_EQ(table->Cell(0, "http_status"), "404");
  EXPECT_EQ(table->Cell(0, "model"), "nope");  // from the request: the error has none
}

TEST_F(ProxyTest, UnreachableUpstreamAndTimeout) {
  const uint16_t closed_port = FreePort();
  StartServer({"--upstream", "openai=http://127.0.0.1:" + std::to_string(closed_port), "--upstream",
               "anthropic=" + upstream_.url(), "--upstream-timeout", "1s"});
  HttpResult unreachable = client().Request("POST", kChatPath, kChatBody, "application/json", Labels());
  EXPECT_EQ(unreachable.status, 502);
  EXPECT_NE(unreachable.body.find(R"("code":"upstream_unreachable")"), std::string::npos) << unreachable.body;

  upstream_.Push({200, "application/json", {R"({"type":"message"})"}, {}, std::chrono::milliseconds(2500)});
  HttpResult slow = client().Request("POST", "/proxy/anthropic/v1/messages",
                                     R"({"model":"claude-3-5-haiku-latest","max_tokens":5,"messages":[]})",
                                     "application/json", {{"x-api-key", kApiKey}});
  EXPECT_EQ(slow.status, 504);
  EXPECT_NE(slow.body.find(R"("code":"upstream_timeout")"), std::string::npos) << slow.body;

  auto table = WaitForEvents(2, std::string(kEventColumns) + R"(,"order_by":[{"column":"provider","dir":"asc"}])");
  ASSERT_TRUE(table);
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(table->Cell(0, "provider"), "anthropic");
  EXPECT_EQ(table->Cell(0, "error_type"), "timeout");
  EXPECT_EQ(table->Cell(0, "http_status"), "504");
  EXPECT_EQ(table->Cell(0, "model"), "claude-3-5-haiku-latest");
  EXPECT_EQ(table->Cell(1, "error_type"), "upstream_unreachable");
  EXPECT_EQ(table->Cell(1, "http_status"), "502");
}

TEST_F(ProxyTest, ClientDisconnectMidStreamIsAnErrorEvent) {
  StartProxy();
  upstream_.Push({200, "text/event-stream", StreamPieces(), std::chrono::milliseconds(1500)});
  StreamRead read = ReadStreamed(client_port_, kStreamBody, Labels(), /*stop_after=*/1);
  ASSERT_EQ(read.status, 200);
  ASSERT_EQ(read.pieces.size(), 1u);
  auto table = WaitForEvents(1, kEventColumns);
  ASSERT_TRUE(table);
  EXPECT_EQ(table->Cell(0, "status"), "error");
  EXPECT_EQ(table->Cell(0, "error_type"), "client_disconnected");
  EXPECT_EQ(table->Cell(0, "streaming"), "true");
  // Told at once, not after the upstream's next piece: well before the 3 s the stream would take.
  EXPECT_LT(std::stod(table->Cell(0, "max:latency_ms")), 1400);
}

TEST_F(ProxyTest, CacheAnswersTheSameCallOnce) {
  StartProxy();
  Headers headers = Labels();
  headers.emplace_back("X-MLtrack-Cache", "on");
  HttpResult first = client().Request("POST", kChatPath, kChatBody, "application/json", headers);
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.Header("x-mltrack-cache"), "MISS");
  HttpResult second = client().Request("POST", kChatPath, kChatBody, "application/json", headers);
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(second.Header("x-mltrack-cache"), "HIT");
  EXPECT_EQ(second.body, first.body);
  EXPECT_EQ(upstream_.received().size(), 1u);
  // Another API key never gets this caller's cached answer.
  Headers other = headers;
  other[0].second = "Bearer sk-someone-else";
  EXPECT_EQ(client().Request("POST", kChatPath, kChatBody, "application/json", other).Header("x-mltrack-cache"), "MISS");
  EXPECT_EQ(upstream_.received().size(), 2u);

  auto table = WaitForEvents(3, std::string(kEventColumns) + R"(,"order_by":[{"column":"cache_hit","dir":"asc"}])");
  ASSERT_TRUE(table);
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(table->Cell(0, "cache_hit"), "false");
  EXPECT_EQ(table->Cell(0, "count"), "2");
  EXPECT_EQ(table->Cell(1, "cache_hit"), "true");
  EXPECT_EQ(table->Cell(1, "sum:cost_usd"), "0");  // nothing was paid
  EXPECT_EQ(table->Cell(1, "sum:input_tokens"), "10");
}

TEST_F(ProxyTest, BadLabelsAndRoutesAreRefusedBeforeForwarding) {
  StartProxy();
  // A tab inside a value, bytes that are not UTF-8, an unknown label: each named.
  HttpResult control = client().Request(
      "POST", kChatPath, kChatBody, "application/json",
      {{"X-MLtrack-User", "ana\tadmin"}, {"X-MLtrack-Team", "caf\xc3"}, {"X-MLtrack-Colour", "red"}});
  ASSERT_EQ(control.status, 400);
  auto error = ParseErrorBody(control.body);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "invalid_header");
  EXPECT_TRUE(error->NamesField("X-MLtrack-User"));
  EXPECT_TRUE(error->NamesField("X-MLtrack-Team"));
  EXPECT_TRUE(error->NamesField("X-MLtrack-Colour"));
  // Line breaks and other control characters never get that far: the HTTP parser refuses them.
  HttpResult injected = client().Request("POST", kChatPath, kChatBody, "application/json",
                                         {{"X-MLtrack-User", "ana\x01" "admin"}});
  EXPECT_EQ(injected.status, 400);

  HttpResult provider = client().Request("POST", "/proxy/mistral/v1/chat/completions", kChatBody, "application/json", {});
  EXPECT_EQ(provider.status, 404);
  EXPECT_NE(provider.body.find("there are: openai, anthropic"), std::string::npos);
  HttpResult endpoint = client().Request("POST", "/proxy/openai/v1/models", "", "application/json", {});
  EXPECT_EQ(endpoint.status, 404);
  EXPECT_NE(endpoint.body.find("/v1/chat/completions, /v1/completions, /v1/embeddings, /v1/responses"),
            std::string::npos);
  EXPECT_EQ(client().Get(kChatPath).status, 405);
  EXPECT_TRUE(upstream_.received().empty());
  EXPECT_EQ(CountEvents(), 0);
}

// Every byte of every file under `dir`.
bool AnyFileContains(const std::filesystem::path& dir, const std::string& needle) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream file(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << file.rdbuf();
    if (bytes.str().find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST_F(ProxyTest, ApiKeysAreNeverStoredOrLogged) {
  StartProxy();
  upstream_.Push({200, "text/event-stream", StreamPieces()});
  upstream_.Push({401, "application/json", {R"({"error":{"type":"authentication_error","message":"bad key"}})"}});
  Headers headers = Labels();
  headers.emplace_back("X-MLtrack-Cache", "on");
  ASSERT_EQ(client().Request("POST", kChatPath, kStreamBody, "application/json", headers).status, 200);
  ASSERT_EQ(client().Request("POST", "/proxy/anthropic/v1/messages", R"({"model":"claude-3-haiku-20240307"})",
                             "application/json", {{"x-api-key", kApiKey}, {"X-MLtrack-User", "bob"}})
                .status,
            401);
  ASSERT_EQ(client().Request("POST", kChatPath, kStreamBody, "application/json", headers).Header("x-mltrack-cache"), "HIT");
  auto table = WaitForEvents(3, kEventColumns);
  ASSERT_TRUE(table);
  // Every string the events hold, by value: none is the key.
  for (const auto& row : table->rows) {
    for (const std::string& cell : row) EXPECT_EQ(cell.find("SECRET"), std::string::npos) << cell;
  }
  EXPECT_EQ(server_->Terminate(), 0);  // flushes the WAL and the log
  EXPECT_FALSE(AnyFileContains(server_->data_dir(), "SECRET-5f2a9c"));
  std::ifstream log(server_->log_path());
  std::stringstream text;
  text << log.rdbuf();
  EXPECT_NE(text.str().find("/proxy/openai/v1/chat/completions"), std::string::npos);  // debug request log is on
  EXPECT_EQ(text.str().find("SECRET-5f2a9c"), std::string::npos);
}


// On a server with API keys the proxy takes the MLtrack key in X-MLtrack-Key, so that the
// provider's key passes upstream in Authorization (issue 15, Deliver 1); the MLtrack key is never
// forwarded, and a missing or ingest-less key stops the call before the provider sees it.
TEST_F(ProxyTest, OnAKeyedServerTheMltrackKeyGoesInItsOwnHeader) {
  const std::string data = (temp_.path() / "data").string();
  const std::string ingest = KeyFromOutput(RunMltrack("keys create --data " + data + " --scope ingest 2>/dev/null"));
  const std::string read = KeyFromOutput(RunMltrack("keys create --data " + data + " --scope read 2>/dev/null"));
  ASSERT_FALSE(ingest.empty());
  ASSERT_FALSE(read.empty());
  StartProxy();

  HttpResult keyless = client().Request("POST", kChatPath, kChatBody, "application/json", Labels());
  EXPECT_EQ(keyless.status, 401) << keyless.Describe();
  EXPECT_NE(keyless.body.find("X-MLtrack-Key"), std::string::npos) << keyless.body;
  Headers read_only = Labels();
  read_only.emplace_back("X-MLtrack-Key", read);
  EXPECT_EQ(client().Request("POST", kChatPath, kChatBody, "application/json", read_only).status, 403);
  EXPECT_TRUE(upstream_.received().empty()) << "a refused call must not reach the provider";

  Headers keyed = Labels();
  keyed.emplace_back("X-MLtrack-Key", ingest);
  HttpResult result = client().Request("POST", kChatPath, kChatBody, "application/json", keyed);
  ASSERT_EQ(result.status, 200) << result.Describe();
  ASSERT_EQ(upstream_.received().size(), 1u);
  const FakeUpstream::Received sent = upstream_.received()[0];
  EXPECT_EQ(sent.headers.at("authorization"), std::string("Bearer ") + kApiKey);
  for (const auto& [name, value] : sent.headers) {
    EXPECT_FALSE(name.starts_with("x-mltrack")) << name;
    EXPECT_EQ(value.find(ingest.substr(17)), std::string::npos) << name << " carries the MLtrack key's secret";
  }
}

}  // namespace
}  // namespace mltrack::integration
