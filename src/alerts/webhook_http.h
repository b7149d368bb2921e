#pragma once
// The outgoing side of webhooks: URL checking, HMAC-SHA256 signatures (OpenSSL) and one HTTP POST
// (Boost.Beast). Only http:// is supported; https:// is refused when a webhook is created
// (docs/api.md, "Webhooks"), so no TLS code runs here.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace mltrack::alerts {

struct HttpUrl {
  std::string host;
  uint16_t port = 80;
  std::string target = "/";  // path and query
};

// Parses "http://host[:port][/path][?query]". InvalidArgument saying why otherwise (another
// scheme, https, no host, a bad port, spaces or control characters).
Result<HttpUrl> ParseHttpUrl(std::string_view url);

// HMAC-SHA256 of `data` under `key`, lower-case hex (64 digits).
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// POSTs `body` as application/json with the extra `headers`; returns the response status.
// Unavailable (with the reason) when the host cannot be reached or the exchange does not finish
// within `timeout`. Blocking; thread-safe.
Result<int> HttpPost(const HttpUrl& url, std::string_view body,
                     const std::vector<std::pair<std::string, std::string>>& headers,
                     std::chrono::milliseconds timeout);

}  // namespace mltrack::alerts
