#pragma once
// The server's certificate, renewable without a restart (docs/operations.md, "TLS"): the pair of
// files `serve --tls-cert/--tls-key` names, loaded into a TLS context (tls_context.h) that new
// connections use. Renewing the files (in place or by rename) takes effect on the next check:
// Server::Run checks every few seconds, and at once on SIGHUP. A new pair that does not load (a
// half-written file, a key of another certificate) keeps the old context and is logged with the
// reason, once per change of the files.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"

namespace boost::asio::ssl {
class context;
}

namespace mltrack::server {

class TlsCertificate {
 public:
  // The pair loaded now; InvalidArgument naming the flag when it does not load (MakeServerTlsContext).
  static Result<std::shared_ptr<TlsCertificate>> Load(std::string cert_file, std::string key_file);

  // The context for a new connection. A connection keeps using the context it started with: its
  // SSL object holds a reference to the OpenSSL context, so replacing it here frees nothing in use.
  std::shared_ptr<boost::asio::ssl::context> context() const;

  enum class Outcome { kUnchanged, kReloaded, kRefused };
  struct Check {
    Outcome outcome = Outcome::kUnchanged;
    std::string reason;  // why a new pair was refused
  };
  // Loads the pair again when either file changed (modification time, size or inode) since it
  // was last loaded or refused; `force` loads it regardless (SIGHUP). Logs what it did; thread-safe.
  Check Reload(bool force = false);

  const std::string& cert_file() const { return cert_file_; }

 private:
  struct Stamp {
    int64_t mtime_ns = 0;
    uintmax_t size = 0;
    uint64_t inode = 0;
    bool operator==(const Stamp&) const = default;
  };
  static Stamp StampOf(const std::string& file);

  TlsCertificate(std::string cert_file, std::string key_file, std::shared_ptr<boost::asio::ssl::context> context);

  const std::string cert_file_;
  const std::string key_file_;
  std::mutex reload_mutex_;  // one Reload at a time; guards the stamps
  Stamp cert_stamp_, key_stamp_;  // of the files as last loaded or refused
  mutable std::mutex context_mutex_;  // held only to copy or swap context_, never during a load
  std::shared_ptr<boost::asio::ssl::context> context_;
};

}  // namespace mltrack::server
