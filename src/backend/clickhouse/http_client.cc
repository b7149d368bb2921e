#include "backend/clickhouse/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace mltrack::backend::clickhouse {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// Responses larger than this are refused (a result of 100,000 groups is a few MiB).
constexpr uint64_t kMaxResponseBytes = uint64_t{1} << 30;
constexpr size_t kMaxIdleConnections = 8;

}  // namespace

struct HttpClient::Connection {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  bool open = false;
};

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3 / 2);
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
  return out;
}

HttpClient::HttpClient(ConnectionOptions options, std::chrono::milliseconds timeout)
    : options_(std::move(options)), timeout_(timeout) {}

HttpClient::~HttpClient() = default;

std::unique_ptr<HttpClient::Connection> HttpClient::Take() {
  std::lock_guard lock(mutex_);
  if (idle_.empty()) return std::make_unique<Connection>();
  std::unique_ptr<Connection> connection = std::move(idle_.back());
  idle_.pop_back();
  return connection;
}

void HttpClient::Give(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(connection));
}

Result<std::string> HttpClient::Execute(std::string_view sql, std::string_view body, bool database,
                                        const CallOptions& call) {
  // A statement without data travels as the POST body (no URL length limit: a duplicate check
  // lists thousands of keys); an INSERT's statement goes in the URL, its rows in the body.
  std::string target = "/?user=" + UrlEncode(options_.user);
  if (!body.empty()) target += "&query=" + UrlEncode(sql);
  if (!options_.password.empty()) target += "&password=" + UrlEncode(options_.password);
  if (database) target += "&database=" + UrlEncode(options_.database);
  // An INSERT into a Distributed table returns once every shard has its rows (not when they
  // are spooled for later sending), so an acknowledged event is on its shard.
  if (!options_.cluster.empty()) target += "&insert_distributed_sync=1";
  for (const auto& [name, value] : call.settings) target += "&" + UrlEncode(name) + "=" + UrlEncode(value);
  const bool deadline = call.timeout.count() > 0;
  const std::chrono::milliseconds timeout = deadline ? call.timeout : timeout_;
  std::unique_ptr<Connection> connection = Take();
  const bool reused = connection->open;
  const std::string_view payload = body.empty() ? sql : body;
  Result<std::string> result = ExecuteOn(*connection, target, payload, timeout, deadline);
  // A kept-alive connection the server closed meanwhile fails on first use: retry once on a
  // fresh one. Only for reused connections, so a down server costs one attempt.
  if (!result.ok() && result.status().code() == StatusCode::kUnavailable && reused) {
    connection = std::make_unique<Connection>();
    result = ExecuteOn(*connection, target, payload, timeout, deadline);
  }
  if (connection->open) Give(std::move(connection));
  return result;
}

Result<std::string> HttpClient::ExecuteOn(Connection& connection, const std::string& target, std::string_view body,
                                          std::chrono::milliseconds timeout, bool deadline) {
  auto unavailable = [&](const std::string& what, const beast::error_code& ec) {
    connection.open = false;
    beast::error_code ignored;
    connection.stream.socket().close(ignored);
    if (deadline && ec == beast::error::timeout) {
      return Status::DeadlineExceeded("ClickHouse at " + options_.host + ":" + std::to_string(options_.port) +
                                      " did not answer within " + std::to_string(timeout.count()) + " ms");
    }
    return Status::Unavailable("ClickHouse at " + options_.host + ":" + std::to_string(options_.port) +
                               " is unreachable (" + what + ": " + ec.message() + ")");
  };
  beast::error_code ec;
  if (!connection.open) {
    asio::ip::tcp::resolver resolver(connection.io);
    auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port), ec);
    if (ec) return unavailable("resolve", ec);
    connection.stream.expires_after(timeout);
    connection.stream.connect(endpoints, ec);
    if (ec) return unavailable("connect", ec);
    connection.stream.socket().set_option(asio::ip::tcp::no_delay(true), ec);
    connection.open = true;
    connection.buffer.clear();
  }
  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::host, options_.host);
  request.set(http::field::connection, "keep-alive");
  request.body().assign(body.data(), body.size());
  request.prepare_payload();
  connection.stream.expires_after(timeout);
  http::write(connection.stream, request, ec);
  if (ec) return unavailable("send", ec);
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxResponseBytes);
  http::read(connection.stream, connection.buffer, parser, ec);
  if (ec) return unavailable("receive", ec);
  http::response<http::string_body> response = parser.release();
  if (!response.keep_alive()) {
    connection.open = false;
    connection.stream.socket().close(ec);
  }
  if (response.result_int() != 200) {
    std::string message = std::move(response.body());
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    return Status::Internal("ClickHouse answered " + std::to_string(response.result_int()) + ": " + message);
  }
  return std::move(response.body());
}

}  // namespace mltrack::backend::clickhouse
