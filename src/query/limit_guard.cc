#include "query/limit_guard.h"

#include <chrono>
#include <cstdio>

namespace mltrack::query {
namespace {

std::string Mebibytes(size_t bytes) {
  char text[32];
  if (bytes < (1u << 20)) {
    std::snprintf(text, sizeof(text), "%.0f KiB", static_cast<double>(bytes) / 1024);
  } else {
    std::snprintf(text, sizeof(text), "%.0f MiB", static_cast<double>(bytes) / (1 << 20));
  }
  return text;
}

std::string Seconds(int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g s", static_cast<double>(ms) / 1000.0);
  return text;
}

}  // namespace

void LimitGuard::Stop(Status status) {
  std::lock_guard lock(mutex_);
  if (!stopped_.load(std::memory_order_relaxed)) status_ = std::move(status);
  stopped_.store(true, std::memory_order_relaxed);
}

bool LimitGuard::CheckDeadline() {
  if (Stopped()) return true;
  if (limits_.timeout_ms <= 0 || std::chrono::steady_clock::now() < limits_.deadline) return false;
  Stop(Status::DeadlineExceeded("the query ran past the time limit of " + Seconds(limits_.timeout_ms) +
                                " (--query-timeout) and was stopped; narrow its time range, filters or group_by"));
  return true;
}

bool LimitGuard::CheckMemory(size_t bytes, const std::string& what) {
  size_t peak = peak_bytes_.load(std::memory_order_relaxed);
  while (bytes > peak && !peak_bytes_.compare_exchange_weak(peak, bytes, std::memory_order_relaxed)) {
  }
  if (Stopped()) return true;
  if (limits_.memory_bytes == 0 || bytes <= limits_.memory_bytes) return false;
  Stop(Status::ResourceExhausted(
      "the query needs more than the memory limit of " + Mebibytes(limits_.memory_bytes) +
          " per query (--query-memory): " + what + " take at least " + Mebibytes(bytes) +
          "; narrow its time range, filters or group_by",
      {ErrorDetail{-1, "query", what + " over the --query-memory limit of " + Mebibytes(limits_.memory_bytes)}}));
  return true;
}

Status LimitGuard::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

}  // namespace mltrack::query
