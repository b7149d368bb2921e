#pragma once

#include <cstddef>
#include <memory>
#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "server/response_stream.h"

namespace mltrack::server {

struct StreamedOutcome {
  bool reusable = false;  // the response ended cleanly and the connection may serve another
  int status = 0;         // 0 when the producer aborted before a head
  size_t bytes = 0;       // body bytes written
};

// Sends a ResponseStream on an HTTP session's connection (the session's part of
// response_stream.h): waits for the head, writes it, then each piece as an HTTP/1.1 chunk the
// moment it is produced (HTTP/1.0: the raw bytes, and the connection closes to end the body).
// Meanwhile it watches the socket, so a client that closes while the producer is still working
// (waiting for an upstream) is noticed at once and the producer told (ClientGone). Also tells it
// when a write fails or times out. An abort before the head answers 502 `upstream_failed`;
// after it, the connection closes without the last chunk. Runs on the session's executor.
// `Stream`: boost::beast::tcp_stream or TlsStream (tls_stream.h), instantiated in the .cc.
template <typename Stream>
boost::asio::awaitable<StreamedOutcome> WriteStreamedResponse(Stream& stream,
                                                              std::shared_ptr<ResponseStream> source,
                                                              unsigned version, bool keep_alive);

}  // namespace mltrack::server
