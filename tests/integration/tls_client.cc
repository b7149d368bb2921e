#include "tls_client.h"


#include <cctype>
#include <memory>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <gtest/gtest.h>

namespace mltrack::integration {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// A connected, handshaken TLS stream that trusts only `ca_file` and expects "localhost".
std::unique_ptr<TlsStream> Connect(asio::io_context& io, ssl::context& context, uint16_t port,
                                   const std::filesystem::path& ca_file, std::chrono::seconds timeout,
                                   std::string& error) {
  context.set_verify_mode(ssl::verify_peer);
  beast::error_code ec;
  context.load_verify_file(ca_file.string(), ec);
  if (ec) {
    error = "loading " + ca_file.string() + ": " + ec.message();
    return nullptr;
  }
  auto stream = std::make_unique<TlsStream>(io, context);
  SSL_set_tlsext_host_name(stream->native_handle(), "localhost");
  stream->set_verify_callback(ssl::host_name_verification("localhost"));
  beast::get_lowest_layer(*stream).expires_after(timeout);
  beast::get_lowest_layer(*stream).connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (!ec) stream->handshake(ssl::stream_base::client, ec);
  if (ec) {
    error = "tls connect/handshake: " + ec.message();
    return nullptr;
  }
  return stream;
}

}  // namespace

HttpResult HttpsRequest(uint16_t port, const std::filesystem::path& ca_file, const std::string& method,
                        const std::string& target, const std::string& body, const HeaderFields& headers) {
  HttpResult result;
  asio::io_context io;
  ssl::context context(ssl::context::tls_client);
  std::unique_ptr<TlsStream> stream = Connect(io, context, port, ca_file, std::chrono::seconds(30), result.error);
  if (!stream) return result;
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, "localhost:" + std::to_string(port));
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  beast::error_code ec;
  http::write(*stream, request, ec);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  if (!ec) http::read(*stream, buffer, response, ec);
  if (ec) {
    result.error = "https exchange: " + ec.message();
    return result;
  }
  result.status = static_cast<int>(response.result_int());
  result.body = response.body();
  for (const auto& field : response) {
    std::string lower(field.name_string());
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    result.headers[lower] = std::string(field.value());
  }
  stream->shutdown(ec);  // close_notify both ways; the server answers it
  return result;
}

std::optional<std::string> WssFirstReply(uint16_t port, const std::filesystem::path& ca_file, const std::string& target,
                                         const std::string& message, const HeaderFields& headers, std::string& error,
                                         std::chrono::seconds timeout) {
  asio::io_context io;
  ssl::context context(ssl::context::tls_client);
  std::unique_ptr<TlsStream> stream = Connect(io, context, port, ca_file, timeout, error);
  if (!stream) return std::nullopt;
  beast::websocket::stream<TlsStream> ws(std::move(*stream));
  ws.set_option(beast::websocket::stream_base::decorator([&headers](beast::websocket::request_type& request) {
    for (const auto& [name, value] : headers) request.set(name, value);
  }));
  beast::error_code ec;
  ws.handshake("localhost:" + std::to_string(port), target, ec);
  if (!ec) ws.write(asio::buffer(message), ec);
  beast::flat_buffer buffer;
  if (!ec) ws.read(buffer, ec);
  if (ec) {
    error = "wss: " + ec.message();
    return std::nullopt;
  }
  std::string reply = beast::buffers_to_string(buffer.data());
  ws.close(beast::websocket::close_code::normal, ec);
  return reply;
}

}  // namespace mltrack::integration
