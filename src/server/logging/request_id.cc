#include "server/logging/request_id.h"

#include <atomic>
#include <cstdint>
#include <random>

#include <fmt/format.h>

namespace mltrack::server::logging {
namespace {

thread_local std::string_view current_id;

uint64_t ProcessSeed() {
  static const uint64_t seed = [] {
    std::random_device device;
    return (uint64_t{device()} << 32) ^ device();
  }();
  return seed;
}

}  // namespace

bool IsUsableRequestId(std::string_view value) {
  if (value.empty() || value.size() > 128) return false;
  for (char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

std::string RequestIdFor(std::string_view client_value) {
  if (IsUsableRequestId(client_value)) return std::string(client_value);
  static std::atomic<uint64_t> counter{0};
  // A counter mixed with a per-process random seed (splitmix64's finaliser): unique within the
  // process, not guessable across restarts, and one atomic add.
  uint64_t x = ProcessSeed() + 0x9E3779B97F4A7C15ull * (counter.fetch_add(1, std::memory_order_relaxed) + 1);
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  x ^= x >> 31;
  return fmt::format("{:016x}", x);
}

std::string_view CurrentRequestId() { return current_id; }

ScopedRequestId::ScopedRequestId(std::string_view id) : previous_(current_id) { current_id = id; }
ScopedRequestId::~ScopedRequestId() { current_id = previous_; }

}  // namespace mltrack::server::logging
