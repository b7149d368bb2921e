#pragma once
// Time buckets of a query: parsing "auto" / "5m" / "1M", and mapping ts → bucket.

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "core/status.h"
#include "core/time_zone.h"

namespace mltrack::query {

class ZonedBuckets;

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

// The grid of one width on a clock (UTC, or a zone's local clock; ms since 1970-01-01 00:00 on
// that clock): fixed widths from the epoch, weeks from Monday 00:00, months from January 1970.
// Number() is the bucket holding a reading, Start() the reading at which a bucket starts.
class BucketGrid {
 public:
  explicit BucketGrid(BucketWidth width);
  int64_t Number(int64_t clock_ms) const;
  int64_t Start(int64_t number) const;
  const BucketWidth& width() const { return width_; }

 private:
  BucketWidth width_;
  int64_t align_ms_ = 0;  // Monday 00:00 for weeks
};

// Maps timestamps to dense bucket indexes counted from the bucket that holds `origin_ms` (the
// query's `from`). Fixed buckets are aligned to the epoch (UTC midnight for days), weeks to
// Monday 00:00 UTC; months to the first of the month UTC. With a time zone, the same alignments
// hold on the zone's local clock (zoned_buckets.h). Thread-safe (immutable).
class TimeBucketer {
 public:
  TimeBucketer(BucketWidth width, int64_t origin_ms);
  // Buckets aligned to local time in `zone`, exact for instants in [origin_ms, end_ms) and a
  // bucket either side (the zone's offsets are taken over at most 400 years from there; beyond,
  // the last offset holds). A null or UTC-only zone gives exactly the UTC buckets above.
  TimeBucketer(BucketWidth width, int64_t origin_ms, int64_t end_ms, const TimeZone* zone);

  // Index of the bucket holding `ts_ms` (≥ 0 when ts_ms ≥ origin; non-decreasing in ts_ms).
  int64_t Index(int64_t ts_ms) const;
  // Epoch ms at which bucket `index` starts.
  int64_t Start(int64_t index) const;
  // For fixed widths: an instant g ≤ first_ms such that Index(ts) = Index(first_ms) +
  // ⌊(ts − g) / width⌋ for every ts in [first_ms, last_ms] (g = Start(Index(first_ms)) in UTC);
  // nullopt for calendar months, or when the zone's offset changes within [first_ms, last_ms].
  std::optional<int64_t> LinearOrigin(int64_t first_ms, int64_t last_ms) const;
  // The bucket's number on its clock (Index plus the origin's number): the same whatever the
  // origin, so states kept by bucket number merge across queries (days:ts), and its start.
  int64_t Number(int64_t ts_ms) const { return Index(ts_ms) + base_; }
  int64_t StartOfNumber(int64_t number) const { return Start(number - base_); }

 private:
  BucketGrid grid_;  // UTC
  int64_t base_ = 0;
  std::shared_ptr<const ZonedBuckets> zoned_;  // null: UTC
};

// The bucketer of a query's [from_ms, to_ms) in the zone named `tz` ("" or "UTC": UTC without
// reading any zone file); InvalidArgument naming `tz` when the zone is unknown or damaged.
Result<TimeBucketer> MakeTimeBucketer(BucketWidth width, int64_t from_ms, int64_t to_ms, std::string_view tz);

// Whether a tz value means UTC without a zone file: empty (not given) or "UTC".
inline bool IsUtcName(std::string_view tz) { return tz.empty() || tz == "UTC"; }

// Days since 1970-01-01 ↔ proleptic Gregorian civil date: core/civil_date.h in the out-parameter
// form the bucketers use.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
void CivilFromDays(int64_t days, int64_t& year, unsigned& month, unsigned& day);

}  // namespace mltrack::query
