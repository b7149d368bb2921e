#pragma once
// Internal to the proxy: how one call ended, and the event that records it.

#include <chrono>
#include <optional>
#include <string>

#include "core/event.h"
#include "proxy/proxy.h"
#include "proxy/usage_reader.h"

namespace mltrack::proxy {

struct CallOutcome {
  std::optional<int> upstream_status;  // the upstream's HTTP status, once its head arrived
  int client_status = 0;               // what the client was answered (the same, or 502/504 of ours)
  std::string failure;                 // "" when the exchange completed; else the error_type
  CallUsage usage;
  bool streaming = false;              // the response was a server-sent event stream
  bool cache_hit = false;
  std::optional<std::chrono::steady_clock::time_point> first_byte;  // of the response body
  std::chrono::steady_clock::time_point ended;
};

// The event of a finished call (docs/integrations/proxy.md, "What is recorded"): labels from the
// X-MLtrack headers, the model and usage from the response (the request's model when the
// response has none), latency from the request to the response's last byte, TTFT to its first
// byte when it streamed, status error for a failure or an upstream error status, cost left to
// the price catalogue (zero for a cache hit: nothing was paid).
Event CallEvent(const PreparedCall& call, const CallOutcome& outcome);

// The error_type of an upstream error status without an error code in its body.
std::string ErrorTypeForStatus(int status);

}  // namespace mltrack::proxy
