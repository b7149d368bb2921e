// The per-model figures of the Performance dashboard: one query grouped by (provider, model).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "analytics/dashboard_support.h"
#include "analytics/performance_sections.h"

namespace mltrack::analytics {
namespace {

// Column indexes of the model query's metrics, looked up once.
struct ModelColumns {
  size_t provider = 0, model = 1, count = 0, error = 0, cache = 0, ttft_count = 0, cost = 0,
         priced = 0, tokens = 0;
  std::vector<size_t> latency_levels;  // parallel to DistributionLevels()
  size_t ttft[4] = {0, 0, 0, 0};       // p50, p90, p95, p99
  size_t tokens_per_s[2] = {0, 0};     // p50, p90
};

constexpr double kPnn[4] = {50, 90, 95, 99};

Result<ModelColumns> FindColumns(const query::QueryResult& result) {
  ModelColumns columns;
  auto find = [&](std::string_view name, size_t& out) { return FindColumn(result, name, out); };
  MLTRACK_RETURN_IF_ERROR(find("count", columns.count));
  MLTRACK_RETURN_IF_ERROR(find("rate:error", columns.error));
  MLTRACK_RETURN_IF_ERROR(find("rate:cache_hit", columns.cache));
  MLTRACK_RETURN_IF_ERROR(find("count:ttft_ms", columns.ttft_count));
  MLTRACK_RETURN_IF_ERROR(find("sum:cost_usd", columns.cost));
  MLTRACK_RETURN_IF_ERROR(find("count:cost_usd", columns.priced));
  MLTRACK_RETURN_IF_ERROR(find("sum:total_tokens", columns.tokens));
  for (double level : DistributionLevels()) {
    size_t index = 0;
    MLTRACK_RETURN_IF_ERROR(find(PercentileMetric(level, "latency_ms"), index));
    columns.latency_levels.push_back(index);
  }
  for (int idx = 0; idx < 4; ++idx) MLTRACK_RETURN_IF_ERROR(find(PercentileMetric(kPnn[idx], "ttft_ms"), columns.ttft[idx]));
  for (int idx = 0; idx < 2; ++idx) {
    MLTRACK_RETURN_IF_ERROR(find(PercentileMetric(kPnn[idx], "tokens_per_s"), columns.tokens_per_s[idx]));
  }
  return columns;
}

ModelPerformance ReadModel(const std::vector<query::Cell>& row, const ModelColumns& columns) {
  ModelPerformance model;
  model.provider = std::string(CellString(row[columns.provider]));
  model.model = std::string(CellString(row[columns.model]));
  if (model.model.empty()) model.model = kNoValue;
  model.calls = CellInt(row[columns.count]).value_or(0);
  model.error_rate = CellNumber(row[columns.error]);
  model.errors = CountFromRate(model.error_rate, model.calls);
  model.cache_hit_rate = CellNumber(row[columns.cache]);
  model.ttft_calls = CellInt(row[columns.ttft_count]).value_or(0);

  std::vector<std::optional<double>> levels;
  for (size_t index : columns.latency_levels) levels.push_back(CellNumber(row[index]));
  auto level = [&](double wanted) {
    std::span<const double> all = DistributionLevels();
    return levels[std::find(all.begin(), all.end(), wanted) - all.begin()];
  };
  model.latency = Percentiles{level(50), level(90), level(95), level(99)};
  model.ttft = Percentiles{CellNumber(row[columns.ttft[0]]), CellNumber(row[columns.ttft[1]]),
                           CellNumber(row[columns.ttft[2]]), CellNumber(row[columns.ttft[3]])};
  model.distribution = BoxViolinFromPercentiles(levels);
  model.tokens_per_s_p50 = CellNumber(row[columns.tokens_per_s[0]]);
  model.tokens_per_s_p90 = CellNumber(row[columns.tokens_per_s[1]]);

  const int64_t tokens = CellInt(row[columns.tokens]).value_or(0);
  const int64_t priced = CellInt(row[columns.priced]).value_or(0);
  // Unpriced calls would make the cost look lower than it is: a model with any is left out.
  if (priced == model.calls && tokens > 0) {
    model.cost_per_1k_tokens = Usd(CellNanoUsd(row[columns.cost]).value_or(0)) / static_cast<double>(tokens) * 1000.0;
  }
  return model;
}

}  // namespace

std::string PercentileMetric(double level, std::string_view field) {
  char text[32];
  auto [end, ec] = std::to_chars(text, text + sizeof text, level);
  return "p" + std::string(text, ec == std::errc() ? end : text) + ":" + std::string(field);
}

Status FindColumn(const query::QueryResult& result, std::string_view name, size_t& index) {
  Result<size_t> found = ColumnIndex(result, name);
  if (!found.ok()) return found.status();
  index = *found;
  return Status::OK();
}

int64_t CountFromRate(std::optional<double> rate, int64_t calls) {
  return rate ? std::llround(*rate * static_cast<double>(calls)) : 0;
}

ErrorSlice Slice(std::string key, int64_t calls, int64_t errors) {
  ErrorSlice slice{std::move(key), calls, errors, std::nullopt};
  if (calls > 0) slice.rate = static_cast<double>(errors) / static_cast<double>(calls);
  return slice;
}

std::vector<ErrorSlice> Slices(const std::map<std::string, std::pair<int64_t, int64_t>>& counts) {
  std::vector<ErrorSlice> slices;
  for (const auto& [key, value] : counts) slices.push_back(Slice(key, value.first, value.second));
  return slices;
}

// Slices by errors (then calls, then key), the first `top` kept and the rest folded into
// "(other)" so that the counts add up to the whole.
std::vector<ErrorSlice> TopSlices(std::vector<ErrorSlice> slices, size_t top) {
  std::sort(slices.begin(), slices.end(), [](const ErrorSlice& a, const ErrorSlice& b) {
    if (a.errors != b.errors) return a.errors > b.errors;
    if (a.calls != b.calls) return a.calls > b.calls;
    return a.key < b.key;
  });
  if (slices.size() <= top) return slices;
  int64_t calls = 0, errors = 0;
  for (size_t idx = top; idx < slices.size(); ++idx) {
    calls += slices[idx].calls;
    errors += slices[idx].errors;
  }
  slices.resize(top);
  slices.push_back(Slice("(other)", calls, errors));
  return slices;
}


Result<query::QuerySpec> ModelSpec(const DashboardParams& params) {
  query::QuerySpec spec = BaseSpec(params, params.from_ms, params.to_ms);
  spec.group_by = {FieldRef{FieldId::kProvider, {}}, FieldRef{FieldId::kModel, {}}};
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"count", "rate:error", "rate:cache_hit", "count:ttft_ms",
                                            "sum:cost_usd", "count:cost_usd", "sum:total_tokens"}));
  for (double level : DistributionLevels()) MLTRACK_RETURN_IF_ERROR(AddMetric(spec, PercentileMetric(level, "latency_ms")));
  for (double level : kPnn) MLTRACK_RETURN_IF_ERROR(AddMetric(spec, PercentileMetric(level, "ttft_ms")));
  // Two levels of one state: the derived column is computed once per row (an avg beside it would
  // compute it again).
  for (double level : {50.0, 90.0}) MLTRACK_RETURN_IF_ERROR(AddMetric(spec, PercentileMetric(level, "tokens_per_s")));
  spec.limit = query::kMaxQueryLimit;
  return spec;
}

Status AddModelSection(const DashboardParams& params, const PerformanceOptions& options,
                       const QueryRunner& run, PerformanceReport& report) {
  Result<query::QuerySpec> spec = ModelSpec(params);
  if (!spec.ok()) return spec.status();
  Result<query::QueryResult> result = run(*spec);
  if (!result.ok()) return result.status();
  Result<ModelColumns> columns = FindColumns(*result);
  if (!columns.ok()) return columns.status();

  std::vector<ModelPerformance> models;
  // Calls and errors per provider and per model (a model sold by two providers is one slice).
  std::map<std::string, std::pair<int64_t, int64_t>> by_provider, by_model;
  for (const auto& row : result->rows) {
    ModelPerformance model = ReadModel(row, *columns);
    for (auto* counts : {&by_provider[model.provider.empty() ? kNoValue : model.provider], &by_model[model.model]}) {
      counts->first += model.calls;
      counts->second += model.errors;
    }
    models.push_back(std::move(model));
  }
  std::sort(models.begin(), models.end(), [](const ModelPerformance& a, const ModelPerformance& b) {
    if (a.calls != b.calls) return a.calls > b.calls;
    return a.model != b.model ? a.model < b.model : a.provider < b.provider;
  });
  report.models_total = models.size();
  if (models.size() > options.top_models) models.resize(options.top_models);
  report.models = std::move(models);
  report.errors_by_model = TopSlices(Slices(by_model), options.top_models);
  report.errors_by_provider = TopSlices(Slices(by_provider), options.top_models);
  return Status::OK();
}

}  // namespace mltrack::analytics
