#include "backend/clickhouse/concurrent_calls.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace mltrack::backend::clickhouse {
namespace {

TEST(RunConcurrently, CallsEachIndexOnceWithAtMostTheGivenNumberAtATime) {
  std::mutex mutex;
  std::condition_variable changed;
  int inside = 0, peak = 0, started = 0;
  std::vector<int> calls(7, 0);
  RunConcurrently(calls.size(), 3, [&](size_t index) {
    std::unique_lock lock(mutex);
    ++calls[index];
    ++started;
    peak = std::max(peak, ++inside);
    changed.notify_all();
    // Stay until three calls are in at once, or every call has started (nobody else will come);
    // give up after seconds, so a runner that calls one at a time fails by its peak, not a hang.
    // No call can leave before the first three meet, so a runner with three threads peaks at 3.
    changed.wait_for(lock, std::chrono::seconds(5), [&] { return inside >= 3 || started == 7; });
    --inside;
  });
  EXPECT_EQ(calls, std::vector<int>(7, 1));
  EXPECT_EQ(peak, 3);
}

TEST(RunConcurrently, OneAtATimeRunsInOrderOnTheCallingThread) {
  std::vector<size_t> order;
  const std::thread::id caller = std::this_thread::get_id();
  bool same_thread = true;
  RunConcurrently(4, 1, [&](size_t index) {
    order.push_back(index);
    same_thread = same_thread && std::this_thread::get_id() == caller;
  });
  EXPECT_EQ(order, (std::vector<size_t>{0, 1, 2, 3}));
  EXPECT_TRUE(same_thread);
  RunConcurrently(0, 4, [&](size_t) { order.push_back(99); });
  EXPECT_EQ(order.size(), 4u);
}

}  // namespace
}  // namespace mltrack::backend::clickhouse
