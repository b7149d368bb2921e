#include "query/scan_pool.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace mltrack::query {

namespace {

enum class JobState { kPending, kRunning, kDone, kCancelled };

struct Job {
  const std::function<void(size_t)>* fn = nullptr;
  size_t worker = 0;
  JobState state = JobState::kPending;
};

}  // namespace

struct ScanPool::Impl {
  std::mutex mutex;
  std::condition_variable work_ready;
  std::condition_variable job_done;
  std::deque<Job*> queue;
  size_t helpers = 0;

  void Loop() {
    std::unique_lock lock(mutex);
    while (true) {
      work_ready.wait(lock, [&] { return !queue.empty(); });
      Job* job = queue.front();
      queue.pop_front();
      job->state = JobState::kRunning;
      lock.unlock();
      (*job->fn)(job->worker);
      lock.lock();
      job->state = JobState::kDone;
      job_done.notify_all();
    }
  }
};

ScanPool::ScanPool(size_t helpers) : impl_(new Impl) {
  impl_->helpers = helpers;
  for (size_t idx = 0; idx < helpers; ++idx) std::thread([impl = impl_] { impl->Loop(); }).detach();
}

ScanPool& ScanPool::Shared() {
  static ScanPool* pool = new ScanPool(std::clamp<size_t>(std::thread::hardware_concurrency(), 2, 8) - 1);
  return *pool;
}

size_t ScanPool::helpers() const { return impl_->helpers; }

void ScanPool::Run(size_t workers, const std::function<void(size_t)>& fn) {
  const size_t helper_jobs = std::min(workers > 0 ? workers - 1 : 0, impl_->helpers);
  std::vector<Job> jobs(helper_jobs);
  if (helper_jobs > 0) {
    std::lock_guard lock(impl_->mutex);
    for (size_t idx = 0; idx < helper_jobs; ++idx) {
      jobs[idx].fn = &fn;
      jobs[idx].worker = idx + 1;
      impl_->queue.push_back(&jobs[idx]);
    }
    impl_->work_ready.notify_all();
  }
  fn(0);
  if (helper_jobs == 0) return;
  std::unique_lock lock(impl_->mutex);
  for (Job& job : jobs) {
    if (job.state == JobState::kPending) {
      impl_->queue.erase(std::find(impl_->queue.begin(), impl_->queue.end(), &job));
      job.state = JobState::kCancelled;
    }
  }
  impl_->job_done.wait(lock, [&] {
    return std::all_of(jobs.begin(), jobs.end(),
                       [](const Job& job) { return job.state == JobState::kDone || job.state == JobState::kCancelled; });
  });
}

}  // namespace mltrack::query
