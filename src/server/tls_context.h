#pragma once
// The server side of TLS (docs/operations.md, "TLS"): `serve --tls-cert FILE --tls-key FILE` makes
// the listener speak HTTPS and WSS only, through OpenSSL (boost::asio::ssl).

#include <memory>
#include <string>

#include "core/status.h"

namespace boost::asio::ssl {
class context;
}

namespace mltrack::server {

// A server context with TLS 1.2 and 1.3 only, the PEM certificate chain of `cert_file` (the
// server's certificate first, then intermediates) and the PEM private key of `key_file`.
// InvalidArgument naming the flag (--tls-cert / --tls-key) and the reason when a file cannot be
// read or parsed, or when the key does not belong to the certificate.
Result<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(const std::string& cert_file,
                                                                       const std::string& key_file);

}  // namespace mltrack::server
