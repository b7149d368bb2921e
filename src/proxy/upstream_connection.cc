#include "proxy/upstream_connection.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

#include "net/tls_client.h"

namespace mltrack::proxy {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

std::string PoolKey(const Upstream& upstream) {
  return std::string(upstream.tls ? "https://" : "http://") + upstream.host + ":" + std::to_string(upstream.port);
}

ConnectError Failure(const beast::error_code& ec, std::string_view step, const Upstream& upstream) {
  const bool timeout = ec == beast::error::timeout;
  return ConnectError{timeout ? "timeout" : "upstream_unreachable",
                      std::string(step) + " " + upstream.HostHeader() + " failed: " + ec.message()};
}

}  // namespace

asio::awaitable<std::unique_ptr<UpstreamConnection>> UpstreamPool::Acquire(const Upstream& upstream,
                                                                          std::chrono::seconds timeout,
                                                                          ConnectError& error, bool fresh) {
  const std::string key = PoolKey(upstream);
  auto& idle = idle_[key];
  const auto now = std::chrono::steady_clock::now();
  while (!fresh && !idle.empty()) {
    std::unique_ptr<UpstreamConnection> connection = std::move(idle.back());
    idle.pop_back();
    if (now - connection->idle_since < kMaxIdle && connection->lowest().socket().is_open()) {
      connection->reused = true;
      co_return connection;
    }
  }

  auto connection = std::make_unique<UpstreamConnection>();
  connection->pool_key = key;
  beast::error_code ec;
  tcp::resolver resolver(io_);
  const auto endpoints = co_await resolver.async_resolve(upstream.host, std::to_string(upstream.port),
                                                         asio::redirect_error(use_awaitable, ec));
  if (ec) {
    error = Failure(ec, "resolving", upstream);
    co_return nullptr;
  }
  if (upstream.tls) {
    connection->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io_, tls_);
  } else {
    connection->plain = std::make_unique<beast::tcp_stream>(io_);
  }
  beast::tcp_stream& lowest = connection->lowest();
  lowest.expires_after(timeout);
  co_await lowest.async_connect(endpoints, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    error = Failure(ec, "connecting to", upstream);
    co_return nullptr;
  }
  lowest.socket().set_option(tcp::no_delay(true), ec);
  if (upstream.tls) {
    if (!net::NameTlsPeer(connection->tls->native_handle(), upstream.host)) {
      error = ConnectError{"upstream_unreachable", "cannot set the TLS host name " + upstream.host};
      co_return nullptr;
    }
    lowest.expires_after(timeout);
    co_await connection->tls->async_handshake(ssl::stream_base::client, asio::redirect_error(use_awaitable, ec));
    if (ec) {
      error = Failure(ec, "TLS handshake with", upstream);
      co_return nullptr;
    }
  }
  co_return connection;
}

void UpstreamPool::Release(std::unique_ptr<UpstreamConnection> connection) {
  auto& idle = idle_[connection->pool_key];
  if (idle.size() >= kMaxIdlePerUpstream) return;  // closes it
  connection->lowest().expires_never();
  connection->idle_since = std::chrono::steady_clock::now();
  idle.push_back(std::move(connection));
}

}  // namespace mltrack::proxy
