#pragma once

#include <memory>
#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace mltrack::server {

class SharedState;

// Serves HTTP/1.1 requests on one connection (keep-alive) until the client closes it, a read
// times out (SharedState::read_timeout), an error occurs, or the server stops. Every read has
// a body limit (SharedState::max_body_bytes; over it → 413 `payload_too_large` and the
// connection closes). Handlers run on the worker pool, never on the I/O thread; a full queue is
// answered 503 `overloaded` with Retry-After at once. So is a request whose body does not fit
// in the body budget (SharedState::body_budget): its Content-Length is reserved before the body
// is read, waiting up to SharedState::body_budget_wait for room; a chunked body is counted as it
// grows and refused at once when it no longer fits. The connection then closes. Run it on a strand when the io_context
// has more than one thread.
boost::asio::awaitable<void> RunHttpSession(boost::asio::ip::tcp::socket socket,
                                            std::shared_ptr<SharedState> state);
// The same over TLS with SharedState::tls(): the handshake first (within the read timeout); a
// client speaking plain HTTP is answered 400 `tls_required` unencrypted and the connection closes.
boost::asio::awaitable<void> RunHttpsSession(boost::asio::ip::tcp::socket socket,
                                             std::shared_ptr<SharedState> state);

}  // namespace mltrack::server
