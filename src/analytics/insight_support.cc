#include "analytics/insight_support.h"

#include <cmath>
#include <cstdio>

namespace mltrack::analytics {

query::Filter EqFilter(FieldRef field, query::FilterValue value) {
  query::Filter filter;
  filter.field = std::move(field);
  filter.op = query::FilterOp::kEq;
  filter.values.push_back(std::move(value));
  return filter;
}

query::Filter ExistsFilter(FieldRef field) {
  query::Filter filter;
  filter.field = std::move(field);
  filter.op = query::FilterOp::kExists;
  return filter;
}

std::string FormatCount(double value) {
  const long long rounded = std::llround(value);
  std::string digits = std::to_string(rounded < 0 ? -rounded : rounded);
  for (int pos = static_cast<int>(digits.size()) - 3; pos > 0; pos -= 3) digits.insert(static_cast<size_t>(pos), ",");
  return rounded < 0 ? "-" + digits : digits;
}

std::string FormatPct(double share) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f %%", share * 100);
  return buffer;
}

std::string FormatUsd(double usd) {
  char buffer[48];
  if (std::abs(usd) >= 1000) return "$" + FormatCount(usd);
  std::snprintf(buffer, sizeof(buffer), std::abs(usd) >= 0.1 || usd == 0 ? "$%.2f" : "$%.2g", usd);
  return buffer;
}

std::string FormatScore(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3g", value);
  return buffer;
}

std::string FormatRatio(double ratio) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f×", ratio);
  return buffer;
}

}  // namespace mltrack::analytics
