#include "analytics/anomaly_explain.h"

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "query/time_bucket.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr std::array<const char*, 7> kWeekdays = {"Thursday", "Friday", "Saturday", "Sunday",
                                                  "Monday", "Tuesday", "Wednesday"};  // from 1970-01-01
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string_view FieldOf(std::string_view metric) {
  const size_t colon = metric.find(':');
  return colon == std::string_view::npos ? std::string_view() : metric.substr(colon + 1);
}

std::string Grouped(int64_t whole) {
  std::string digits = std::to_string(std::llabs(whole));
  for (int pos = static_cast<int>(digits.size()) - 3; pos > 0; pos -= 3) digits.insert(pos, ",");
  return (whole < 0 ? "-" : "") + digits;
}

std::string Printf(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof(text), format, value);
  return text;
}

int64_t DayOf(int64_t t) { return t >= 0 ? t / kDayMs : (t - kDayMs + 1) / kDayMs; }

std::string ClockOf(int64_t t) {
  const int64_t minutes = (t - DayOf(t) * kDayMs) / 60'000;
  char text[8];
  std::snprintf(text, sizeof(text), "%02d:%02d", static_cast<int>(minutes / 60), static_cast<int>(minutes % 60));
  return text;
}

std::string DateOf(int64_t t) {
  int64_t year = 0;
  unsigned month = 1, day = 1;
  query::CivilFromDays(DayOf(t), year, month, day);
  const int64_t weekday = ((DayOf(t) % 7) + 7) % 7;
  return std::string(kWeekdays[weekday]).substr(0, 3) + " " + std::to_string(day) + " " + kMonths[month - 1];
}

}  // namespace

std::string MetricLabel(std::string_view metric) {
  if (metric == "sum:cost_usd") return "Cost";
  if (metric == "count") return "Calls";
  if (metric == "rate:error") return "Error rate";
  if (metric == "rate:cache_hit") return "Cache hit rate";
  if (metric == "avg:latency_ms") return "Average latency";
  if (metric == "avg:ttft_ms") return "Average time to first token";
  if (metric.size() > 2 && metric[0] == 'p' && FieldOf(metric) == "latency_ms") {
    return std::string(metric.substr(0, metric.find(':'))) + " latency";
  }
  if (metric.size() > 2 && metric[0] == 'p' && FieldOf(metric) == "ttft_ms") {
    return std::string(metric.substr(0, metric.find(':'))) + " time to first token";
  }
  return std::string(metric);
}

std::string FormatMetricValue(std::string_view metric, double value) {
  const std::string_view field = FieldOf(metric);
  if (field == "cost_usd" && metric.substr(0, 4) != "uniq") {
    if (std::abs(value) >= 1.0) return "$" + Grouped(static_cast<int64_t>(value)) + Printf("%.2f", std::fmod(std::abs(value), 1.0)).substr(1);
    return Printf("$%.4f", value);
  }
  if (metric.substr(0, 5) == "rate:") return Printf("%.1f%%", value * 100.0);
  if (field.size() > 3 && field.substr(field.size() - 3) == "_ms") return Grouped(std::llround(value)) + " ms";
  if (metric == "count" || metric.substr(0, 4) == "sum:" || metric.substr(0, 5) == "uniq:") {
    if (std::abs(value - std::round(value)) < 1e-9) return Grouped(std::llround(value));
  }
  return Printf("%.4g", value);
}

std::string ExplainAnomaly(const ExplainInput& input) {
  std::string subject = MetricLabel(input.metric);
  if (input.dimension.empty()) {
    subject = "Total " + (subject.empty() ? subject : std::string(1, static_cast<char>(std::tolower(subject[0]))) + subject.substr(1));
  } else if (input.dimension.substr(0, 5) == "tags.") {
    subject += " of tag " + std::string(input.dimension.substr(5)) + "=" + std::string(input.key);
  } else {
    subject += " of " + std::string(input.dimension) + " " + std::string(input.key);
  }
  const bool daily_buckets = input.bucket_ms >= kDayMs;
  const std::string when = daily_buckets ? "on " + DateOf(input.t)
                                         : "at " + ClockOf(input.t) + " UTC on " + DateOf(input.t);
  std::string usual = FormatMetricValue(input.metric, input.expected);
  std::string context;
  const int64_t weekday = ((DayOf(input.t) % 7) + 7) % 7;
  if (input.seasonality == Seasonality::kWeekly) {
    context = std::string(" for a ") + kWeekdays[weekday] + (daily_buckets ? "" : " at " + ClockOf(input.t));
  } else if (input.seasonality == Seasonality::kDaily && !daily_buckets) {
    context = " for " + ClockOf(input.t);
  }
  std::string sentence = subject + " " + when + " was " + FormatMetricValue(input.metric, input.actual) + ", ";
  if (input.expected > 0 && input.actual >= input.expected) {
    sentence += Printf("%.1f", input.actual / input.expected) + "× the usual " + usual + context;
  } else if (input.expected > 0 && input.actual >= 0) {
    sentence += Printf("%.0f", 100.0 * (1.0 - input.actual / input.expected)) + "% below the usual " + usual + context;
  } else {
    sentence += std::string(input.actual > input.expected ? "above" : "below") + " the usual " + usual + context;
  }
  return sentence + ".";
}

}  // namespace mltrack::analytics
