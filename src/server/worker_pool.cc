#include "server/worker_pool.h"

#include <exception>

#include <spdlog/spdlog.h>

namespace mltrack::server {

WorkerPool::WorkerPool(int threads, size_t max_queued) : max_queued_(max_queued) {
  const int count = threads < 1 ? 1 : threads;
  thread_count_ = static_cast<size_t>(count);
  threads_.reserve(count);
  for (int thread_idx = 0; thread_idx < count; ++thread_idx) threads_.emplace_back([this] { WorkerLoop(); });
}

WorkerPool::~WorkerPool() { Shutdown(); }

bool WorkerPool::TrySubmit(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    // Jobs that an idle worker is about to take do not count as waiting.
    if (shut_down_ || queue_.size() + busy_ >= thread_count_ + max_queued_) return false;
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void WorkerPool::Shutdown() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(mutex_);
    shut_down_ = true;
    dropped.swap(queue_);
  }
  wake_.notify_all();
  dropped.clear();  // outside the lock: a job's destructor may do real work
  std::lock_guard join_lock(join_mutex_);
  for (std::thread& thread : threads_) {
    if (thread.joinable() && thread.get_id() != std::this_thread::get_id()) thread.join();
  }
}

size_t WorkerPool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void WorkerPool::WorkerLoop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return shut_down_ || !queue_.empty(); });
      if (queue_.empty()) return;  // shut down
      job = std::move(queue_.front());
      queue_.pop_front();
      ++busy_;
    }
    try {
      job();
    } catch (const std::exception& e) {
      spdlog::warn("worker job threw: {}", e.what());
    } catch (...) {
      spdlog::warn("worker job threw a non-standard exception");
    }
    job = nullptr;  // release what the job holds before counting the worker free
    std::lock_guard lock(mutex_);
    --busy_;
  }
}

}  // namespace mltrack::server
