// The one place the cost report becomes JSON (docs/api.md, "Cost analysis").
#include "analytics/cost_report.h"
#include "analytics/dashboard_support.h"
#include "core/json_writer.h"
#include "core/time.h"

namespace mltrack::analytics {
namespace {

std::optional<double> PerThousand(NanoUsd cost, int64_t tokens) {
  if (tokens <= 0) return std::nullopt;
  return Usd(cost) / static_cast<double>(tokens) * 1000.0;
}

std::optional<double> Ratio(double part, double whole) {
  if (whole == 0) return std::nullopt;
  return part / whole;
}

// Money of something that may be wholly unpriced: null then, never 0.
void WriteCost(JsonWriter& json, NanoUsd cost, int64_t calls, int64_t priced_calls) {
  if (calls > 0 && priced_calls == 0) {
    json.Null();
  } else {
    json.Money(cost);
  }
}

void WriteTotals(JsonWriter& json, const CostTotals& totals) {
  auto number = [](int64_t value) { return std::optional<double>(static_cast<double>(value)); };
  json.Key("totals");
  json.BeginObject();
  BeginFigure(json, "cost_usd", Usd(totals.cost), Usd(totals.previous_cost));
  json.EndObject();
  BeginFigure(json, "calls", number(totals.calls), number(totals.previous_calls));
  json.EndObject();
  BeginFigure(json, "tokens", number(totals.tokens), number(totals.previous_tokens));
  json.EndObject();
  BeginFigure(json, "cost_per_1k_tokens", PerThousand(totals.cost, totals.tokens),
              PerThousand(totals.previous_cost, totals.previous_tokens));
  json.EndObject();
  json.Key("unpriced_calls");
  json.Int(totals.calls - totals.priced_calls);
  json.EndObject();
}

void WriteBreakdown(JsonWriter& json, const Breakdown& breakdown, NanoUsd total_cost) {
  json.Key(breakdown.dimension);
  json.BeginObject();
  json.Key("distinct");
  json.Int(breakdown.distinct);
  json.Key("rows");
  json.BeginArray();
  for (const BreakdownRow& row : breakdown.rows) {
    json.BeginObject();
    json.Key("key");
    json.String(row.key);
    json.Key("cost_usd");
    WriteCost(json, row.cost, row.calls, row.priced_calls);
    // Share of the range's cost and cost per 1K tokens: null for a wholly unpriced row, like its cost.
    const bool unpriced = row.calls > 0 && row.priced_calls == 0;
    json.Key("share");
    WriteOptional(json, unpriced ? std::nullopt : Ratio(Usd(row.cost), Usd(total_cost)));
    json.Key("calls");
    json.Int(row.calls);
    json.Key("unpriced_calls");
    json.Int(row.calls - row.priced_calls);
    json.Key("tokens");
    json.Int(row.tokens);
    json.Key("cost_per_1k_tokens");
    WriteOptional(json, unpriced ? std::nullopt : PerThousand(row.cost, row.tokens));
    json.Key("previous_cost_usd");
    if (row.previous_cost) {
      json.Money(*row.previous_cost);
    } else {
      json.Null();
    }
    json.Key("change_pct");
    WriteOptional(json, ChangePct(Usd(row.cost), row.previous_cost ? std::optional<double>(Usd(*row.previous_cost))
                                                                   : std::nullopt));
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

void WriteOverTime(JsonWriter& json, const CostOverTime& over_time) {
  json.Key("over_time");
  json.BeginObject();
  json.Key("stack_by");
  json.String(over_time.stack_by);
  json.Key("bucket");
  json.String(over_time.bucket);
  json.Key("bucket_ms");
  json.Int(over_time.width.ms);
  json.Key("t");
  json.BeginArray();
  for (int64_t start : over_time.starts) json.Int(start);
  json.EndArray();
  json.Key("series");
  json.BeginArray();
  for (const CostSeries& series : over_time.series) {
    json.BeginObject();
    json.Key("name");
    json.String(series.name);
    json.Key("cost_usd");
    json.BeginArray();
    for (size_t bucket = 0; bucket < series.cost.size(); ++bucket) {
      if (over_time.has_events[bucket]) {
        json.Money(series.cost[bucket]);
      } else {
        json.Null();  // a gap: no events at all in this bucket
      }
    }
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

void WriteHeatmap(JsonWriter& json, const CostHeatmap& heatmap) {
  json.Key("heatmap");
  json.BeginObject();
  json.Key("tz");
  json.String(heatmap.tz);
  json.Key("cells");
  json.BeginArray();
  for (int weekday = 0; weekday < 7; ++weekday) {
    for (int hour = 0; hour < 24; ++hour) {
      const HeatCell& cell = heatmap.cells[weekday][hour];
      json.BeginObject();
      json.Key("weekday");
      json.Int(weekday);
      json.Key("hour");
      json.Int(hour);
      json.Key("calls");
      json.Int(cell.calls);
      json.Key("cost_usd");
      if (cell.calls > 0) {
        json.Money(cell.cost);
      } else {
        json.Null();  // no events at this hour of this weekday
      }
      json.EndObject();
    }
  }
  json.EndArray();
  json.EndObject();
}

void WriteFlow(JsonWriter& json, std::string_view name, const FlowGraph& graph) {
  json.Key(name);
  json.BeginObject();
  json.Key("nodes");
  json.BeginArray();
  for (const FlowNode& node : graph.nodes) {
    json.BeginObject();
    json.Key("id");
    json.String(node.id);
    json.Key("kind");
    json.String(node.kind);
    json.Key("name");
    json.String(node.name);
    json.Key("cost_usd");
    json.Money(node.cost);
    json.EndObject();
  }
  json.EndArray();
  json.Key("links");
  json.BeginArray();
  for (const FlowLink& link : graph.links) {
    json.BeginObject();
    json.Key("source");
    json.String(link.source);
    json.Key("target");
    json.String(link.target);
    json.Key("cost_usd");
    json.Money(link.cost);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

void WriteOptionalMoney(JsonWriter& json, std::optional<NanoUsd> value) {
  if (value) {
    json.Money(*value);
  } else {
    json.Null();
  }
}

void WriteEfficiency(JsonWriter& json, const std::vector<ModelEfficiency>& models) {
  json.Key("efficiency");
  json.BeginArray();
  for (const ModelEfficiency& model : models) {
    const bool priced = model.priced_calls > 0;
    json.BeginObject();
    json.Key("provider");
    json.String(model.provider);
    json.Key("model");
    json.String(model.model);
    json.Key("calls");
    json.Int(model.calls);
    json.Key("cost_usd");
    WriteCost(json, model.cost, model.calls, model.priced_calls);
    json.Key("input_tokens");
    json.Int(model.input_tokens);
    json.Key("output_tokens");
    json.Int(model.output_tokens);
    json.Key("cached_input_tokens");
    json.Int(model.cached_input_tokens);
    json.Key("cost_per_1k_tokens");
    WriteOptional(json, priced ? PerThousand(model.cost, model.input_tokens + model.output_tokens) : std::nullopt);
    json.Key("cost_per_1k_input_tokens");
    WriteOptional(json, model.input_cost_usd && model.input_tokens > 0
                            ? std::optional<double>(*model.input_cost_usd / model.input_tokens * 1000.0)
                            : std::nullopt);
    json.Key("cost_per_1k_output_tokens");
    WriteOptional(json, model.output_cost_usd && model.output_tokens > 0
                            ? std::optional<double>(*model.output_cost_usd / model.output_tokens * 1000.0)
                            : std::nullopt);
    json.Key("output_input_ratio");
    WriteOptional(json, Ratio(static_cast<double>(model.output_tokens), static_cast<double>(model.input_tokens)));
    json.Key("cached_share");
    WriteOptional(json, Ratio(static_cast<double>(model.cached_input_tokens), static_cast<double>(model.input_tokens)));
    json.Key("caching_saved_usd");
    WriteOptionalMoney(json, model.caching_saved);
    json.Key("list_price_per_1m");
    json.BeginObject();
    json.Key("input_usd");
    WriteOptionalMoney(json, model.list_input_per_mtok);
    json.Key("cached_input_usd");
    WriteOptionalMoney(json, model.list_cache_read_per_mtok);
    json.Key("output_usd");
    WriteOptionalMoney(json, model.list_output_per_mtok);
    json.EndObject();
    json.EndObject();
  }
  json.EndArray();
}

void WriteUnpriced(JsonWriter& json, const UnpricedUsage& unpriced) {
  json.Key("unpriced");
  json.BeginObject();
  json.Key("calls");
  json.Int(unpriced.calls);
  json.Key("input_tokens");
  json.Int(unpriced.input_tokens);
  json.Key("output_tokens");
  json.Int(unpriced.output_tokens);
  json.Key("models");
  json.BeginArray();
  for (const UnpricedModel& model : unpriced.models) {
    json.BeginObject();
    json.Key("provider");
    json.String(model.provider);
    json.Key("model");
    json.String(model.model);
    json.Key("calls");
    json.Int(model.calls);
    json.Key("input_tokens");
    json.Int(model.input_tokens);
    json.Key("output_tokens");
    json.Int(model.output_tokens);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

}  // namespace

std::string CostReportJson(const CostReport& report) {
  const int64_t length = report.to_ms - report.from_ms;
  JsonWriter json;
  json.BeginObject();
  json.Key("range");
  json.BeginObject();
  json.Key("from");
  json.String(FormatRfc3339(report.from_ms));
  json.Key("to");
  json.String(FormatRfc3339(report.to_ms));
  json.Key("previous_from");
  json.String(FormatRfc3339(report.from_ms - length));
  json.Key("previous_to");
  json.String(FormatRfc3339(report.from_ms));
  json.Key("bucket");
  json.String(report.over_time.bucket);
  json.Key("bucket_ms");
  json.Int(report.over_time.width.ms);
  json.Key("tz");
  json.String(report.heatmap.tz);
  json.EndObject();
  json.Key("demo");
  json.Bool(report.demo);
  WriteTotals(json, report.totals);
  json.Key("breakdowns");
  json.BeginObject();
  for (const Breakdown& breakdown : report.breakdowns) WriteBreakdown(json, breakdown, report.totals.cost);
  json.EndObject();
  WriteOverTime(json, report.over_time);
  WriteHeatmap(json, report.heatmap);
  json.Key("flows");
  json.BeginObject();
  WriteFlow(json, "team_experiment_model", report.team_flow);
  WriteFlow(json, "provider_model", report.provider_flow);
  json.EndObject();
  WriteEfficiency(json, report.efficiency);
  WriteUnpriced(json, report.unpriced);
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace mltrack::analytics
