#include "proxy/call_recorder.h"

#include <spdlog/spdlog.h>

#include "ingest/pricing.h"

namespace mltrack::proxy {

CallRecorder::CallRecorder(backend::Backend& backend, const PriceCatalogue& prices)
    : backend_(backend), prices_(prices), thread_([this] { Loop(); }) {}

CallRecorder::~CallRecorder() { Close(); }

void CallRecorder::Record(Event event) {
  {
    std::lock_guard lock(mutex_);
    if (closing_ || queue_.size() >= kMaxQueued) {
      ++dropped_;
      // 1st, 2nd, 4th, 8th... drop: a store that cannot keep up must not also flood the log.
      if ((dropped_ & (dropped_ - 1)) == 0) {
        spdlog::warn("proxy: {} call event(s) dropped so far ({} waiting to be stored{})", dropped_, queue_.size(),
                     closing_ ? ", shutting down" : "");
      }
      return;
    }
    queue_.push_back(std::move(event));
  }
  wake_.notify_one();
}

void CallRecorder::Loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
    if (queue_.empty()) return;  // closing, and nothing left
    EventBatch batch;
    batch.swap(queue_);
    busy_ = true;
    lock.unlock();
    ingest::PriceEvents(prices_, batch);
    const size_t size = batch.size();
    Result<backend::AppendResult> appended = backend_.Append(std::move(batch));
    if (!appended.ok()) spdlog::warn("proxy: {} call event(s) not stored: {}", size, appended.status().ToString());
    lock.lock();
    busy_ = false;
    (appended.ok() ? recorded_ : dropped_) += size;
    idle_.notify_all();
  }
}

void CallRecorder::Flush() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void CallRecorder::Close() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t CallRecorder::recorded() const {
  std::lock_guard lock(mutex_);
  return recorded_;
}

uint64_t CallRecorder::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace mltrack::proxy
