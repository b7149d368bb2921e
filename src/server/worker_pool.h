#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mltrack::server {

// A fixed set of threads that run blocking jobs (request handlers) off the I/O threads, with a
// bounded queue so overload is refused at once instead of piling up. Thread-safe.
class WorkerPool {
 public:
  // `threads` ≥ 1 workers; at most `max_queued` jobs wait while every worker is busy
  // (0 = refuse a job whenever no worker is free).
  WorkerPool(int threads, size_t max_queued);
  ~WorkerPool();  // Shutdown()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `job`. False, with `job` destroyed and not run, when every worker is busy and
  // `max_queued` jobs are already waiting, or the pool is shut down; the caller answers "overloaded". A job must not throw
  // (an escaping exception is swallowed and logged).
  bool TrySubmit(std::function<void()> job);

  // Refuses new jobs, destroys the jobs still waiting (not run), and waits for running jobs to
  // finish. Idempotent.
  void Shutdown();

  // Jobs submitted and not yet started.
  size_t queued() const;

 private:
  void WorkerLoop();

  const size_t max_queued_;
  size_t thread_count_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool shut_down_ = false;
  size_t busy_ = 0;  // workers running a job
  std::mutex join_mutex_;  // serialises joins when Shutdown races with itself
  std::vector<std::thread> threads_;
};

}  // namespace mltrack::server
