#include "proxy/request_input_hash.h"

#include <simdjson.h>

#include <array>

#include "proxy/prefixed_sha256.h"

namespace mltrack::proxy {

std::string RequestInputHash(std::string_view body) {
  static constexpr std::array<std::string_view, 7> kInputMembers = {
      "system", "instructions", "systemInstruction", "messages", "contents", "prompt", "input"};
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) return {};
  PrefixedSha256 digest;
  bool any = false;
  for (std::string_view member : kInputMembers) {
    simdjson::dom::element value;
    if (root.at_key(member).get(value) != simdjson::SUCCESS) continue;
    digest.Add(member);
    digest.Add(simdjson::minify(value));
    any = true;
  }
  return any ? Hex(digest.Finish()) : std::string();
}

}  // namespace mltrack::proxy
