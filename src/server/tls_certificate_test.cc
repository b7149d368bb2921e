// The certificate reload behind `serve --tls-cert/--tls-key` (tls_certificate.h): a renewed pair
// replaces the context new connections get, an unchanged one is not read again, and a bad new pair
// keeps the old context, says why, and is not retried until the files change again.
#include "server/tls_certificate.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include <boost/asio/ssl/context.hpp>

#include "self_signed_certificate.h"

namespace mltrack::server {
namespace {

namespace fs = std::filesystem;
using Outcome = TlsCertificate::Outcome;

// True when `context` serves the certificate in the PEM file `cert_file`.
bool Serves(boost::asio::ssl::context& context, const fs::path& cert_file) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(cert_file.c_str(), "r"), std::fclose);
  if (!file) return false;
  std::unique_ptr<X509, decltype(&X509_free)> expected(PEM_read_X509(file.get(), nullptr, nullptr, nullptr), X509_free);
  const X509* served = SSL_CTX_get0_certificate(context.native_handle());
  return expected && served != nullptr && X509_cmp(served, expected.get()) == 0;
}

class TlsCertificateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mltrack-tls-reload-" + std::to_string(std::random_device()()));
    for (const char* name : {"live", "a", "b", "c"}) fs::create_directories(dir_ / name);
    a_ = testing::MakeSelfSignedCertificate(dir_ / "a");
    b_ = testing::MakeSelfSignedCertificate(dir_ / "b");
    c_ = testing::MakeSelfSignedCertificate(dir_ / "c");
    Install(a_.cert_file, cert());
    Install(a_.key_file, key());
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path cert() const { return dir_ / "live" / "cert.pem"; }
  fs::path key() const { return dir_ / "live" / "key.pem"; }
  // As renewal tools do: a new file renamed over the old one.
  static void Install(const fs::path& from, const fs::path& to) {
    fs::copy_file(from, to.string() + ".new", fs::copy_options::overwrite_existing);
    fs::rename(to.string() + ".new", to);
  }

  fs::path dir_;
  testing::TestCertificate a_, b_, c_;
};

TEST_F(TlsCertificateTest, ARenewedPairReplacesTheContextForNewConnections) {
  Result<std::shared_ptr<TlsCertificate>> loaded = TlsCertificate::Load(cert(), key());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  TlsCertificate& certificate = **loaded;
  const std::shared_ptr<boost::asio::ssl::context> first = certificate.context();
  EXPECT_TRUE(Serves(*first, a_.cert_file));

  EXPECT_EQ(certificate.Reload().outcome, Outcome::kUnchanged);
  EXPECT_EQ(certificate.context(), first);

  Install(b_.cert_file, cert());
  Install(b_.key_file, key());
  EXPECT_EQ(certificate.Reload().outcome, Outcome::kReloaded);
  EXPECT_NE(certificate.context(), first);
  EXPECT_TRUE(Serves(*certificate.context(), b_.cert_file));
  EXPECT_TRUE(Serves(*first, a_.cert_file)) << "a connection's context must stay as it was";
  EXPECT_EQ(certificate.Reload().outcome, Outcome::kUnchanged);
}

TEST_F(TlsCertificateTest, AFileRewrittenInPlaceIsSeen) {
  Result<std::shared_ptr<TlsCertificate>> loaded = TlsCertificate::Load(cert(), key());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const auto before = fs::last_write_time(cert());
  fs::copy_file(b_.cert_file, cert(), fs::copy_options::overwrite_existing);
  fs::copy_file(b_.key_file, key(), fs::copy_options::overwrite_existing);
  // Same inode; the clock's tick may be coarser than two writes, so the time is set past it.
  fs::last_write_time(cert(), before + std::chrono::seconds(1));
  EXPECT_EQ((*loaded)->Reload().outcome, Outcome::kReloaded);
  EXPECT_TRUE(Serves(*(*loaded)->context(), b_.cert_file));
}

TEST_F(TlsCertificateTest, ABadNewPairKeepsTheOldOneAndSaysWhy) {
  Result<std::shared_ptr<TlsCertificate>> loaded = TlsCertificate::Load(cert(), key());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  TlsCertificate& certificate = **loaded;
  const std::shared_ptr<boost::asio::ssl::context> first = certificate.context();

  // Half a renewal: the new certificate is in place, its key not yet.
  Install(b_.cert_file, cert());
  TlsCertificate::Check check = certificate.Reload();
  EXPECT_EQ(check.outcome, Outcome::kRefused);
  EXPECT_NE(check.reason.find("does not belong to the certificate"), std::string::npos) << check.reason;
  EXPECT_EQ(certificate.context(), first);
  EXPECT_EQ(certificate.Reload().outcome, Outcome::kUnchanged) << "a refused pair is tried again only when it changes";
  EXPECT_EQ(certificate.Reload(/*force=*/true).outcome, Outcome::kRefused);  // SIGHUP tries anyway

  Install(b_.key_file, key());  // the renewal completes
  EXPECT_EQ(certificate.Reload().outcome, Outcome::kReloaded);
  const std::shared_ptr<boost::asio::ssl::context> second = certificate.context();
  EXPECT_TRUE(Serves(*second, b_.cert_file));

  // A truncated certificate, then a missing key: refused, the renewed pair stays.
  std::ofstream(cert().string() + ".new") << "-----BEGIN CERTIFICATE-----\nMIIB\n";
  fs::rename(cert().string() + ".new", cert());
  check = certificate.Reload();
  EXPECT_EQ(check.outcome, Outcome::kRefused);
  EXPECT_NE(check.reason.find("--tls-cert: cannot load a PEM certificate"), std::string::npos) << check.reason;
  Install(c_.cert_file, cert());
  fs::remove(key());
  check = certificate.Reload();
  EXPECT_EQ(check.outcome, Outcome::kRefused);
  EXPECT_NE(check.reason.find("--tls-key: no file"), std::string::npos) << check.reason;
  EXPECT_EQ(certificate.context(), second);
}

TEST_F(TlsCertificateTest, LoadRefusesABadPairNamingTheFlag) {
  Result<std::shared_ptr<TlsCertificate>> mismatched = TlsCertificate::Load(cert(), c_.key_file);
  ASSERT_FALSE(mismatched.ok());
  EXPECT_NE(mismatched.status().message().find("--tls-key: the key in"), std::string::npos)
      << mismatched.status().message();
}

}  // namespace
}  // namespace mltrack::server
