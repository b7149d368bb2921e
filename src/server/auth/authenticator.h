#pragma once
// Who may call which route: API keys (key_store.h) checked against the scope a route needs,
// with a short-lived cache of verified keys and per-key rate limits (docs/security.md).
//
// Split in two so the slow hash never runs on the I/O thread: Admit() is cheap and runs when a
// request's header has arrived (before its body is read, so an unauthenticated client cannot
// make the server buffer a body); Verify() does the PBKDF2 check of a key not verified lately
// and runs on a worker.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "server/auth/key_store.h"
#include "server/auth/key_usage.h"
#include "server/auth/session_table.h"
#include "server/auth/token_bucket.h"
#include "server/http_types.h"

namespace mltrack::server::auth {

// The scope `method` on `path` needs; nullopt for public routes (health, the OpenAPI document,
// the web app's static files).
std::optional<Scope> RequiredScope(std::string_view method, std::string_view path);

struct AuthOptions {
  // Keys are needed even before any key exists (listening on a non-loopback address).
  bool always_required = false;
  // Requests per second per key, and the burst a key may spend at once; 0 = no limit.
  double rate_per_second = 0;
  double rate_burst = 0;
  // Requests per second, and burst, per client address for API calls made without a key while no
  // key is needed (a keyless loopback server); 0 = no limit (the default: docs/security.md).
  double anonymous_rate_per_second = 0;
  double anonymous_rate_burst = 0;
  // Client addresses tracked for that limit; past it the table starts over.
  size_t anonymous_entries = 10'000;
  // Wrong secrets tried per second per key id before 429 (each costs a slow hash).
  double failures_per_second = 5;
  double failure_burst = 10;
  // How long a verified key is trusted without hashing it again, and how many are cached.
  std::chrono::milliseconds cache_ttl{60'000};
  size_t cache_entries = 1024;
  // Session cookies carry Secure (the server speaks TLS).
  bool secure_cookies = false;
  std::chrono::seconds session_lifetime{12 * 3600};
};

// What the header said, for the cheap check.
struct Credentials {
  std::optional<std::string_view> authorization;  // "Bearer mlt_..."
  std::optional<std::string_view> mltrack_key;    // X-MLtrack-Key (the proxy, where Authorization is the provider's)
  std::optional<std::string_view> cookie;         // a signed-in browser's mltrack_session
  std::optional<std::string_view> origin;         // required with a cookie on state-changing calls (CSRF)
  std::string_view peer;                          // the client's IP address (anonymous rate limit)
};

// A request allowed past Admit(): either done (`verified`) or waiting for Verify().
struct Admission {
  bool verified = true;
  std::string key_id;  // empty for public routes and keyless servers
  std::string secret;
  Scope needed = Scope::kRead;
};

class Authenticator {
 public:
  // `keys` may be null: no keys (then every route is public unless always_required). `usage`, when
  // given, hears of every admitted key use (`keys list` shows it); it must outlive this.
  Authenticator(KeyStore* keys, AuthOptions options, KeyUsage* usage = nullptr);

  // The cheap part: 401 (missing, malformed, unknown, revoked key), 403 (wrong scope), 429 (over
  // the key's rate, or over the per-address rate of keyless use), or an admission.
  std::variant<HttpResponse, Admission> Admit(std::string_view method, std::string_view path,
                                              const Credentials& credentials);
  // The slow part for an admission that is not verified: nullopt when allowed.
  std::optional<HttpResponse> Verify(const Admission& admission);
  // Both, for callers that may block (WebSocket upgrades, tests).
  std::optional<HttpResponse> Check(std::string_view method, std::string_view path, const Credentials& credentials);

  bool required() const;
  const AuthOptions& options() const { return options_; }
  SessionTable& sessions() { return sessions_; }

 private:
  struct CacheEntry {
    std::string digest;  // SHA-256 of the secret
    std::chrono::steady_clock::time_point expires;
  };
  // Scope and rate limit of a key whose secret is known good.
  std::optional<HttpResponse> Conclude(const KeyRecord& record, Scope needed);
  std::variant<HttpResponse, Admission> AdmitSession(std::string_view session_id, std::string_view method, Scope needed,
                                                     const Credentials& credentials);
  bool CachedValid(const std::string& id, std::string_view secret);
  std::optional<HttpResponse> LimitAnonymous(std::string_view peer);
  void Remember(const std::string& id, std::string_view secret);

  KeyStore* keys_;
  const AuthOptions options_;
  KeyUsage* usage_;
  std::mutex mutex_;
  std::unordered_map<std::string, CacheEntry> cache_;
  std::unordered_map<std::string, TokenBucket> rate_;
  std::unordered_map<std::string, TokenBucket> failures_;
  std::unordered_map<std::string, TokenBucket> anonymous_;  // by client address
  SessionTable sessions_;
};

}  // namespace mltrack::server::auth
