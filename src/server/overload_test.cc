// The body budget (ServerOptions::max_inflight_body_bytes): requests whose bodies do not fit wait
// (body_budget_wait) and are then refused 503 `overloaded` with Retry-After before their body is
// buffered, bodyless requests always pass, and every byte is given back when a request ends,
// however it ends.
#include <thread>

#include <gtest/gtest.h>

#include "server/server.h"
#include "test_http_client.h"

namespace mltrack::server {
namespace {

namespace http = boost::beast::http;
using test_util::Gate;
using test_util::TestClient;

constexpr size_t kBudget = 1u << 20;

class OverloadTest : public ::testing::Test {
 protected:
  // A server with a 1 MiB body budget (and body limit), an echo route, a route that holds its
  // request until `gate_` is released, and health.
  void StartServer(std::chrono::milliseconds wait = std::chrono::milliseconds(0)) {
    Router router;
    router.Add("GET", "/api/health", [](const HttpRequest&) { return HttpResponse::Json(200, R"({"status":"ok"})"); });
    router.Add("POST", "/echo", [](const HttpRequest& request) {
      return HttpResponse::Text(200, "text/plain", std::to_string(request.body.size()));
    });
    router.Add("POST", "/hold", gate_.MakeHandler());
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.handle_signals = false;
    options.max_body_bytes = kBudget;
    options.max_inflight_body_bytes = kBudget;
    options.body_budget_wait = wait;
    server_ = std::make_unique<Server>(options, std::move(router));
    Status status = server_->Start();
    ASSERT_TRUE(status.ok()) << status.ToString();
    run_thread_ = std::thread([this] { server_->Run(); });
  }

  void TearDown() override {
    if (!server_) return;
    gate_.Release();
    server_->Stop();
    if (run_thread_.joinable()) run_thread_.join();
  }

  // Holds a `bytes`-long request in the /hold handler until gate_ is released.
  std::unique_ptr<TestClient> Hold(size_t bytes) {
    auto holder = std::make_unique<TestClient>(server_->port());
    holder->Send(http::verb::post, "/hold", std::string(bytes, 'h'));
    gate_.WaitEntered();
    return holder;
  }

  static void ExpectOverloaded(const http::response<http::string_body>& response) {
    EXPECT_EQ(response.result_int(), 503) << response.body();
    EXPECT_EQ(response[http::field::retry_after], "1");
    EXPECT_NE(response.body().find(R"("code":"overloaded")"), std::string::npos) << response.body();
    EXPECT_NE(response.body().find("MiB of request bodies"), std::string::npos) << response.body();
    EXPECT_FALSE(response.keep_alive());
  }

  // A 1 MiB request (the whole budget) succeeds only when every reservation was given back.
  // The server notices a vanished client asynchronously, hence a few tries.
  void ExpectWholeBudgetFree() {
    for (int attempt = 0; attempt < 50; ++attempt) {
      TestClient client(server_->port());
      auto response = client.Request(http::verb::post, "/echo", std::string(kBudget, 'f'));
      if (response.result_int() == 200) {
        EXPECT_EQ(response.body(), std::to_string(kBudget));
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
    ADD_FAILURE() << "the body budget was not given back";
  }

  Gate gate_;
  std::unique_ptr<Server> server_;
  std::thread run_thread_;
};

TEST_F(OverloadTest, ContentLengthOverBudgetIs503WhileBodylessAndFittingRequestsPass) {
  StartServer();
  auto holder = Hold(700 << 10);

  TestClient refused(server_->port());
  ExpectOverloaded(refused.Request(http::verb::post, "/echo", std::string(400 << 10, 'x')));

  TestClient health(server_->port());
  EXPECT_EQ(health.Request(http::verb::get, "/api/health").result_int(), 200);
  TestClient fits(server_->port());
  auto fitting = fits.Request(http::verb::post, "/echo", std::string(300 << 10, 'y'));
  EXPECT_EQ(fitting.result_int(), 200);
  EXPECT_TRUE(fitting.keep_alive());

  gate_.Release();
  EXPECT_EQ(holder->Receive().result_int(), 200);
  ExpectWholeBudgetFree();
}

TEST_F(OverloadTest, RequestWaitsForRoomInsteadOfBeingRefused) {
  StartServer(std::chrono::milliseconds(5000));
  auto holder = Hold(700 << 10);
  TestClient waiting(server_->port());
  waiting.Send(http::verb::post, "/echo", std::string(400 << 10, 'w'));
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  gate_.Release();  // makes room while the request waits
  auto response = waiting.Receive();
  EXPECT_EQ(response.result_int(), 200) << response.body();
  EXPECT_EQ(response.body(), std::to_string(400 << 10));
  EXPECT_EQ(holder->Receive().result_int(), 200);
}

TEST_F(OverloadTest, RequestThatWaitedTooLongIs503) {
  StartServer(std::chrono::milliseconds(200));
  auto holder = Hold(700 << 10);
  TestClient refused(server_->port());
  const auto sent = std::chrono::steady_clock::now();
  ExpectOverloaded(refused.Request(http::verb::post, "/echo", std::string(400 << 10, 'x')));
  EXPECT_GE(std::chrono::steady_clock::now() - sent, std::chrono::milliseconds(200));
  gate_.Release();
  EXPECT_EQ(holder->Receive().result_int(), 200);
}

TEST_F(OverloadTest, RefusedBeforeTheBodyIsSent) {
  StartServer();
  auto holder = Hold(700 << 10);
  // With Expect: 100-continue the client waits; a 503 instead of 100 proves the body was never needed.
  TestClient client(server_->port());
  ASSERT_TRUE(client.SendRaw("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                             "Content-Length: 409600\r\nExpect: 100-continue\r\n\r\n"));
  ExpectOverloaded(client.Receive());
  gate_.Release();
  EXPECT_EQ(holder->Receive().result_int(), 200);
}

TEST_F(OverloadTest, ChunkedBodyIsCountedAsItArrives) {
  StartServer();
  const std::string header = "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string chunk = "10000\r\n" + std::string(64 << 10, 'c') + "\r\n";  // 64 KiB

  {  // Alone, 512 KiB in chunks fits.
    TestClient client(server_->port());
    std::string request = header;
    for (int chunk_idx = 0; chunk_idx < 8; ++chunk_idx) request += chunk;
    ASSERT_TRUE(client.SendRaw(request + "0\r\n\r\n"));
    auto response = client.Receive();
    EXPECT_EQ(response.result_int(), 200);
    EXPECT_EQ(response.body(), std::to_string(512 << 10));
  }

  auto holder = Hold(700 << 10);
  TestClient client(server_->port());
  std::string request = header;
  for (int chunk_idx = 0; chunk_idx < 12; ++chunk_idx) request += chunk;  // 768 KiB: over what is left
  client.SendRaw(request + "0\r\n\r\n");  // may fail once the server has answered and closed
  ExpectOverloaded(client.Receive());
  gate_.Release();
  EXPECT_EQ(holder->Receive().result_int(), 200);
  ExpectWholeBudgetFree();
}

TEST_F(OverloadTest, EveryEndOfARequestGivesItsBytesBack) {
  StartServer();
  {  // Sequential requests of the whole budget: each one's bytes come back after its answer.
    TestClient client(server_->port());
    for (int request_idx = 0; request_idx < 4; ++request_idx) {
      EXPECT_EQ(client.Request(http::verb::post, "/echo", std::string(kBudget, 'a')).result_int(), 200);
    }
  }
  {  // A client that goes away in the middle of its body.
    TestClient client(server_->port());
    ASSERT_TRUE(client.SendRaw("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1048576\r\n\r\n" +
                               std::string(300 << 10, 'p')));
  }
  ExpectWholeBudgetFree();
  {  // A refused request.
    auto holder = Hold(kBudget);
    TestClient refused(server_->port());
    ExpectOverloaded(refused.Request(http::verb::post, "/echo", std::string(10, 'r')));
    gate_.Release();
    EXPECT_EQ(holder->Receive().result_int(), 200);
  }
  ExpectWholeBudgetFree();
}

TEST(OverloadStartTest, BudgetBelowTheBodyLimitIsRefused) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.handle_signals = false;
  options.max_body_bytes = 2u << 20;
  options.max_inflight_body_bytes = 1u << 20;
  Server server(options, Router());
  Status status = server.Start();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("below the body limit"), std::string::npos) << status.message();

  options.max_inflight_body_bytes = 0;  // unlimited
  Server unlimited(options, Router());
  EXPECT_TRUE(unlimited.Start().ok());
}

}  // namespace
}  // namespace mltrack::server
