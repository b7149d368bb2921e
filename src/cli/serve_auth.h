#pragma once
// `serve`'s authentication setup: the data directory's API keys, the rate-limit flags, and the
// rule that a server on a non-loopback address needs a key (docs/security.md).

#include <memory>
#include <string>

#include "cli/flags.h"
#include "core/status.h"
#include "server/auth/authenticator.h"

namespace mltrack::cli {

struct ServeAuth {
  std::unique_ptr<server::auth::KeyStore> keys;
  std::unique_ptr<server::auth::KeyUsage> usage;  // <data>/api_keys_used; Stop() it at shutdown
  std::shared_ptr<server::auth::Authenticator> authenticator;
};

// Whether `host` (from --listen) only reaches this machine: localhost, 127.0.0.0/8, ::1.
bool IsLoopbackHost(const std::string& host);

// Opens <data>/api_keys and builds the authenticator from --rate-limit and --rate-burst.
// InvalidArgument (the server must not start) for a bad flag, or when `listen_host` is not a
// loopback address and no active key exists.
Result<ServeAuth> SetUpAuth(const Flags& flags, const std::string& listen_host);

}  // namespace mltrack::cli
