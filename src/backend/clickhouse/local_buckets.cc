#include "backend/clickhouse/local_buckets.h"

#include <algorithm>

#include "core/time_zone.h"

namespace mltrack::backend::clickhouse {

namespace {

Result<std::optional<LocalBuckets>> LocalGrid(const query::QuerySpec& spec, query::BucketWidth width) {
  if (query::IsUtcName(spec.tz)) return std::optional<LocalBuckets>();
  Result<std::shared_ptr<const TimeZone>> zone = TimeZone::Load(spec.tz);
  if (!zone.ok()) return zone.status();
  if ((*zone)->IsUtc()) return std::optional<LocalBuckets>();
  const query::BucketGrid grid(width);
  LocalBuckets local{query::TimeBucketer(width, spec.from_ms, spec.to_ms, zone->get()), {}};
  for (const TimeZone::Span& span : (*zone)->Spans(spec.from_ms, std::max(spec.to_ms, spec.from_ms + 1))) {
    const int64_t anchor = std::max(span.start_ms, spec.from_ms);
    const int64_t offset_ms = int64_t{span.offset_s} * 1000;
    local.spans.push_back({anchor, offset_ms, local.bucketer.Index(anchor) - grid.Number(anchor + offset_ms)});
  }
  return std::optional<LocalBuckets>(std::move(local));
}

}  // namespace

Result<std::optional<LocalBuckets>> LocalBucketsFor(const query::QuerySpec& spec) {
  if (!query::HasBucket(spec)) return std::optional<LocalBuckets>();
  return LocalGrid(spec, query::BucketWidth{spec.bucket_ms, spec.bucket_months});
}

Result<std::optional<LocalBuckets>> LocalDaysFor(const query::QuerySpec& spec) {
  const bool days = std::any_of(spec.metrics.begin(), spec.metrics.end(), [](const query::MetricSpec& metric) {
    return metric.kind == query::AggregateKind::kDays;
  });
  if (!days) return std::optional<LocalBuckets>();
  return LocalGrid(spec, query::BucketWidth{86'400'000, 0});
}

}  // namespace mltrack::backend::clickhouse
