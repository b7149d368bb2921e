#include "alerts/webhook_http.h"

#include <openssl/hmac.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <charconv>

#include "core/version.h"
#include "net/tls_client.h"

namespace mltrack::alerts {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kHttp = "http://";
  constexpr std::string_view kHttps = "https://";
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Status::InvalidArgument("must not contain spaces or control characters");
    }
  }
  HttpUrl out;
  out.tls = url.starts_with(kHttps);
  if (!out.tls && !url.starts_with(kHttp)) return Status::InvalidArgument("must be an http:// or https:// URL");
  if (out.tls) out.port = 443;
  std::string_view rest = url.substr(out.tls ? kHttps.size() : kHttp.size());
  const size_t path_start = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_start);
  if (path_start != std::string_view::npos) {
    std::string_view target = rest.substr(path_start);
    target = target.substr(0, target.find('#'));
    out.target = target.starts_with("/") ? std::string(target) : "/" + std::string(target);
    if (out.target.empty()) out.target = "/";
  }
  if (authority.find('@') != std::string_view::npos) return Status::InvalidArgument("must not carry user:password@");
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with("[")) {  // [v6 address]:port
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("has an unclosed [ in its host");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return Status::InvalidArgument("has junk after its host");
      port = authority.substr(close + 2);
    }
  } else if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (!port.empty() || authority.ends_with(":")) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return Status::InvalidArgument("has a bad port \"" + std::string(port) + "\"");
    }
    out.port = static_cast<uint16_t>(value);
  }
  if (host.empty()) return Status::InvalidArgument("has no host");
  out.host = std::string(host);
  return out;
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int idx = 0; idx < length; ++idx) {
    out += kHex[digest[idx] >> 4];
    out += kHex[digest[idx] & 15];
  }
  return out;
}

namespace {

// One exchange over `stream` (plain or TLS, connected): write the request, read the answer.
template <typename Stream>
asio::awaitable<int> Exchange(Stream& stream, http::request<http::string_body>& request) {
  co_await http::async_write(stream, request, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  co_await http::async_read(stream, buffer, response, asio::use_awaitable);
  co_return static_cast<int>(response.result_int());
}

}  // namespace

Result<int> HttpPost(const HttpUrl& url, std::string_view body,
                     const std::vector<std::pair<std::string, std::string>>& headers,
                     std::chrono::milliseconds timeout, asio::ssl::context& tls) {
  asio::io_context io;
  http::request<http::string_body> request{http::verb::post, url.target, 11};
  const uint16_t default_port = url.tls ? 443 : 80;
  request.set(http::field::host, url.port == default_port ? url.host : url.host + ":" + std::to_string(url.port));
  request.set(http::field::user_agent, std::string("mltrack/") + std::string(kVersion));
  request.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = std::string(body);
  request.prepare_payload();

  Result<int> outcome = Status::Unavailable("not attempted");
  auto exchange = [&]() -> asio::awaitable<void> {
    beast::ssl_stream<beast::tcp_stream> stream(io, tls);
    beast::tcp_stream& tcp = stream.next_layer();
    try {
      tcp.expires_after(timeout);
      asio::ip::tcp::resolver resolver(io);
      auto endpoints = co_await resolver.async_resolve(url.host, std::to_string(url.port), asio::use_awaitable);
      co_await tcp.async_connect(endpoints, asio::use_awaitable);
      if (url.tls) {
        if (!net::NameTlsPeer(stream.native_handle(), url.host)) {
          outcome = Status::Unavailable("cannot set the TLS host name " + url.host);
          co_return;
        }
        co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
        outcome = co_await Exchange(stream, request);
      } else {
        outcome = co_await Exchange(tcp, request);
      }
      beast::error_code ignored;
      tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    } catch (const boost::system::system_error& error) {
      outcome = Status::Unavailable(error.code() == beast::error::timeout ? "timed out" : error.code().message());
    }
  };
  asio::co_spawn(io, exchange(), asio::detached);
  io.run();
  return outcome;
}

}  // namespace mltrack::alerts
