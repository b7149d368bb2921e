#pragma once
// Connections to upstreams (plain TCP or TLS), and the pool of idle keep-alive ones. Internal to
// the proxy; everything here runs on the proxy's single I/O thread, so nothing is locked.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without it
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "proxy/upstream.h"

namespace mltrack::proxy {

struct UpstreamConnection {
  std::string pool_key;
  std::unique_ptr<boost::beast::tcp_stream> plain;                                   // http://
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls;          // https://
  boost::beast::flat_buffer buffer;  // bytes read past the end of a response
  bool reused = false;               // came from the pool (it may have been closed meanwhile)
  std::chrono::steady_clock::time_point idle_since;

  boost::beast::tcp_stream& lowest() { return plain ? *plain : tls->next_layer(); }
};

// What went wrong when a connection could not be made.
struct ConnectError {
  std::string error_type;  // "timeout" or "upstream_unreachable"
  std::string message;
};

class UpstreamPool {
 public:
  // At most this many idle connections per upstream; one idle longer than kMaxIdle is closed.
  static constexpr size_t kMaxIdlePerUpstream = 32;
  static constexpr std::chrono::seconds kMaxIdle{30};

  UpstreamPool(boost::asio::io_context& io, boost::asio::ssl::context& tls) : io_(io), tls_(tls) {}

  // An idle connection to `upstream`, or a new one (resolved, connected and, for https, with a
  // verified TLS handshake: the certificate must be valid for the host), each step bounded by
  // `timeout`. On failure returns nullptr and fills `error`.
  boost::asio::awaitable<std::unique_ptr<UpstreamConnection>> Acquire(const Upstream& upstream,
                                                                     std::chrono::seconds timeout,
                                                                     ConnectError& error, bool fresh = false);
  // Gives back a connection whose last response ended cleanly with keep-alive.
  void Release(std::unique_ptr<UpstreamConnection> connection);
  // Closes every idle connection.
  void Clear() { idle_.clear(); }

 private:
  boost::asio::io_context& io_;
  boost::asio::ssl::context& tls_;
  std::unordered_map<std::string, std::vector<std::unique_ptr<UpstreamConnection>>> idle_;
};


}  // namespace mltrack::proxy
