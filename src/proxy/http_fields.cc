#include "proxy/http_fields.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>

#include "proxy/call_labels.h"

namespace mltrack::proxy {
namespace {

bool AnyOf(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::any_of(names.begin(), names.end(), [name](std::string_view known) { return EqualsIgnoreCase(name, known); });
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool IsDroppedRequestField(std::string_view name) {
  return AnyOf(name, {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer",
                      "transfer-encoding", "upgrade", "host", "content-length", "accept-encoding", "content-encoding",
                      "expect"}) ||
         IsMltrackHeader(name);
}

bool IsDroppedResponseField(std::string_view name) {
  return AnyOf(name, {"connection", "keep-alive", "proxy-connection", "proxy-authenticate", "te", "trailer",
                      "transfer-encoding", "upgrade", "content-length", "server", "date"});
}

bool IsCredentialOrVariant(std::string_view name) {
  return AnyOf(name, {"authorization", "x-api-key", "api-key", "openai-organization", "openai-project",
                      "anthropic-version", "anthropic-beta"});
}

}  // namespace mltrack::proxy
