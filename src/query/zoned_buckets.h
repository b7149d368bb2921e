#pragma once
// Time buckets aligned to the local time of a zone (a query's "tz"; docs/query.md, "Time
// zones"). A bucket boundary is an instant at which the zone's local clock shows an aligned
// reading: a multiple of the width (weeks from Monday 00:00) or 00:00 on the first of a month
// (every N months). Where the clock jumps forward over aligned readings (a DST start at local
// midnight), the instant of the jump is the boundary; where it jumps back, an aligned reading
// shown twice starts two buckets (a 25-hour day has 25 hourly buckets), and the day itself is
// one bucket of 25 hours.
//
// The zone's UTC offset is constant between transitions, and local = UTC + offset there, so
// within such a span bucket numbers are the UTC path's arithmetic on a shifted clock; the
// spans of a query's range are few (a 30-day range holds at most one or two DST changes).
// Numbering: dense and ascending in time; each span stores the number of its first bucket.

#include <cstdint>
#include <optional>
#include <vector>

#include "core/time_zone.h"
#include "query/time_bucket.h"

namespace mltrack::query {

// Bucket numbers and starts for one zone and width, exact over the window [lo_ms, hi_ms) given
// at construction (outside it, the window's first and last offsets are assumed). Immutable;
// thread-safe.
class ZonedBuckets {
 public:
  ZonedBuckets(BucketWidth width, const TimeZone& zone, int64_t lo_ms, int64_t hi_ms);

  // The number of the bucket holding `ts_ms`; non-decreasing in ts_ms.
  int64_t Number(int64_t ts_ms) const;
  // The UTC instant at which bucket `number` starts.
  int64_t Start(int64_t number) const;
  // For fixed widths, when [first_ms, last_ms] lies within one offset span: the instant g ≤
  // first_ms at which the bucket of first_ms starts on that span's clock, so that
  // Number(ts) = Number(first_ms) + ⌊(ts − g) / width⌋ for every ts in [first_ms, last_ms].
  std::optional<int64_t> LinearOrigin(int64_t first_ms, int64_t last_ms) const;

 private:
  struct Span {
    int64_t start_ms = 0;
    int64_t offset_ms = 0;
    int64_t first_label = 0;     // grid number of the local reading at start_ms
    int64_t base = 0;            // number of the bucket holding start_ms
    bool starts_bucket = false;  // start_ms is a boundary (not for the first span)
  };

  size_t SpanOf(int64_t ts_ms) const;

  BucketGrid grid_;  // on the local clock: grid numbers are the spans' labels
  std::vector<Span> spans_;
};

}  // namespace mltrack::query
