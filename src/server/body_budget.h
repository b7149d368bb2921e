#pragma once

#include <atomic>
#include <cstddef>

namespace mltrack::server {

// A byte budget for request bodies the server holds at once: bodies being read, waiting for a
// worker, or being handled. The worker queue bounds how many requests wait, not how big they
// are; without this, (workers + queue) × max body could be resident (2 GiB at the defaults).
// A session reserves a body's Content-Length before reading it (or, for a chunked body, its
// buffer's capacity as it grows) and answers 503 `overloaded` with Retry-After when the
// reservation does not fit. Thread-safe; lock-free.
class BodyBudget {
 public:
  // What one request holds. Move-only; gives its bytes back on destruction.
  class Reservation {
   public:
    Reservation() = default;
    ~Reservation() { Release(); }
    Reservation(Reservation&& other) noexcept : budget_(other.budget_), bytes_(other.bytes_) {
      other.budget_ = nullptr;
      other.bytes_ = 0;
    }
    Reservation& operator=(Reservation&& other) noexcept;
    Reservation(const Reservation&) = delete;
    Reservation& operator=(const Reservation&) = delete;

    // Grows the reservation to at least `total_bytes`. False, and the reservation unchanged,
    // when that would take the budget over its limit. Never shrinks.
    bool GrowTo(size_t total_bytes);
    size_t bytes() const { return bytes_; }
    // Gives the bytes back now (idempotent).
    void Release();

   private:
    friend class BodyBudget;
    explicit Reservation(BodyBudget* budget) : budget_(budget) {}
    BodyBudget* budget_ = nullptr;
    size_t bytes_ = 0;
  };

  // `limit_bytes` = 0 means unlimited (bytes are still counted).
  explicit BodyBudget(size_t limit_bytes) : limit_(limit_bytes) {}
  BodyBudget(const BodyBudget&) = delete;
  BodyBudget& operator=(const BodyBudget&) = delete;

  // An empty reservation bound to this budget; it must not outlive the budget.
  Reservation Reserve() { return Reservation(this); }

  size_t limit() const { return limit_; }
  size_t in_use() const { return in_use_.load(std::memory_order_relaxed); }

 private:
  bool TryTake(size_t bytes);
  void Give(size_t bytes) { in_use_.fetch_sub(bytes, std::memory_order_relaxed); }

  const size_t limit_;
  std::atomic<size_t> in_use_{0};
};

}  // namespace mltrack::server
