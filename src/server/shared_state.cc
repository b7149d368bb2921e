#include "server/shared_state.h"

#include <vector>

namespace mltrack::server {

uint64_t SharedState::Join(std::function<void()> interrupt) {
  std::lock_guard lock(mutex_);
  const uint64_t id = next_id_++;
  connections_.emplace(id, std::move(interrupt));
  return id;
}

void SharedState::Leave(uint64_t id) {
  std::lock_guard lock(mutex_);
  connections_.erase(id);
  if (connections_.empty()) idle_.notify_all();
}

size_t SharedState::connections() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

void SharedState::BeginStop() {
  // stopping_ is set before any interrupt runs, so a session that checks it after its current
  // response sees it, and one that is already reading gets interrupted: no connection is missed.
  stopping_.store(true, std::memory_order_release);
  std::vector<std::function<void()>> interrupts;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, interrupt] : connections_) interrupts.push_back(interrupt);
  }
  for (const auto& interrupt : interrupts) interrupt();
}

bool SharedState::WaitForConnections(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return idle_.wait_until(lock, deadline, [this] { return connections_.empty(); });
}

}  // namespace mltrack::server
