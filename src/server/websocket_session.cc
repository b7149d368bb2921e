#include "server/websocket_session.h"

#include <deque>
#include <mutex>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <spdlog/spdlog.h>

#include "server/tls_stream.h"

namespace mltrack::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::use_awaitable;

void Fail(const beast::error_code& ec, const char* what) {
  if (ec == asio::error::operation_aborted) return;
  if (ec == websocket::error::closed || ec == beast::error::timeout || ec == asio::error::eof ||
      ec == asio::error::connection_reset || ec == asio::error::broken_pipe || ec == asio::error::bad_descriptor) {
    spdlog::debug("websocket {}: {}", what, ec.message());
  } else {
    spdlog::warn("websocket {}: {}", what, ec.message());
  }
}

// The connection: its stream, the one write queue (bounded), and the close. Every member but
// the queue is touched only on the stream's strand; the queue (and closed_) under mutex_, since
// Send is called from other threads.
// `Stream`: the HTTP session's beast::tcp_stream or TlsStream, moved in.
template <typename Stream>
class Session final : public WebSocketPeer, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(Stream&& stream, const WebSocketLimits& limits)
      : ws_(std::move(stream)), limits_(limits), grace_(ws_.get_executor()), done_(ws_.get_executor()) {
    done_.expires_at(asio::steady_timer::time_point::max());
  }

  websocket::stream<Stream>& ws() { return ws_; }

  bool Send(std::shared_ptr<const std::string> text) override {
    bool overflow = false;
    {
      std::lock_guard lock(mutex_);
      if (closed_) return false;
      if (queue_.size() >= limits_.max_queued_messages || queued_bytes_ + text->size() > limits_.max_queued_bytes) {
        overflow = true;
      } else {
        queued_bytes_ += text->size();
        queue_.push_back(std::move(text));
        if (flush_posted_) return true;
        flush_posted_ = true;
      }
    }
    if (overflow) {
      Close(WebSocketClose::kPolicy, "send queue full: the client does not read its messages fast enough");
      return false;
    }
    asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->Flush(); });
    return true;
  }

  void Close(WebSocketClose code, std::string reason) override {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return;
      closed_ = true;
    }
    asio::post(ws_.get_executor(), [self = this->shared_from_this(), code, reason = std::move(reason)] {
      self->StartClose(code, reason);
    });
  }

  // On the strand, after the handshake: reads messages into `conversation` until the
  // connection ends.
  void Start(std::unique_ptr<WebSocketConversation> conversation) {
    conversation_ = std::move(conversation);
    Read();
  }

  // Completes when the connection ended (read error, close, or Abort), whatever state Beast's
  // operations are in: the HTTP session's shutdown accounting never waits on a stuck operation.
  asio::awaitable<void> WaitEnded() {
    beast::error_code ec;
    if (!ended_) co_await done_.async_wait(asio::redirect_error(use_awaitable, ec));
  }

  // On the strand: the connection is over. No more sends; the socket closes; OnClose runs once.
  void End() {
    if (ended_) return;
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      queue_.clear();
      queued_bytes_ = 0;
    }
    ended_ = true;
    grace_.cancel();
    done_.cancel();
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
    if (conversation_) {
      conversation_->OnClose();
      conversation_.reset();  // it may hold this session: break the cycle
    }
  }

 private:
  void Read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (self->ended_) return;
      if (ec) {
        Fail(ec, "read");
        self->End();
        return;
      }
      self->conversation_->OnMessage(beast::buffers_to_string(self->buffer_.data()));
      self->buffer_.consume(self->buffer_.size());
      self->Read();
    });
  }

  void Flush() {
    if (writing_ || ended_ || closing_) return;
    std::shared_ptr<const std::string> next;
    {
      std::lock_guard lock(mutex_);
      if (queue_.empty()) {
        flush_posted_ = false;
        return;
      }
      next = queue_.front();
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(*next), [self = this->shared_from_this(), next](beast::error_code ec, size_t) {
      self->writing_ = false;
      {
        std::lock_guard lock(self->mutex_);
        if (!self->queue_.empty() && self->queue_.front() == next) {
          self->queued_bytes_ -= next->size();
          self->queue_.pop_front();
        }
      }
      if (ec) {
        Fail(ec, "write");
        self->Abort();
        return;
      }
      self->Flush();
    });
  }

  // Messages not yet written are dropped; the close frame goes after a write in flight. A
  // client that does not read never takes that write, so after close_grace the socket closes.
  void StartClose(WebSocketClose code, const std::string& reason) {
    if (ended_ || closing_) return;
    closing_ = true;
    {
      std::lock_guard lock(mutex_);
      while (queue_.size() > (writing_ ? 1u : 0u)) {
        queued_bytes_ -= queue_.back()->size();
        queue_.pop_back();
      }
    }
    if (code == WebSocketClose::kPolicy) {
      spdlog::info("websocket: dropping a client ({} {})", static_cast<int>(code), reason);
    } else {
      spdlog::debug("websocket: closing ({} {})", static_cast<int>(code), reason);
    }
    grace_.expires_after(limits_.close_grace);
    grace_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec) self->Abort();
    });
    websocket::close_reason why(static_cast<websocket::close_code>(code), reason);
    ws_.async_close(why, [self = this->shared_from_this()](beast::error_code ec) {
      if (ec) Fail(ec, "close");
    });
  }

  void Abort() { End(); }

  websocket::stream<Stream> ws_;
  const WebSocketLimits limits_;
  asio::steady_timer grace_;
  asio::steady_timer done_;  // cancelled when the connection ended
  std::unique_ptr<WebSocketConversation> conversation_;
  beast::flat_buffer buffer_;
  bool writing_ = false;
  bool closing_ = false;
  bool ended_ = false;

  std::mutex mutex_;
  std::deque<std::shared_ptr<const std::string>> queue_;  // front: being written
  size_t queued_bytes_ = 0;
  bool flush_posted_ = false;
  bool closed_ = false;
};

template <typename Stream>
asio::awaitable<void> WriteRefusal(Stream& stream, HttpResponse refusal, unsigned version) {
  http::response<http::string_body> out{static_cast<http::status>(refusal.status), version};
  out.set(http::field::server, "mltrack");
  out.set(http::field::content_type, refusal.content_type.empty() ? "application/json" : refusal.content_type);
  for (auto& [name, value] : refusal.headers) out.insert(name, value);
  out.keep_alive(false);
  out.body() = std::move(refusal.body);
  out.prepare_payload();
  beast::error_code ec;
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
  co_await http::async_write(stream, out, asio::redirect_error(use_awaitable, ec));
  if (ec) Fail(ec, "refusal");
}

}  // namespace

template <typename Stream>
asio::awaitable<void> RunWebSocket(Stream& stream, http::request<http::string_body> request,
                                   const HttpRequest& parsed, const WebSocketHandler& handler,
                                   const WebSocketLimits& limits,
                                   std::function<void(std::function<void()>)> on_stop) {
  // The session owns the socket from here on, so its lifetime is that of its pending operations.
  auto session = std::make_shared<Session<Stream>>(std::move(stream), limits);
  auto& ws = session->ws();
  beast::error_code ec;
  beast::get_lowest_layer(ws).socket().set_option(asio::socket_base::send_buffer_size(limits.socket_send_buffer), ec);
  HttpResponse refusal;
  std::unique_ptr<WebSocketConversation> conversation = handler(parsed, session, refusal);
  if (!conversation) {
    co_await WriteRefusal(ws.next_layer(), std::move(refusal), request.version());
    session->End();
    co_return;
  }
  beast::get_lowest_layer(ws).expires_never();  // the websocket's own timeouts from here on
  ws.set_option(websocket::stream_base::timeout{limits.handshake_timeout, limits.idle_timeout, true});
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& response) { response.set(http::field::server, "mltrack"); }));
  ws.read_message_max(limits.max_message_bytes);
  co_await ws.async_accept(request, asio::redirect_error(use_awaitable, ec));
  if (!ec) {
    std::weak_ptr<Session<Stream>> weak = session;
    on_stop([weak] {
      if (auto alive = weak.lock()) alive->Close(WebSocketClose::kGoingAway, "server shutting down");
    });
    session->Start(std::move(conversation));
    co_await session->WaitEnded();
    on_stop(nullptr);
    co_return;
  }
  Fail(ec, "handshake");
  session->End();
  conversation->OnClose();
}

template asio::awaitable<void> RunWebSocket(beast::tcp_stream&, http::request<http::string_body>, const HttpRequest&,
                                            const WebSocketHandler&, const WebSocketLimits&,
                                            std::function<void(std::function<void()>)>);
template asio::awaitable<void> RunWebSocket(TlsStream&, http::request<http::string_body>, const HttpRequest&,
                                            const WebSocketHandler&, const WebSocketLimits&,
                                            std::function<void(std::function<void()>)>);

}  // namespace mltrack::server
