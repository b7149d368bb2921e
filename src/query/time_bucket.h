#pragma once
// Time buckets of a query: parsing "auto" / "5m" / "1M", and mapping ts → bucket.

#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace mltrack::query {

// A resolved bucket width: fixed milliseconds, or calendar months (UTC). Both zero = none.
struct BucketWidth {
  int64_t ms = 0;
  int32_t months = 0;
};

// The most time buckets one range may be cut into (as the most rows a query returns): more is
// refused, never cut short.
inline constexpr int64_t kMaxBuckets = 100'000;

// Parses `bucket` for the range [from_ms, to_ms): "auto", or "<N><unit>" with N ≥ 1 and unit
// m (minutes), h, d, w or M (calendar months). InvalidArgument naming "bucket" otherwise, and
// when the width cuts the range into more than kMaxBuckets buckets (the message names the
// smallest standard width that fits).
Result<BucketWidth> ParseBucket(std::string_view text, int64_t from_ms, int64_t to_ms);

// How many buckets of `width` cover [from_ms, to_ms) (0 for an empty range or no width).
int64_t BucketCount(BucketWidth width, int64_t from_ms, int64_t to_ms);
// OK when `width` makes at most kMaxBuckets buckets over [from_ms, to_ms); otherwise
// InvalidArgument naming "bucket", the count, and the smallest of 1m, 5m, 15m, 30m, 1h, 3h, 6h,
// 12h, 1d, 1w, 1M, 3M, 12M that fits. `written` is the bucket as the request gave it.
Status CheckBucketCount(BucketWidth width, int64_t from_ms, int64_t to_ms, std::string_view written);

// "auto": the smallest of 1m, 5m, 15m, 1h, 6h, 1d, 1w that gives at most 200 buckets over the
// range (so a range of 30 minutes to ~4 years gets ~30–200 buckets); 1w beyond that.
int64_t AutoBucketMs(int64_t from_ms, int64_t to_ms);

// Maps timestamps to dense bucket indexes counted from the bucket that holds `origin_ms` (the
// query's `from`). Fixed buckets are aligned to the epoch (UTC midnight for days), weeks to
// Monday 00:00 UTC; months to the first of the month UTC. Thread-safe (immutable).
class TimeBucketer {
 public:
  TimeBucketer(BucketWidth width, int64_t origin_ms);

  // Index of the bucket holding `ts_ms` (≥ 0 when ts_ms ≥ origin).
  int64_t Index(int64_t ts_ms) const;
  // Epoch ms at which bucket `index` starts.
  int64_t Start(int64_t index) const;

 private:
  int64_t BucketNumber(int64_t ts_ms) const;  // absolute, from the epoch

  BucketWidth width_;
  int64_t offset_ms_ = 0;
  int64_t base_ = 0;
};

// Days since 1970-01-01 ↔ proleptic Gregorian civil date (H. Hinnant's algorithms).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
void CivilFromDays(int64_t days, int64_t& year, unsigned& month, unsigned& day);

}  // namespace mltrack::query
