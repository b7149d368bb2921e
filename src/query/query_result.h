#pragma once
// The answer to a QuerySpec, and its JSON form (DESIGN.md §7).

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "store/table_snapshot.h"

namespace mltrack::query {

// Integer nano-USD that prints as exact USD.
struct MoneyValue {
  int64_t nano_usd = 0;
  bool operator==(const MoneyValue&) const = default;
};

// One value of a result row: null, an integer, a double, money, a string or a boolean.
using Cell = std::variant<std::monostate, int64_t, double, MoneyValue, std::string, bool>;

// A plain value type. Rows are in the requested order and already cut to `limit_applied`.
struct QueryResult {
  std::vector<std::string> columns;  // "t" (when bucketed), group-by names, metric names
  std::vector<std::vector<Cell>> rows;
  uint64_t scanned = 0;     // rows in the blocks the scan visited (after time pruning)
  // Segment lookups in the partial-result cache (query_cache.h): answered / scanned and stored.
  uint64_t cache_hits = 0;
  uint64_t cache_misses = 0;
  // Damaged segments the store could not serve: the answer leaves their events out, and says so.
  std::vector<store::QuarantinedSegment> quarantined;
  double elapsed_ms = 0;    // wall time of ExecuteQuery
  int64_t limit_applied = 0;
  bool truncated = false;   // total_groups > limit_applied
  uint64_t total_groups = 0;  // rows before the limit
  int64_t bucket_ms = 0;      // the resolved bucket (0 = none or months)
  int32_t bucket_months = 0;
  std::string tz;             // the query's zone when not UTC ("" otherwise)
};

// {"columns": [...], "rows": [[...]],
//  "stats": {"scanned": N, "elapsed_ms": x, "cache": {"hits": h, "misses": m},
//            "quarantined": [{"file", "offset", "rows"}]},
//  "limit": {"applied": L, "truncated": b, "total_groups": N},
//  "tz": "Europe/Berlin"}  (only when the query named a zone other than UTC)
// Money as USD numbers (exact decimal), doubles shortest round-trip, NaN/inf as null.
std::string QueryResultToJson(const QueryResult& result);

}  // namespace mltrack::query
