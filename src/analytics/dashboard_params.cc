#include "analytics/dashboard_params.h"

#include <algorithm>
#include <array>
#include <map>
#include <string_view>

#include "core/time.h"
#include "query/query_parser.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr std::array<std::string_view, 5> kDimensionParams = {"experiment", "model", "provider",
                                                              "user", "team"};
}  // namespace

Result<DashboardParams> ParseDashboardParams(const QueryParams& params, int64_t now_ms,
                                             const std::vector<std::string>& extra_allowed) {
  DashboardParams out;
  out.to_ms = now_ms;
  out.from_ms = now_ms - 30 * kDayMs;
  std::map<std::string, std::vector<std::string>, std::less<>> dimension_values;
  std::vector<ErrorDetail> errors;

  for (const auto& [key, value] : params) {
    const bool common = key == "from" || key == "to" || key == "tag" || key == "bucket" || key == "tz" ||
                        std::find(kDimensionParams.begin(), kDimensionParams.end(), key) != kDimensionParams.end();
    if (!common && std::find(extra_allowed.begin(), extra_allowed.end(), key) == extra_allowed.end()) {
      errors.push_back({-1, key, "unknown parameter"});
      continue;
    }
    if (value.empty()) {  // "score=" must not silently mean the default
      errors.push_back({-1, key, "must not be empty"});
      continue;
    }
    if (key == "from" || key == "to") {
      Result<int64_t> parsed = ParseTimeParam(value, now_ms);
      if (parsed.ok()) {
        if (Status in_range = CheckApiTime(*parsed); !in_range.ok()) parsed = in_range;
      }
      if (!parsed.ok()) {
        errors.push_back({-1, key, parsed.status().message()});
        continue;
      }
      (key == "from" ? out.from_ms : out.to_ms) = *parsed;
    } else if (std::find(kDimensionParams.begin(), kDimensionParams.end(), key) !=
               kDimensionParams.end()) {
      dimension_values[key].push_back(value);
    } else if (key == "tag") {
      size_t colon = value.find(':');
      if (colon == std::string::npos || colon == 0) {
        errors.push_back({-1, "tag", "must be key:value, got \"" + value + "\""});
        continue;
      }
      query::Filter filter;
      filter.field = FieldRef{FieldId::kTag, value.substr(0, colon)};
      filter.op = query::FilterOp::kEq;
      filter.values.emplace_back(value.substr(colon + 1));
      out.filters.push_back(std::move(filter));
    } else if (key == "bucket") {
      if (value != "auto" && value != "1M" && !ParseDuration(value).ok()) {
        errors.push_back({-1, "bucket", "must be auto or a duration like 1h, 1d, 1w, 1M"});
        continue;
      }
      out.bucket = value;
    } else if (key == "tz") {
      Status valid = query::ValidateTimeZone(value);
      if (!valid.ok()) {
        errors.push_back(valid.details().at(0));
        continue;
      }
      out.tz = value;
    }
  }
  if (errors.empty() && out.from_ms >= out.to_ms) {
    errors.push_back({-1, "from", "must be before to"});
  }
  if (!errors.empty()) {
    return Status::InvalidArgument("invalid dashboard parameters", std::move(errors));
  }
  for (auto& [key, values] : dimension_values) {
    query::Filter filter;
    filter.field = *ParseFieldRef(key);
    filter.op = values.size() == 1 ? query::FilterOp::kEq : query::FilterOp::kIn;
    for (std::string& value : values) filter.values.emplace_back(std::move(value));
    out.filters.push_back(std::move(filter));
  }
  return out;
}

}  // namespace mltrack::analytics
