// Local-time buckets (zoned_buckets.h, TimeBucketer with a zone): literal expectations computed
// with Python's zoneinfo, and the bucket starts of every zone on this machine against the
// boundaries enumerated straight from their definition.
#include "query/zoned_buckets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "query/time_bucket.h"

namespace mltrack::query {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDayMs = 86'400'000;

std::shared_ptr<const TimeZone> Zone(const char* name) {
  Result<std::shared_ptr<const TimeZone>> zone = TimeZone::Load(name);
  EXPECT_TRUE(zone.ok()) << name << ": " << zone.status().ToString();
  return zone.ok() ? *zone : nullptr;
}

// The bucket starts TimeBucketer gives over [from, to).
std::vector<int64_t> Starts(BucketWidth width, const char* zone, int64_t from, int64_t to) {
  const TimeBucketer bucketer(width, from, to, Zone(zone).get());
  std::vector<int64_t> starts;
  for (int64_t index = bucketer.Index(from); index <= bucketer.Index(to - 1); ++index) {
    starts.push_back(bucketer.Start(index));
  }
  return starts;
}

// Every expected instant below was computed independently with Python's zoneinfo
// (datetime(..., tzinfo=ZoneInfo(zone)).timestamp() * 1000), run by hand and pasted here.
TEST(ZonedBucketsTest, DaysAcrossDaylightSavingChanges) {
  // Berlin: March 28–31 2026 local midnights; March 29 has 23 hours (1774738800000 →
  // 1774821600000), October 25 has 25 (1792879200000 → 1792969200000).
  EXPECT_EQ(Starts({kDayMs, 0}, "Europe/Berlin", 1774656000000, 1774915200000),
            (std::vector<int64_t>{1774652400000, 1774738800000, 1774821600000, 1774908000000}));
  EXPECT_EQ(Starts({kDayMs, 0}, "Europe/Berlin", 1792800000000, 1793059200000),
            (std::vector<int64_t>{1792792800000, 1792879200000, 1792969200000, 1793055600000}));
  // New York: March 7–10 (the 8th has 23 hours), October 31 – November 3 (November 1: 25).
  EXPECT_EQ(Starts({kDayMs, 0}, "America/New_York", 1772870400000, 1773129600000),
            (std::vector<int64_t>{1772859600000, 1772946000000, 1773028800000, 1773115200000}));
  EXPECT_EQ(Starts({kDayMs, 0}, "America/New_York", 1793433600000, 1793692800000),
            (std::vector<int64_t>{1793419200000, 1793505600000, 1793595600000, 1793682000000}));
}

TEST(ZonedBucketsTest, HoursAcrossDaylightSavingChanges) {
  // Berlin spring: local 23:00, 00:00, 01:00, then 03:00, 04:00, 05:00 (22:00Z … 04:00Z).
  EXPECT_EQ(Starts({kHourMs, 0}, "Europe/Berlin", 1774735200000, 1774756800000),
            (std::vector<int64_t>{1774735200000, 1774738800000, 1774742400000, 1774746000000, 1774749600000,
                                  1774753200000}));
  // Berlin fall: 00:00, 01:00, 02:00 CEST, 02:00 CET, 03:00, 04:00 (22:00Z … 04:00Z).
  EXPECT_EQ(Starts({kHourMs, 0}, "Europe/Berlin", 1792879200000, 1792900800000),
            (std::vector<int64_t>{1792879200000, 1792882800000, 1792886400000, 1792890000000, 1792893600000,
                                  1792897200000}));
  // 6 hours: local 00:00 (23:00Z), 06:00 CEST (04:00Z), 12:00, 18:00 on March 29.
  EXPECT_EQ(Starts({6 * kHourMs, 0}, "Europe/Berlin", 1774738800000, 1774821600000),
            (std::vector<int64_t>{1774738800000, 1774756800000, 1774778400000, 1774800000000}));
}

TEST(ZonedBucketsTest, HalfAndQuarterHourZones) {
  // Kolkata (+05:30): local 05:00, 06:00, 07:00 on 2026-01-01 start at xx:30Z; midnight is 18:30Z.
  EXPECT_EQ(Starts({kHourMs, 0}, "Asia/Kolkata", 1767223800000, 1767234600000),
            (std::vector<int64_t>{1767223800000, 1767227400000, 1767231000000}));
  EXPECT_EQ(Starts({kDayMs, 0}, "Asia/Kolkata", 1767205800000, 1767205800001),
            (std::vector<int64_t>{1767205800000}));
  // Kathmandu (+05:45): local hours 04:00 … 07:00 start at xx:15Z, half hours at xx:15 / xx:45.
  EXPECT_EQ(Starts({kHourMs, 0}, "Asia/Kathmandu", 1767219300000, 1767233700000),
            (std::vector<int64_t>{1767219300000, 1767222900000, 1767226500000, 1767230100000}));
  EXPECT_EQ(Starts({30 * kMinuteMs, 0}, "Asia/Kathmandu", 1767224700000, 1767231900000),
            (std::vector<int64_t>{1767224700000, 1767226500000, 1767228300000, 1767230100000}));
  // 15 minutes in Kathmandu coincide with UTC quarter hours (5 h 45 is a multiple).
  EXPECT_EQ(Starts({15 * kMinuteMs, 0}, "Asia/Kathmandu", 1767225600000, 1767227400000),
            Starts({15 * kMinuteMs, 0}, "Etc/UTC", 1767225600000, 1767227400000));
}

TEST(ZonedBucketsTest, WeeksAndMonths) {
  // New York weeks: Monday March 2 (EST) and March 9 (EDT) 2026.
  EXPECT_EQ(Starts({7 * kDayMs, 0}, "America/New_York", 1772427600000, 1773100000000),
            (std::vector<int64_t>{1772427600000, 1773028800000}));
  // New York months: March 1 (EST), April 1 (EDT) … November 1 (EDT), December 1 (EST).
  const std::vector<int64_t> ny = Starts({0, 1}, "America/New_York", 1772341200000, 1796101200001);
  ASSERT_EQ(ny.size(), 10u);
  EXPECT_EQ(ny[0], 1772341200000);
  EXPECT_EQ(ny[1], 1775016000000);
  EXPECT_EQ(ny[8], 1793505600000);
  EXPECT_EQ(ny[9], 1796101200000);
  // Berlin, every month of 2026.
  EXPECT_EQ(Starts({0, 1}, "Europe/Berlin", 1767222000000, 1796079600001),
            (std::vector<int64_t>{1767222000000, 1769900400000, 1772319600000, 1774994400000, 1777586400000,
                                  1780264800000, 1782856800000, 1785535200000, 1788213600000, 1790805600000,
                                  1793487600000, 1796079600000}));
  // Quarters (3M) in Berlin: January 1, April 1, July 1, October 1.
  EXPECT_EQ(Starts({0, 3}, "Europe/Berlin", 1767222000000, 1796079600000),
            (std::vector<int64_t>{1767222000000, 1774994400000, 1782856800000, 1790805600000}));
}

// A UTC zone file gives the UTC bucketer's answers; the cut-off window keeps a range to the far
// future cheap.
TEST(ZonedBucketsTest, UtcZonesAndHugeRanges) {
  for (BucketWidth width : {BucketWidth{kHourMs, 0}, BucketWidth{7 * kDayMs, 0}, BucketWidth{0, 1}}) {
    const TimeBucketer utc(width, 1767225600000);
    const TimeBucketer zoned(width, 1767225600000, 1800000000000, Zone("Etc/UTC").get());
    for (int64_t ts = 1767225600000; ts < 1800000000000; ts += 7'777'777'777) {
      EXPECT_EQ(utc.Index(ts), zoned.Index(ts));
      EXPECT_EQ(utc.Start(utc.Index(ts)), zoned.Start(zoned.Index(ts)));
    }
  }
  const TimeBucketer far(BucketWidth{kDayMs, 0}, 0, INT64_MAX, Zone("Europe/Berlin").get());
  EXPECT_EQ(far.Start(far.Index(1774740600000)), 1774738800000);  // 2026-03-29, a 23-hour day
}

// The bucket starts of one zone over [from, to), enumerated from the definition: an instant
// whose local reading is aligned, within a span of constant offset; the instant of an offset
// change when the clock showed or skipped an aligned reading (forward: one in [before, after];
// back: `after` itself aligned).
std::vector<int64_t> EnumeratedStarts(BucketWidth width, const TimeZone& zone, int64_t from, int64_t to) {
  auto aligned_at_or_after = [&](int64_t local) {  // smallest aligned reading ≥ local
    if (width.months > 0) {
      int64_t year;
      unsigned month, day;
      CivilFromDays(local >= 0 ? local / kDayMs : -((-local + kDayMs - 1) / kDayMs), year, month, day);
      int64_t month_abs = year * 12 + (month - 1);
      int64_t candidate_month = month_abs - ((month_abs % width.months) + width.months) % width.months;
      while (true) {
        const int64_t y = candidate_month >= 0 ? candidate_month / 12 : -((-candidate_month + 11) / 12);
        const int64_t start = DaysFromCivil(y, static_cast<unsigned>(candidate_month - y * 12) + 1, 1) * kDayMs;
        if (start >= local) return start;
        candidate_month += width.months;
      }
    }
    const int64_t align = width.ms % (7 * kDayMs) == 0 ? 4 * kDayMs : 0;
    const int64_t shifted = local - align;
    const int64_t floor = shifted >= 0 ? shifted / width.ms : -((-shifted + width.ms - 1) / width.ms);
    const int64_t candidate = floor * width.ms + align;
    return candidate >= local ? candidate : candidate + width.ms;
  };
  const std::vector<TimeZone::Span> spans = zone.Spans(from, to);
  std::vector<int64_t> starts;
  for (size_t idx = 0; idx < spans.size(); ++idx) {
    const int64_t begin = spans[idx].start_ms;
    const int64_t end = idx + 1 < spans.size() ? spans[idx + 1].start_ms : to;
    const int64_t offset = int64_t{spans[idx].offset_s} * 1000;
    if (idx > 0) {
      const int64_t before = begin + int64_t{spans[idx - 1].offset_s} * 1000;
      const int64_t after = begin + offset;
      const bool boundary = after > before ? aligned_at_or_after(before) <= after : aligned_at_or_after(after) == after;
      if (boundary) starts.push_back(begin);
    }
    for (int64_t local = aligned_at_or_after(begin + offset + (idx > 0 ? 1 : 0)); local - offset < end;
         local = aligned_at_or_after(local + 1)) {
      starts.push_back(local - offset);
    }
  }
  return starts;
}

// Every zone file on this machine, several widths: the starts TimeBucketer gives are exactly the
// enumerated ones, and Index maps each start (and the instant before the next) back to its bucket.
TEST(ZonedBucketsTest, EveryZoneMatchesTheDefinition) {
  const std::filesystem::path root = "/usr/share/zoneinfo";
  if (!std::filesystem::exists(root / "Europe" / "Berlin")) GTEST_SKIP() << "no tzdata";
  struct Range {
    BucketWidth width;
    int64_t from;
    int64_t to;
  };
  const Range ranges[] = {
      {{kHourMs, 0}, 1735689600000, 1767225600000},       // 2025, hourly
      {{15 * kMinuteMs, 0}, 1774000000000, 1775000000000},  // March 2026, quarter hours
      {{kDayMs, 0}, 631152000000, 2208988800000},          // 1990–2040, days
      {{7 * kDayMs, 0}, 946684800000, 1893456000000},      // 2000–2030, weeks
      {{0, 1}, 0, 2208988800000},                          // 1970–2040, months
      {{6 * kHourMs, 0}, 1262304000000, 1420070400000},    // 2010–2015, 6 hours
  };
  size_t zones = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const std::string name = std::filesystem::relative(entry.path(), root).string();
    if (!entry.is_regular_file() || name.starts_with("right/") || name.starts_with("posix/")) continue;
    Result<std::shared_ptr<const TimeZone>> zone = TimeZone::Load(name);
    if (!zone.ok()) continue;  // zone.tab, tzdata.zi, leapseconds, ...
    ++zones;
    for (const Range& range : ranges) {
      const TimeBucketer bucketer(range.width, range.from, range.to, zone->get());
      std::vector<int64_t> got;
      const int64_t first = bucketer.Index(range.from);
      const int64_t last = bucketer.Index(range.to - 1);
      for (int64_t index = first; index <= last; ++index) {
        got.push_back(bucketer.Start(index));
        ASSERT_EQ(bucketer.Index(got.back()), index) << name;
        if (index > first) {
          ASSERT_EQ(bucketer.Index(got.back() - 1), index - 1) << name;
        }
      }
      std::vector<int64_t> expected = EnumeratedStarts(range.width, **zone, range.from, range.to);
      // The first bucket holds `from` and may start before it.
      if (expected.empty() || expected.front() != range.from) {
        ASSERT_LE(got.front(), range.from) << name;
        got.erase(got.begin());
      }
      ASSERT_EQ(got, expected) << name << " width " << range.width.ms << "ms/" << range.width.months << "M";
    }
  }
  EXPECT_GT(zones, 300u);
}

}  // namespace
}  // namespace mltrack::query
