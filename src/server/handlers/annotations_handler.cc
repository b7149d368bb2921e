#include <charconv>

#include "analytics/annotation_store.h"
#include "core/json_writer.h"
#include "core/time.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {
namespace {

constexpr std::string_view kItemPrefix = "/api/v1/annotations/";

HttpResponse NoStore() {
  return JsonError(503, "unavailable", "annotations are not available on this server");
}

}  // namespace

// POST /api/v1/annotations: validate the body, store it durably, answer 201 with it (and its id).
HttpResponse HandleCreateAnnotation(AppContext& context, const HttpRequest& request) {
  if (!context.annotations) return NoStore();
  const int64_t now_ms = NowMs();
  Result<analytics::Annotation> annotation = analytics::ParseAnnotation(request.body, now_ms);
  if (!annotation.ok()) return ErrorResponse(annotation.status(), "invalid_annotation");
  Result<analytics::Annotation> stored = context.annotations->Add(std::move(*annotation), now_ms);
  if (!stored.ok()) return ErrorResponse(stored.status(), "invalid_annotation");
  JsonWriter json;
  analytics::WriteAnnotationJson(json, *stored);
  HttpResponse response = HttpResponse::Json(201, std::move(json).Take());
  response.headers.emplace_back("Location", std::string(kItemPrefix) + std::to_string(stored->id));
  return response;
}

// GET /api/v1/annotations?from=&to=: the annotations overlapping the range (each bound optional).
HttpResponse HandleListAnnotations(AppContext& context, const HttpRequest& request) {
  if (!context.annotations) return NoStore();
  const int64_t now_ms = NowMs();
  int64_t bounds[2] = {INT64_MIN, INT64_MAX};
  std::vector<ErrorDetail> errors;
  for (const auto& [key, value] : request.query) {
    if (key != "from" && key != "to") {
      errors.push_back({-1, key, "unknown parameter (from and to are known)"});
      continue;
    }
    Result<int64_t> parsed = ParseTimeParam(value, now_ms);
    if (!parsed.ok()) {
      errors.push_back({-1, key, parsed.status().message()});
      continue;
    }
    bounds[key == "from" ? 0 : 1] = *parsed;
  }
  if (errors.empty() && bounds[0] > bounds[1]) errors.push_back({-1, "from", "must not be after to"});
  if (!errors.empty()) {
    return ErrorResponse(Status::InvalidArgument("invalid annotation range", std::move(errors)), "invalid_query");
  }
  JsonWriter json;
  json.BeginObject();
  json.Key("annotations");
  json.BeginArray();
  for (const analytics::Annotation& annotation : context.annotations->List(bounds[0], bounds[1])) {
    analytics::WriteAnnotationJson(json, annotation);
  }
  json.EndArray();
  json.EndObject();
  return HttpResponse::Json(200, std::move(json).Take());
}

// DELETE /api/v1/annotations/{id}: 204 when removed, 404 when there is no such annotation.
HttpResponse HandleDeleteAnnotation(AppContext& context, const HttpRequest& request) {
  if (!context.annotations) return NoStore();
  std::string_view text = std::string_view(request.path).substr(kItemPrefix.size());
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return ErrorResponse(Status::InvalidArgument("invalid annotation id", {{-1, "id", "must be a positive integer, got \"" + std::string(text) + "\""}}),
                         "invalid_request");
  }
  Status removed = context.annotations->Remove(id);
  if (!removed.ok()) return ErrorResponse(removed);
  return HttpResponse::Text(204, "application/json", "");
}

}  // namespace mltrack::server
