#pragma once
// The client side of TLS, shared by the proxy's https:// upstreams and https:// webhooks: one
// way to trust a server (the system's CAs plus an optional PEM file, TLS 1.2 or later, the peer
// always verified) and one way to name the host its certificate must be valid for.

#include <openssl/ssl.h>

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "core/status.h"

namespace mltrack::net {

// A client context: TLS 1.2+, peer verification against the system's CAs and `ca_file` (PEM)
// when given. IOError naming the file when it cannot be loaded.
Result<std::unique_ptr<boost::asio::ssl::context>> MakeTlsClientContext(const std::optional<std::string>& ca_file);

// Makes the handshake of `ssl` check that the peer's certificate is valid for `host`: an IP
// address by its IP entry, a name by its DNS entry (which SNI also sends; SNI carries names
// only). False when OpenSSL refuses the name.
bool NameTlsPeer(SSL* ssl, const std::string& host);

}  // namespace mltrack::net
