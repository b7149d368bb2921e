#include "server/worker_pool.h"

#include <atomic>
#include <future>

#include <gtest/gtest.h>

namespace mltrack::server {
namespace {

TEST(WorkerPoolTest, RunsJobs) {
  WorkerPool pool(2, 8);
  std::atomic<int> ran{0};
  std::promise<void> done;
  for (int job_idx = 0; job_idx < 5; ++job_idx) {
    ASSERT_TRUE(pool.TrySubmit([&] {
      if (++ran == 5) done.set_value();
    }));
  }
  done.get_future().wait();
  EXPECT_EQ(ran.load(), 5);
}

TEST(WorkerPoolTest, RefusesWhenWorkersBusyAndQueueFull) {
  WorkerPool pool(1, 1);
  std::promise<void> started;
  std::promise<void> release;
  std::shared_future<void> release_future = release.get_future().share();
  ASSERT_TRUE(pool.TrySubmit([&] {
    started.set_value();
    release_future.wait();
  }));
  started.get_future().wait();
  std::atomic<bool> queued_ran{false};
  EXPECT_TRUE(pool.TrySubmit([&] { queued_ran = true; }));  // waits in the queue
  EXPECT_FALSE(pool.TrySubmit([] {}));                       // queue full
  EXPECT_EQ(pool.queued(), 1u);
  release.set_value();
  pool.Shutdown();  // the queued job was dropped or ran; either way Shutdown returns
}

TEST(WorkerPoolTest, ZeroQueueStillUsesIdleWorkers) {
  WorkerPool pool(2, 0);
  std::promise<void> done;
  EXPECT_TRUE(pool.TrySubmit([&] { done.set_value(); }));
  done.get_future().wait();
}

TEST(WorkerPoolTest, RefusesAfterShutdown) {
  WorkerPool pool(1, 4);
  pool.Shutdown();
  EXPECT_FALSE(pool.TrySubmit([] {}));
  pool.Shutdown();  // idempotent
}

}  // namespace
}  // namespace mltrack::server
