#pragma once
// The X-MLtrack-* request headers of a proxied call (docs/integrations/proxy.md): who made it and
// how to file it, and whether to use the response cache. They are read, validated and stripped;
// the upstream never sees them.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace mltrack::proxy {

struct CallLabels {
  std::string user;        // X-MLtrack-User
  std::string experiment;  // X-MLtrack-Experiment ("" = "default")
  std::string session;     // X-MLtrack-Session
  std::string team;        // X-MLtrack-Team
  std::vector<std::pair<std::string, std::string>> tags;  // X-MLtrack-Tag-<key>: key lower-cased
  bool cache = false;                        // X-MLtrack-Cache: on | off
  std::optional<std::chrono::seconds> cache_ttl;  // X-MLtrack-Cache-TTL: seconds
};

// True for a header name that starts with "X-MLtrack-" (any case).
bool IsMltrackHeader(std::string_view name);

// Reads the X-MLtrack-* fields of `headers` (name, value in arrival order). InvalidArgument with
// one detail per problem, the field being the header's name: an unknown X-MLtrack-* header (typo
// safety, as for unknown event fields), a repeated one, a value over 1024 bytes (tag keys: 128),
// a value that is not UTF-8 or holds control characters, a tag key outside [a-z0-9_.-], more
// than 64 tags, a cache switch other than on/off, a TTL that is not 1..`max_ttl` seconds.
Result<CallLabels> ReadCallLabels(const std::vector<std::pair<std::string, std::string>>& headers,
                                  std::chrono::seconds max_ttl);

}  // namespace mltrack::proxy
