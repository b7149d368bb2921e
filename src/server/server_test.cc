#include "server/server.h"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "test_http_client.h"

namespace mltrack::server {
namespace {

namespace http = boost::beast::http;
using test_util::Gate;
using test_util::TestClient;

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(Router router, ServerOptions options = {}) {
    options.listen = "127.0.0.1:0";
    options.handle_signals = false;
    server_ = std::make_unique<Server>(options, std::move(router));
    Status status = server_->Start();
    ASSERT_TRUE(status.ok()) << status.ToString();
    ASSERT_NE(server_->port(), 0);
    run_thread_ = std::thread([this] { server_->Run(); });
  }

  void StopServer() {
    if (!server_) return;
    server_->Stop();
    if (run_thread_.joinable()) run_thread_.join();
    server_.reset();
  }

  void TearDown() override { StopServer(); }

  static Router BasicRouter() {
    Router router;
    router.Add("GET", "/api/health", [](const HttpRequest&) { return HttpResponse::Json(200, R"({"status":"ok"})"); });
    router.Add("POST", "/echo", [](const HttpRequest& request) {
      return HttpResponse::Text(200, "text/plain", request.ContentType() + "|" + request.body + "|" +
                                                       std::string(request.QueryValue("x").value_or("-")));
    });
    router.Add("GET", "/throw", [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
    return router;
  }

  std::unique_ptr<Server> server_;
  std::thread run_thread_;
};

TEST_F(ServerTest, GetAndKeepAlive) {
  StartServer(BasicRouter());
  TestClient client(server_->port());
  for (int request_idx = 0; request_idx < 3; ++request_idx) {
    auto response = client.Request(http::verb::get, "/api/health");
    EXPECT_EQ(response.result_int(), 200);
    EXPECT_EQ(response.body(), R"({"status":"ok"})");
    EXPECT_EQ(response[http::field::content_type], "application/json");
    EXPECT_TRUE(response.keep_alive());
  }
  auto echo = client.Request(http::verb::post, "/echo?x=a%20b", "hello");
  EXPECT_EQ(echo.body(), "application/json|hello|a b");
}

TEST_F(ServerTest, UnknownPathAndWrongMethodAreJsonErrors) {
  StartServer(BasicRouter());
  TestClient client(server_->port());
  auto missing = client.Request(http::verb::get, "/api/nope");
  EXPECT_EQ(missing.result_int(), 404);
  EXPECT_NE(missing.body().find(R"("code":"not_found")"), std::string::npos);
  auto wrong = client.Request(http::verb::delete_, "/api/health");
  EXPECT_EQ(wrong.result_int(), 405);
  EXPECT_EQ(wrong[http::field::allow], "GET, HEAD");
}

TEST_F(ServerTest, HandlerExceptionIs500AndConnectionSurvives) {
  StartServer(BasicRouter());
  TestClient client(server_->port());
  auto response = client.Request(http::verb::get, "/throw");
  EXPECT_EQ(response.result_int(), 500);
  EXPECT_NE(response.body().find(R"("code":"internal")"), std::string::npos);
  EXPECT_EQ(client.Request(http::verb::get, "/api/health").result_int(), 200);
}

TEST_F(ServerTest, BodyOverLimitIs413Json) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(BasicRouter(), options);
  TestClient client(server_->port());
  // Far more than the socket buffers hold: the server must drain it to get the 413 through.
  auto response = client.Request(http::verb::post, "/echo", std::string(8 << 20, 'x'));
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_NE(response.body().find(R"("code":"payload_too_large")"), std::string::npos) << response.body();
  EXPECT_NE(response.body().find(R"("field":"body")"), std::string::npos) << response.body();
  EXPECT_FALSE(response.keep_alive());

  TestClient fits(server_->port());
  EXPECT_EQ(fits.Request(http::verb::post, "/echo", std::string(1024, 'y')).result_int(), 200);
}

TEST_F(ServerTest, SlowHandlerDoesNotBlockOtherRequests) {
  Gate gate;
  Router router = BasicRouter();
  router.Add("GET", "/slow", gate.MakeHandler());
  ServerOptions options;
  options.worker_threads = 2;
  StartServer(std::move(router), options);

  TestClient slow(server_->port());
  slow.Send(http::verb::get, "/slow");
  gate.WaitEntered();
  // The slow handler holds a worker; another connection is still served meanwhile.
  TestClient fast(server_->port());
  EXPECT_EQ(fast.Request(http::verb::get, "/api/health").result_int(), 200);
  gate.Release();
  EXPECT_EQ(slow.Receive().result_int(), 200);
}

TEST_F(ServerTest, FullWorkerQueueIs503OverloadedWithRetryAfter) {
  Gate gate;
  Router router = BasicRouter();
  router.Add("GET", "/slow", gate.MakeHandler());
  ServerOptions options;
  options.worker_threads = 1;
  options.max_queued_jobs = 0;
  StartServer(std::move(router), options);

  TestClient slow(server_->port());
  slow.Send(http::verb::get, "/slow");
  gate.WaitEntered();
  TestClient other(server_->port());
  auto response = other.Request(http::verb::get, "/api/health");
  EXPECT_EQ(response.result_int(), 503);
  EXPECT_EQ(response[http::field::retry_after], "1");
  EXPECT_NE(response.body().find(R"("code":"overloaded")"), std::string::npos);
  gate.Release();
  EXPECT_EQ(slow.Receive().result_int(), 200);
}

TEST_F(ServerTest, StopLetsTheRequestInFlightFinish) {
  Gate gate;
  Router router = BasicRouter();
  router.Add("GET", "/slow", gate.MakeHandler());
  StartServer(std::move(router));

  TestClient idle(server_->port());
  EXPECT_EQ(idle.Request(http::verb::get, "/api/health").result_int(), 200);
  TestClient busy(server_->port());
  busy.Send(http::verb::get, "/slow");
  gate.WaitEntered();

  server_->Stop();
  EXPECT_TRUE(idle.ServerClosed());  // an idle keep-alive connection is closed at once
  gate.Release();
  auto response = busy.Receive();
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_FALSE(response.keep_alive());
  run_thread_.join();  // Run() returns
  server_.reset();
}

// Stop() on a server that never had a connection makes Run() return at once and closes the
// listening port.
TEST_F(ServerTest, StopWithoutTrafficReturns) {
  StartServer(BasicRouter());
  const uint16_t port = server_->port();
  const auto stopping = std::chrono::steady_clock::now();
  StopServer();  // joins the Run() thread
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, std::chrono::seconds(5));
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  boost::system::error_code refused;
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port}, refused);
  EXPECT_EQ(refused, boost::asio::error::connection_refused);
}

TEST_F(ServerTest, HeadHasLengthButNoBody) {
  StartServer(BasicRouter());
  TestClient client(server_->port());
  client.Send(http::verb::head, "/api/health");
  auto head = client.ReceiveHeadResponse();
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_EQ(head[http::field::content_length], "15");
  // Had a body been sent, it would be read as the next response and fail to parse.
  EXPECT_EQ(client.Request(http::verb::get, "/api/health").body(), R"({"status":"ok"})");
}

TEST(ServerStartTest, PortInUseIsAClearError) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.handle_signals = false;
  Server first(options, Router());
  ASSERT_TRUE(first.Start().ok());
  options.listen = "127.0.0.1:" + std::to_string(first.port());
  Server second(options, Router());
  Status status = second.Start();
  EXPECT_EQ(status.code(), StatusCode::kIOError);
  EXPECT_NE(status.message().find(options.listen), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("in use"), std::string::npos) << status.message();
}

TEST(ServerStartTest, BadListenAddress) {
  ServerOptions options;
  options.handle_signals = false;
  for (const char* listen : {"8080", "127.0.0.1:", "127.0.0.1:99999", "example.com:80", ":80"}) {
    options.listen = listen;
    Server server(options, Router());
    EXPECT_EQ(server.Start().code(), StatusCode::kInvalidArgument) << listen;
  }
}

TEST(ParseListenAddressTest, HostAndPort) {
  auto v4 = ParseListenAddress("127.0.0.1:8080");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->first, "127.0.0.1");
  EXPECT_EQ(v4->second, 8080);
  auto v6 = ParseListenAddress("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->first, "::1");
  EXPECT_EQ(v6->second, 0);
}

}  // namespace
}  // namespace mltrack::server
