#pragma once
// The POSIX TZ rule that ends a TZif file (RFC 8536 §3.3, "TZ string"): how local time behaves
// after the file's last transition, e.g. "CET-1CEST,M3.5.0,M10.5.0/3" or "<+0545>-5:45".
//
// Grammar (POSIX.1-2017 §8.3 "TZ", with RFC 8536's extensions): std offset [dst [offset]
// [,start[/time],end[/time]]]. Names are 3+ letters or <quoted> (letters, digits, '+', '-').
// Offsets are [+|-]hh[:mm[:ss]] WEST of UTC (so "CET-1" is UTC+1); the DST offset defaults to
// one hour east of standard time. Dates: Jn (1–365, February 29 never counted), n (0–365,
// counted), Mm.w.d (month 1–12, week 1–5 with 5 = last, weekday 0–6 from Sunday). Times are
// [+|-]hh[:mm[:ss]] with hours from −167 to 167 (default 02:00:00), in the local time in effect
// before the change. DST "all year" (RFC 8536 §3.3.1) falls out of the arithmetic: its yearly
// end and next start coincide and cancel.
//
// A plain value type; thread-safe to share once parsed.

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace mltrack {

struct PosixTzRule {
  struct Date {
    enum class Kind : uint8_t { kJulianNoLeap, kZeroBasedDay, kMonthWeekDay } kind = Kind::kMonthWeekDay;
    int day = 0;      // Jn: 1–365; n: 0–365
    int month = 0;    // Mm.w.d
    int week = 0;
    int weekday = 0;
    int32_t time_s = 2 * 3600;  // local time of day of the change, −167 h … 167 h
  };

  int32_t std_offset_s = 0;  // UTC offset of standard time, seconds EAST of UTC
  bool has_dst = false;
  int32_t dst_offset_s = 0;  // UTC offset of daylight time (has_dst)
  Date start;                // DST begins (has_dst)
  Date end;                  // DST ends (has_dst)

  // Parses a footer string; nullopt when it is malformed, or names DST without a rule (zic
  // always writes the rule).
  static std::optional<PosixTzRule> Parse(std::string_view text);

  // The UTC offset (seconds east) in effect at `epoch_s` (instants outside the years 1 … 9999
  // take the offset of the nearest of them).
  int32_t OffsetAt(int64_t epoch_s) const;

  // Appends the changes of year `year` (proleptic Gregorian, UTC calendar year of the rule's
  // dates): (instant in epoch seconds, offset from that instant on), in time order. Nothing
  // without DST.
  void AppendYear(int64_t year, std::vector<std::pair<int64_t, int32_t>>* out) const;
};

}  // namespace mltrack
