#pragma once

#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace mltrack::proxy {

// SHA-256 over a sequence of parts, each prefixed with its length, so that no two splits of the
// same bytes give the same digest. Used for the response cache's keys and the request input hash.
class PrefixedSha256 {
 public:
  PrefixedSha256();
  ~PrefixedSha256();
  PrefixedSha256(const PrefixedSha256&) = delete;
  PrefixedSha256& operator=(const PrefixedSha256&) = delete;

  void Add(std::string_view part);
  // The 32 digest bytes; call once.
  std::string Finish();

 private:
  evp_md_ctx_st* context_;
};

// Lower-case hex of `bytes`.
std::string Hex(std::string_view bytes);

}  // namespace mltrack::proxy
