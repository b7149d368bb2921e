#pragma once
// Saved reports of the report builder (/explore): a name, a chart kind and the QuerySpec that
// defines the report (DESIGN.md §7). They are not events: they live in the report store
// (report_store.h) and are managed through /api/v1/reports (docs/api.md). The spec is kept as
// the JSON the client sent (minified), so relative times ("now-7d") stay relative when the
// report is opened later, and is validated with the query parser whenever it is saved.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/json_writer.h"
#include "core/status.h"

namespace mltrack::analytics {

enum class ReportChart : uint8_t { kLine, kBar, kArea, kPie, kTable, kHeatmap };

// "line", "bar", "area" (stacked area), "pie", "table", "heatmap".
std::string_view ReportChartName(ReportChart chart);
std::optional<ReportChart> ParseReportChart(std::string_view name);

// A plain value type.
struct Report {
  int64_t id = 0;  // assigned by the store; never reused
  std::string name;  // 1..kMaxReportName bytes, not only blanks
  ReportChart chart = ReportChart::kTable;
  std::string spec;  // a QuerySpec as minified JSON (an object that ParseQuerySpec accepted)
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  bool operator==(const Report&) const = default;
};

inline constexpr size_t kMaxReportName = 200;
inline constexpr size_t kMaxReportSpec = 64 * 1024;

// A create (all fields present) or an update (any non-empty subset) of a report.
struct ReportChange {
  std::optional<std::string> name;
  std::optional<ReportChart> chart;
  std::optional<std::string> spec;
};

// Parses the body of POST /api/v1/reports ({"name", "chart", "spec"}, all required) or, with
// `partial`, of PUT /api/v1/reports/{id} (at least one of them). The spec is checked with
// query::ParseQuerySpec at `now_ms`; its problems are reported under "spec." ("spec.metrics[0]").
// Every problem is reported at once as InvalidArgument, one detail per field.
Result<ReportChange> ParseReportChange(std::string_view body, int64_t now_ms, bool partial);

// {"id", "name", "chart", "spec": {...}, "created", "updated"} (times in epoch ms).
void WriteReportJson(JsonWriter& json, const Report& report);

}  // namespace mltrack::analytics
