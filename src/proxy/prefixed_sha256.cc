#include "proxy/prefixed_sha256.h"

#include <openssl/evp.h>

#include <cstdint>

namespace mltrack::proxy {

PrefixedSha256::PrefixedSha256() : context_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(context_, EVP_sha256(), nullptr); }

PrefixedSha256::~PrefixedSha256() { EVP_MD_CTX_free(context_); }

void PrefixedSha256::Add(std::string_view part) {
  const uint64_t size = part.size();
  EVP_DigestUpdate(context_, &size, sizeof(size));
  EVP_DigestUpdate(context_, part.data(), part.size());
}

std::string PrefixedSha256::Finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_, digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    hex.push_back(kHex[byte >> 4]);
    hex.push_back(kHex[byte & 0xf]);
  }
  return hex;
}

}  // namespace mltrack::proxy
