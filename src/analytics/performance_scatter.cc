// The TTFT × output-length scatter of the Performance dashboard: a 2-D histogram of a sample of
// the streamed calls of the top models, each populated cell one point. The sample is systematic
// in time: kWindows short windows spread evenly over the range, together about kSampleCalls
// calls (the whole range when it holds fewer), so its cost does not grow with the store while
// every part of the range is represented.
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
constexpr int64_t kSampleCalls = 30'000;
// Few windows: each query has a fixed cost (planning, a 3-part hash group table, result rows).
constexpr int kWindows = 4;
constexpr int64_t kMinWindowMs = 60'000;

// Cells of `width` on `field`, for values below 2^52 widths: a bin past ±2^53 cannot be numbered
// (the query would be refused), and a point that far out is on no chart. Values above it (only
// stored before the ingest bounds of docs/event_schema.md) are left out of the sample.
Status AddBin(query::QuerySpec& spec, double width, FieldId field) {
  Result<std::pair<FieldRef, query::GroupBin>> bin = query::ParseGroupBin(BinItem(width, FieldRef{field, {}}));
  if (!bin.ok()) return bin.status();
  query::Filter below;
  below.field = FieldRef{field, {}};
  below.op = query::FilterOp::kLt;
  below.values.emplace_back(width * 0x1p52);
  spec.filters.push_back(std::move(below));
  spec.group_bins.resize(spec.group_by.size());
  spec.group_by.push_back(bin->first);
  spec.group_bins.push_back(bin->second);
  return Status::OK();
}

// The sample's windows [from, to): the whole range, or kWindows windows centred in equal parts.
std::vector<std::pair<int64_t, int64_t>> SampleWindows(int64_t from_ms, int64_t to_ms, int64_t calls) {
  if (calls <= kSampleCalls) return {{from_ms, to_ms}};
  const int64_t length = to_ms - from_ms;
  const double fraction = static_cast<double>(kSampleCalls) / static_cast<double>(calls);
  const int64_t window = std::max<int64_t>(kMinWindowMs, static_cast<int64_t>(length * fraction / kWindows));
  std::vector<std::pair<int64_t, int64_t>> windows;
  for (int part = 0; part < kWindows; ++part) {
    const int64_t centre = from_ms + length * (2 * part + 1) / (2 * kWindows);
    const int64_t start = std::max(from_ms, centre - window / 2);
    windows.emplace_back(start, std::min(to_ms, start + window));
  }
  return windows;
}

// The output-token p99 of the streamed calls in the middle window: the scale of the x axis.
Result<double> OutputTokensP99(const DashboardParams& params, const std::vector<query::Filter>& filters,
                               std::pair<int64_t, int64_t> window, const QueryRunner& run) {
  query::QuerySpec spec = BaseSpec(params, window.first, window.second);
  spec.filters = filters;
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"p99:output_tokens"}));
  Result<query::QueryResult> result = run(spec);
  if (!result.ok()) return result.status();
  return CellNumber(SingleCell(*result, "p99:output_tokens")).value_or(0);
}

}  // namespace

Status AddScatterSection(const DashboardParams& params, const QueryRunner& run, PerformanceReport& report) {
  query::Filter top;
  top.field = FieldRef{FieldId::kModel, {}};
  top.op = query::FilterOp::kIn;
  int64_t streamed = 0;
  for (const ModelPerformance& model : report.models) {
    if (model.ttft_calls == 0 || model.model == kNoValue) continue;
    top.values.emplace_back(model.model);
    streamed += model.ttft_calls;
  }
  if (top.values.empty() || !report.now.ttft.p99) return Status::OK();  // no streamed calls
  query::Filter has_ttft;
  has_ttft.field = FieldRef{FieldId::kTtftMs, {}};
  has_ttft.op = query::FilterOp::kExists;
  std::vector<query::Filter> filters = params.filters;
  filters.push_back(std::move(has_ttft));
  filters.push_back(std::move(top));

  const std::vector<std::pair<int64_t, int64_t>> windows = SampleWindows(params.from_ms, params.to_ms, streamed);
  Result<double> output_p99 = OutputTokensP99(params, filters, windows[windows.size() / 2], run);
  if (!output_p99.ok()) return output_p99.status();
  report.scatter_output_width = NiceBinWidth(*output_p99, kCellsPerAxis);
  report.scatter_ttft_width = NiceBinWidth(*report.now.ttft.p99, kCellsPerAxis);

  // (model, output bin, ttft bin) → calls, over every window.
  std::map<std::tuple<std::string, double, double>, int64_t> cells;
  for (const auto& [window_from, window_to] : windows) {
    query::QuerySpec spec = BaseSpec(params, window_from, window_to);
    spec.filters = filters;
    spec.group_by = {FieldRef{FieldId::kModel, {}}};
    MLTRACK_RETURN_IF_ERROR(AddBin(spec, report.scatter_output_width, FieldId::kOutputTokens));
    MLTRACK_RETURN_IF_ERROR(AddBin(spec, report.scatter_ttft_width, FieldId::kTtftMs));
    MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"count"}));
    spec.limit = query::kMaxQueryLimit;
    Result<query::QueryResult> result = run(spec);
    if (!result.ok()) return result.status();
    for (const auto& row : result->rows) {
      std::optional<double> output = CellNumber(row[1]), ttft = CellNumber(row[2]);
      if (!output || !ttft) continue;  // calls without output tokens are not points
      const int64_t calls = CellInt(row[3]).value_or(0);
      cells[{std::string(CellString(row[0])), *output, *ttft}] += calls;
      report.scatter_sampled_calls += calls;
    }
  }
  report.scatter_sampled = windows.size() > 1;

  std::map<std::string, std::vector<ScatterCell>> by_model;
  for (const auto& [key, calls] : cells) {
    const auto& [model, output, ttft] = key;
    by_model[model].push_back({model, output, output + report.scatter_output_width, ttft,
                               ttft + report.scatter_ttft_width, calls});
  }
  for (const ModelPerformance& model : report.models) {
    auto found = by_model.find(model.model);
    if (found == by_model.end()) continue;
    std::vector<ScatterCell>& model_cells = found->second;
    std::stable_sort(model_cells.begin(), model_cells.end(),
                     [](const ScatterCell& a, const ScatterCell& b) { return a.calls > b.calls; });
    if (model_cells.size() > kCellsPerModel) model_cells.resize(kCellsPerModel);
    for (ScatterCell& cell : model_cells) report.scatter.push_back(std::move(cell));
  }
  return Status::OK();
}

}  // namespace mltrack::analytics
