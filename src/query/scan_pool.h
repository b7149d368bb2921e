#pragma once
// A small persistent pool of helper threads for query scans (DESIGN.md §8: both cores used),
// so a query does not pay for creating threads.

#include <cstddef>
#include <functional>

namespace mltrack::query {

// RunShared(workers, fn) calls fn(0) on the calling thread and fn(1) … fn(workers − 1) on idle
// helper threads, and returns when every call that started has finished. A helper that is busy
// with another query's work when this one finishes is not waited for: its call is cancelled
// (never made), so `fn` must split its work dynamically (e.g. an atomic block counter), never
// assume that every index runs. Thread-safe: any number of queries may call it at once.
class ScanPool {
 public:
  // The process-wide pool: hardware_concurrency() − 1 helpers (at least 1, at most 7).
  static ScanPool& Shared();

  // Helper threads of this pool (so useful `workers` ≤ helpers() + 1).
  size_t helpers() const;

  void Run(size_t workers, const std::function<void(size_t worker)>& fn);

  ScanPool(const ScanPool&) = delete;
  ScanPool& operator=(const ScanPool&) = delete;

 private:
  explicit ScanPool(size_t helpers);
  struct Impl;
  Impl* impl_;  // never freed: helpers live as long as the process
};

}  // namespace mltrack::query
