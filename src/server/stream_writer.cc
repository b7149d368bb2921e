#include "server/stream_writer.h"

#include "server/tls_stream.h"

#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <vector>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "server/status_mapping.h"

namespace mltrack::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::use_awaitable;
using Item = ResponseStream::Item;

constexpr std::chrono::seconds kWriteTimeout{30};

// Completes (on the caller's executor) once `source` has items, moving them into `items`.
template <typename CompletionToken>
auto AsyncTake(std::shared_ptr<ResponseStream> source, std::vector<Item>& items, CompletionToken&& token) {
  return asio::async_initiate<CompletionToken, void()>(
      [source, &items](auto handler) {
        auto executor = asio::get_associated_executor(handler);
        auto shared_handler = std::make_shared<decltype(handler)>(std::move(handler));
        auto wake = [executor, shared_handler] {
          asio::post(executor, [shared_handler]() mutable { (*shared_handler)(); });
        };
        if (source->Take(items, wake)) wake();
      },
      token);
}

// Watches a connection whose request is read and whose answer is being produced: when the client
// closes it, the producer is told at once instead of at the next write. Data from the client (a
// pipelined request) ends the watch: a failed write will tell then. `active` is cleared (on the
// session's executor) when the response is done, before the connection may go away.
// Over TLS the TCP layer is watched: a close is still an end of file there, and any record (a
// pipelined request, a close_notify) ends the watch like data does.
void WatchForClose(beast::tcp_stream& stream, std::shared_ptr<ResponseStream> source, std::shared_ptr<bool> active) {
  auto& socket = stream.socket();
  socket.async_wait(asio::ip::tcp::socket::wait_read, [&stream, source, active](const beast::error_code& ec) {
    if (ec || !*active) return;
    char byte;
    const ssize_t peeked = ::recv(stream.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      WatchForClose(stream, source, active);  // a spurious wake-up
    } else if (peeked <= 0) {
      source->ClientGone();
    }
  });
}

http::response<http::empty_body> BeastHead(ResponseStream::Head& head, unsigned version, bool keep_alive) {
  http::response<http::empty_body> out{static_cast<http::status>(head.status), version};
  out.set(http::field::server, "mltrack");
  if (!head.content_type.empty()) out.set(http::field::content_type, head.content_type);
  for (auto& [name, value] : head.headers) out.insert(name, value);
  out.keep_alive(keep_alive);
  if (version >= 11) out.chunked(true);
  return out;
}

// Writes the pieces taken together as one chunk (raw bytes on HTTP/1.0).
template <typename Stream>
asio::awaitable<void> WriteBody(Stream& stream, std::string& body, unsigned version, beast::error_code& ec) {
  if (body.empty()) co_return;
  beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
  if (version >= 11) {
    co_await asio::async_write(stream, http::make_chunk(asio::buffer(body)), asio::redirect_error(use_awaitable, ec));
  } else {
    co_await asio::async_write(stream, asio::buffer(body), asio::redirect_error(use_awaitable, ec));
  }
}

// The answer when the producer gave up before it had a head.
template <typename Stream>
asio::awaitable<void> WriteBadGateway(Stream& stream, unsigned version, beast::error_code& ec) {
  HttpResponse error = JsonError(502, "upstream_failed", "the upstream response failed before it began");
  http::response<http::string_body> out{http::status::bad_gateway, version};
  out.set(http::field::server, "mltrack");
  out.set(http::field::content_type, error.content_type);
  out.keep_alive(false);
  out.body() = std::move(error.body);
  out.prepare_payload();
  beast::get_lowest_layer(stream).expires_after(kWriteTimeout);
  co_await http::async_write(stream, out, asio::redirect_error(use_awaitable, ec));
}

}  // namespace

template <typename Stream>
asio::awaitable<StreamedOutcome> WriteStreamedResponse(Stream& stream, std::shared_ptr<ResponseStream> source,
                                                       unsigned version, bool keep_alive) {
  beast::tcp_stream& tcp = beast::get_lowest_layer(stream);
  // However this coroutine ends (also when its frame is destroyed at shutdown), the producer
  // learns that nobody reads any more; a frame being destroyed must not be woken.
  struct Detach {
    ResponseStream& source;
    std::shared_ptr<bool> active = std::make_shared<bool>(true);
    ~Detach() {
      *active = false;
      source.ClientGone(/*wake_consumer=*/false);  // a no-op after a clean end: nothing waits
    }
  } detach{*source};
  if (version < 11) keep_alive = false;  // the body ends when the connection does
  // Each piece goes out the moment it is written: with Nagle's algorithm a small piece after the
  // head would wait for the client's delayed ACK (40 ms on Linux), for every proxied call.
  beast::error_code ignored;
  tcp.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  WatchForClose(tcp, source, detach.active);

  StreamedOutcome outcome;
  bool head_sent = false;
  beast::error_code ec;
  std::vector<Item> items;
  std::string body;
  while (!ec) {
    items.clear();
    co_await AsyncTake(source, items, use_awaitable);
    for (Item& item : items) {
      if (item.kind == Item::Kind::kPiece) {
        body += item.piece;
        continue;
      }
      if (head_sent) co_await WriteBody(stream, body, version, ec);
      source->Sent(body.size());
      outcome.bytes += head_sent ? body.size() : 0;
      body.clear();
      if (ec) break;
      if (item.kind == Item::Kind::kHead) {
        outcome.status = item.head.status;
        auto head = BeastHead(item.head, version, keep_alive);
        http::response_serializer<http::empty_body> serializer{head};
        tcp.expires_after(kWriteTimeout);
        co_await http::async_write_header(stream, serializer, asio::redirect_error(use_awaitable, ec));
        head_sent = !ec;
        if (ec) break;
        continue;
      }
      *detach.active = false;
      if (item.kind == Item::Kind::kAbort) {
        if (!head_sent && !source->client_gone()) {
          co_await WriteBadGateway(stream, version, ec);
          outcome.status = 502;
        }
        co_return outcome;  // not reusable: the session closes the connection
      }
      if (version >= 11 && head_sent) {  // kEnd
        tcp.expires_after(kWriteTimeout);
        co_await asio::async_write(stream, http::make_chunk_last(), asio::redirect_error(use_awaitable, ec));
        if (ec) break;
      }
      tcp.socket().cancel(ignored);  // ends the close watch before the next request is read
      outcome.reusable = keep_alive && head_sent;
      co_return outcome;
    }
    if (!ec && head_sent) {
      co_await WriteBody(stream, body, version, ec);
      source->Sent(body.size());
      outcome.bytes += body.size();
      body.clear();
    }
  }
  // A write failed or timed out: as far as the producer is concerned, the client is gone.
  spdlog::debug("streamed response: write failed: {}", ec.message());
  source->ClientGone();
  co_return outcome;
}

template asio::awaitable<StreamedOutcome> WriteStreamedResponse(beast::tcp_stream&, std::shared_ptr<ResponseStream>,
                                                                unsigned, bool);
template asio::awaitable<StreamedOutcome> WriteStreamedResponse(TlsStream&, std::shared_ptr<ResponseStream>, unsigned,
                                                                bool);

}  // namespace mltrack::server
