#pragma once
// Which Host and Origin headers the server answers: the one place that refuses cross-site
// requests (CSRF: a page on another site POSTing events into a loopback server) and DNS
// rebinding (a name the attacker controls, resolved to this server), before any routing.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http_types.h"

namespace mltrack::server {

// The authorities (host:port) and origins this server answers. Immutable once built;
// thread-safe to read.
class HostPolicy {
 public:
  // `listen_host` as given to --listen (an IP literal or localhost; brackets optional for IPv6),
  // `port` the bound port. `allow_hosts`: extra names for the Host header ("example.com" any
  // port, "example.com:8443" that port only). `allow_origins`: extra origins
  // ("https://dash.example.com", compared without a trailing slash).
  HostPolicy(std::string_view listen_host, uint16_t port, const std::vector<std::string>& allow_hosts,
             const std::vector<std::string>& allow_origins);
  // Allows every Host and Origin (unit tests of components that do not care).
  static HostPolicy AllowAll();

  // A Host header the server answers: absent (HTTP/1.0), the listen address or a loopback name
  // (localhost, 127.0.0.1, [::1]) with the listen port or none, any IP literal with the listen
  // port when listening on a wildcard address (an IP cannot be rebound), or an --allow-host name.
  bool HostAllowed(std::optional<std::string_view> host) const;
  // An Origin header the server answers: absent (curl, scripts), the server's own origin (the
  // listen address or a loopback name with the listen port, http or https), the origin of the
  // request's own (allowed) Host, or an --allow-origin entry. "null" only when listed.
  bool OriginAllowed(std::string_view origin, std::optional<std::string_view> host) const;

  // 403 `forbidden_host` / `forbidden_origin` naming the header, the value and the flag that
  // allows it; nullopt when the request may proceed.
  std::optional<HttpResponse> Check(const HttpRequest& request) const;

 private:
  HostPolicy() = default;
  bool OwnAuthority(std::string_view authority) const;

  bool allow_all_ = false;
  bool wildcard_listen_ = false;
  std::string port_;
  std::vector<std::string> own_;            // lower-case host:port and bare host
  std::vector<std::string> allow_hosts_;    // lower-case
  std::vector<std::string> allow_origins_;  // lower-case, no trailing slash
};

}  // namespace mltrack::server
