#pragma once
// Browser sessions: a signed-in dashboard holds a random session id in an HttpOnly,
// SameSite=Strict cookie; the server maps it to the API key it was made from (docs/security.md,
// "Browser sign-in"). In memory only: a restart signs everyone out. Thread-safe.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"

namespace mltrack::server::auth {

inline constexpr std::string_view kSessionCookie = "mltrack_session";

struct Session {
  std::string key_id;
  std::chrono::steady_clock::time_point expires;
  int64_t expires_ms = 0;  // wall clock, for GET /api/v1/session
};

class SessionTable {
 public:
  explicit SessionTable(std::chrono::seconds lifetime = std::chrono::hours(12), size_t capacity = 10'000)
      : lifetime_(lifetime), capacity_(capacity) {}

  // A new session for `key_id`: its id (64 hex digits, 256 random bits) and the session. When
  // full, expired sessions go first, then the one closest to expiring.
  Result<std::pair<std::string, Session>> Create(std::string key_id, int64_t now_ms);
  // The live session `id` names; nullopt when unknown or expired.
  std::optional<Session> Find(std::string_view id);
  void Remove(std::string_view id);
  std::chrono::seconds lifetime() const { return lifetime_; }

 private:
  const std::chrono::seconds lifetime_;
  const size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, Session> sessions_;
};

// The value of cookie `name` in a Cookie header ("a=1; mltrack_session=abc"); nullopt if absent.
std::optional<std::string_view> CookieValue(std::string_view header, std::string_view name);

}  // namespace mltrack::server::auth
