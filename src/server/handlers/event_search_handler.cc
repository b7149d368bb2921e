#include <string>
#include <string_view>

#include "analytics/call_timeline.h"
#include "core/event_json.h"
#include "core/json_writer.h"
#include "core/time.h"
#include "query/event_search_parser.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {
namespace {

std::string EventPageJson(const query::EventPage& page, const query::EventSearch& search) {
  JsonWriter out;
  out.BeginObject();
  out.Key("events");
  out.BeginArray();
  for (const Event& event : page.events) WriteEventJson(out, event);
  out.EndArray();
  out.Key("next_cursor");
  if (page.next) out.String(query::EncodeCursor(*page.next, search.sort, search.descending));
  else out.Null();
  out.Key("stats");
  out.BeginObject();
  out.Key("returned");
  out.Int(static_cast<int64_t>(page.events.size()));
  out.Key("scanned");
  out.Int(static_cast<int64_t>(page.stats.scanned));
  out.Key("elapsed_ms");
  out.Double(page.stats.elapsed_ms);
  out.EndObject();
  out.EndObject();
  return std::move(out).Take();
}

// GET /api/v1/traces/{trace_id} and /api/v1/sessions/{session_id}.
HttpResponse Timeline(AppContext& context, const HttpRequest& request, std::string_view prefix, FieldId field,
                      std::string kind) {
  const std::string param = kind + "_id";
  const std::string id = request.path.substr(prefix.size());
  // The rest of the (percent-decoded) path is the id, '/' included: ids are the client's strings.
  if (id.empty() || id.size() > kMaxStringBytes) {
    const std::string reason = "expected a " + kind + " id after " + std::string(prefix) + " (1.." +
                               std::to_string(kMaxStringBytes) + " bytes, percent-encoded)";
    return ErrorResponse(Status::InvalidArgument(param + ": " + reason, {{-1, param, reason}}), "invalid_parameter");
  }
  Result<query::EventPage> page = context.backend->SearchEvents(analytics::TimelineSearch(field, id));
  if (!page.ok()) return ErrorResponse(page.status());
  if (page->events.empty()) {
    return ErrorResponse(Status::NotFound("no event has " + param + " \"" + id + "\""), "not_found");
  }
  return HttpResponse::Json(200, analytics::CallTimelineJson(analytics::SummarizeCalls(kind, id, std::move(*page))));
}

}  // namespace

// POST /api/v1/events/search: one page of raw events (docs/events_search.md).
HttpResponse HandleEventSearch(AppContext& context, const HttpRequest& request) {
  Result<query::EventSearch> search = query::ParseEventSearch(request.body, NowMs());
  if (!search.ok()) return ErrorResponse(search.status(), "invalid_search");
  Result<query::EventPage> page = context.backend->SearchEvents(*search);
  if (!page.ok()) return ErrorResponse(page.status(), "invalid_search");
  return HttpResponse::Json(200, EventPageJson(*page, *search));
}

HttpResponse HandleTrace(AppContext& context, const HttpRequest& request) {
  return Timeline(context, request, "/api/v1/traces/", FieldId::kTraceId, "trace");
}

HttpResponse HandleSession(AppContext& context, const HttpRequest& request) {
  return Timeline(context, request, "/api/v1/sessions/", FieldId::kSessionId, "session");
}

}  // namespace mltrack::server
