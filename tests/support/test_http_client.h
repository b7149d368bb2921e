#pragma once
// Test helpers shared by the server's unit tests (header-only; not part of the library).

#include <atomic>
#include <chrono>
#include <future>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "run_to_end.h"
#include "server/router.h"

namespace mltrack::server::test_util {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using ::mltrack::test_util::RunToEnd;

// A blocking HTTP/1.1 client on one keep-alive connection. Every operation gives up after
// `timeout` (20 s) and throws, so a broken server fails the test instead of hanging it: each runs
// asynchronously to its end (RunToEnd), as a synchronous Beast call ignores the expiry.
class TestClient {
 public:
  explicit TestClient(uint16_t port, std::chrono::seconds timeout = std::chrono::seconds(20))
      : stream_(io_), timeout_(timeout) {
    stream_.expires_after(timeout_);
    Check(RunToEnd(io_, [&](auto done) {
      stream_.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), done);
    }));
  }

  void Send(http::verb method, const std::string& target, std::string body = {},
            const std::string& content_type = "application/json") {
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1");
    if (!body.empty()) request.set(http::field::content_type, content_type);
    request.body() = std::move(body);
    request.prepare_payload();
    stream_.expires_after(timeout_);
    Check(RunToEnd(io_, [&](auto done) { http::async_write(stream_, request, done); }));
  }

  http::response<http::string_body> Receive() {
    http::response<http::string_body> response;
    stream_.expires_after(timeout_);
    Check(RunToEnd(io_, [&](auto done) { http::async_read(stream_, buffer_, response, done); }));
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
    stream_.expires_after(timeout_);
    Check(RunToEnd(io_, [&](auto done) { http::async_read(stream_, buffer_, parser, done); }));
    return parser.release();
  }

  // Writes raw bytes (a hand-made header, chunks); false when the write failed.
  bool SendRaw(const std::string& bytes) {
    stream_.expires_after(timeout_);
    return !RunToEnd(io_, [&](auto done) { asio::async_write(stream_, asio::buffer(bytes), done); });
  }

  // True when the server closed the connection (a read sees EOF); false when it answered or
  // the read timed out.
  bool ServerClosed() {
    http::response<http::string_body> response;
    stream_.expires_after(timeout_);
    const beast::error_code ec =
        RunToEnd(io_, [&](auto done) { http::async_read(stream_, buffer_, response, done); });
    return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset;
  }

 private:
  static void Check(const beast::error_code& ec) {
    if (ec) throw beast::system_error(ec);
  }

  asio::io_context io_;
  beast::tcp_stream stream_;
  std::chrono::seconds timeout_;
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
  void Release() {  // idempotent
    if (!released_once_.exchange(true)) release_.set_value();
  }

 private:
  std::promise<void> entered_;
  std::future<void> entered_future_ = entered_.get_future();
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
  std::atomic<bool> released_once_{false};
};

}  // namespace mltrack::server::test_util
