#include "server/tls_certificate.h"

#include <sys/stat.h>

#include <boost/asio/ssl/context.hpp>
#include <spdlog/spdlog.h>

#include "server/tls_context.h"

namespace mltrack::server {

Result<std::shared_ptr<TlsCertificate>> TlsCertificate::Load(std::string cert_file, std::string key_file) {
  const Stamp cert_stamp = StampOf(cert_file), key_stamp = StampOf(key_file);
  Result<std::shared_ptr<boost::asio::ssl::context>> context = MakeServerTlsContext(cert_file, key_file);
  if (!context.ok()) return context.status();
  std::shared_ptr<TlsCertificate> certificate(
      new TlsCertificate(std::move(cert_file), std::move(key_file), std::move(*context)));
  certificate->cert_stamp_ = cert_stamp;
  certificate->key_stamp_ = key_stamp;
  return certificate;
}

TlsCertificate::TlsCertificate(std::string cert_file, std::string key_file,
                               std::shared_ptr<boost::asio::ssl::context> context)
    : cert_file_(std::move(cert_file)), key_file_(std::move(key_file)), context_(std::move(context)) {}

std::shared_ptr<boost::asio::ssl::context> TlsCertificate::context() const {
  std::lock_guard lock(context_mutex_);
  return context_;
}

TlsCertificate::Stamp TlsCertificate::StampOf(const std::string& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) return {};  // missing: a stamp of its own (all zero)
  Stamp stamp;
  stamp.mtime_ns = static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
  stamp.size = static_cast<uintmax_t>(info.st_size);
  stamp.inode = static_cast<uint64_t>(info.st_ino);
  return stamp;
}

TlsCertificate::Check TlsCertificate::Reload(bool force) {
  std::lock_guard reload_lock(reload_mutex_);
  // Stamped before reading: a file that changes during the load is seen by the next check.
  const Stamp cert_stamp = StampOf(cert_file_), key_stamp = StampOf(key_file_);
  if (!force && cert_stamp == cert_stamp_ && key_stamp == key_stamp_) return {};
  cert_stamp_ = cert_stamp;
  key_stamp_ = key_stamp;
  Result<std::shared_ptr<boost::asio::ssl::context>> context = MakeServerTlsContext(cert_file_, key_file_);
  if (!context.ok()) {
    spdlog::warn("tls: the certificate in {} was not reloaded, the current one stays in use: {}", cert_file_,
                 context.status().message());
    return {Outcome::kRefused, context.status().message()};
  }
  {
    std::lock_guard lock(context_mutex_);
    context_ = std::move(*context);
  }
  spdlog::info("tls: reloaded the certificate from {} and the key from {}; new connections use them", cert_file_,
               key_file_);
  return {Outcome::kReloaded, ""};
}

}  // namespace mltrack::server
