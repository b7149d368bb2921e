#pragma once
// The OpenAI/Anthropic-compatible proxy (docs/integrations/proxy.md): a client points its SDK's
// base URL at /proxy/openai/v1 or /proxy/anthropic; each call is forwarded to the provider with
// the caller's own API key, its answer passed back as it comes (server-sent events chunk by
// chunk), and one event per call recorded with the usage, latency and time to first token.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backend/backend.h"
#include "core/event.h"
#include "core/price_catalogue.h"
#include "core/status.h"
#include "proxy/call_labels.h"
#include "proxy/responder.h"
#include "proxy/upstream.h"

namespace mltrack::proxy {

struct ProxyOptions {
  std::vector<Provider> providers;      // ConfigureProviders()
  std::optional<std::string> ca_file;   // extra trusted CAs (PEM) for TLS upstreams
  // Longest wait for the upstream: to connect, for the response head, and between two pieces of
  // its body (a stream that goes quiet this long is cut). OpenAI's SDKs wait 10 minutes.
  std::chrono::seconds timeout{600};
  size_t cache_bytes = 64u << 20;            // response cache memory; 0 = no cache
  std::chrono::seconds cache_ttl{300};       // when X-MLtrack-Cache-TTL is not sent
  std::chrono::seconds max_cache_ttl{86400};
};

// A call that passed validation, ready to forward. Holds the caller's credentials (in `headers`)
// only until it is forwarded; they are never logged or stored.
struct PreparedCall {
  const Provider* provider = nullptr;
  Endpoint endpoint;
  std::string target;  // upstream request target: base path + path + query
  std::vector<std::pair<std::string, std::string>> headers;  // forwarded request headers
  std::string body;
  CallLabels labels;
  std::string request_model;  // "model" of the JSON body, for calls whose answer has none
  std::string input_hash;     // RequestInputHash of the body ("" when it has no input members)
  std::string cache_key;      // set when X-MLtrack-Cache is on
  std::chrono::steady_clock::time_point received;
  int64_t received_ms = 0;    // wall clock, the event's ts
};

// The event a prepared call will record, as far as it is known before it is sent: its labels
// (X-MLtrack-* headers), provider, endpoint, operation and the request body's model (the
// recorded event takes the response's model when it names one). Budget enforcement matches
// budget scopes against it (docs/integrations/proxy.md, "Budget enforcement").
Event PreparedEvent(const PreparedCall& call);

// Thread-safe: Prepare and Forward may be called from any number of threads.
class Proxy {
 public:
  // Fails when the CA file cannot be loaded.
  static Result<std::unique_ptr<Proxy>> Create(ProxyOptions options, backend::Backend& backend,
                                               const PriceCatalogue& prices);
  ~Proxy();  // Shutdown()
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  // Checks a request for /proxy/<provider><path>: NotFound for an unknown provider or endpoint
  // (naming the ones there are), InvalidArgument for bad X-MLtrack-* headers (naming each).
  // `query` is the raw query string ("" or "api-version=2024-10-21"), forwarded as it is.
  Result<PreparedCall> Prepare(std::string_view provider, std::string_view path, std::string_view query,
                               const std::vector<std::pair<std::string, std::string>>& headers,
                               std::string body) const;

  // Forwards the call and answers through `responder`; returns at once. The call's event is
  // recorded when it ends, whatever the outcome.
  void Forward(PreparedCall call, std::shared_ptr<Responder> responder);

  // Ends calls in flight (their clients see the response break; their events are recorded as
  // errors), stops the proxy's I/O thread and stores the last events. Idempotent. Call it after
  // the HTTP server stopped and before it is destroyed.
  void Shutdown();

  // Waits until the events of calls that ended are stored. For tests and the bench.
  void FlushEvents();

  struct Counters {
    uint64_t calls = 0;
    uint64_t cache_hits = 0;
    uint64_t events_dropped = 0;
  };
  Counters counters() const;

 private:
  struct Impl;
  explicit Proxy(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mltrack::proxy
