#include "query/time_bucket.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <string>

#include "core/civil_date.h"
#include "query/zoned_buckets.h"

namespace mltrack::query {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr int64_t kWeekMs = 7 * kDayMs;
constexpr int64_t kMondayOffsetMs = 4 * kDayMs;  // 1970-01-01 was a Thursday
constexpr int64_t kMaxAutoBuckets = 200;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// A zone's offsets are computed over at most this window (400 years); a query range is far
// shorter, and a range to the year 300,000 must not cost 600,000 DST changes.
constexpr int64_t kMaxZoneWindowMs = 400 * 366 * kDayMs;

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

Status BadBucket(std::string reason) {
  return Status::InvalidArgument("invalid bucket: " + reason, {{-1, "bucket", reason}});
}

}  // namespace

int64_t AutoBucketMs(int64_t from_ms, int64_t to_ms) {
  static constexpr std::array<int64_t, 7> kCandidates = {
      kMinuteMs, 5 * kMinuteMs, 15 * kMinuteMs, kHourMs, 6 * kHourMs, kDayMs, kWeekMs};
  int64_t range = to_ms > from_ms ? to_ms - from_ms : 0;
  for (int64_t candidate : kCandidates) {
    if ((range + candidate - 1) / candidate <= kMaxAutoBuckets) return candidate;
  }
  return kWeekMs;
}

namespace {

Result<BucketWidth> ParseBucketWidth(std::string_view text, int64_t from_ms, int64_t to_ms) {
  if (text == "auto") return BucketWidth{AutoBucketMs(from_ms, to_ms), 0};
  int64_t count = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (ec != std::errc() || end == text.data() || count < 1 || count > 1'000'000 ||
      end + 1 != text.data() + text.size()) {
    return BadBucket("expected \"auto\" or <N><unit> with unit m, h, d, w or M (e.g. \"1h\"), got \"" +
                     std::string(text) + "\"");
  }
  switch (*end) {
    case 'm': return BucketWidth{count * kMinuteMs, 0};
    case 'h': return BucketWidth{count * kHourMs, 0};
    case 'd': return BucketWidth{count * kDayMs, 0};
    case 'w': return BucketWidth{count * kWeekMs, 0};
    case 'M':
      if (count > 1200) return BadBucket("at most 1200 months");
      return BucketWidth{0, static_cast<int32_t>(count)};
    default:
      return BadBucket("unknown unit '" + std::string(1, *end) + "' (use m, h, d, w or M)");
  }
}

std::string WithThousands(int64_t value) {
  std::string digits = std::to_string(value);
  for (int pos = static_cast<int>(digits.size()) - 3; pos > 0; pos -= 3) digits.insert(static_cast<size_t>(pos), ",");
  return digits;
}

}  // namespace

Result<BucketWidth> ParseBucket(std::string_view text, int64_t from_ms, int64_t to_ms) {
  Result<BucketWidth> width = ParseBucketWidth(text, from_ms, to_ms);
  if (!width.ok()) return width;
  MLTRACK_RETURN_IF_ERROR(CheckBucketCount(*width, from_ms, to_ms, text));
  return width;
}

int64_t BucketCount(BucketWidth width, int64_t from_ms, int64_t to_ms) {
  if (to_ms <= from_ms || (width.ms <= 0 && width.months <= 0)) return 0;
  if (width.months == 0) {
    // In 128 bits: any two int64 times.
    const int64_t offset = width.ms % kWeekMs == 0 ? kMondayOffsetMs : 0;
    auto floor_div = [&](__int128 value) {
      __int128 quotient = value / width.ms;
      return value % width.ms != 0 && value < 0 ? quotient - 1 : quotient;
    };
    const __int128 count = floor_div(__int128{to_ms} - 1 - offset) - floor_div(__int128{from_ms} - offset) + 1;
    return count > INT64_MAX ? INT64_MAX : static_cast<int64_t>(count);
  }
  const TimeBucketer bucketer(width, from_ms);
  return bucketer.Index(to_ms - 1) + 1;
}

Status CheckBucketCount(BucketWidth width, int64_t from_ms, int64_t to_ms, std::string_view written) {
  const int64_t count = BucketCount(width, from_ms, to_ms);
  if (count <= kMaxBuckets) return Status::OK();
  struct Candidate {
    const char* name;
    BucketWidth width;
  };
  static constexpr Candidate kCandidates[] = {
      {"1m", {kMinuteMs, 0}},      {"5m", {5 * kMinuteMs, 0}}, {"15m", {15 * kMinuteMs, 0}},
      {"30m", {30 * kMinuteMs, 0}}, {"1h", {kHourMs, 0}},       {"3h", {3 * kHourMs, 0}},
      {"6h", {6 * kHourMs, 0}},    {"12h", {12 * kHourMs, 0}}, {"1d", {kDayMs, 0}},
      {"1w", {kWeekMs, 0}},        {"1M", {0, 1}},             {"3M", {0, 3}},
      {"12M", {0, 12}}};
  std::string fits = "a wider bucket";
  for (const Candidate& candidate : kCandidates) {
    if (BucketCount(candidate.width, from_ms, to_ms) <= kMaxBuckets) {
      fits = candidate.name;
      break;
    }
  }
  return BadBucket("\"" + std::string(written) + "\" cuts the range into " + WithThousands(count) +
                   " buckets, more than the limit of " + WithThousands(kMaxBuckets) + "; use " + fits +
                   " or wider, or a shorter range");
}

// The civil-date arithmetic is core/civil_date.h's; these keep query's out-parameter form.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) { return mltrack::DaysFromCivil(year, month, day); }

void CivilFromDays(int64_t days, int64_t& year, unsigned& month, unsigned& day) {
  const CivilDate date = mltrack::CivilFromDays(days);
  year = date.year;
  month = static_cast<unsigned>(date.month);
  day = static_cast<unsigned>(date.day);
}

BucketGrid::BucketGrid(BucketWidth width) : width_(width) {
  if (width_.months == 0 && width_.ms > 0 && width_.ms % kWeekMs == 0) align_ms_ = kMondayOffsetMs;
}

int64_t BucketGrid::Number(int64_t clock_ms) const {
  if (width_.months > 0) {
    int64_t year;
    unsigned month, day;
    CivilFromDays(FloorDiv(clock_ms, kDayMs), year, month, day);
    return FloorDiv(year * 12 + (month - 1), width_.months);
  }
  if (width_.ms <= 0) return 0;
  return FloorDiv(clock_ms - align_ms_, width_.ms);
}

int64_t BucketGrid::Start(int64_t number) const {
  if (width_.months > 0) {
    int64_t month_abs = number * width_.months;
    int64_t year = FloorDiv(month_abs, 12);
    unsigned month = static_cast<unsigned>(month_abs - year * 12) + 1;
    return DaysFromCivil(year, month, 1) * kDayMs;
  }
  if (width_.ms <= 0) return 0;
  return number * width_.ms + align_ms_;
}

TimeBucketer::TimeBucketer(BucketWidth width, int64_t origin_ms) : grid_(width) { base_ = grid_.Number(origin_ms); }

TimeBucketer::TimeBucketer(BucketWidth width, int64_t origin_ms, int64_t end_ms, const TimeZone* zone)
    : TimeBucketer(width, origin_ms) {
  if (zone == nullptr || zone->IsUtc() || (width.ms <= 0 && width.months <= 0)) return;
  // Room for the bucket that holds origin_ms (it may start a bucket's length earlier, plus a
  // day of offset changes) and for the one that holds end_ms.
  const int64_t margin = (width.months > 0 ? width.months * 31 * kDayMs : width.ms) + 2 * kDayMs;
  const int64_t lo = SaturatingAdd(origin_ms, -margin);
  const int64_t hi = std::min(SaturatingAdd(std::max(end_ms, origin_ms), margin), SaturatingAdd(lo, kMaxZoneWindowMs));
  zoned_ = std::make_shared<const ZonedBuckets>(width, *zone, lo, hi);
  base_ = zoned_->Number(origin_ms);
}

Result<TimeBucketer> MakeTimeBucketer(BucketWidth width, int64_t from_ms, int64_t to_ms, std::string_view tz) {
  if (IsUtcName(tz)) return TimeBucketer(width, from_ms);
  Result<std::shared_ptr<const TimeZone>> zone = TimeZone::Load(tz);
  if (!zone.ok()) return zone.status();
  return TimeBucketer(width, from_ms, to_ms, zone->get());
}

std::optional<int64_t> TimeBucketer::LinearOrigin(int64_t first_ms, int64_t last_ms) const {
  if (zoned_) return zoned_->LinearOrigin(first_ms, last_ms);
  if (grid_.width().months > 0 || grid_.width().ms <= 0) return std::nullopt;
  return Start(Index(first_ms));
}

int64_t TimeBucketer::Index(int64_t ts_ms) const {
  if (zoned_) [[unlikely]] return zoned_->Number(ts_ms) - base_;
  return grid_.Number(ts_ms) - base_;
}

int64_t TimeBucketer::Start(int64_t index) const {
  const int64_t number = base_ + index;
  if (zoned_) [[unlikely]] return zoned_->Start(number);
  return grid_.Start(number);
}

}  // namespace mltrack::query
