#pragma once
// An HTTPS receiver for the webhook tests: listens on 0.0.0.0 (so 127.0.0.2 reaches it too) with
// a TestCertificate, answers every request 204 and keeps what it received (a client that refuses
// the certificate sends nothing).

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "self_signed_certificate.h"

namespace mltrack::testing {

class TlsReceiver {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  explicit TlsReceiver(const TestCertificate& certificate)
      : context_(boost::asio::ssl::context::tls_server),
        acceptor_(io_, boost::asio::ip::tcp::endpoint(boost::asio::ip::tcp::v4(), 0)) {
    context_.use_certificate_chain_file(certificate.cert_file.string());
    context_.use_private_key_file(certificate.key_file.string(), boost::asio::ssl::context::pem);
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] {
      while (!stopping_) Serve();
    });
  }
  ~TlsReceiver() {
    stopping_ = true;
    boost::system::error_code ignored;
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket poke(io);  // wakes the blocking accept
    poke.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ignored);
    thread_.join();
  }
  TlsReceiver(const TlsReceiver&) = delete;
  TlsReceiver& operator=(const TlsReceiver&) = delete;

  uint16_t port() const { return port_; }
  std::vector<Request> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void Serve() {
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket socket(io_);
    acceptor_.accept(socket, ec);
    if (ec || stopping_) return;
    boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream(std::move(socket), context_);
    stream.handshake(boost::asio::ssl::stream_base::server, ec);
    if (ec) return;
    boost::beast::flat_buffer buffer;
    Request request;
    boost::beast::http::read(stream, buffer, request, ec);
    if (ec) return;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    boost::beast::http::response<boost::beast::http::empty_body> response{boost::beast::http::status::no_content, 11};
    boost::beast::http::write(stream, response, ec);
    stream.shutdown(ec);
  }

  boost::asio::io_context io_;
  boost::asio::ssl::context context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<Request> requests_;
  std::thread thread_;
};

}  // namespace mltrack::testing
