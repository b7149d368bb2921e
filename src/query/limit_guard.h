#pragma once
// Holds one query execution to its QueryLimits (query_spec.h): the scan threads ask it whether
// to go on, and the executor reports its memory estimate to it as groups and states grow.

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>

#include "core/status.h"
#include "query/query_spec.h"

namespace mltrack::query {

// Thread-safe: the scan threads of one execution share one guard.
class LimitGuard {
 public:
  explicit LimitGuard(const QueryLimits& limits) : limits_(limits) {}
  LimitGuard(const LimitGuard&) = delete;
  LimitGuard& operator=(const LimitGuard&) = delete;

  // Whether the execution must stop: a limit was passed (here, or by another thread).
  bool Stopped() const { return stopped_.load(std::memory_order_relaxed); }
  // Stops the execution once the deadline has passed; returns Stopped().
  bool CheckDeadline();
  // Records `bytes` (the execution's working memory estimate, `what` holds most of it) and stops
  // the execution when it is over the memory limit; returns Stopped().
  bool CheckMemory(size_t bytes, const std::string& what);
  // The largest estimate CheckMemory saw.
  size_t peak_bytes() const { return peak_bytes_.load(std::memory_order_relaxed); }

  // The error of the first limit passed; OK while none was.
  Status status() const;
  size_t memory_limit() const { return limits_.memory_bytes; }

 private:
  void Stop(Status status);

  const QueryLimits limits_;
  std::atomic<bool> stopped_{false};
  std::atomic<size_t> peak_bytes_{0};
  mutable std::mutex mutex_;
  Status status_;
};

}  // namespace mltrack::query
