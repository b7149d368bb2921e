// Metrics ("sum:cost_usd", "p99.9:latency_ms") and bin group_by items ("bin:250:latency_ms") of a
// QuerySpec (declared in query_parser.h).
#include <charconv>
#include <cmath>
#include <string>

#include "core/event.h"
#include "query/parse_support.h"
#include "query/query_parser.h"

namespace mltrack::query {

using parse::IsQueryable;
using parse::IsValidPercentileText;

Result<MetricSpec> ParseMetric(std::string_view text, std::string_view path, int64_t index) {
  auto error = [&](std::string reason) {
    return Status::InvalidArgument("invalid metric \"" + std::string(text) + "\": " + reason,
                                   {{index, std::string(path), std::move(reason)}});
  };
  MetricSpec metric;
  metric.name = std::string(text);
  if (text == "count") {
    metric.kind = AggregateKind::kCount;
    return metric;
  }
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return error("unknown metric \"" + std::string(text) + "\" (use count or <agg>:<field> with agg one of count, sum, avg, min, max, var, stddev, p<N>, uniq, rate)");
  }
  std::string_view agg = text.substr(0, colon);
  std::string_view field_name = text.substr(colon + 1);
  if (agg == "rate") {
    if (field_name != "error" && field_name != "cache_hit" && field_name != "streaming") {
      return error("rate applies to error, cache_hit or streaming, not \"" + std::string(field_name) + "\"");
    }
    metric.kind = AggregateKind::kRate;
    metric.rate_of = std::string(field_name);
    return metric;
  }
  if (agg == "sum") metric.kind = AggregateKind::kSum;
  else if (agg == "avg") metric.kind = AggregateKind::kAvg;
  else if (agg == "min") metric.kind = AggregateKind::kMin;
  else if (agg == "max") metric.kind = AggregateKind::kMax;
  else if (agg == "uniq") metric.kind = AggregateKind::kUniq;
  else if (agg == "var") metric.kind = AggregateKind::kVar;
  else if (agg == "stddev") metric.kind = AggregateKind::kStddev;
  else if (agg.size() > 1 && agg[0] == 'p') {
    std::string_view number = agg.substr(1);
    double percentile = -1;
    if (IsValidPercentileText(number)) {
      std::from_chars(number.data(), number.data() + number.size(), percentile);
    }
    if (!(percentile >= 0 && percentile <= 100)) {
      return error("percentile must be p<N> with N a number in [0, 100], got \"" + std::string(agg) + "\"");
    }
    metric.kind = AggregateKind::kPercentile;
    metric.percentile = percentile;
  } else if (agg == "count") {
    metric.kind = AggregateKind::kCountPresent;
  } else {
    return error("unknown aggregate \"" + std::string(agg) + "\" (one of count, sum, avg, min, max, var, stddev, p<N>, uniq, rate)");
  }
  if (field_name == "ts") {
    // The event time is no measure: only its first and last value per group are asked for.
    if (metric.kind != AggregateKind::kMin && metric.kind != AggregateKind::kMax) {
      return error("ts is allowed only in min:ts and max:ts (the group's first and last event time)");
    }
    metric.field = FieldRef{FieldId::kTs, {}};
    return metric;
  }
  std::optional<FieldRef> field = ParseFieldRef(field_name);
  if (!field || !IsQueryable(*field)) {
    return error("unknown field \"" + std::string(field_name) + "\"");
  }
  metric.field = *field;
  const FieldInfo& info = GetFieldInfo(field->id);
  bool measure = field->id == FieldId::kScore || (field->id != FieldId::kTag && info.measure);
  if (metric.kind != AggregateKind::kUniq && metric.kind != AggregateKind::kCountPresent && !measure) {
    return error(std::string(agg) + " needs a numeric field; \"" + std::string(field_name) + "\" is not (use uniq or group_by)");
  }
  return metric;
}

Result<std::pair<FieldRef, GroupBin>> ParseGroupBin(std::string_view text, std::string_view path,
                                                    int64_t index) {
  auto error = [&](std::string reason) {
    reason = "invalid bin \"" + std::string(text) + "\": " + reason;
    return Status::InvalidArgument(reason, {{index, std::string(path), reason}});
  };
  if (!text.starts_with("bin:")) return error("expected bin:<width>:<measure>");
  std::string_view rest = text.substr(4);
  const size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return error("expected bin:<width>:<measure>, e.g. bin:250:latency_ms");
  std::string_view width = rest.substr(0, colon);
  std::string_view field_name = rest.substr(colon + 1);
  GroupBin bin;
  bin.name = std::string(text);
  // The width as an exact decimal: digits with at most one '.', like "250" or "0.05".
  if (!IsValidPercentileText(width)) {
    return error("width must be a positive decimal number such as 250 or 0.05, got \"" + std::string(width) + "\"");
  }
  int64_t units = 0;
  int32_t decimals = 0;
  bool after_dot = false;
  for (char c : width) {
    if (c == '.') {
      after_dot = true;
      continue;
    }
    if (units > (int64_t{1} << 50)) return error("width has too many digits");
    units = units * 10 + (c - '0');
    decimals += after_dot ? 1 : 0;
  }
  if (units == 0) return error("width must be greater than 0");
  if (decimals > 15) return error("width has more than 15 decimals");
  bin.width_units = units;
  bin.width_decimals = decimals;
  std::optional<FieldRef> field = ParseFieldRef(field_name);
  if (!field || !IsQueryable(*field)) return error("unknown field \"" + std::string(field_name) + "\"");
  const bool measure = field->id == FieldId::kScore || (field->id != FieldId::kTag && GetFieldInfo(field->id).measure);
  if (!measure) return error("\"" + std::string(field_name) + "\" is not a numeric field");
  return std::pair<FieldRef, GroupBin>{*field, std::move(bin)};
}

}  // namespace mltrack::query
