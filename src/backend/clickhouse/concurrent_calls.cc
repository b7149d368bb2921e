#include "backend/clickhouse/concurrent_calls.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace mltrack::backend::clickhouse {

void RunConcurrently(size_t count, size_t max_parallel, const std::function<void(size_t index)>& call) {
  const size_t threads = std::min(count, std::max<size_t>(max_parallel, 1));
  if (threads <= 1) {
    for (size_t index = 0; index < count; ++index) call(index);
    return;
  }
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t index = next++; index < count; index = next++) call(index);
  };
  std::vector<std::jthread> helpers;
  helpers.reserve(threads - 1);
  for (size_t started = 1; started < threads; ++started) helpers.emplace_back(work);
  work();
}  // the helpers join here

}  // namespace mltrack::backend::clickhouse
