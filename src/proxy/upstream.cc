#include "proxy/upstream.h"

#include <charconv>
#include <span>

namespace mltrack::proxy {
namespace {

constexpr Endpoint kOpenAiEndpoints[] = {
    {"/v1/chat/completions", Operation::kChat},
    {"/v1/completions", Operation::kCompletion},
    {"/v1/embeddings", Operation::kEmbedding},
    {"/v1/responses", Operation::kChat},
};
constexpr Endpoint kAnthropicEndpoints[] = {
    {"/v1/messages", Operation::kChat},
};

std::span<const Endpoint> EndpointsOf(Dialect dialect) {
  if (dialect == Dialect::kAnthropic) return kAnthropicEndpoints;
  return kOpenAiEndpoints;
}

}  // namespace

std::string Upstream::HostHeader() const {
  const bool default_port = (tls && port == 443) || (!tls && port == 80);
  const bool ipv6 = host.find(':') != std::string::npos;
  std::string name = ipv6 ? "[" + host + "]" : host;
  return default_port ? name : name + ":" + std::to_string(port);
}

std::string Upstream::ToString() const {
  return std::string(tls ? "https://" : "http://") + HostHeader() + base_path;
}

Result<Upstream> ParseUpstreamUrl(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("bad upstream URL \"" + std::string(url) + "\": " + std::string(why),
                                   {ErrorDetail{-1, "upstream", std::string(why)}});
  };
  Upstream upstream;
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    upstream.tls = false;
    upstream.port = 80;
    rest = url.substr(7);
  } else {
    return bad("must start with http:// or https://");
  }
  if (rest.find_first_of("?#@") != std::string_view::npos) return bad("no query, fragment or user info allowed");
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash);
    while (path.ends_with('/')) path.remove_suffix(1);
    upstream.base_path = std::string(path);
  }
  std::string_view port_text;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("unclosed [ in the host");
    upstream.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return bad("junk after the host");
    if (!after.empty()) port_text = after.substr(1);
  } else {
    const size_t colon = authority.rfind(':');
    upstream.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (upstream.host.empty()) return bad("missing host");
  if (upstream.host.find_first_of(" \t\r\n") != std::string::npos) return bad("whitespace in the host");
  if (!port_text.empty() || authority.ends_with(':')) {
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return bad("port must be a number from 1 to 65535");
    }
    upstream.port = static_cast<uint16_t>(port);
  }
  return upstream;
}

std::optional<Endpoint> FindEndpoint(Dialect dialect, std::string_view path) {
  for (const Endpoint& endpoint : EndpointsOf(dialect)) {
    if (endpoint.path == path) return endpoint;
  }
  return std::nullopt;
}

std::string EndpointList(Dialect dialect) {
  std::string list;
  for (const Endpoint& endpoint : EndpointsOf(dialect)) {
    if (!list.empty()) list += ", ";
    list += endpoint.path;
  }
  return list;
}

Result<std::vector<Provider>> ConfigureProviders(const std::vector<std::string>& overrides) {
  std::vector<Provider> providers = {
      {"openai", Dialect::kOpenAi, *ParseUpstreamUrl("https://api.openai.com")},
      {"anthropic", Dialect::kAnthropic, *ParseUpstreamUrl("https://api.anthropic.com")},
  };
  for (const std::string& value : overrides) {
    const size_t eq = value.find('=');
    const std::string name = value.substr(0, eq);
    Provider* provider = nullptr;
    for (Provider& candidate : providers) {
      if (candidate.name == name) provider = &candidate;
    }
    if (eq == std::string::npos || provider == nullptr) {
      return Status::InvalidArgument("--upstream \"" + value + "\": expected openai=URL or anthropic=URL",
                                     {ErrorDetail{-1, "upstream", "expected openai=URL or anthropic=URL"}});
    }
    Result<Upstream> upstream = ParseUpstreamUrl(std::string_view(value).substr(eq + 1));
    if (!upstream.ok()) return upstream.status();
    provider->upstream = std::move(*upstream);
  }
  return providers;
}

}  // namespace mltrack::proxy
