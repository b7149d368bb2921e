#include "tls_client.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <cstdio>
#include <functional>
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

struct FileCloser {
  void operator()(FILE* file) const { std::fclose(file); }
};

bool WritePem(const std::filesystem::path& path, const std::function<int(FILE*)>& write) {
  std::unique_ptr<FILE, FileCloser> file(std::fopen(path.c_str(), "w"));
  return file && write(file.get()) == 1;
}

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

TestCertificate MakeSelfSignedCertificate(const std::filesystem::path& dir) {
  TestCertificate out{dir / "cert.pem", dir / "key.pem"};
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  bool ok = key && cert;
  ok = ok && X509_set_version(cert.get(), 2) == 1 && ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) == 1;
  ok = ok && X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) && X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  ok = ok && X509_set_pubkey(cert.get(), key.get()) == 1;
  X509_NAME* name = ok ? X509_get_subject_name(cert.get()) : nullptr;
  ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0) == 1;
  ok = ok && X509_set_issuer_name(cert.get(), name) == 1;
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"},
                                   std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* extension = ok ? X509V3_EXT_conf_nid(nullptr, &v3, nid, value) : nullptr;
    ok = ok && extension != nullptr && X509_add_ext(cert.get(), extension, -1) == 1;
    if (extension != nullptr) X509_EXTENSION_free(extension);
  }
  ok = ok && X509_sign(cert.get(), key.get(), EVP_sha256()) > 0;
  ok = ok && WritePem(out.cert_file, [&](FILE* file) { return PEM_write_X509(file, cert.get()); });
  ok = ok && WritePem(out.key_file, [&](FILE* file) {
         return PEM_write_PrivateKey(file, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
       });
  if (!ok) {
    ADD_FAILURE() << "could not make a self-signed certificate with OpenSSL";
    return {};
  }
  return out;
}

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
