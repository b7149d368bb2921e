#pragma once
// Runs independent calls of one request at the same time (docs/deploy/clickhouse.md, "Concurrent
// statements"): the statements of a dashboard's batch, and the sketch SELECTs of one query's
// percentiles. Each call sends one statement over its own HTTP connection (HttpClient keeps them
// for reuse), so ClickHouse runs them side by side instead of one after another.

#include <cstddef>
#include <functional>

namespace mltrack::backend::clickhouse {

// Calls `call(0) … call(count - 1)`, each exactly once, on at most `max_parallel` threads at a
// time (the calling thread is one of them), and returns when all have returned. The calls must
// be independent and thread-safe; each writes its own result. `max_parallel` ≤ 1 or `count` ≤ 1:
// one after another on the calling thread, in order.
void RunConcurrently(size_t count, size_t max_parallel, const std::function<void(size_t index)>& call);

}  // namespace mltrack::backend::clickhouse
