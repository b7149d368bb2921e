#include "backend/clickhouse/local_buckets.h"

#include <algorithm>

#include "core/time_zone.h"

namespace mltrack::backend::clickhouse {

Result<std::optional<LocalBuckets>> LocalBucketsFor(const query::QuerySpec& spec) {
  if (!query::HasBucket(spec) || query::IsUtcName(spec.tz)) return std::optional<LocalBuckets>();
  Result<std::shared_ptr<const TimeZone>> zone = TimeZone::Load(spec.tz);
  if (!zone.ok()) return zone.status();
  if ((*zone)->IsUtc()) return std::optional<LocalBuckets>();
  const query::BucketWidth width{spec.bucket_ms, spec.bucket_months};
  const query::BucketGrid grid(width);
  LocalBuckets local{query::TimeBucketer(width, spec.from_ms, spec.to_ms, zone->get()), {}};
  for (const TimeZone::Span& span : (*zone)->Spans(spec.from_ms, std::max(spec.to_ms, spec.from_ms + 1))) {
    const int64_t anchor = std::max(span.start_ms, spec.from_ms);
    const int64_t offset_ms = int64_t{span.offset_s} * 1000;
    local.spans.push_back({anchor, offset_ms, local.bucketer.Index(anchor) - grid.Number(anchor + offset_ms)});
  }
  return std::optional<LocalBuckets>(std::move(local));
}

}  // namespace mltrack::backend::clickhouse
