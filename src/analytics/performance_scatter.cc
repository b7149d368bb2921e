// The TTFT × output-length scatter of the Performance dashboard: a 2-D histogram of the
// streamed calls of the top models (one query), each populated cell one point.
#include <algorithm>
#include <map>

#include "analytics/dashboard_support.h"
#include "analytics/histogram.h"
#include "analytics/performance_sections.h"
#include "query/query_parser.h"

namespace mltrack::analytics {
namespace {

constexpr int kCellsPerAxis = 30;       // about this many cells up to each axis' p99
constexpr size_t kCellsPerModel = 200;  // the most populated cells of each model are kept

Status AddBin(query::QuerySpec& spec, double width, FieldId field) {
  Result<std::pair<FieldRef, query::GroupBin>> bin = query::ParseGroupBin(BinItem(width, FieldRef{field, {}}));
  if (!bin.ok()) return bin.status();
  spec.group_bins.resize(spec.group_by.size());
  spec.group_by.push_back(bin->first);
  spec.group_bins.push_back(bin->second);
  return Status::OK();
}

}  // namespace

Status AddScatterSection(const DashboardParams& params, const QueryRunner& run, PerformanceReport& report) {
  double output_p99 = 0;
  query::Filter top;
  top.field = FieldRef{FieldId::kModel, {}};
  top.op = query::FilterOp::kIn;
  for (const ModelFigures& model : report.models) {
    if (model.ttft_calls == 0 || model.model == "(none)") continue;
    output_p99 = std::max(output_p99, model.output_tokens_p99.value_or(0));
    top.values.emplace_back(model.model);
  }
  if (top.values.empty() || !report.now.ttft.p99) return Status::OK();  // no streamed calls
  report.scatter_output_width = NiceBinWidth(output_p99, kCellsPerAxis);
  report.scatter_ttft_width = NiceBinWidth(*report.now.ttft.p99, kCellsPerAxis);

  query::QuerySpec spec = BaseSpec(params, params.from_ms, params.to_ms);
  query::Filter streamed;
  streamed.field = FieldRef{FieldId::kTtftMs, {}};
  streamed.op = query::FilterOp::kExists;
  spec.filters.push_back(std::move(streamed));
  spec.filters.push_back(std::move(top));
  spec.group_by = {FieldRef{FieldId::kModel, {}}};
  MLTRACK_RETURN_IF_ERROR(AddBin(spec, report.scatter_output_width, FieldId::kOutputTokens));
  MLTRACK_RETURN_IF_ERROR(AddBin(spec, report.scatter_ttft_width, FieldId::kTtftMs));
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"count"}));
  spec.limit = query::kMaxQueryLimit;
  Result<query::QueryResult> result = run(spec);
  if (!result.ok()) return result.status();

  std::map<std::string, std::vector<ScatterCell>> by_model;
  for (const auto& row : result->rows) {
    std::optional<double> output = CellNumber(row[1]), ttft = CellNumber(row[2]);
    if (!output || !ttft) continue;  // calls without output tokens are not points
    ScatterCell cell;
    cell.model = std::string(CellString(row[0]));
    cell.output_tokens_lo = *output;
    cell.output_tokens_hi = *output + report.scatter_output_width;
    cell.ttft_ms_lo = *ttft;
    cell.ttft_ms_hi = *ttft + report.scatter_ttft_width;
    cell.calls = CellInt(row[3]).value_or(0);
    by_model[cell.model].push_back(std::move(cell));
  }
  for (const ModelFigures& model : report.models) {
    auto found = by_model.find(model.model);
    if (found == by_model.end()) continue;
    std::vector<ScatterCell>& cells = found->second;
    std::stable_sort(cells.begin(), cells.end(), [](const ScatterCell& a, const ScatterCell& b) { return a.calls > b.calls; });
    if (cells.size() > kCellsPerModel) cells.resize(kCellsPerModel);
    for (ScatterCell& cell : cells) report.scatter.push_back(std::move(cell));
  }
  return Status::OK();
}

}  // namespace mltrack::analytics
