#include "server/auth/authenticator.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "server/status_mapping.h"

namespace mltrack::server::auth {
namespace {

bool IsIngestPath(std::string_view method, std::string_view path) {
  if (path.starts_with("/proxy/") || path.starts_with("/v1/")) return true;  // the LLM proxy, OTLP
  if (path == "/api/v1/events") return method == "POST";
  // MLflow clients log runs with POST (and search with POST .../search, a read).
  return path.starts_with("/api/2.0/mlflow/") && method == "POST" && !path.ends_with("/search");
}

std::string Sha256(std::string_view text) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

HttpResponse Unauthorized(std::string_view field, const std::string& message, const std::string& reason) {
  HttpResponse response = JsonError(401, "unauthorized", message, {ErrorDetail{-1, std::string(field), reason}});
  response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"mltrack\"");
  return response;
}

}  // namespace

std::optional<Scope> RequiredScope(std::string_view method, std::string_view path) {
  const bool api = path.starts_with("/api/") || path.starts_with("/v1/") || path.starts_with("/proxy/");
  if (!api || path == "/api/health" || path == "/api/v1/openapi.json" || path == "/api/v1/session") return std::nullopt;
  if (IsIngestPath(method, path)) return Scope::kIngest;
  if (method == "GET" || method == "HEAD") return Scope::kRead;
  // Queries and searches are POSTs that change nothing.
  if (path == "/api/v1/query" || path == "/api/v1/events/search" || path.starts_with("/api/2.0/mlflow/")) {
    return Scope::kRead;
  }
  return Scope::kAdmin;  // budgets, webhooks, annotations, reports: configuration
}

Authenticator::Authenticator(KeyStore* keys, AuthOptions options, KeyUsage* usage)
    : keys_(keys), options_(options), usage_(usage), sessions_(options.session_lifetime) {}

bool Authenticator::required() const { return options_.always_required || (keys_ != nullptr && keys_->Any()); }

std::variant<HttpResponse, Admission> Authenticator::Admit(std::string_view method, std::string_view path,
                                                           const Credentials& credentials) {
  const std::optional<Scope> needed = RequiredScope(method, path);
  if (!needed) return Admission{};
  if (keys_ != nullptr) (void)keys_->Reload();  // keys created or revoked by `mltrack keys` meanwhile
  if (!required()) {
    if (std::optional<HttpResponse> refused = LimitAnonymous(credentials.peer)) return std::move(*refused);
    return Admission{};
  }

  const bool proxy = path.starts_with("/proxy/");
  const std::string_view field = proxy || credentials.mltrack_key ? "X-MLtrack-Key" : "Authorization";
  std::string_view key;
  if (!credentials.mltrack_key && !credentials.authorization && credentials.cookie) {
    if (std::optional<std::string_view> session = CookieValue(*credentials.cookie, kSessionCookie)) {
      return AdmitSession(*session, method, *needed, credentials);
    }
  }
  if (credentials.mltrack_key) {
    key = *credentials.mltrack_key;
  } else if (proxy) {
    return Unauthorized(field, "this server needs an API key: send it in the X-MLtrack-Key header (the proxy passes "
                               "Authorization on to the provider); create one with `mltrack keys create`",
                        "missing");
  } else if (!credentials.authorization) {
    return Unauthorized(field, "this server needs an API key: send \"Authorization: Bearer <key>\"; create one with "
                               "`mltrack keys create --data DIR --scope " + std::string(ScopeName(*needed)) + "`",
                        "missing");
  } else {
    key = *credentials.authorization;
    if (key.size() < 7 || !EqualsIgnoreCase(key.substr(0, 7), "Bearer ")) {
      return Unauthorized(field, "the Authorization header must read \"Bearer <key>\"", "not a Bearer credential");
    }
    key.remove_prefix(7);
  }
  while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
  while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
  const std::optional<KeyParts> parts = SplitKey(key);
  if (!parts) {
    return Unauthorized(field, "the API key is malformed: a key reads mlt_ followed by 12 and 64 hex digits",
                        "malformed key");
  }
  const std::optional<KeyRecord> record = keys_ != nullptr ? keys_->Find(parts->id) : std::nullopt;
  if (!record) return Unauthorized(field, "unknown API key", "no key has id " + std::string(parts->id));
  if (!record->active()) return Unauthorized(field, "the API key " + record->id + " was revoked", "revoked");

  Admission admission{false, record->id, std::string(parts->secret), *needed};
  std::lock_guard lock(mutex_);
  if (!CachedValid(record->id, parts->secret)) return admission;
  if (std::optional<HttpResponse> refused = Conclude(*record, *needed)) return std::move(*refused);
  admission.verified = true;
  return admission;
}

// A signed-in browser: the session names a key, which must still be active. A state-changing
// call must also carry Origin (the host policy has already refused a foreign one): SameSite=Strict
// keeps the cookie off cross-site requests, and this is the second lock (docs/security.md).
std::variant<HttpResponse, Admission> Authenticator::AdmitSession(std::string_view session_id, std::string_view method,
                                                                  Scope needed, const Credentials& credentials) {
  const std::optional<Session> session = sessions_.Find(session_id);
  if (!session) return Unauthorized("Cookie", "the session expired or was signed out; sign in again", "no such session");
  const std::optional<KeyRecord> record = keys_ != nullptr ? keys_->Find(session->key_id) : std::nullopt;
  if (!record || !record->active()) {
    sessions_.Remove(session_id);
    return Unauthorized("Cookie", "the key this session was signed in with was revoked; sign in again", "revoked");
  }
  if (method != "GET" && method != "HEAD" && !credentials.origin) {
    return JsonError(403, "csrf", "a state-changing call signed in by cookie must carry an Origin header",
                     {ErrorDetail{-1, "Origin", "missing on a cookie-authenticated " + std::string(method)}});
  }
  std::lock_guard lock(mutex_);
  if (std::optional<HttpResponse> refused = Conclude(*record, needed)) return std::move(*refused);
  return Admission{true, record->id, {}, needed};
}

std::optional<HttpResponse> Authenticator::Verify(const Admission& admission) {
  if (admission.verified) return std::nullopt;
  const std::optional<KeyRecord> record = keys_ != nullptr ? keys_->Find(admission.key_id) : std::nullopt;
  if (!record || !record->active()) return Unauthorized("Authorization", "unknown or revoked API key", "unknown or revoked");
  const auto now = TokenBucket::Clock::now();
  {
    std::lock_guard lock(mutex_);
    if (CachedValid(record->id, admission.secret)) return Conclude(*record, admission.needed);
    auto [bucket, _] = failures_.try_emplace(record->id, options_.failures_per_second, options_.failure_burst, now);
    if (!bucket->second.HasToken(now)) {
      HttpResponse response = JsonError(429, "rate_limited", "too many wrong secrets for API key " + record->id + "; retry later",
                                        {ErrorDetail{-1, "Authorization", "too many failed attempts"}});
      response.headers.emplace_back("Retry-After", std::to_string(bucket->second.RetryAfterSeconds()));
      return response;
    }
  }
  const bool matches = KeyStore::SecretMatches(*record, admission.secret);  // slow, unlocked
  std::lock_guard lock(mutex_);
  if (!matches) {
    failures_.at(record->id).TryTake(TokenBucket::Clock::now());
    return Unauthorized("Authorization", "wrong API key", "the secret does not match key " + record->id);
  }
  Remember(record->id, admission.secret);
  return Conclude(*record, admission.needed);
}

std::optional<HttpResponse> Authenticator::Check(std::string_view method, std::string_view path,
                                                 const Credentials& credentials) {
  std::variant<HttpResponse, Admission> admitted = Admit(method, path, credentials);
  if (HttpResponse* refused = std::get_if<HttpResponse>(&admitted)) return std::move(*refused);
  return Verify(std::get<Admission>(admitted));
}

std::optional<HttpResponse> Authenticator::Conclude(const KeyRecord& record, Scope needed) {
  if (!Satisfies(record.scope, needed)) {
    return JsonError(403, "forbidden_scope",
                     "API key " + record.id + " has scope " + std::string(ScopeName(record.scope)) + "; this call needs " +
                         std::string(ScopeName(needed)) + " (or admin)",
                     {ErrorDetail{-1, "Authorization", "scope " + std::string(ScopeName(record.scope)) + " is not enough"}});
  }
  if (usage_ != nullptr) {
    usage_->Touch(record.id, std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count());
  }
  if (options_.rate_per_second <= 0) return std::nullopt;
  const auto now = TokenBucket::Clock::now();
  auto [bucket, _] = rate_.try_emplace(record.id, options_.rate_per_second,
                                       std::max(1.0, options_.rate_burst), now);
  if (bucket->second.TryTake(now)) return std::nullopt;
  HttpResponse response = JsonError(429, "rate_limited",
                                    "API key " + record.id + " is over its rate limit of " +
                                        std::to_string(static_cast<long>(options_.rate_per_second)) + " requests per second",
                                    {ErrorDetail{-1, "Authorization", "over the key's rate limit"}});
  response.headers.emplace_back("Retry-After", std::to_string(bucket->second.RetryAfterSeconds()));
  return response;
}

std::optional<HttpResponse> Authenticator::LimitAnonymous(std::string_view peer) {
  if (options_.anonymous_rate_per_second <= 0) return std::nullopt;
  const auto now = TokenBucket::Clock::now();
  std::lock_guard lock(mutex_);
  if (anonymous_.size() >= options_.anonymous_entries) anonymous_.clear();
  auto [bucket, _] = anonymous_.try_emplace(std::string(peer), options_.anonymous_rate_per_second,
                                            std::max(1.0, options_.anonymous_rate_burst), now);
  if (bucket->second.TryTake(now)) return std::nullopt;
  HttpResponse response = JsonError(
      429, "rate_limited",
      "client " + std::string(peer) + " is over the rate limit of " +
          std::to_string(static_cast<long>(options_.anonymous_rate_per_second)) +
          " requests per second for calls without an API key (--anonymous-rate-limit)",
      {ErrorDetail{-1, "client", "over the per-address rate limit for calls without a key"}});
  response.headers.emplace_back("Retry-After", std::to_string(bucket->second.RetryAfterSeconds()));
  return response;
}

bool Authenticator::CachedValid(const std::string& id, std::string_view secret) {
  auto found = cache_.find(id);
  if (found == cache_.end()) return false;
  if (found->second.expires < std::chrono::steady_clock::now()) {
    cache_.erase(found);
    return false;
  }
  const std::string digest = Sha256(secret);
  return CRYPTO_memcmp(digest.data(), found->second.digest.data(), digest.size()) == 0;
}

void Authenticator::Remember(const std::string& id, std::string_view secret) {
  if (options_.cache_ttl.count() <= 0 || options_.cache_entries == 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (cache_.size() >= options_.cache_entries) {
    std::erase_if(cache_, [now](const auto& entry) { return entry.second.expires < now; });
    if (cache_.size() >= options_.cache_entries) cache_.clear();
  }
  cache_[id] = CacheEntry{Sha256(secret), now + options_.cache_ttl};
}

}  // namespace mltrack::server::auth
