#include <charconv>

#include "analytics/report_store.h"
#include "core/json_writer.h"
#include "core/time.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {
namespace {

constexpr std::string_view kItemPrefix = "/api/v1/reports/";

HttpResponse Unavailable() { return ErrorResponse(Status::Unavailable("saved reports are not available on this server")); }

HttpResponse ReportResponse(int http_status, const analytics::Report& report) {
  JsonWriter json;
  analytics::WriteReportJson(json, report);
  return HttpResponse::Json(http_status, std::move(json).Take());
}

}  // namespace

// GET /api/v1/reports: every saved report, most recently updated first. POST: save one (201).
HttpResponse HandleReports(AppContext& context, const HttpRequest& request) {
  if (!context.reports) return Unavailable();
  const int64_t now_ms = NowMs();
  if (request.method == "POST") {
    Result<analytics::ReportChange> change = analytics::ParseReportChange(request.body, now_ms, false);
    if (!change.ok()) return ErrorResponse(change.status(), "invalid_report");
    Result<analytics::Report> created = context.reports->Create(*change, now_ms);
    if (!created.ok()) return ErrorResponse(created.status(), "invalid_report");
    HttpResponse response = ReportResponse(201, *created);
    response.headers.emplace_back("Location", std::string(kItemPrefix) + std::to_string(created->id));
    return response;
  }
  if (!request.query.empty()) {
    return ErrorResponse(Status::InvalidArgument("GET /api/v1/reports takes no parameters",
                                                 {{-1, request.query.begin()->first, "unknown parameter (none are known)"}}),
                         "invalid_request");
  }
  JsonWriter json;
  json.BeginObject();
  json.Key("reports");
  json.BeginArray();
  for (const analytics::Report& report : context.reports->List()) analytics::WriteReportJson(json, report);
  json.EndArray();
  json.EndObject();
  return HttpResponse::Json(200, std::move(json).Take());
}

// GET, PUT (rename or change any of name, chart, spec) and DELETE /api/v1/reports/{id}.
HttpResponse HandleReport(AppContext& context, const HttpRequest& request) {
  if (!context.reports) return Unavailable();
  std::string_view text = std::string_view(request.path).substr(kItemPrefix.size());
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return ErrorResponse(Status::InvalidArgument("invalid report id",
                                                 {{-1, "id", "must be a positive integer, got \"" + std::string(text) + "\""}}),
                         "invalid_request");
  }
  if (request.method == "DELETE") {
    Status removed = context.reports->Remove(id);
    if (!removed.ok()) return ErrorResponse(removed);
    return HttpResponse::Text(204, "application/json", "");
  }
  if (request.method == "PUT") {
    const int64_t now_ms = NowMs();
    Result<analytics::ReportChange> change = analytics::ParseReportChange(request.body, now_ms, true);
    if (!change.ok()) return ErrorResponse(change.status(), "invalid_report");
    Result<analytics::Report> updated = context.reports->Update(id, *change, now_ms);
    if (!updated.ok()) return ErrorResponse(updated.status(), "invalid_report");
    return ReportResponse(200, *updated);
  }
  std::optional<analytics::Report> report = context.reports->Get(id);
  if (!report) return ErrorResponse(Status::NotFound("no report with id " + std::to_string(id)));
  return ReportResponse(200, *report);
}

}  // namespace mltrack::server
