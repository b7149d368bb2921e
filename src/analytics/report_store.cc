#include "analytics/report_store.h"

#include <simdjson.h>

#include <algorithm>

#include "analytics/id_lines_file.h"
#include "core/checked_file.h"

namespace mltrack::analytics {
namespace {

constexpr std::string_view kFirstLine = "mltrack-reports 1";
constexpr std::string_view kFileName = "REPORTS";

// One report line as WriteReportJson wrote it; nullopt when it is not one.
std::optional<Report> ParseLine(std::string_view line) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(line);
  simdjson::dom::element root, spec;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS) return std::nullopt;
  Report out;
  std::string_view name, chart;
  if (root["id"].get(out.id) || root["name"].get(name) || root["chart"].get(chart) || root["spec"].get(spec) ||
      root["created"].get(out.created_ms) || root["updated"].get(out.updated_ms)) {
    return std::nullopt;
  }
  std::optional<ReportChart> parsed_chart = ParseReportChart(chart);
  if (!parsed_chart || spec.type() != simdjson::dom::element_type::OBJECT || name.empty()) return std::nullopt;
  out.name = std::string(name);
  out.chart = *parsed_chart;
  out.spec = simdjson::minify(spec);
  return out;
}

}  // namespace

Result<std::unique_ptr<ReportStore>> ReportStore::Open(const std::filesystem::path& dir) {
  std::unique_ptr<ReportStore> store(new ReportStore(dir / kFileName));
  Result<std::optional<std::string>> read = ReadCheckedFile(store->path_);
  if (!read.ok()) return read.status();
  if (!read->has_value()) return store;
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption(store->path_.string() + ": " + what + " (move the file away to start with no reports)");
  };
  Result<IdLines> split = SplitIdLines(kFirstLine, **read);
  if (!split.ok()) return corrupt(std::string(split.status().message()));
  store->next_id_ = split->next_id;
  for (const std::string& line : split->lines) {
    std::optional<Report> report = ParseLine(line);
    if (!report || report->id < 1 || report->id >= store->next_id_ ||
        (!store->reports_.empty() && report->id <= store->reports_.back().id)) {
      return corrupt("bad report line");
    }
    store->reports_.push_back(std::move(*report));
  }
  return store;
}

Status ReportStore::Commit(std::vector<Report> reports, int64_t next_id) {
  MLTRACK_RETURN_IF_ERROR(WriteCheckedFile(path_, FormatIdLines(kFirstLine, next_id, reports, WriteReportJson)));
  reports_ = std::move(reports);
  next_id_ = next_id;
  return Status::OK();
}

Result<Report> ReportStore::Create(const ReportChange& change, int64_t now_ms) {
  if (!change.name || !change.chart || !change.spec) {
    return Status::InvalidArgument("a new report needs a name, a chart and a spec",
                                   {{-1, !change.name ? "name" : !change.chart ? "chart" : "spec", "missing (required)"}});
  }
  std::lock_guard lock(mutex_);
  if (reports_.size() >= kMaxReports) {
    return Status::InvalidArgument("at most " + std::to_string(kMaxReports) + " reports are kept; delete some first",
                                   {{-1, "reports", "limit of " + std::to_string(kMaxReports) + " reached"}});
  }
  Report report{next_id_, *change.name, *change.chart, *change.spec, now_ms, now_ms};
  std::vector<Report> next = reports_;
  next.push_back(report);
  MLTRACK_RETURN_IF_ERROR(Commit(std::move(next), next_id_ + 1));
  return report;
}

Result<Report> ReportStore::Update(int64_t id, const ReportChange& change, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto found = std::find_if(reports_.begin(), reports_.end(), [id](const Report& report) { return report.id == id; });
  if (found == reports_.end()) return Status::NotFound("no report with id " + std::to_string(id));
  std::vector<Report> next = reports_;
  Report& report = next[found - reports_.begin()];
  if (change.name) report.name = *change.name;
  if (change.chart) report.chart = *change.chart;
  if (change.spec) report.spec = *change.spec;
  report.updated_ms = now_ms;
  Report updated = report;
  MLTRACK_RETURN_IF_ERROR(Commit(std::move(next), next_id_));
  return updated;
}

Status ReportStore::Remove(int64_t id) {
  std::lock_guard lock(mutex_);
  auto found = std::find_if(reports_.begin(), reports_.end(), [id](const Report& report) { return report.id == id; });
  if (found == reports_.end()) return Status::NotFound("no report with id " + std::to_string(id));
  std::vector<Report> next = reports_;
  next.erase(next.begin() + (found - reports_.begin()));
  return Commit(std::move(next), next_id_);
}

std::optional<Report> ReportStore::Get(int64_t id) const {
  std::lock_guard lock(mutex_);
  for (const Report& report : reports_) {
    if (report.id == id) return report;
  }
  return std::nullopt;
}

std::vector<Report> ReportStore::List() const {
  std::vector<Report> out;
  {
    std::lock_guard lock(mutex_);
    out = reports_;
  }
  std::sort(out.begin(), out.end(), [](const Report& a, const Report& b) {
    return a.updated_ms != b.updated_ms ? a.updated_ms > b.updated_ms : a.id > b.id;
  });
  return out;
}

}  // namespace mltrack::analytics
