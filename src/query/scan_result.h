#pragma once
// The end of a query execution, shared by single queries (query_executor.cc) and batches
// (query_batch.cc): from the merged Partial of a Plan to the QueryResult. Not a public interface.

#include <cstddef>
#include <vector>

#include "core/status.h"
#include "query/query_result.h"
#include "query/scan_plan.h"

namespace mltrack::query {

// Rows below which a second scan thread costs more than it saves.
inline constexpr size_t kParallelMinRows = 1 << 17;
// A query whose working memory reached this much returns the heap's free memory to the system
// when it ends.
inline constexpr size_t kTrimAboveBytes = 64u << 20;

// Watches one scanning thread's memory: the estimate is O(groups) (percentile and uniq states),
// so it is taken after every block while the groups are few, then when they grew by a quarter
// or every 16 blocks.
struct MemoryWatch {
  size_t last_groups = 0;
  size_t blocks = 0;
  bool Due(size_t groups) {
    if (groups < 4096 || groups * 4 >= last_groups * 5 || ++blocks >= 16) {
      last_groups = groups;
      blocks = 0;
      return true;
    }
    return false;
  }
};

// InvalidArgument naming the group_by item when a scan met a value whose bin number is past
// ±2^53 (GroupBin::kBinOutOfRange), with the narrowest "nice" width that numbers every value.
Status CheckBins(const Plan& plan, const std::vector<const Partial*>& partials);

// The rows of `merged` (every group, ordered and cut to the limit), with the scan's stats;
// the guard's error when the deadline passed or the rows would pass the memory limit.
// cache_hits, cache_misses and elapsed_ms are left for the caller.
Result<QueryResult> ResultOf(const Plan& plan, Partial& merged, size_t plan_bytes, LimitGuard& guard);

}  // namespace mltrack::query
