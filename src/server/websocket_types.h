#pragma once
// What a WebSocket route sees of its connection, without Beast: the session (websocket_session.h)
// owns the socket, the one write queue, keepalive and close; a route only reacts to messages.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "server/http_types.h"

namespace mltrack::server {

// Close codes of RFC 6455 §7.4.1 that routes use.
enum class WebSocketClose : uint16_t {
  kNormal = 1000,
  kGoingAway = 1001,       // server shutdown
  kPolicy = 1008,          // e.g. the send queue is full (a client that does not read)
  kTooBig = 1009,          // a client message over the limit
};

// One open connection, as a route sees it. Thread-safe: Send and Close may be called from any
// thread, also after the connection ended (they then do nothing).
class WebSocketPeer {
 public:
  virtual ~WebSocketPeer() = default;
  // Queues a text message. The queue is bounded (messages and bytes, websocket_session.h): when
  // `text` does not fit, the connection is closed with kPolicy "send queue full" and false is
  // returned — a slow or dead client never grows the server's memory. False also once closed.
  virtual bool Send(std::shared_ptr<const std::string> text) = 0;
  // Sends a close frame after the messages already queued (or, when the client does not read,
  // drops the connection after a short grace) and ends the connection.
  virtual void Close(WebSocketClose code, std::string reason) = 0;
};

// A route's side of one connection. Called on the session's strand, one call at a time:
// OnMessage for each text message, then OnClose exactly once when the connection ended (for any
// reason). Must not block: long work goes to another thread, which answers through the peer.
class WebSocketConversation {
 public:
  virtual ~WebSocketConversation() = default;
  virtual void OnMessage(std::string_view text) = 0;
  virtual void OnClose() = 0;
};

// Called for an upgrade request on the route's path, after the Host/Origin guard and before the
// handshake. Returns the conversation, or nullptr to refuse the upgrade with `refusal` (a 4xx/5xx
// JSON error the session sends instead of the handshake).
using WebSocketHandler = std::function<std::unique_ptr<WebSocketConversation>(
    const HttpRequest& request, std::shared_ptr<WebSocketPeer> peer, HttpResponse& refusal)>;

}  // namespace mltrack::server
