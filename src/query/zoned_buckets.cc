#include "query/zoned_buckets.h"

#include <algorithm>

namespace mltrack::query {

ZonedBuckets::ZonedBuckets(BucketWidth width, const TimeZone& zone, int64_t lo_ms, int64_t hi_ms) : grid_(width) {
  for (const TimeZone::Span& zone_span : zone.Spans(lo_ms, std::max(hi_ms, lo_ms + 1))) {
    Span span;
    span.start_ms = zone_span.start_ms;
    span.offset_ms = int64_t{zone_span.offset_s} * 1000;
    span.first_label = grid_.Number(span.start_ms + span.offset_ms);
    if (!spans_.empty()) {
      const Span& previous = spans_.back();
      // A boundary when the clock, jumping from start + previous offset to start + offset,
      // shows or skips an aligned reading: one in [before, after] forward, `after` itself back.
      const int64_t before = span.start_ms + previous.offset_ms;
      const int64_t after = span.start_ms + span.offset_ms;
      const int64_t last_aligned = grid_.Start(grid_.Number(after));
      span.starts_bucket = after > before ? last_aligned >= before : last_aligned == after;
      span.base = previous.base + grid_.Number(span.start_ms - 1 + previous.offset_ms) - previous.first_label +
                  (span.starts_bucket ? 1 : 0);
    }
    spans_.push_back(span);
  }
}

size_t ZonedBuckets::SpanOf(int64_t ts_ms) const {
  const auto after = std::upper_bound(spans_.begin(), spans_.end(), ts_ms,
                                      [](int64_t ts, const Span& span) { return ts < span.start_ms; });
  return after == spans_.begin() ? 0 : static_cast<size_t>(after - spans_.begin()) - 1;
}

int64_t ZonedBuckets::Number(int64_t ts_ms) const {
  const Span& span = spans_[SpanOf(ts_ms)];
  return span.base + grid_.Number(ts_ms + span.offset_ms) - span.first_label;
}

int64_t ZonedBuckets::Start(int64_t number) const {
  // The last span whose first bucket is at or before `number`; a bucket that began in an
  // earlier span (the span's start is no boundary) is found there.
  auto after = std::upper_bound(spans_.begin(), spans_.end(), number,
                                [](int64_t value, const Span& span) { return value < span.base; });
  size_t index = after == spans_.begin() ? 0 : static_cast<size_t>(after - spans_.begin()) - 1;
  while (index > 0 && number == spans_[index].base && !spans_[index].starts_bucket) --index;
  const Span& span = spans_[index];
  if (index > 0 && number == span.base) return span.start_ms;
  return grid_.Start(span.first_label + (number - span.base)) - span.offset_ms;
}

std::optional<int64_t> ZonedBuckets::LinearOrigin(int64_t first_ms, int64_t last_ms) const {
  if (grid_.width().months > 0) return std::nullopt;
  const size_t index = SpanOf(first_ms);
  if (SpanOf(last_ms) != index) return std::nullopt;
  const Span& span = spans_[index];
  return grid_.Start(grid_.Number(first_ms + span.offset_ms)) - span.offset_ms;
}

}  // namespace mltrack::query
