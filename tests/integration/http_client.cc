#include "http_client.h"

#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "run_to_end.h"

namespace mltrack::integration {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using test_util::RunToEnd;

std::string HttpResult::Header(const std::string& lower_case_name) const {
  auto it = headers.find(lower_case_name);
  return it == headers.end() ? std::string() : it->second;
}

std::string HttpResult::Describe() const {
  if (status == 0) return "no response: " + error;
  return "status " + std::to_string(status) + ": " + body.substr(0, 2000);
}

struct HttpClient::Impl {
  uint16_t port;
  std::chrono::seconds timeout;
  asio::io_context io;
  std::unique_ptr<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  // Every step runs asynchronously (RunToEnd): only then does the stream's expiry end it.
  bool Connect(beast::error_code& ec) {
    stream = std::make_unique<beast::tcp_stream>(io);
    buffer.clear();
    stream->expires_after(timeout);
    ec = RunToEnd(io, [&](auto done) {
      stream->async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), done);
    });
    return !ec;
  }

  // One attempt on the current connection; false with `ec` set when it failed.
  bool Exchange(const http::request<http::string_body>& request, HttpResult& result, beast::error_code& ec) {
    stream->expires_after(timeout);
    ec = RunToEnd(io, [&](auto done) { http::async_write(*stream, request, done); });
    if (ec) return false;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1ull << 30);
    if (request.method() == http::verb::head) parser.skip(true);
    ec = RunToEnd(io, [&](auto done) { http::async_read(*stream, buffer, parser, done); });
    if (ec) return false;
    const auto& response = parser.get();
    result.status = response.result_int();
    result.body = response.body();
    for (const auto& field : response) {
      std::string name(field.name_string());
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      result.headers[name] = std::string(field.value());
    }
    if (!response.keep_alive()) stream.reset();
    return true;
  }
};

HttpClient::HttpClient(uint16_t port, std::chrono::seconds timeout) : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
  impl_->timeout = timeout;
}

HttpClient::~HttpClient() = default;

HttpResult HttpClient::Get(const std::string& target) { return Request("GET", target, "", ""); }

HttpResult HttpClient::Post(const std::string& target, const std::string& body, const std::string& content_type) {
  return Request("POST", target, body, content_type);
}

HttpResult HttpClient::Request(const std::string& method, const std::string& target, const std::string& body,
                               const std::string& content_type) {
  return Request(method, target, body, content_type, {});
}

HttpResult HttpClient::Request(const std::string& method, const std::string& target, const std::string& body,
                               const std::string& content_type, const HeaderFields& headers) {
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, "127.0.0.1:" + std::to_string(impl_->port));
  if (!content_type.empty()) request.set(http::field::content_type, content_type);
  for (const auto& [name, value] : headers) request.erase(name);
  for (const auto& [name, value] : headers) request.insert(name, value);
  request.body() = body;
  request.prepare_payload();

  HttpResult result;
  beast::error_code ec;
  // A kept-alive connection that the server closed meanwhile fails at once; the request is
  // then sent once more on a fresh connection. Test events carry ids, so a repeated POST is
  // harmless; a fresh connection that fails is reported (status 0 = outcome unknown).
  const bool reused = impl_->stream != nullptr;
  if (!reused && !impl_->Connect(ec)) {
    result.error = "connect: " + ec.message();
    return result;
  }
  if (impl_->Exchange(request, result, ec)) return result;
  impl_->stream.reset();
  if (!reused || ec == beast::error::timeout) {
    result.error = ec.message();
    return result;
  }
  if (!impl_->Connect(ec)) {
    result.error = "reconnect: " + ec.message();
    return result;
  }
  if (!impl_->Exchange(request, result, ec)) {
    impl_->stream.reset();
    result.error = ec.message();
  }
  return result;
}

HttpResult RawHttpExchange(uint16_t port, const std::string& bytes, std::chrono::seconds timeout) {
  HttpResult result;
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(timeout);
  beast::error_code ec = RunToEnd(io, [&](auto done) {
    stream.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), done);
  });
  if (ec) {
    result.error = "connect: " + ec.message();
    return result;
  }
  ec = RunToEnd(io, [&](auto done) { asio::async_write(stream, asio::buffer(bytes), done); });
  if (ec && ec != asio::error::broken_pipe && ec != asio::error::connection_reset) {
    result.error = "write: " + ec.message();
    return result;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1ull << 30);
  ec = RunToEnd(io, [&](auto done) { http::async_read(stream, buffer, parser, done); });
  if (ec) {
    result.error = "read: " + ec.message();
    return result;
  }
  result.status = parser.get().result_int();
  result.body = parser.get().body();
  for (const auto& field : parser.get()) {
    std::string name(field.name_string());
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    result.headers[name] = std::string(field.value());
  }
  return result;
}

}  // namespace mltrack::integration
