#pragma once
// The proxy's exact-match response cache (X-MLtrack-Cache: on): a successful upstream response,
// kept for a TTL and replayed for a request with the same provider, endpoint, body and API key.
// Bounded memory, least recently used first out. Thread-safe.

#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "proxy/usage_reader.h"

namespace mltrack::proxy {

struct CachedResponse {
  int status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // as forwarded to the client
  std::string body;
  CallUsage usage;
  bool streaming = false;
  size_t bytes() const;
};

class ResponseCache {
 public:
  using Clock = std::chrono::steady_clock;

  // `capacity_bytes` = 0 turns the cache off (every lookup misses, nothing is kept).
  explicit ResponseCache(size_t capacity_bytes);
  ResponseCache(const ResponseCache&) = delete;
  ResponseCache& operator=(const ResponseCache&) = delete;

  // The key of a request: a SHA-256 over provider, endpoint, body and the caller's credential
  // headers, salted with a secret made at start, so that one caller never gets another's
  // response and no key or credential can be read back from the cache.
  std::string Key(std::string_view provider, std::string_view endpoint, std::string_view body,
                  const std::vector<std::string_view>& credentials) const;

  // The response under `key` if it is there and fresh (a stale one is dropped).
  std::shared_ptr<const CachedResponse> Get(const std::string& key, Clock::time_point now = Clock::now());
  // Keeps `response` for `ttl`, evicting the least recently used entries to make room. An entry
  // larger than a quarter of the capacity is not kept.
  void Put(const std::string& key, CachedResponse response, std::chrono::seconds ttl,
           Clock::time_point now = Clock::now());

  size_t bytes() const;
  size_t entries() const;
  size_t capacity_bytes() const { return capacity_bytes_; }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const CachedResponse> response;
    Clock::time_point expires;
    size_t bytes;
  };
  void EraseLocked(std::list<Entry>::iterator entry);

  const size_t capacity_bytes_;
  std::string salt_;
  mutable std::mutex mutex_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  size_t bytes_ = 0;
};

}  // namespace mltrack::proxy
