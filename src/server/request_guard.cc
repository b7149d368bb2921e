#include "server/request_guard.h"

#include <algorithm>
#include <cctype>

#include <boost/asio/ip/address.hpp>

#include "server/status_mapping.h"

namespace mltrack::server {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "host:port" → {"host", "port"}; "[v6]:port" → {"[v6]", "port"}; no port → {authority, ""}.
std::pair<std::string_view, std::string_view> SplitAuthority(std::string_view authority) {
  const size_t bracket = authority.rfind(']');
  const size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos || (bracket != std::string_view::npos && colon < bracket)) {
    return {authority, {}};
  }
  if (bracket == std::string_view::npos && authority.find(':') != colon) return {authority, {}};  // bare IPv6
  return {authority.substr(0, colon), authority.substr(colon + 1)};
}

bool IsIpLiteral(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(host), ec);
  return !ec;
}

std::string Bracketed(std::string_view host) {
  if (host.find(':') != std::string_view::npos && host.front() != '[') return "[" + std::string(host) + "]";
  return std::string(host);
}

}  // namespace

HostPolicy::HostPolicy(std::string_view listen_host, uint16_t port, const std::vector<std::string>& allow_hosts,
                       const std::vector<std::string>& allow_origins)
    : port_(std::to_string(port)) {
  const std::string listen = Lower(Bracketed(listen_host));
  wildcard_listen_ = listen == "0.0.0.0" || listen == "[::]";
  // Without a port too: an attacker's page sends its own name, never a loopback one.
  for (const std::string& host : {listen, std::string("localhost"), std::string("127.0.0.1"), std::string("[::1]")}) {
    own_.push_back(host + ":" + port_);
    own_.push_back(host);
  }
  for (const std::string& host : allow_hosts) allow_hosts_.push_back(Lower(Trim(host)));
  for (const std::string& origin : allow_origins) {
    std::string lower = Lower(Trim(origin));
    while (lower.size() > 1 && lower.back() == '/') lower.pop_back();
    allow_origins_.push_back(std::move(lower));
  }
}

HostPolicy HostPolicy::AllowAll() {
  HostPolicy policy;
  policy.allow_all_ = true;
  return policy;
}

bool HostPolicy::OwnAuthority(std::string_view authority) const {
  const std::string lower = Lower(authority);
  if (std::find(own_.begin(), own_.end(), lower) != own_.end()) return true;
  const auto [host, port] = SplitAuthority(lower);
  return wildcard_listen_ && port == port_ && IsIpLiteral(host);
}

bool HostPolicy::HostAllowed(std::optional<std::string_view> host) const {
  if (allow_all_ || !host) return true;
  const std::string_view value = Trim(*host);
  if (OwnAuthority(value)) return true;
  const std::string lower = Lower(value);
  const std::string_view bare = SplitAuthority(lower).first;
  for (const std::string& allowed : allow_hosts_) {
    if (allowed == lower || allowed == bare) return true;
  }
  return false;
}

bool HostPolicy::OriginAllowed(std::string_view origin, std::optional<std::string_view> host) const {
  if (allow_all_) return true;
  std::string lower = Lower(Trim(origin));
  while (lower.size() > 1 && lower.back() == '/') lower.pop_back();
  if (std::find(allow_origins_.begin(), allow_origins_.end(), lower) != allow_origins_.end()) return true;
  std::string_view authority = lower;
  if (authority.starts_with("http://")) {
    authority.remove_prefix(7);
  } else if (authority.starts_with("https://")) {
    authority.remove_prefix(8);
  } else {
    return false;  // "null", file:, extensions: only when listed
  }
  if (OwnAuthority(authority)) return true;
  // Same origin as the request itself, through a Host this server answers (--allow-host).
  return host && HostAllowed(host) && Lower(Trim(*host)) == authority;
}

std::optional<HttpResponse> HostPolicy::Check(const HttpRequest& request) const {
  if (allow_all_) return std::nullopt;
  const std::optional<std::string_view> host = request.headers.Get("Host");
  if (!HostAllowed(host)) {
    const std::string value(Trim(*host).substr(0, 200));
    return JsonError(403, "forbidden_host",
                     "this server does not answer requests for host \"" + value +
                         "\" (a protection against DNS rebinding); start it with --allow-host " +
                         std::string(SplitAuthority(value).first) + " to allow that name",
                     {ErrorDetail{-1, "Host", "not this server's address, a loopback name or an --allow-host name"}});
  }
  const std::optional<std::string_view> origin = request.headers.Get("Origin");
  if (origin && !OriginAllowed(*origin, host)) {
    const std::string value(Trim(*origin).substr(0, 200));
    return JsonError(403, "forbidden_origin",
                     "requests from pages of origin \"" + value +
                         "\" are refused (a protection against cross-site requests); start the server with "
                         "--allow-origin " + value + " to allow them",
                     {ErrorDetail{-1, "Origin", "not this server's own origin or an --allow-origin entry"}});
  }
  return std::nullopt;
}

}  // namespace mltrack::server
