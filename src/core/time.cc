#include "core/time.h"

#include <chrono>
#include <cstdio>
#include <limits>

#include "core/civil_date.h"

namespace mltrack {
namespace {

constexpr int64_t kMsPerSecond = 1000;
constexpr int64_t kMsPerMinute = 60 * kMsPerSecond;
constexpr int64_t kMsPerHour = 60 * kMsPerMinute;
constexpr int64_t kMsPerDay = 24 * kMsPerHour;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Reads exactly `count` digits at text[pos]; false when any is not a digit or text is short.
bool ReadDigits(std::string_view text, size_t pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t idx = pos; idx < pos + count; ++idx) {
    if (!IsDigit(text[idx])) return false;
    value = value * 10 + (text[idx] - '0');
  }
  out = value;
  return true;
}

Status BadTime(std::string_view text, std::string_view problem) {
  std::string message = "not an RFC 3339 time (\"";
  message.append(text.substr(0, 64));
  if (text.size() > 64) message += "...";
  message += "\"): ";
  message += problem;
  return Status::InvalidArgument(std::move(message));
}

// A non-negative decimal integer that fits int64; nullopt on anything else.
bool ParseUnsigned(std::string_view digits, int64_t& out) {
  if (digits.empty() || digits.size() > 18) return false;  // 18 digits always fit int64
  int64_t value = 0;
  for (char c : digits) {
    if (!IsDigit(c)) return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

}  // namespace

Result<int64_t> ParseRfc3339(std::string_view text) {
  // Layout: YYYY-MM-DDTHH:MM:SS[.fff...](Z|+HH:MM|-HH:MM); positions are fixed up to the seconds.
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, 0, 4, year) || text.size() < 5 || text[4] != '-') {
    return BadTime(text, "expected YYYY-MM-DDTHH:MM:SSZ");
  }
  if (!ReadDigits(text, 5, 2, month) || text.size() < 8 || text[7] != '-' ||
      !ReadDigits(text, 8, 2, day)) {
    return BadTime(text, "expected YYYY-MM-DD at the start");
  }
  if (text.size() < 11) return BadTime(text, "missing the time of day (THH:MM:SS) and offset");
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') {
    return BadTime(text, "expected 'T' between date and time");
  }
  if (!ReadDigits(text, 11, 2, hour) || text.size() < 14 || text[13] != ':' ||
      !ReadDigits(text, 14, 2, minute) || text.size() < 17 || text[16] != ':' ||
      !ReadDigits(text, 17, 2, second)) {
    return BadTime(text, "expected HH:MM:SS after the date");
  }
  if (month < 1 || month > 12) return BadTime(text, "month must be 01..12");
  if (day < 1 || day > DaysInMonth(year, month)) {
    return BadTime(text, "day " + std::to_string(day) + " does not exist in " +
                             std::to_string(year) + "-" + (month < 10 ? "0" : "") +
                             std::to_string(month));
  }
  if (hour > 23) return BadTime(text, "hour must be 00..23");
  if (minute > 59) return BadTime(text, "minute must be 00..59");
  if (second > 59) return BadTime(text, "second must be 00..59 (leap seconds are not supported)");

  size_t pos = 19;
  int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const size_t frac_start = pos;
    while (pos < text.size() && IsDigit(text[pos])) {
      // Digits past the third are truncated: storage keeps milliseconds.
      if (pos - frac_start < 3) millis = millis * 10 + (text[pos] - '0');
      ++pos;
    }
    if (pos == frac_start) return BadTime(text, "expected digits after '.'");
    for (size_t scale = pos - frac_start; scale < 3; ++scale) millis *= 10;
  }

  if (pos >= text.size()) return BadTime(text, "missing the UTC offset ('Z' or +HH:MM)");
  int64_t offset_minutes = 0;
  const char zone = text[pos];
  if (zone == 'Z' || zone == 'z') {
    ++pos;
  } else if (zone == '+' || zone == '-') {
    int offset_hour = 0, offset_minute = 0;
    if (!ReadDigits(text, pos + 1, 2, offset_hour) || pos + 3 >= text.size() ||
        text[pos + 3] != ':' || !ReadDigits(text, pos + 4, 2, offset_minute)) {
      return BadTime(text, "UTC offset must be +HH:MM or -HH:MM");
    }
    if (offset_hour > 23 || offset_minute > 59) return BadTime(text, "UTC offset out of range");
    offset_minutes = (offset_hour * 60 + offset_minute) * (zone == '-' ? -1 : 1);
    pos += 6;
  } else {
    return BadTime(text, "expected 'Z' or a +HH:MM offset after the seconds");
  }
  if (pos != text.size()) return BadTime(text, "unexpected text after the UTC offset");

  const int64_t days = DaysFromCivil(year, month, day);
  const int64_t local_ms = days * kMsPerDay + hour * kMsPerHour + minute * kMsPerMinute +
                           second * kMsPerSecond + millis;
  // Local time = UTC + offset, so UTC = local - offset.
  return local_ms - offset_minutes * kMsPerMinute;
}

Result<int64_t> ParseDuration(std::string_view text) {
  size_t digit_end = 0;
  while (digit_end < text.size() && IsDigit(text[digit_end])) ++digit_end;
  const std::string_view digits = text.substr(0, digit_end);
  const std::string_view unit = text.substr(digit_end);
  auto bad = [&](std::string_view problem) {
    return Status::InvalidArgument("invalid duration \"" + std::string(text.substr(0, 64)) +
                                   "\": " + std::string(problem));
  };
  if (digits.empty()) return bad("expected <number><unit>, e.g. 5m, 1h, 7d");
  int64_t count = 0;
  if (!ParseUnsigned(digits, count)) return bad("number too large");
  int64_t unit_ms = 0;
  if (unit == "ms") {
    unit_ms = 1;
  } else if (unit == "s") {
    unit_ms = kMsPerSecond;
  } else if (unit == "m") {
    unit_ms = kMsPerMinute;
  } else if (unit == "h") {
    unit_ms = kMsPerHour;
  } else if (unit == "d") {
    unit_ms = kMsPerDay;
  } else if (unit == "w") {
    unit_ms = 7 * kMsPerDay;
  } else if (unit == "M") {
    return bad("a calendar month (M) has no fixed length");
  } else if (unit.empty()) {
    return bad("missing unit (ms, s, m, h, d or w)");
  } else {
    return bad("unknown unit \"" + std::string(unit.substr(0, 16)) + "\" (use ms, s, m, h, d or w)");
  }
  if (count > std::numeric_limits<int64_t>::max() / unit_ms) return bad("duration too large");
  return count * unit_ms;
}

Result<int64_t> ParseTimeParam(std::string_view text, int64_t now_ms) {
  if (text == "now") return now_ms;
  if (text.starts_with("now")) {
    const std::string_view rest = text.substr(3);
    if (rest.empty() || (rest[0] != '-' && rest[0] != '+')) {
      return Status::InvalidArgument("invalid time \"" + std::string(text.substr(0, 64)) +
                                     "\": expected now, now-<N><unit> or now+<N><unit>");
    }
    Result<int64_t> offset = ParseDuration(rest.substr(1));
    if (!offset.ok()) {
      return Status::InvalidArgument("invalid time \"" + std::string(text.substr(0, 64)) +
                                     "\": " + offset.status().message());
    }
    int64_t out = 0;
    const bool overflow = rest[0] == '-' ? __builtin_sub_overflow(now_ms, *offset, &out)
                                         : __builtin_add_overflow(now_ms, *offset, &out);
    if (overflow) return Status::InvalidArgument("time \"" + std::string(text) + "\" is out of range");
    return out;
  }
  if (!text.empty() && IsDigit(text[0])) {
    bool all_digits = true;
    for (char c : text) all_digits = all_digits && IsDigit(c);
    if (all_digits) {
      int64_t epoch_ms = 0;
      if (!ParseUnsigned(text, epoch_ms)) {
        return Status::InvalidArgument("time \"" + std::string(text.substr(0, 64)) +
                                       "\" is out of range for epoch milliseconds");
      }
      return epoch_ms;
    }
    return ParseRfc3339(text);
  }
  return Status::InvalidArgument("invalid time \"" + std::string(text.substr(0, 64)) +
                                 "\": expected RFC 3339, epoch milliseconds, now or now-7d");
}

Status CheckApiTime(int64_t epoch_ms) {
  if (epoch_ms >= kMinEventTsMs && epoch_ms <= kMaxEventTsMs) return Status::OK();
  return Status::InvalidArgument("time " + std::to_string(epoch_ms) + (epoch_ms < kMinEventTsMs ? " (before " : " (after ") +
                                 "the range events can have, 2000-01-01T00:00:00Z to 2200-01-01T00:00:00Z)");
}

std::string FormatRfc3339(int64_t epoch_ms) {
  // Floor division so that times before 1970 still have a non-negative millisecond part.
  int64_t days = epoch_ms / kMsPerDay;
  int64_t ms_of_day = epoch_ms % kMsPerDay;
  if (ms_of_day < 0) {
    ms_of_day += kMsPerDay;
    --days;
  }
  const CivilDate date = CivilFromDays(days);
  char buffer[64];
  const int length = std::snprintf(
      buffer, sizeof(buffer), "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
      static_cast<long long>(date.year), date.month, date.day,
      static_cast<int>(ms_of_day / kMsPerHour), static_cast<int>(ms_of_day / kMsPerMinute % 60),
      static_cast<int>(ms_of_day / kMsPerSecond % 60), static_cast<int>(ms_of_day % kMsPerSecond));
  return std::string(buffer, static_cast<size_t>(length));
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace mltrack
