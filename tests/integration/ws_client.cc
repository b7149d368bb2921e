#include "ws_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace mltrack::integration {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

struct WsClient::Impl {
  asio::io_context io;
  websocket::stream<asio::ip::tcp::socket> ws{io};
  beast::flat_buffer buffer;
  std::deque<std::string> inbox;
  bool reading = false;
  bool ended = false;
  std::string error;

  void StartRead() {
    reading = true;
    ws.async_read(buffer, [this](beast::error_code ec, size_t) {
      reading = false;
      if (ec) {
        ended = true;
        if (error.empty()) error = ec.message();
        return;
      }
      inbox.push_back(beast::buffers_to_string(buffer.data()));
      buffer.consume(buffer.size());
    });
  }
};

WsClient::WsClient(uint16_t port, const std::string& target, int receive_buffer) : impl_(std::make_unique<Impl>()) {
  beast::error_code ec;
  auto& socket = impl_->ws.next_layer();
  socket.open(asio::ip::tcp::v4(), ec);
  if (!ec && receive_buffer > 0) socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer), ec);
  if (!ec) socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (!ec) impl_->ws.handshake("127.0.0.1:" + std::to_string(port), target, ec);
  if (ec) {
    impl_->error = ec.message();
    impl_->ended = true;
  }
}

WsClient::~WsClient() {
  beast::error_code ec;
  impl_->ws.next_layer().close(ec);
}

const std::string& WsClient::error() const { return impl_->error; }

bool WsClient::Send(const std::string& text) {
  if (impl_->ended) return false;
  beast::error_code ec;
  impl_->ws.text(true);
  // A write while a read is pending is allowed (one of each at a time); run it synchronously.
  impl_->ws.write(asio::buffer(text), ec);
  if (ec) impl_->error = ec.message();
  return !ec;
}

std::optional<std::string> WsClient::Read(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (impl_->inbox.empty() && !impl_->ended) {
    if (!impl_->reading) impl_->StartRead();
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) break;
    impl_->io.restart();
    impl_->io.run_one_for(left);
  }
  if (impl_->inbox.empty()) return std::nullopt;
  std::string message = std::move(impl_->inbox.front());
  impl_->inbox.pop_front();
  return message;
}

bool WsClient::closed() const { return impl_->ended; }
int WsClient::close_code() const { return impl_->ws.reason().code; }
std::string WsClient::close_reason() const { return std::string(impl_->ws.reason().reason.c_str()); }

void WsClient::Close() {
  beast::error_code ec;
  if (impl_->reading) {
    impl_->ws.next_layer().close(ec);  // a pending read and a close handshake cannot overlap
  } else if (!impl_->ended) {
    impl_->ws.close(websocket::close_code::normal, ec);
  }
  impl_->ended = true;
}

}  // namespace mltrack::integration
