#pragma once
// The stream of a TLS connection (tls_context.h); the HTTP session, the streamed-response writer
// and the WebSocket session are templates instantiated for it and for beast::tcp_stream.

#include <boost/asio/ssl.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace mltrack::server {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

}  // namespace mltrack::server
