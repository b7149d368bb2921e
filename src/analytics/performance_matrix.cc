// The model × metric comparison matrix of the Performance dashboard, from the per-model figures.
#include <functional>

#include "analytics/matrix_scores.h"
#include "analytics/performance_sections.h"

namespace mltrack::analytics {
namespace {

struct ColumnDef {
  MatrixColumn column;
  ScoreScale scale;
  std::function<std::optional<double>(const ModelPerformance&)> value;
};

const std::vector<ColumnDef>& Columns() {
  // Latency, TTFT, speed and cost span orders of magnitude across models: scored on a log scale,
  // so 200 ms vs 400 ms counts as much as 2 s vs 4 s. Error rates are scored linearly.
  static const std::vector<ColumnDef> kColumns = {
      {{"latency_p50_ms", "Latency p50", "ms", true}, ScoreScale::kLog, [](const ModelPerformance& m) { return m.latency.p50; }},
      {{"latency_p95_ms", "Latency p95", "ms", true}, ScoreScale::kLog, [](const ModelPerformance& m) { return m.latency.p95; }},
      {{"ttft_p50_ms", "TTFT p50", "ms", true}, ScoreScale::kLog, [](const ModelPerformance& m) { return m.ttft.p50; }},
      {{"tokens_per_s", "Tokens / s", "tokens/s", false}, ScoreScale::kLog,
       [](const ModelPerformance& m) { return m.tokens_per_s_p50; }},
      {{"error_rate", "Error rate", "ratio", true}, ScoreScale::kLinear, [](const ModelPerformance& m) { return m.error_rate; }},
      {{"cost_per_1k_tokens", "Cost / 1K tokens", "usd", true}, ScoreScale::kLog,
       [](const ModelPerformance& m) { return m.cost_per_1k_tokens; }},
  };
  return kColumns;
}

}  // namespace

Matrix BuildMatrix(const std::vector<ModelPerformance>& models) {
  Matrix matrix;
  for (const ColumnDef& def : Columns()) matrix.columns.push_back(def.column);
  for (const ModelPerformance& model : models) {
    MatrixRow row{model.model, model.provider, model.calls, {}, {}};
    for (const ColumnDef& def : Columns()) row.values.push_back(def.value(model));
    matrix.rows.push_back(std::move(row));
  }
  for (size_t column = 0; column < Columns().size(); ++column) {
    std::vector<std::optional<double>> values;
    for (const MatrixRow& row : matrix.rows) values.push_back(row.values[column]);
    const ColumnDef& def = Columns()[column];
    std::vector<std::optional<double>> scores =
        ScoreColumn(values, def.column.lower_is_better ? Better::kLower : Better::kHigher, def.scale);
    for (size_t row = 0; row < matrix.rows.size(); ++row) matrix.rows[row].scores.push_back(scores[row]);
  }
  return matrix;
}

}  // namespace mltrack::analytics
