#pragma once
// Where the proxy forwards each provider's calls (`serve --upstream openai=URL`), and the
// provider routes it serves (docs/integrations/proxy.md).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/status.h"

namespace mltrack::proxy {

// The two API dialects the proxy understands: they differ in where usage is and what it counts.
enum class Dialect : uint8_t { kOpenAi, kAnthropic };

// One upstream base URL, parsed: "https://api.openai.com", "http://127.0.0.1:9000/openai".
struct Upstream {
  bool tls = true;
  std::string host;
  uint16_t port = 443;
  std::string base_path;  // "" or "/openai": prepended to the provider path ("/v1/...")

  // "host:port" as the Host header says it (the port only when it is not the scheme's default).
  std::string HostHeader() const;
  std::string ToString() const;  // for logs: scheme://host:port/base
};

// Parses an http:// or https:// URL without query, fragment or user info.
Result<Upstream> ParseUpstreamUrl(std::string_view url);

// A provider the proxy serves under /proxy/<name>/...
struct Provider {
  std::string name;  // "openai", "anthropic": the event's provider
  Dialect dialect;
  Upstream upstream;
};

// The endpoints of a provider that the proxy forwards (POST only) and what each call is.
struct Endpoint {
  std::string_view path;  // "/v1/chat/completions"
  Operation operation;
};

// The endpoint of `dialect` at `path`; nullopt when the proxy does not forward it.
std::optional<Endpoint> FindEndpoint(Dialect dialect, std::string_view path);
// "/v1/chat/completions, /v1/completions, ..." for an error message.
std::string EndpointList(Dialect dialect);

// The providers, with their public HTTPS endpoints unless `overrides` ("openai=URL") say
// otherwise. InvalidArgument naming the flag value when one is malformed or names an unknown
// provider.
Result<std::vector<Provider>> ConfigureProviders(const std::vector<std::string>& overrides);

}  // namespace mltrack::proxy
