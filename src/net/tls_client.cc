#include "net/tls_client.h"

#include <openssl/x509v3.h>

#include <filesystem>

#include <boost/asio/ip/address.hpp>

namespace mltrack::net {

namespace ssl = boost::asio::ssl;

Result<std::unique_ptr<ssl::context>> MakeTlsClientContext(const std::optional<std::string>& ca_file) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  context->set_verify_mode(ssl::verify_peer);
  context->set_default_verify_paths(ec);  // the system's CAs; missing ones only matter for https
  if (ca_file) {
    context->load_verify_file(*ca_file, ec);
    if (ec) {
      std::error_code missing;
      const std::string reason = std::filesystem::exists(*ca_file, missing) ? "not a PEM certificate (" + ec.message() + ")"
                                                                            : "no such file";
      return Status::IOError("cannot load the CA file " + *ca_file + ": " + reason);
    }
  }
  return context;
}

bool NameTlsPeer(SSL* ssl, const std::string& host) {
  boost::system::error_code not_ip;
  boost::asio::ip::make_address(host, not_ip);
  if (!not_ip) return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  return SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 && SSL_set1_host(ssl, host.c_str()) == 1;
}

}  // namespace mltrack::net
