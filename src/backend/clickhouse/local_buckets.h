#pragma once
// Buckets aligned to local time (a QuerySpec's "tz") in SQL. query/zoned_buckets.h numbers a
// zone's buckets span by span: within a stretch of constant UTC offset, a row's bucket is the
// UTC grid's number of its local clock reading (ts + offset) plus a constant. So the SELECT
// picks the stretch with multiIf on `ts` and adds that stretch's constant, and the answer's
// bucket indexes become starts through the same query::TimeBucketer the embedded executor uses:
// both stores answer with the same buckets, DST days (23 and 25 hours) included.

#include <cstdint>
#include <optional>
#include <vector>

#include "core/status.h"
#include "query/query_spec.h"
#include "query/time_bucket.h"

namespace mltrack::backend::clickhouse {

// From `start_ms` (until the next span), a row's bucket index is shift + G(ts + offset_ms),
// G the UTC grid number of query::BucketGrid.
struct ClockSpan {
  int64_t start_ms = 0;
  int64_t offset_ms = 0;
  int64_t shift = 0;
};

struct LocalBuckets {
  query::TimeBucketer bucketer;  // index → start, as the embedded executor
  std::vector<ClockSpan> spans;  // ascending, covering [from_ms, to_ms)
};

// nullopt when `spec` has no bucket or its zone is UTC (then the UTC grid's numbers serve);
// InvalidArgument naming `tz` for a zone that cannot be read, as the embedded executor.
Result<std::optional<LocalBuckets>> LocalBucketsFor(const query::QuerySpec& spec);

// The same for the 1-day buckets of "days:ts": nullopt when `spec` has no days:ts metric or its
// zone is UTC.
Result<std::optional<LocalBuckets>> LocalDaysFor(const query::QuerySpec& spec);

}  // namespace mltrack::backend::clickhouse
