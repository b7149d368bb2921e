#pragma once
// A throwaway self-signed certificate made at test time (no key material in the repository), for
// the TLS tests: the server's certificate reload (server_tests) and HTTPS/WSS through the binary
// (tests/integration/tls_test.cc).

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <utility>

#include <gtest/gtest.h>

namespace mltrack::testing {

struct TestCertificate {
  std::filesystem::path cert_file;  // PEM, CN and subjectAltName localhost and 127.0.0.1, valid one day
  std::filesystem::path key_file;   // PEM, its P-256 private key
};

namespace certificate_detail {
struct FileCloser {
  void operator()(FILE* file) const { std::fclose(file); }
};

inline bool WritePem(const std::filesystem::path& path, const std::function<int(FILE*)>& write) {
  std::unique_ptr<FILE, FileCloser> file(std::fopen(path.c_str(), "w"));
  return file && write(file.get()) == 1;
}
}  // namespace certificate_detail

// Writes cert.pem and key.pem into `dir`; a test failure (and empty paths) when OpenSSL fails.
inline TestCertificate MakeSelfSignedCertificate(const std::filesystem::path& dir) {
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
  ok = ok && certificate_detail::WritePem(out.cert_file, [&](FILE* file) { return PEM_write_X509(file, cert.get()); });
  ok = ok && certificate_detail::WritePem(out.key_file, [&](FILE* file) {
         return PEM_write_PrivateKey(file, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
       });
  if (!ok) {
    ADD_FAILURE() << "could not make a self-signed certificate with OpenSSL";
    return {};
  }
  return out;
}

}  // namespace mltrack::testing
