#include "proxy/request_input_hash.h"

#include <openssl/evp.h>
#include <simdjson.h>

#include <array>
#include <cstdint>

namespace mltrack::proxy {

std::string RequestInputHash(std::string_view body) {
  static constexpr std::array<std::string_view, 7> kInputMembers = {
      "system", "instructions", "systemInstruction", "messages", "contents", "prompt", "input"};
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) return {};
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
  auto add = [context](std::string_view part) {
    const uint64_t size = part.size();  // length-prefixed: no two splits of the same bytes collide
    EVP_DigestUpdate(context, &size, sizeof(size));
    EVP_DigestUpdate(context, part.data(), part.size());
  };
  bool any = false;
  for (std::string_view member : kInputMembers) {
    simdjson::dom::element value;
    if (root.at_key(member).get(value) != simdjson::SUCCESS) continue;
    add(member);
    add(simdjson::minify(value));
    any = true;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context, digest, &length);
  EVP_MD_CTX_free(context);
  if (!any) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int byte_idx = 0; byte_idx < length; ++byte_idx) {
    hex.push_back(kHex[digest[byte_idx] >> 4]);
    hex.push_back(kHex[digest[byte_idx] & 0xf]);
  }
  return hex;
}

}  // namespace mltrack::proxy
