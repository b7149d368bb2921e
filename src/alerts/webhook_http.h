#pragma once
// The outgoing side of webhooks: URL checking, HMAC-SHA256 signatures (OpenSSL) and one HTTP or
// HTTPS POST (Boost.Beast; TLS through net/tls_client.h: the receiver's certificate must be
// valid for the URL's host).

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "core/status.h"

namespace mltrack::alerts {

struct HttpUrl {
  bool tls = false;  // https://
  std::string host;
  uint16_t port = 80;  // 443 for https:// without a port
  std::string target = "/";  // path and query
};

// Parses "http[s]://host[:port][/path][?query]". InvalidArgument saying why otherwise (another
// scheme, no host, a bad port, spaces or control characters).
Result<HttpUrl> ParseHttpUrl(std::string_view url);

// HMAC-SHA256 of `data` under `key`, lower-case hex (64 digits).
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// POSTs `body` as application/json with the extra `headers`; returns the response status. An
// https:// URL goes through `tls` (net::MakeTlsClientContext). Unavailable (with the reason)
// when the host cannot be reached, its certificate is not trusted or not valid for the host, or
// the exchange does not finish within `timeout`. Blocking; thread-safe as long as each thread
// passes its own `tls`.
Result<int> HttpPost(const HttpUrl& url, std::string_view body,
                     const std::vector<std::pair<std::string, std::string>>& headers,
                     std::chrono::milliseconds timeout, boost::asio::ssl::context& tls);

}  // namespace mltrack::alerts
