#include "analytics/report.h"

#include <simdjson.h>

#include <array>

#include "query/query_parser.h"

namespace mltrack::analytics {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr std::array<std::pair<ReportChart, std::string_view>, 6> kCharts = {{
    {ReportChart::kLine, "line"},
    {ReportChart::kBar, "bar"},
    {ReportChart::kArea, "area"},
    {ReportChart::kPie, "pie"},
    {ReportChart::kTable, "table"},
    {ReportChart::kHeatmap, "heatmap"},
}};

void ReadName(element value, ReportChange& out, std::vector<ErrorDetail>& errors) {
  std::string_view name;
  if (value.get(name) != simdjson::SUCCESS) {
    errors.push_back({-1, "name", "must be a string"});
  } else if (name.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    errors.push_back({-1, "name", "must not be empty"});
  } else if (name.size() > kMaxReportName) {
    errors.push_back({-1, "name", "longer than " + std::to_string(kMaxReportName) + " bytes"});
  } else {
    out.name = std::string(name);
  }
}

void ReadSpec(element value, int64_t now_ms, ReportChange& out, std::vector<ErrorDetail>& errors) {
  if (value.type() != element_type::OBJECT) {
    errors.push_back({-1, "spec", "must be a QuerySpec object (docs/query.md)"});
    return;
  }
  std::string spec = simdjson::minify(value);
  if (spec.size() > kMaxReportSpec) {
    errors.push_back({-1, "spec", "longer than " + std::to_string(kMaxReportSpec) + " bytes"});
    return;
  }
  Result<query::QuerySpec> parsed = query::ParseQuerySpec(spec, now_ms);
  if (!parsed.ok()) {
    for (const ErrorDetail& detail : parsed.status().details()) {
      errors.push_back({detail.index, "spec." + detail.field, detail.reason});
    }
    if (parsed.status().details().empty()) errors.push_back({-1, "spec", parsed.status().message()});
    return;
  }
  out.spec = std::move(spec);
}

}  // namespace

std::string_view ReportChartName(ReportChart chart) {
  for (const auto& [kind, name] : kCharts) {
    if (kind == chart) return name;
  }
  return "table";
}

std::optional<ReportChart> ParseReportChart(std::string_view name) {
  for (const auto& [kind, known] : kCharts) {
    if (known == name) return kind;
  }
  return std::nullopt;
}

Result<ReportChange> ParseReportChange(std::string_view body, int64_t now_ms, bool partial) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  element root;
  if (auto error = parser.parse(padded).get(root); error) {
    return Status::InvalidArgument(std::string("invalid report: body is not JSON: ") + simdjson::error_message(error),
                                   {{-1, "body", std::string("not JSON: ") + simdjson::error_message(error)}});
  }
  if (root.type() != element_type::OBJECT) {
    return Status::InvalidArgument("invalid report: body must be a JSON object", {{-1, "body", "must be a JSON object"}});
  }
  ReportChange out;
  std::vector<ErrorDetail> errors;
  bool seen[3] = {false, false, false};
  for (auto [key, value] : simdjson::dom::object(root)) {
    if (key == "name") {
      seen[0] = true;
      ReadName(value, out, errors);
    } else if (key == "chart") {
      seen[1] = true;
      std::string_view name;
      std::optional<ReportChart> chart;
      if (value.get(name) == simdjson::SUCCESS) chart = ParseReportChart(name);
      if (chart) {
        out.chart = *chart;
      } else {
        errors.push_back({-1, "chart", "must be one of line, bar, area, pie, table, heatmap"});
      }
    } else if (key == "spec") {
      seen[2] = true;
      ReadSpec(value, now_ms, out, errors);
    } else {
      errors.push_back({-1, std::string(key), "unknown key (a report has name, chart, spec)"});
    }
  }
  if (partial) {
    if (!seen[0] && !seen[1] && !seen[2]) errors.push_back({-1, "body", "give at least one of name, chart, spec"});
  } else {
    if (!seen[0]) errors.push_back({-1, "name", "missing (required)"});
    if (!seen[1]) errors.push_back({-1, "chart", "missing (required: line, bar, area, pie, table or heatmap)"});
    if (!seen[2]) errors.push_back({-1, "spec", "missing (required: the report's QuerySpec)"});
  }
  if (!errors.empty()) {
    std::string message = "invalid report: " + errors.front().field + " " + errors.front().reason;
    if (errors.size() > 1) message += " (and " + std::to_string(errors.size() - 1) + " more)";
    return Status::InvalidArgument(std::move(message), std::move(errors));
  }
  return out;
}

void WriteReportJson(JsonWriter& json, const Report& report) {
  json.BeginObject();
  json.Key("id");
  json.Int(report.id);
  json.Key("name");
  json.String(report.name);
  json.Key("chart");
  json.String(ReportChartName(report.chart));
  json.Key("spec");
  json.Raw(report.spec);
  json.Key("created");
  json.Int(report.created_ms);
  json.Key("updated");
  json.Int(report.updated_ms);
  json.EndObject();
}

}  // namespace mltrack::analytics
