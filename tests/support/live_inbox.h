#pragma once

// Collects what the live hub sends to one subscriber, for the hub's tests.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/live/live_hub.h"

namespace mltrack::server::live {

class Inbox {
 public:
  LiveSink Sink() {
    return [this](std::shared_ptr<const std::string> message) {
      std::lock_guard lock(mutex_);
      messages_.push_back(*message);
      arrived_.notify_all();
      return true;
    };
  }
  // Waits until `count` messages arrived (or 10 s); returns them all.
  std::vector<std::string> WaitFor(size_t count) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, std::chrono::seconds(10), [&] { return messages_.size() >= count; });
    return messages_;
  }
  size_t size() {
    std::lock_guard lock(mutex_);
    return messages_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::string> messages_;
};

}  // namespace mltrack::server::live
