#include "analytics/user_activity_params.h"

#include <charconv>
#include <map>
#include <string_view>

#include "core/field.h"
#include "core/json_writer.h"
#include "core/time.h"
#include "query/query_parser.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kMaxWindowMs = 90 * 86'400'000LL;

// A step "<field>:<value>" as a filter, validated by the QuerySpec parser itself (so a step
// accepts exactly what an `eq` filter of POST /api/v1/query accepts).
Result<query::Filter> ParseStepFilter(std::string_view step) {
  const size_t colon = step.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == step.size()) {
    return Status::InvalidArgument("expected <field>:<value>, e.g. tags.step:search or operation:chat");
  }
  const std::string field(step.substr(0, colon));
  const std::string value(step.substr(colon + 1));
  JsonWriter json;
  json.BeginObject();
  json.Key("metrics");
  json.BeginArray();
  json.String("count");
  json.EndArray();
  json.Key("filters");
  json.BeginArray();
  json.BeginObject();
  json.Key("field");
  json.String(field);
  json.Key("op");
  json.String("eq");
  json.Key("value");
  std::optional<FieldRef> ref = ParseFieldRef(field);
  const FieldKind kind = ref && ref->id != FieldId::kTag ? ref->kind() : FieldKind::kString;
  double number = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (kind == FieldKind::kBool && (value == "true" || value == "false")) {
    json.Bool(value == "true");
  } else if (kind != FieldKind::kString && kind != FieldKind::kEnum && kind != FieldKind::kBool &&
             ec == std::errc() && end == value.data() + value.size()) {
    json.Double(number);
  } else {
    json.String(value);
  }
  json.EndObject();
  json.EndArray();
  json.EndObject();
  Result<query::QuerySpec> spec = query::ParseQuerySpec(json.str(), 0);
  if (!spec.ok()) {
    const auto& details = spec.status().details();
    return Status::InvalidArgument(details.empty() ? spec.status().message() : details.front().reason);
  }
  return spec->filters.front();
}

}  // namespace

const std::vector<std::string>& UserActivityParamNames() {
  static const std::vector<std::string> kNames = {"sort", "top", "steps", "window"};
  return kNames;
}

Result<UserActivityParams> ParseUserActivityParams(const QueryParams& params, int64_t now_ms) {
  Result<DashboardParams> dashboard = ParseDashboardParams(params, now_ms, UserActivityParamNames());
  if (!dashboard.ok()) return dashboard.status();
  UserActivityParams out;
  out.dashboard = std::move(*dashboard);
  std::vector<ErrorDetail> errors;
  // Each of this dashboard's own parameters is given at most once (one error, not one per copy).
  std::map<std::string, size_t> given;
  for (const auto& [key, value] : params) ++given[key];
  for (const std::string& name : UserActivityParamNames()) {
    auto it = given.find(name);
    if (it == given.end() || it->second < 2) continue;
    errors.push_back({-1, name, "given " + std::to_string(it->second) + " times; give it once" +
                                    (name == "steps" ? ", the steps separated by commas" : "")});
  }
  for (const auto& [key, value] : params) {
    if (given[key] > 1) continue;
    if (key == "sort") {
      if (value == "cost") out.sort = UsageSort::kCost;
      else if (value == "calls") out.sort = UsageSort::kCalls;
      else if (value == "tokens") out.sort = UsageSort::kTokens;
      else if (value == "errors") out.sort = UsageSort::kErrors;
      else errors.push_back({-1, "sort", "must be cost, calls, tokens or errors, got \"" + value + "\""});
    } else if (key == "top") {
      int64_t top = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), top);
      if (ec != std::errc() || end != value.data() + value.size() || top < 1 || top > kMaxLeaderboard) {
        errors.push_back({-1, "top", "must be a whole number from 1 to 500, got \"" + value + "\""});
      } else {
        out.top = top;
      }
    } else if (key == "window") {
      Result<int64_t> window = ParseDuration(value);
      if (!window.ok() || *window < kMinuteMs || *window > kMaxWindowMs) {
        errors.push_back({-1, "window", "must be a duration from 1m to 90d such as 30m, 1h or 7d, got \"" + value + "\""});
      } else {
        out.window_ms = *window;
      }
    } else if (key == "steps") {
      out.steps.clear();
      size_t begin = 0;
      bool ok = true;
      while (begin <= value.size() && ok) {
        size_t comma = value.find(',', begin);
        if (comma == std::string::npos) comma = value.size();
        const std::string text = value.substr(begin, comma - begin);
        Result<query::Filter> filter = ParseStepFilter(text);
        if (!filter.ok()) {
          errors.push_back({-1, "steps", "step " + std::to_string(out.steps.size() + 1) + " \"" + text +
                                             "\": " + filter.status().message()});
          ok = false;
        } else {
          out.steps.push_back({text, std::move(*filter)});
        }
        begin = comma + 1;
      }
      if (ok && (out.steps.size() < 2 || out.steps.size() > kMaxFunnelSteps)) {
        errors.push_back({-1, "steps", "must list 2 to 10 steps separated by commas, got " +
                                           std::to_string(out.steps.size())});
      }
    }
  }
  if (!errors.empty()) return Status::InvalidArgument("invalid dashboard parameters", std::move(errors));
  return out;
}

}  // namespace mltrack::analytics
