#include "core/time.h"

#include <gtest/gtest.h>

#include <string>

namespace mltrack {
namespace {

int64_t MustParse(std::string_view text) {
  Result<int64_t> parsed = ParseRfc3339(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
  return parsed.ok() ? *parsed : INT64_MIN;
}

std::string ErrorOf(std::string_view text) {
  Result<int64_t> parsed = ParseRfc3339(text);
  EXPECT_FALSE(parsed.ok()) << text << " parsed as " << (parsed.ok() ? *parsed : 0);
  return parsed.ok() ? "" : parsed.status().message();
}

TEST(ParseRfc3339, UtcBasics) {
  EXPECT_EQ(MustParse("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(MustParse("2026-11-27T05:28:07Z"), 1795757287000);
  EXPECT_EQ(MustParse("2000-01-01T00:00:00Z"), 946684800000);
  EXPECT_EQ(MustParse("1969-12-31T23:59:59Z"), -1000);
  EXPECT_EQ(MustParse("9999-12-31T23:59:59Z"), 253402300799000);
}

TEST(ParseRfc3339, LowerCaseAndSpaceSeparator) {
  EXPECT_EQ(MustParse("2026-11-27t05:28:07z"), 1795757287000);
  EXPECT_EQ(MustParse("2026-11-27 05:28:07Z"), 1795757287000);
}

TEST(ParseRfc3339, FractionalSecondsTruncateToMilliseconds) {
  EXPECT_EQ(MustParse("2026-11-27T05:28:07.1Z"), 1795757287100);
  EXPECT_EQ(MustParse("2026-11-27T05:28:07.12Z"), 1795757287120);
  EXPECT_EQ(MustParse("2026-11-27T05:28:07.123Z"), 1795757287123);
  EXPECT_EQ(MustParse("2026-11-27T05:28:07.123999999Z"), 1795757287123);
  EXPECT_EQ(MustParse("2026-11-27T05:28:07.000001Z"), 1795757287000);
  EXPECT_EQ(MustParse("1969-12-31T23:59:59.5Z"), -500);
}

TEST(ParseRfc3339, Offsets) {
  EXPECT_EQ(MustParse("2026-11-27T06:28:07+01:00"), 1795757287000);
  EXPECT_EQ(MustParse("2026-11-27T05:28:07.123+01:00"), 1795757287123 - 3600000);
  EXPECT_EQ(MustParse("2026-11-26T23:58:07-05:30"), 1795757287000);
  EXPECT_EQ(MustParse("2026-11-27T05:28:07+00:00"), 1795757287000);
  EXPECT_EQ(MustParse("2026-11-27T05:28:07-00:00"), 1795757287000);
  // An offset can move the instant across a year boundary.
  EXPECT_EQ(MustParse("2027-01-01T00:30:00+01:00"), MustParse("2026-12-31T23:30:00Z"));
}

TEST(ParseRfc3339, LeapYears) {
  EXPECT_EQ(MustParse("2024-02-29T00:00:00Z"), 1709164800000);
  EXPECT_EQ(MustParse("2000-02-29T00:00:00Z"), 951782400000);  // divisible by 400
  EXPECT_NE(ErrorOf("2100-02-29T00:00:00Z").find("day 29 does not exist in 2100-02"),
            std::string::npos);  // divisible by 100, not 400
  EXPECT_NE(ErrorOf("2026-02-29T00:00:00Z").find("day 29"), std::string::npos);
  EXPECT_EQ(MustParse("2024-03-01T00:00:00Z") - MustParse("2024-02-28T00:00:00Z"), 2 * 86400000);
  EXPECT_EQ(MustParse("2026-03-01T00:00:00Z") - MustParse("2026-02-28T00:00:00Z"), 86400000);
}

TEST(ParseRfc3339, RejectsBadDates) {
  EXPECT_NE(ErrorOf("2026-13-01T00:00:00Z").find("month must be 01..12"), std::string::npos);
  EXPECT_NE(ErrorOf("2026-00-01T00:00:00Z").find("month"), std::string::npos);
  EXPECT_NE(ErrorOf("2026-04-31T00:00:00Z").find("day 31 does not exist in 2026-04"),
            std::string::npos);
  EXPECT_NE(ErrorOf("2026-01-00T00:00:00Z").find("day 0"), std::string::npos);
  EXPECT_NE(ErrorOf("2026-01-01T24:00:00Z").find("hour"), std::string::npos);
  EXPECT_NE(ErrorOf("2026-01-01T23:60:00Z").find("minute"), std::string::npos);
  EXPECT_NE(ErrorOf("2026-12-31T23:59:60Z").find("leap seconds"), std::string::npos);
}

TEST(ParseRfc3339, RejectsBadSyntax) {
  EXPECT_NE(ErrorOf("2026-11-27T05:28:07").find("missing the UTC offset"), std::string::npos);
  EXPECT_NE(ErrorOf("2026-11-27").find("missing the time of day"), std::string::npos);
  EXPECT_NE(ErrorOf("2026-11-27T05:28:07Zjunk").find("unexpected text"), std::string::npos);
  EXPECT_NE(ErrorOf("2026-11-27T05:28:07.Z").find("digits after '.'"), std::string::npos);
  EXPECT_NE(ErrorOf("2026-11-27T05:28:07+0100").find("+HH:MM"), std::string::npos);
  EXPECT_NE(ErrorOf("2026-11-27T05:28:07+24:00").find("offset out of range"), std::string::npos);
  EXPECT_NE(ErrorOf("2026-11-27X05:28:07Z").find("'T'"), std::string::npos);
  EXPECT_NE(ErrorOf("2026-11-27T5:28:07Z").find("HH:MM:SS"), std::string::npos);
  EXPECT_NE(ErrorOf("26-11-27T05:28:07Z").find("YYYY"), std::string::npos);
  EXPECT_NE(ErrorOf("2026/11/27T05:28:07Z").find("YYYY"), std::string::npos);
  ErrorOf("");
  ErrorOf("now");
  ErrorOf("1764221287000");
  ErrorOf("2026-11-27T05:28:07 Z");
  ErrorOf("\xff\xfe-11-27T05:28:07Z");
}

TEST(ParseRfc3339, ErrorQuotesTheInput) {
  EXPECT_EQ(ErrorOf("2026-13-01T00:00:00Z"),
            "not an RFC 3339 time (\"2026-13-01T00:00:00Z\"): month must be 01..12");
}

TEST(FormatRfc3339, WritesMillisecondsAlways) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(1795757287123), "2026-11-27T05:28:07.123Z");
  EXPECT_EQ(FormatRfc3339(1709164800000), "2024-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatRfc3339(-500), "1969-12-31T23:59:59.500Z");
}

TEST(FormatRfc3339, RoundTripsEveryDayOfFourHundredYears) {
  // One full Gregorian cycle, at an odd time of day so that field arithmetic is exercised.
  const int64_t start = MustParse("1900-01-01T13:14:15.678Z");
  for (int64_t day = 0; day < 146097 + 10; day += 1) {
    const int64_t ms = start + day * 86400000;
    const std::string text = FormatRfc3339(ms);
    Result<int64_t> back = ParseRfc3339(text);
    ASSERT_TRUE(back.ok()) << text;
    ASSERT_EQ(*back, ms) << text;
  }
}

TEST(ParseTimeParam, Forms) {
  const int64_t now = 1795757287123;
  EXPECT_EQ(*ParseTimeParam("now", now), now);
  EXPECT_EQ(*ParseTimeParam("now-7d", now), now - 7 * 86400000LL);
  EXPECT_EQ(*ParseTimeParam("now+1h", now), now + 3600000);
  EXPECT_EQ(*ParseTimeParam("now-30m", now), now - 30 * 60000);
  EXPECT_EQ(*ParseTimeParam("now-2w", now), now - 14 * 86400000LL);
  EXPECT_EQ(*ParseTimeParam("now-15s", now), now - 15000);
  EXPECT_EQ(*ParseTimeParam("1764221287000", now), 1764221287000);
  EXPECT_EQ(*ParseTimeParam("0", now), 0);
  EXPECT_EQ(*ParseTimeParam("2026-11-27T05:28:07Z", now), 1795757287000);
}

TEST(ParseTimeParam, RejectsBadInput) {
  const int64_t now = 1795757287123;
  for (std::string_view bad : {"", "now-", "now-7", "now-7x", "now7d", "nowish", "now - 7d",
                               "-5", "yesterday", "12a", "99999999999999999999", "now-M",
                               "now-1M", "2026-11-27", "now--1d"}) {
    Result<int64_t> parsed = ParseTimeParam(bad, now);
    EXPECT_FALSE(parsed.ok()) << "\"" << bad << "\" parsed as " << (parsed.ok() ? *parsed : 0);
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    }
  }
  EXPECT_NE(ParseTimeParam("now-7x", now).status().message().find("unknown unit"),
            std::string::npos);
}

TEST(ParseTimeParam, OverflowIsAnError) {
  EXPECT_FALSE(ParseTimeParam("now+100000000000000d", INT64_MAX - 5).ok());
  EXPECT_FALSE(ParseTimeParam("now-1d", INT64_MIN + 5).ok());
}

TEST(ParseDuration, Units) {
  EXPECT_EQ(*ParseDuration("250ms"), 250);
  EXPECT_EQ(*ParseDuration("5s"), 5000);
  EXPECT_EQ(*ParseDuration("5m"), 300000);
  EXPECT_EQ(*ParseDuration("1h"), 3600000);
  EXPECT_EQ(*ParseDuration("7d"), 604800000);
  EXPECT_EQ(*ParseDuration("1w"), 604800000);
  EXPECT_EQ(*ParseDuration("0s"), 0);
}

TEST(ParseDuration, RejectsBadInput) {
  EXPECT_NE(ParseDuration("1M").status().message().find("calendar month"), std::string::npos);
  EXPECT_NE(ParseDuration("5").status().message().find("missing unit"), std::string::npos);
  EXPECT_NE(ParseDuration("h").status().message().find("expected <number><unit>"),
            std::string::npos);
  EXPECT_NE(ParseDuration("5y").status().message().find("unknown unit"), std::string::npos);
  for (std::string_view bad : {"", "-5m", "1.5h", " 5m", "5m ", "5 m", "5H", "5mm",
                               "999999999999999999w", "9999999999999999999999s"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  }
}

TEST(NowMs, IsInMilliseconds) {
  const int64_t first = NowMs();
  EXPECT_GT(first, 1735689600000);  // 2025-01-01: the clock is set and in milliseconds
  EXPECT_LT(first, 7258118400000);  // 2200-01-01
}

}  // namespace
}  // namespace mltrack
