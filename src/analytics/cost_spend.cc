// The spend queries (by team, experiment, model, provider; by model and provider; the cost paths
// team → experiment → model) and what folds out of them: totals, the breakdowns by those four
// dimensions, and the cost flows.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "analytics/cost_sections.h"
#include "analytics/dashboard_support.h"

namespace mltrack::analytics::cost {
namespace {

using query::QueryResult;
using query::QuerySpec;

struct Totals {
  NanoUsd cost = 0;
  int64_t calls = 0;
  int64_t priced_calls = 0;
  int64_t tokens = 0;
  void Add(const SpendRow& row) {
    cost += row.cost;
    calls += row.calls;
    priced_calls += row.priced_calls;
    tokens += row.input_tokens + row.output_tokens;
  }
};

// The spend dimensions, each broken down with the previous period's cost.
constexpr FieldId kSpendFields[] = {FieldId::kTeam, FieldId::kExperiment, FieldId::kModel, FieldId::kProvider};

const std::string& Dimension(const SpendRow& row, std::string_view dimension) {
  if (dimension == "team") return row.team;
  if (dimension == "experiment") return row.experiment;
  if (dimension == "model") return row.model;
  return row.provider;
}

// Largest cost first; then most calls; then by name, so the order is deterministic.
template <typename Entry>
void SortByCost(std::vector<std::pair<std::string, Entry>>& entries) {
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return std::tie(b.second.cost, b.second.calls, a.first) < std::tie(a.second.cost, a.second.calls, b.first);
  });
}

}  // namespace

std::string KeyOf(const query::Cell& cell) {
  std::string_view text = CellString(cell);
  return text.empty() ? std::string(kNone) : std::string(text);
}

namespace {

// The figures of a SpendRow, in the order SpendRowOf reads them after the group columns.
const std::vector<std::string_view> kSpendMetrics = {"count", "sum:cost_usd", "sum:input_tokens", "sum:output_tokens",
                                                     "count:cost_usd", "sum:cached_input_tokens"};

// [from_ms, to_ms) grouped by `fields`, with `metrics`; unlimited (a truncated result is an error).
std::optional<QuerySpec> SpendQuery(const DashboardParams& params, int64_t from_ms, int64_t to_ms,
                                    std::vector<FieldId> fields, const std::vector<std::string_view>& metrics) {
  QuerySpec spec = BaseSpec(params, from_ms, to_ms);
  for (const FieldId field : fields) spec.group_by.push_back(FieldRef{field, {}});
  for (const std::string_view metric : metrics) {
    if (!AddMetric(spec, metric).ok()) return std::nullopt;
  }
  spec.limit = query::kMaxQueryLimit;
  return spec;
}

// A row of a SpendQuery result: its group values into their fields, then the figures present.
SpendRow SpendRowOf(const QuerySpec& spec, const std::vector<query::Cell>& cells) {
  SpendRow row;
  for (size_t idx = 0; idx < spec.group_by.size(); ++idx) {
    switch (spec.group_by[idx].id) {
      case FieldId::kTeam: row.team = KeyOf(cells[idx]); break;
      case FieldId::kExperiment: row.experiment = KeyOf(cells[idx]); break;
      case FieldId::kModel: row.model = KeyOf(cells[idx]); break;
      default: row.provider = KeyOf(cells[idx]); break;
    }
  }
  const size_t first = spec.group_by.size();
  int64_t* figures[] = {&row.calls, &row.cost, &row.input_tokens, &row.output_tokens, &row.priced_calls,
                        &row.cached_input_tokens};
  for (size_t idx = 0; idx < spec.metrics.size() && idx < std::size(figures); ++idx) {
    *figures[idx] = idx == 1 ? CellNanoUsd(cells[first + idx]).value_or(0) : CellInt(cells[first + idx]).value_or(0);
  }
  return row;
}

Result<std::vector<SpendRow>> SpendRows(const QuerySpec& spec, const QueryRunner& run) {
  Result<QueryResult> result = run(spec);
  if (!result.ok()) return result.status();
  if (result->truncated) return Status::Internal("more than 100,000 groups in a spend query");
  std::vector<SpendRow> rows;
  rows.reserve(result->rows.size());
  for (const auto& cells : result->rows) rows.push_back(SpendRowOf(spec, cells));
  return rows;
}

// The groupings of the per-dimension spend queries. Unfiltered, one per dimension, each answered
// from that field's value slices. A filter keeps the others' queries from their slices (a model
// slice holds many teams): each would read the filtered rows again, so a filtered report asks one
// query grouped by all four dimensions, whose rows every fold below takes as they are.
std::vector<std::vector<FieldId>> DimensionGroupings(const DashboardParams& params) {
  if (!params.filters.empty()) return {std::vector<FieldId>(std::begin(kSpendFields), std::end(kSpendFields))};
  std::vector<std::vector<FieldId>> groupings;
  for (const FieldId field : kSpendFields) groupings.push_back({field});
  return groupings;
}

}  // namespace

// Each spend dimension's query (DimensionGroupings), then, unfiltered, the model × provider and
// team → experiment → model queries.
std::vector<QuerySpec> CurrentSpendSpecs(const DashboardParams& params) {
  std::vector<std::optional<QuerySpec>> specs;
  for (std::vector<FieldId>& fields : DimensionGroupings(params)) {
    specs.push_back(SpendQuery(params, params.from_ms, params.to_ms, std::move(fields), kSpendMetrics));
  }
  if (params.filters.empty()) {
    specs.push_back(SpendQuery(params, params.from_ms, params.to_ms, {FieldId::kModel, FieldId::kProvider}, kSpendMetrics));
    specs.push_back(SpendQuery(params, params.from_ms, params.to_ms, {FieldId::kTeam, FieldId::kExperiment, FieldId::kModel},
                               {"count", "sum:cost_usd"}));
  }
  std::vector<QuerySpec> ready;
  for (std::optional<QuerySpec>& spec : specs) {
    if (!spec) return {};
    ready.push_back(std::move(*spec));
  }
  return ready;
}

Result<CurrentSpend> QueryCurrentSpend(const DashboardParams& params, const QueryRunner& run) {
  const std::vector<QuerySpec> specs = CurrentSpendSpecs(params);
  if (specs.empty()) return Status::Internal("the spend queries could not be built");
  CurrentSpend spend;
  if (specs.size() == 1) {  // filtered: one query by all four dimensions
    Result<std::vector<SpendRow>> rows = SpendRows(specs[0], run);
    if (!rows.ok()) return rows.status();
    for (const FieldId field : kSpendFields) spend.by_dimension[FieldRef{field, {}}.Name()] = *rows;
    spend.by_model = *rows;
    spend.by_path = std::move(*rows);
    return spend;
  }
  for (size_t idx = 0; idx < specs.size(); ++idx) {
    Result<std::vector<SpendRow>> rows = SpendRows(specs[idx], run);
    if (!rows.ok()) return rows.status();
    if (idx < std::size(kSpendFields)) {
      spend.by_dimension[specs[idx].group_by[0].Name()] = std::move(*rows);
    } else if (idx == std::size(kSpendFields)) {
      spend.by_model = std::move(*rows);
    } else {
      spend.by_path = std::move(*rows);
    }
  }
  return spend;
}

// The previous period's spend by each dimension (DimensionGroupings).
std::vector<QuerySpec> PreviousSpendSpecs(const DashboardParams& params, int64_t from_ms, int64_t to_ms) {
  const std::vector<std::string_view> metrics = {"count", "sum:cost_usd", "sum:input_tokens", "sum:output_tokens"};
  std::vector<QuerySpec> specs;
  for (std::vector<FieldId>& fields : DimensionGroupings(params)) {
    std::optional<QuerySpec> spec = SpendQuery(params, from_ms, to_ms, std::move(fields), metrics);
    if (!spec) return {};
    specs.push_back(std::move(*spec));
  }
  return specs;
}

Result<PreviousSpend> QueryPreviousSpend(const DashboardParams& params, int64_t from_ms, int64_t to_ms,
                                         const QueryRunner& run) {
  const std::vector<QuerySpec> specs = PreviousSpendSpecs(params, from_ms, to_ms);
  if (specs.empty()) return Status::Internal("the previous spend queries could not be built");
  PreviousSpend spend;
  for (size_t spec_idx = 0; spec_idx < specs.size(); ++spec_idx) {
    const QuerySpec& spec = specs[spec_idx];
    Result<QueryResult> result = run(spec);
    if (!result.ok()) return result.status();
    if (result->truncated) return Status::Internal("more than 100,000 groups in a previous spend query");
    const size_t first = spec.group_by.size();
    for (const auto& cells : result->rows) {
      const NanoUsd cost = CellNanoUsd(cells[first + 1]).value_or(0);
      for (size_t idx = 0; idx < first; ++idx) spend.cost_by[spec.group_by[idx].Name()][KeyOf(cells[idx])] += cost;
      if (spec_idx > 0) continue;  // every event has one value (or none) of each field: totals once
      spend.cost += cost;
      spend.calls += CellInt(cells[first]).value_or(0);
      spend.tokens += CellInt(cells[first + 2]).value_or(0) + CellInt(cells[first + 3]).value_or(0);
    }
  }
  return spend;
}

CostTotals FoldTotals(const std::vector<SpendRow>& now, const PreviousSpend& before) {
  Totals current;
  for (const SpendRow& row : now) current.Add(row);
  CostTotals totals;
  totals.cost = current.cost;
  totals.calls = current.calls;
  totals.priced_calls = current.priced_calls;
  totals.tokens = current.tokens;
  totals.previous_cost = before.cost;
  totals.previous_calls = before.calls;
  totals.previous_tokens = before.tokens;
  return totals;
}

Breakdown SpendBreakdown(std::string_view dimension, const std::vector<SpendRow>& now, const PreviousSpend& before,
                         size_t top) {
  std::map<std::string, Totals, std::less<>> current;
  for (const SpendRow& row : now) current[Dimension(row, dimension)].Add(row);
  static const std::map<std::string, NanoUsd> kNoValues;
  const auto by_dimension = before.cost_by.find(dimension);
  const std::map<std::string, NanoUsd>& previous = by_dimension == before.cost_by.end() ? kNoValues : by_dimension->second;
  const NanoUsd previous_total = before.cost;
  std::vector<std::pair<std::string, Totals>> entries(current.begin(), current.end());
  SortByCost(entries);

  Breakdown breakdown;
  breakdown.dimension = std::string(dimension);
  breakdown.distinct = static_cast<int64_t>(entries.size());
  BreakdownRow other;
  other.key = std::string(kOther);
  NanoUsd previous_of_top = 0;
  for (size_t entry_idx = 0; entry_idx < entries.size(); ++entry_idx) {
    const auto& [key, totals] = entries[entry_idx];
    BreakdownRow& row = entry_idx < top ? breakdown.rows.emplace_back() : other;
    if (entry_idx < top) {
      row.key = key;
      auto found = previous.find(key);
      row.previous_cost = found == previous.end() ? 0 : found->second;
      previous_of_top += *row.previous_cost;
    }
    row.cost += totals.cost;
    row.calls += totals.calls;
    row.priced_calls += totals.priced_calls;
    row.tokens += totals.tokens;
  }
  if (entries.size() > top) {
    other.previous_cost = previous_total - previous_of_top;
    breakdown.rows.push_back(std::move(other));
  }
  return breakdown;
}

namespace {

// The names of the `top` costliest values of one layer; the rest become "(other)".
std::set<std::string> TopNames(const std::map<std::string, NanoUsd>& cost_by_name, size_t top) {
  std::vector<std::pair<std::string, NanoUsd>> entries(cost_by_name.begin(), cost_by_name.end());
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return std::tie(b.second, a.first) < std::tie(a.second, b.first);
  });
  std::set<std::string> names;
  for (size_t idx = 0; idx < entries.size() && idx < top; ++idx) names.insert(entries[idx].first);
  return names;
}

// Builds a layered flow graph: each path is (name per layer, cost); layer names are cut to the
// top ones, links between consecutive layers summed, nodes in layer order then by cost.
FlowGraph LayeredFlow(const std::vector<std::string>& kinds,
                      const std::vector<std::pair<std::vector<std::string>, NanoUsd>>& paths, size_t top) {
  std::vector<std::map<std::string, NanoUsd>> layer_cost(kinds.size());
  for (const auto& [names, cost] : paths) {
    for (size_t layer = 0; layer < kinds.size(); ++layer) layer_cost[layer][names[layer]] += cost;
  }
  std::vector<std::set<std::string>> kept(kinds.size());
  for (size_t layer = 0; layer < kinds.size(); ++layer) kept[layer] = TopNames(layer_cost[layer], top);

  std::vector<std::map<std::string, NanoUsd>> node_cost(kinds.size());
  std::map<std::pair<std::string, std::string>, NanoUsd> link_cost;
  auto id_of = [&](size_t layer, const std::string& name) {
    return kinds[layer] + ":" + (kept[layer].count(name) ? name : std::string(kOther));
  };
  for (const auto& [names, cost] : paths) {
    if (cost <= 0) continue;
    for (size_t layer = 0; layer < kinds.size(); ++layer) {
      node_cost[layer][kept[layer].count(names[layer]) ? names[layer] : std::string(kOther)] += cost;
      if (layer + 1 < kinds.size()) link_cost[{id_of(layer, names[layer]), id_of(layer + 1, names[layer + 1])}] += cost;
    }
  }
  FlowGraph graph;
  for (size_t layer = 0; layer < kinds.size(); ++layer) {
    std::vector<std::pair<std::string, NanoUsd>> nodes(node_cost[layer].begin(), node_cost[layer].end());
    std::sort(nodes.begin(), nodes.end(), [](const auto& a, const auto& b) {
      return std::tie(b.second, a.first) < std::tie(a.second, b.first);
    });
    for (const auto& [name, cost] : nodes) {
      graph.nodes.push_back(FlowNode{kinds[layer] + ":" + name, kinds[layer], name, cost});
    }
  }
  for (const auto& [ends, cost] : link_cost) graph.links.push_back(FlowLink{ends.first, ends.second, cost});
  std::sort(graph.links.begin(), graph.links.end(), [](const FlowLink& a, const FlowLink& b) {
    return std::tie(b.cost, a.source, a.target) < std::tie(a.cost, b.source, b.target);
  });
  return graph;
}

}  // namespace

FlowGraph TeamFlow(const std::vector<SpendRow>& rows, size_t top) {
  std::vector<std::pair<std::vector<std::string>, NanoUsd>> paths;
  for (const SpendRow& row : rows) paths.push_back({{row.team, row.experiment, row.model}, row.cost});
  return LayeredFlow({"team", "experiment", "model"}, paths, top);
}

FlowGraph ProviderFlow(const std::vector<SpendRow>& rows, size_t top) {
  std::vector<std::pair<std::vector<std::string>, NanoUsd>> paths;
  for (const SpendRow& row : rows) paths.push_back({{row.provider, row.model}, row.cost});
  return LayeredFlow({"provider", "model"}, paths, top);
}

}  // namespace mltrack::analytics::cost
