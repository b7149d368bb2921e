#include "core/posix_tz_rule.h"

#include <algorithm>
#include <cctype>
#include <chrono>

namespace mltrack {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr int64_t kDaySeconds = 86'400;

// A cursor over the TZ string; every Parse* returns false on malformed input.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}
  bool done() const { return pos_ == text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  bool Accept(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  // A zone abbreviation: 3+ letters, or <3+ letters, digits, '+' or '-'>.
  bool ParseName() {
    size_t length = 0;
    if (Accept('<')) {
      while (!done() && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '+' || peek() == '-')) {
        ++pos_;
        ++length;
      }
      return Accept('>') && length >= 3;
    }
    while (!done() && std::isalpha(static_cast<unsigned char>(peek()))) {
      ++pos_;
      ++length;
    }
    return length >= 3;
  }

  // [+|-]hh[:mm[:ss]] with hh ≤ max_hours, in seconds.
  bool ParseHms(int max_hours, int32_t* seconds) {
    int sign = 1;
    if (Accept('-')) sign = -1;
    else Accept('+');
    int hours = 0, minutes = 0, secs = 0;
    if (!ParseNumber(0, max_hours, &hours)) return false;
    if (Accept(':')) {
      if (!ParseNumber(0, 59, &minutes)) return false;
      if (Accept(':') && !ParseNumber(0, 59, &secs)) return false;
    }
    *seconds = sign * (hours * 3600 + minutes * 60 + secs);
    return true;
  }

  bool ParseDate(PosixTzRule::Date* date) {
    using Kind = PosixTzRule::Date::Kind;
    if (Accept('J')) {
      date->kind = Kind::kJulianNoLeap;
      if (!ParseNumber(1, 365, &date->day)) return false;
    } else if (Accept('M')) {
      date->kind = Kind::kMonthWeekDay;
      if (!ParseNumber(1, 12, &date->month) || !Accept('.') || !ParseNumber(1, 5, &date->week) || !Accept('.') ||
          !ParseNumber(0, 6, &date->weekday)) {
        return false;
      }
    } else {
      date->kind = Kind::kZeroBasedDay;
      if (!ParseNumber(0, 365, &date->day)) return false;
    }
    date->time_s = 2 * 3600;
    return !Accept('/') || ParseHms(167, &date->time_s);
  }

 private:
  // 1–3 decimal digits in [low, high].
  bool ParseNumber(int low, int high, int* value) {
    int digits = 0;
    *value = 0;
    while (!done() && std::isdigit(static_cast<unsigned char>(peek())) && digits < 3) {
      *value = *value * 10 + (text_[pos_++] - '0');
      ++digits;
    }
    return digits > 0 && *value >= low && *value <= high;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

bool IsLeap(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// Days since 1970-01-01 of a rule date in `year`.
int64_t DayOf(const PosixTzRule::Date& date, int64_t year) {
  using Kind = PosixTzRule::Date::Kind;
  const std::chrono::year y{static_cast<int>(year)};
  const int64_t january_first = sys_days{y / std::chrono::January / 1}.time_since_epoch().count();
  switch (date.kind) {
    case Kind::kJulianNoLeap:
      return january_first + date.day - 1 + (IsLeap(year) && date.day >= 60 ? 1 : 0);
    case Kind::kZeroBasedDay:
      return january_first + date.day;
    case Kind::kMonthWeekDay: {
      const std::chrono::month month{static_cast<unsigned>(date.month)};
      const std::chrono::weekday weekday{static_cast<unsigned>(date.weekday)};
      const sys_days day = date.week == 5
                               ? sys_days{y / month / weekday[std::chrono::last]}
                               : sys_days{y / month / weekday[static_cast<unsigned>(date.week)]};
      return day.time_since_epoch().count();
    }
  }
  return january_first;
}

int64_t YearOf(int64_t epoch_s) {
  const int64_t day = epoch_s >= 0 ? epoch_s / kDaySeconds : -((-epoch_s + kDaySeconds - 1) / kDaySeconds);
  const std::chrono::year_month_day date{sys_days{days{day}}};
  return static_cast<int>(date.year());
}

}  // namespace

std::optional<PosixTzRule> PosixTzRule::Parse(std::string_view text) {
  Reader reader(text);
  PosixTzRule rule;
  int32_t west = 0;
  if (!reader.ParseName() || !reader.ParseHms(24, &west)) return std::nullopt;
  rule.std_offset_s = -west;
  if (reader.done()) return rule;
  if (!reader.ParseName()) return std::nullopt;
  rule.has_dst = true;
  rule.dst_offset_s = rule.std_offset_s + 3600;
  if (reader.peek() != ',') {
    if (!reader.ParseHms(24, &west)) return std::nullopt;
    rule.dst_offset_s = -west;
  }
  if (!reader.Accept(',') || !reader.ParseDate(&rule.start) || !reader.Accept(',') ||
      !reader.ParseDate(&rule.end) || !reader.done()) {
    return std::nullopt;
  }
  return rule;
}

void PosixTzRule::AppendYear(int64_t year, std::vector<std::pair<int64_t, int32_t>>* out) const {
  if (!has_dst) return;
  // A start is written in standard time, an end in daylight time.
  const int64_t starts = DayOf(start, year) * kDaySeconds + start.time_s - std_offset_s;
  const int64_t ends = DayOf(end, year) * kDaySeconds + end.time_s - dst_offset_s;
  if (starts <= ends) {
    out->emplace_back(starts, dst_offset_s);
    out->emplace_back(ends, std_offset_s);
  } else {
    out->emplace_back(ends, std_offset_s);
    out->emplace_back(starts, dst_offset_s);
  }
}

int32_t PosixTzRule::OffsetAt(int64_t epoch_s) const {
  if (!has_dst) return std_offset_s;
  // Years 1 … 9999 (std::chrono::year's range is ±32767); beyond, the rule of those years.
  epoch_s = std::clamp<int64_t>(epoch_s, -62'135'596'800, 253'402'300'799);
  // The last change at or before the instant, among the changes of the years around it (rule
  // times reach ±167 h, so a year's changes may fall in the next or previous calendar year).
  std::vector<std::pair<int64_t, int32_t>> changes;
  const int64_t year = YearOf(epoch_s);
  for (int64_t y = year - 1; y <= year + 1; ++y) AppendYear(y, &changes);
  std::stable_sort(changes.begin(), changes.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  int32_t offset = changes.front().second == dst_offset_s ? std_offset_s : dst_offset_s;
  for (const auto& [instant, after] : changes) {
    if (instant > epoch_s) break;
    offset = after;
  }
  return offset;
}

}  // namespace mltrack
