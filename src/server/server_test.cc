#include "server/server.h"

#include <future>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

namespace mltrack::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// A blocking HTTP/1.1 client on one keep-alive connection. Every operation gives up after 20 s
// so a broken server fails the test instead of hanging it.
class TestClient {
 public:
  explicit TestClient(uint16_t port) : stream_(io_) {
    stream_.expires_after(std::chrono::seconds(20));
    stream_.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }

  void Send(http::verb method, const std::string& target, std::string body = {},
            const std::string& content_type = "application/json") {
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1");
    if (!body.empty()) request.set(http::field::content_type, content_type);
    request.body() = std::move(body);
    request.prepare_payload();
    stream_.expires_after(std::chrono::seconds(20));
    http::write(stream_, request);
  }

  http::response<http::string_body> Receive() {
    http::response<http::string_body> response;
    stream_.expires_after(std::chrono::seconds(20));
    http::read(stream_, buffer_, response);
    return response;
  }

  http::response<http::string_body> Request(http::verb method, const std::string& target, std::string body = {}) {
    Send(method, target, std::move(body));
    return Receive();
  }

  // A response to HEAD: Beast cannot know there is no body, so it is told.
  http::response<http::string_body> ReceiveHeadResponse() {
    http::response_parser<http::string_body> parser;
    parser.skip(true);
    stream_.expires_after(std::chrono::seconds(20));
    http::read(stream_, buffer_, parser);
    return parser.release();
  }

  // True when the server closed the connection (a read sees EOF).
  bool ServerClosed() {
    beast::error_code ec;
    http::response<http::string_body> response;
    stream_.expires_after(std::chrono::seconds(20));
    http::read(stream_, buffer_, response, ec);
    return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset;
  }

 private:
  asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

// A handler that blocks until released, and says when it has started.
class Gate {
 public:
  Handler MakeHandler() {
    return [this](const HttpRequest&) {
      entered_.set_value();
      released_.wait();
      return HttpResponse::Json(200, R"({"slow":true})");
    };
  }
  void WaitEntered() { entered_future_.wait(); }
  void Release() { release_.set_value(); }

 private:
  std::promise<void> entered_;
  std::future<void> entered_future_ = entered_.get_future();
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
};

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

TEST_F(ServerTest, StopWithoutTrafficReturns) {
  StartServer(BasicRouter());
  StopServer();
  SUCCEED();
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
