#include "server/auth/session_table.h"

#include <openssl/rand.h>

#include <algorithm>

namespace mltrack::server::auth {

Result<std::pair<std::string, Session>> SessionTable::Create(std::string key_id, int64_t now_ms) {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return Status::Internal("the system random number generator failed");
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string id;
  for (unsigned char byte : bytes) {
    id.push_back(kDigits[byte >> 4]);
    id.push_back(kDigits[byte & 15]);
  }
  const auto now = std::chrono::steady_clock::now();
  Session session{std::move(key_id), now + lifetime_,
                  now_ms + std::chrono::duration_cast<std::chrono::milliseconds>(lifetime_).count()};
  std::lock_guard lock(mutex_);
  if (sessions_.size() >= capacity_) {
    std::erase_if(sessions_, [now](const auto& entry) { return entry.second.expires <= now; });
  }
  if (sessions_.size() >= capacity_ && !sessions_.empty()) {
    sessions_.erase(std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
      return a.second.expires < b.second.expires;
    }));
  }
  sessions_[id] = session;
  return std::pair{std::move(id), std::move(session)};
}

std::optional<Session> SessionTable::Find(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto found = sessions_.find(std::string(id));
  if (found == sessions_.end()) return std::nullopt;
  if (found->second.expires <= std::chrono::steady_clock::now()) {
    sessions_.erase(found);
    return std::nullopt;
  }
  return found->second;
}

void SessionTable::Remove(std::string_view id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(std::string(id));
}

std::optional<std::string_view> CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t end = std::min(header.find(';'), header.size());
    std::string_view pair = header.substr(0, end);
    header.remove_prefix(std::min(end + 1, header.size()));
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const size_t equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) return pair.substr(equals + 1);
  }
  return std::nullopt;
}

}  // namespace mltrack::server::auth
