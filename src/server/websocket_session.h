#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "server/http_types.h"
#include "server/websocket_types.h"

namespace mltrack::server {

struct WebSocketLimits {
  // The send queue: past either bound the client is dropped (WebSocketPeer::Send).
  size_t max_queued_messages = 32;
  size_t max_queued_bytes = 2u << 20;
  // The kernel's send buffer of the socket (SO_SNDBUF), so that a client that does not read
  // holds at most this much kernel memory besides the queue.
  int socket_send_buffer = 256 << 10;
  size_t max_message_bytes = 64u << 10;  // a larger client message closes with kTooBig
  // Keepalive: the server pings after half of this without traffic and drops the connection
  // when nothing (not even a pong) arrives for all of it.
  std::chrono::seconds idle_timeout{30};
  std::chrono::seconds handshake_timeout{10};
  // After Close(), how long the close handshake may take before the socket is simply closed
  // (a client that does not read never lets the close frame out).
  std::chrono::milliseconds close_grace{1000};
};

// Serves one WebSocket connection that arrived as an HTTP upgrade `request` on `stream`
// (already past the Host/Origin guard): asks `handler` for the conversation (or writes its
// refusal), performs the handshake, reads messages until the connection ends, and calls
// OnClose. `on_stop` receives a function that closes the connection with kGoingAway; the HTTP
// session calls it when the server shuts down. Runs on the stream's strand. `Stream`:
// boost::beast::tcp_stream or TlsStream (tls_stream.h), moved from; instantiated in the .cc.
template <typename Stream>
boost::asio::awaitable<void> RunWebSocket(Stream& stream,
                                          boost::beast::http::request<boost::beast::http::string_body> request,
                                          const HttpRequest& parsed, const WebSocketHandler& handler,
                                          const WebSocketLimits& limits,
                                          std::function<void(std::function<void()>)> on_stop);

}  // namespace mltrack::server
