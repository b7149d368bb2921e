#include "query/time_bucket.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <string>

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

Result<BucketWidth> ParseBucket(std::string_view text, int64_t from_ms, int64_t to_ms) {
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

int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t days, int64_t& year, unsigned& month, unsigned& day) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int64_t>(yoe) + era * 400 + (month <= 2);
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
