#include "proxy/response_cache.h"

#include <openssl/rand.h>

#include "proxy/prefixed_sha256.h"

namespace mltrack::proxy {
namespace {

// Per-entry overhead beyond the strings: list node, index node, control block.
constexpr size_t kEntryOverhead = 256;

}  // namespace

size_t CachedResponse::bytes() const {
  size_t total = content_type.size() + body.size() + usage.model.size() + usage.error_type.size();
  for (const auto& [name, value] : headers) total += name.size() + value.size() + 64;
  return total;
}

ResponseCache::ResponseCache(size_t capacity_bytes) : capacity_bytes_(capacity_bytes), salt_(32, '\0') {
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt_.data()), static_cast<int>(salt_.size())) != 1) {
    // No entropy: a fixed salt still keeps callers apart (the key includes the credentials).
    salt_.assign("mltrack-proxy-cache-fallback-salt");
  }
}

std::string ResponseCache::Key(std::string_view provider, std::string_view endpoint, std::string_view body,
                               const std::vector<std::string_view>& credentials) const {
  PrefixedSha256 digest;
  digest.Add(salt_);
  digest.Add(provider);
  digest.Add(endpoint);
  for (std::string_view credential : credentials) digest.Add(credential);
  digest.Add(body);
  return digest.Finish();
}

std::shared_ptr<const CachedResponse> ResponseCache::Get(const std::string& key, Clock::time_point now) {
  if (capacity_bytes_ == 0) return nullptr;
  std::lock_guard lock(mutex_);
  const auto found = index_.find(key);
  if (found == index_.end()) return nullptr;
  if (found->second->expires <= now) {
    EraseLocked(found->second);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, found->second);
  return found->second->response;
}

void ResponseCache::Put(const std::string& key, CachedResponse response, std::chrono::seconds ttl,
                        Clock::time_point now) {
  const size_t size = response.bytes() + key.size() + kEntryOverhead;
  if (capacity_bytes_ == 0 || size > capacity_bytes_ / 4) return;
  std::lock_guard lock(mutex_);
  if (const auto found = index_.find(key); found != index_.end()) EraseLocked(found->second);
  while (bytes_ + size > capacity_bytes_ && !lru_.empty()) EraseLocked(std::prev(lru_.end()));
  lru_.push_front(Entry{key, std::make_shared<const CachedResponse>(std::move(response)), now + ttl, size});
  index_.emplace(key, lru_.begin());
  bytes_ += size;
}

void ResponseCache::EraseLocked(std::list<Entry>::iterator entry) {
  bytes_ -= entry->bytes;
  index_.erase(entry->key);
  lru_.erase(entry);
}

size_t ResponseCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

size_t ResponseCache::entries() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

}  // namespace mltrack::proxy
