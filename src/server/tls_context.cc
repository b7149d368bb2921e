#include "server/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <filesystem>

#include <boost/asio/ssl/context.hpp>

namespace mltrack::server {
namespace {

namespace ssl = boost::asio::ssl;

// OpenSSL's reason for the last failure ("no start line", "key values mismatch"), and the queue cleared.
std::string OpenSslReason(const boost::system::error_code& ec) {
  std::string reason = ec.message();
  if (const unsigned long code = ERR_peek_last_error(); code != 0) {
    const char* text = ERR_reason_error_string(code);
    if (text != nullptr) reason = text;
  }
  ERR_clear_error();
  return reason;
}

Status FileProblem(const char* flag, const std::string& file) {
  std::error_code ec;
  if (file.empty()) return Status::InvalidArgument(std::string(flag) + " needs a file name");
  if (!std::filesystem::exists(file, ec)) return Status::InvalidArgument(std::string(flag) + ": no file " + file);
  if (!std::filesystem::is_regular_file(file, ec)) return Status::InvalidArgument(std::string(flag) + ": " + file + " is not a file");
  return Status::OK();
}

}  // namespace

Result<std::shared_ptr<ssl::context>> MakeServerTlsContext(const std::string& cert_file, const std::string& key_file) {
  MLTRACK_RETURN_IF_ERROR(FileProblem("--tls-cert", cert_file));
  MLTRACK_RETURN_IF_ERROR(FileProblem("--tls-key", key_file));
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  boost::system::error_code ec;
  ERR_clear_error();
  if (context->use_certificate_chain_file(cert_file, ec)) {
    return Status::InvalidArgument("--tls-cert: cannot load a PEM certificate from " + cert_file + ": " + OpenSslReason(ec));
  }
  if (context->use_private_key_file(key_file, ssl::context::pem, ec)) {
    const std::string reason = OpenSslReason(ec);
    if (reason.find("mismatch") != std::string::npos) {  // OpenSSL checks the pair as it loads the key
      return Status::InvalidArgument("--tls-key: the key in " + key_file + " does not belong to the certificate in " +
                                     cert_file);
    }
    return Status::InvalidArgument("--tls-key: cannot load a PEM private key from " + key_file + ": " + reason);
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("--tls-key: the key in " + key_file + " does not belong to the certificate in " +
                                   cert_file);
  }
  return context;
}

}  // namespace mltrack::server
