#include "analytics/model_compare.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "analytics/dashboard_support.h"
#include "analytics/run_ahead.h"
#include "analytics/stats/welch.h"
#include "analytics/stats/wilson.h"

namespace mltrack::analytics {
namespace {

using query::Cell;
using query::QueryResult;
using query::QuerySpec;

constexpr std::string_view kDefaultWeights = "cost:0.4,quality:0.4,latency:0.2";

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    items.emplace_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

Status Bad(std::string_view parameter, std::string reason) {
  return Status::InvalidArgument("invalid " + std::string(parameter), {{-1, std::string(parameter), std::move(reason)}});
}

Result<std::vector<std::pair<std::string, double>>> ParseWeights(std::string_view text) {
  std::vector<std::pair<std::string, double>> weights;
  for (const std::string& item : SplitList(text)) {
    const size_t colon = item.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return Bad("weights", "must be metric:weight,... (e.g. " + std::string(kDefaultWeights) + "), got \"" + item + "\"");
    }
    const std::string number = item.substr(colon + 1);
    char* end = nullptr;
    const double weight = std::strtod(number.c_str(), &end);
    if (number.empty() || end != number.c_str() + number.size()) {
      return Bad("weights", "the weight of " + item.substr(0, colon) + " is not a number: \"" + number + "\"");
    }
    weights.emplace_back(item.substr(0, colon), weight);
  }
  return weights;
}

// The row's value of `column`, read by name (the spec's metrics are built from data-dependent
// score names, so positions are looked up once per result).
class Columns {
 public:
  explicit Columns(const QueryResult& result) {
    for (size_t idx = 0; idx < result.columns.size(); ++idx) index_[result.columns[idx]] = idx;
  }
  const Cell& Get(const std::vector<Cell>& row, const std::string& column) const {
    static const Cell kNull;
    auto found = index_.find(column);
    return found == index_.end() ? kNull : row[found->second];
  }

 private:
  std::map<std::string, size_t, std::less<>> index_;
};

struct ModelCalls {
  int64_t calls = 0;
  int64_t output_tokens = 0;
  std::string provider;
  int64_t provider_calls = 0;
};

// Calls, output tokens and the main provider of every model in range (one count scan).
Result<QuerySpec> CallsSpec(const DashboardParams& params, const std::vector<std::string>& models) {
  QuerySpec spec = BaseSpec(params, params.from_ms, params.to_ms);
  spec.group_by = {FieldRef{FieldId::kModel, {}}, FieldRef{FieldId::kProvider, {}}};
  spec.limit = query::kMaxQueryLimit;
  if (!models.empty()) {
    query::Filter filter;
    filter.field = FieldRef{FieldId::kModel, {}};
    filter.op = query::FilterOp::kIn;
    for (const std::string& model : models) filter.values.emplace_back(model);
    spec.filters.push_back(std::move(filter));
  }
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"count", "sum:output_tokens"}));
  return spec;
}

Result<std::map<std::string, ModelCalls, std::less<>>> CallsByModel(const DashboardParams& params,
                                                                    const std::vector<std::string>& models,
                                                                    const QueryRunner& run) {
  Result<QuerySpec> spec = CallsSpec(params, models);
  if (!spec.ok()) return spec.status();
  Result<QueryResult> result = run(*spec);
  if (!result.ok()) return result.status();
  std::map<std::string, ModelCalls, std::less<>> by_model;
  for (const auto& row : result->rows) {
    if (!std::holds_alternative<std::string>(row[0])) continue;  // events without a model
    ModelCalls& calls = by_model[std::string(CellString(row[0]))];
    const int64_t count = CellInt(row[2]).value_or(0);
    calls.calls += count;
    calls.output_tokens += CellInt(row[3]).value_or(0);
    if (count > calls.provider_calls) {
      calls.provider_calls = count;
      calls.provider = std::string(CellString(row[1]));
    }
  }
  return by_model;
}

// The default: the most called models that generate text (output tokens), else the most called.
std::vector<std::string> TopModels(const std::map<std::string, ModelCalls, std::less<>>& by_model) {
  std::vector<std::pair<std::string, const ModelCalls*>> ranked;
  for (const auto& [model, calls] : by_model) ranked.emplace_back(model, &calls);
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    const bool a_text = a.second->output_tokens > 0, b_text = b.second->output_tokens > 0;
    if (a_text != b_text) return a_text;
    return a.second->calls != b.second->calls ? a.second->calls > b.second->calls : a.first < b.first;
  });
  std::vector<std::string> top;
  for (const auto& [model, calls] : ranked) {
    if (top.size() == kDefaultCompareModels) break;
    top.push_back(model);
  }
  return top;
}

Percentiles ReadPercentiles(const Columns& columns, const std::vector<Cell>& row, const std::string& field) {
  Percentiles out;
  out.p50 = CellNumber(columns.Get(row, "p50:" + field));
  out.p90 = CellNumber(columns.Get(row, "p90:" + field));
  out.p95 = CellNumber(columns.Get(row, "p95:" + field));
  out.p99 = CellNumber(columns.Get(row, "p99:" + field));
  return out;
}

void ReadFigures(const Columns& columns, const std::vector<Cell>& row, const std::vector<std::string>& score_names,
                 ModelFigures& model) {
  model.calls = CellInt(columns.Get(row, "count")).value_or(0);
  model.priced_calls = CellInt(columns.Get(row, "count:cost_usd")).value_or(0);
  model.cost = CellNanoUsd(columns.Get(row, "sum:cost_usd")).value_or(0);
  model.input_tokens = CellInt(columns.Get(row, "sum:input_tokens")).value_or(0);
  model.output_tokens = CellInt(columns.Get(row, "sum:output_tokens")).value_or(0);
  if (model.priced_calls > 0) {
    model.cost_per_call_usd = Usd(model.cost) / static_cast<double>(model.priced_calls);
    // Cost per priced call over tokens per call: exactly cost / tokens when every call is priced,
    // and no dilution by the tokens of unpriced calls when some are not.
    const int64_t tokens = model.input_tokens + model.output_tokens;
    if (tokens > 0) {
      model.cost_per_1k_usd =
          *model.cost_per_call_usd / (static_cast<double>(tokens) / static_cast<double>(model.calls)) * 1000.0;
    }
  }
  model.latency_ms = ReadPercentiles(columns, row, "latency_ms");
  model.ttft_ms = ReadPercentiles(columns, row, "ttft_ms");
  model.tokens_per_s = CellNumber(columns.Get(row, "p50:tokens_per_s"));
  if (model.calls > 0) {
    const double error_rate = CellNumber(columns.Get(row, "rate:error")).value_or(0.0);
    // rate:error is errors / calls rounded once, so this recovers the exact count.
    model.errors = std::llround(error_rate * static_cast<double>(model.calls));
    model.error_rate = static_cast<double>(model.errors) / static_cast<double>(model.calls);
    model.error_rate_ci95 = stats::WilsonInterval({model.calls, model.errors});
    model.cache_hit_rate = CellNumber(columns.Get(row, "rate:cache_hit"));
    model.streaming_share = CellNumber(columns.Get(row, "rate:streaming"));
    model.reasoning_calls = CellInt(columns.Get(row, "count:reasoning_tokens")).value_or(0);
  }
  for (const std::string& name : score_names) {
    const std::string field = "scores." + name;
    ScoreSummary score;
    score.name = name;
    score.sample.n = CellInt(columns.Get(row, "count:" + field)).value_or(0);
    if (score.sample.n == 0) continue;
    score.sample.mean = CellNumber(columns.Get(row, "avg:" + field)).value_or(0.0);
    score.sample.variance = CellNumber(columns.Get(row, "var:" + field)).value_or(0.0);
    score.ci95 = stats::MeanInterval(score.sample);
    model.scores.push_back(std::move(score));
  }
}

// The figures of `models` (one row per model); the score names it asks for go to *score_names.
Result<QuerySpec> FiguresSpec(const DashboardParams& params, const std::vector<std::string>& models,
                              const CompareContext& context, std::vector<std::string>* score_names) {
  QuerySpec spec = BaseSpec(params, params.from_ms, params.to_ms);
  spec.group_by = {FieldRef{FieldId::kModel, {}}};
  spec.limit = query::kMaxQueryLimit;
  query::Filter filter;
  filter.field = FieldRef{FieldId::kModel, {}};
  filter.op = query::FilterOp::kIn;
  for (const std::string& model : models) filter.values.emplace_back(model);
  spec.filters.push_back(std::move(filter));
  MLTRACK_RETURN_IF_ERROR(AddMetrics(
      spec, {"count", "count:cost_usd", "sum:cost_usd", "sum:input_tokens", "sum:output_tokens",
             "p50:latency_ms", "p90:latency_ms", "p95:latency_ms", "p99:latency_ms", "p50:ttft_ms", "p90:ttft_ms",
             "p95:ttft_ms", "p99:ttft_ms", "p50:tokens_per_s", "rate:error", "rate:cache_hit", "rate:streaming", "count:reasoning_tokens"}));
  for (const std::string& name : context.score_names) {
    const std::string field = "scores." + name;
    // A score name the query model cannot spell is left out rather than failing the dashboard.
    if (!AddMetric(spec, "count:" + field).ok()) continue;
    MLTRACK_RETURN_IF_ERROR(AddMetric(spec, "avg:" + field));
    MLTRACK_RETURN_IF_ERROR(AddMetric(spec, "var:" + field));
    score_names->push_back(name);
  }
  return spec;
}

}  // namespace

const std::vector<std::string>& CompareParamNames() {
  static const std::vector<std::string> kNames = {"models", "quality", "weights"};
  return kNames;
}

Result<CompareRequest> ParseCompareRequest(const QueryParams& params) {
  CompareRequest request;
  std::string_view weights = kDefaultWeights;
  for (const auto& [key, value] : params) {
    if (key == "models") {
      if (!request.models.empty()) return Bad("models", "give it once, as a comma-separated list");
      std::set<std::string, std::less<>> seen;
      for (std::string& model : SplitList(value)) {
        if (model.empty()) return Bad("models", "has an empty name (a stray comma?)");
        if (!seen.insert(model).second) return Bad("models", "names " + model + " twice");
        request.models.push_back(std::move(model));
      }
      if (request.models.size() > kMaxCompareModels) {
        return Bad("models", "compares at most " + std::to_string(kMaxCompareModels) + " models");
      }
    } else if (key == "quality") {
      if (!value.starts_with("scores.") || value.size() == 7) return Bad("quality", "must be scores.<name>");
      request.quality = value;
    } else if (key == "weights") {
      weights = value;
    }
  }
  Result<std::vector<std::pair<std::string, double>>> parsed = ParseWeights(weights);
  if (!parsed.ok()) return parsed.status();
  request.weights = std::move(*parsed);
  return request;
}

Result<ModelComparison> CompareModels(const DashboardParams& params, const CompareRequest& request,
                                      const QueryRunner& direct, const CompareContext& context) {
  ModelComparison comparison;
  comparison.default_models = request.models.empty();
  // Named models: both queries are known up front and share their filter, so they run as one batch.
  std::vector<QuerySpec> ahead;
  if (!request.models.empty()) {
    std::vector<std::string> unused;
    for (Result<QuerySpec> spec : {CallsSpec(params, request.models), FiguresSpec(params, request.models, context, &unused)}) {
      if (spec.ok()) ahead.push_back(std::move(spec).value());
    }
  }
  const QueryRunner run = ahead.empty() ? direct : RunAhead(direct, std::move(ahead));
  Result<std::map<std::string, ModelCalls, std::less<>>> calls = CallsByModel(params, request.models, run);
  if (!calls.ok()) return calls.status();
  std::vector<std::string> models = request.models;
  if (models.empty()) {
    models = TopModels(*calls);
  } else {
    std::vector<std::string> missing;
    for (const std::string& model : models) {
      if (!calls->contains(model)) missing.push_back(model);
    }
    if (!missing.empty()) {
      std::string list;
      for (const std::string& model : missing) list += (list.empty() ? "" : ", ") + model;
      return Bad("models", "no events of " + list + " match the time range and filters");
    }
  }
  if (models.empty()) return comparison;

  Result<QuerySpec> built = FiguresSpec(params, models, context, &comparison.score_names);
  if (!built.ok()) return built.status();
  const QuerySpec& spec = *built;
  Result<QueryResult> result = run(spec);
  if (!result.ok()) return result.status();
  const Columns columns(*result);
  std::map<std::string, const std::vector<Cell>*, std::less<>> rows;
  for (const auto& row : result->rows) rows[std::string(CellString(row[0]))] = &row;

  for (const std::string& name : models) {
    auto row = rows.find(name);
    if (row == rows.end()) continue;  // appended after the first query's view: cannot happen within one Reader
    ModelFigures model;
    model.model = name;
    model.provider = calls->at(name).provider;
    ReadFigures(columns, *row->second, comparison.score_names, model);
    if (context.facts) {
      if (std::optional<ModelFacts> facts = context.facts(model.provider, model.model)) {
        model.in_catalogue = true;
        model.facts = std::move(*facts);
        model.list_input_per_1k_usd = model.facts.input_usd_per_1k;
        model.list_output_per_1k_usd = model.facts.output_usd_per_1k;
      }
    }
    comparison.models.push_back(std::move(model));
  }
  return comparison;
}

}  // namespace mltrack::analytics
