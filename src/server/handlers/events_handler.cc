#include "core/json_writer.h"
#include "ingest/content_type.h"
#include "ingest/event_decoder.h"
#include "ingest/pricing.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {

// POST /api/v1/events: decode and validate the whole batch, price it, make it durable, then
// answer. Nothing is stored unless every event is valid.
HttpResponse HandleIngestEvents(AppContext& context, const HttpRequest& request) {
  Result<ingest::BodyFormat> format = ingest::BodyFormatFromContentType(
      request.headers.Get("Content-Type").value_or(std::string_view()));
  if (!format.ok()) return ErrorResponse(format.status());

  // simdjson's parser keeps its buffers between calls; one per worker thread.
  thread_local ingest::EventDecoder decoder;
  // The session reserves kDecodePadding spare bytes after a Content-Length body, so it is
  // decoded in place; a chunked body (or one the body budget had no room to pad) is copied once.
  const std::string& body = request.body;
  Result<EventBatch> batch = body.capacity() >= body.size() + ingest::kDecodePadding
                                 ? decoder.DecodePadded(body, *format)
                                 : decoder.Decode(body, *format);
  if (!batch.ok()) {
    // Problems of the body as a whole (malformed JSON, empty, neither object nor array) carry
    // the field "body"; anything else is about particular events.
    bool body_level = !batch.status().details().empty();
    for (const ErrorDetail& detail : batch.status().details()) body_level &= detail.field == "body";
    return ErrorResponse(batch.status(), body_level ? "invalid_json" : "invalid_event");
  }

  ingest::PricingSummary pricing = ingest::PriceEvents(*context.prices, *batch);
  Result<backend::AppendResult> appended = context.backend->Append(std::move(*batch));
  // A batch the store refuses as input (too large, tag keys past --max-tag-keys) names its event.
  if (!appended.ok()) return ErrorResponse(appended.status(), "invalid_event");

  JsonWriter json;
  json.BeginObject();
  json.Key("accepted");
  json.Int(static_cast<int64_t>(appended->accepted));
  json.Key("duplicates");
  json.Int(static_cast<int64_t>(appended->duplicates));
  json.Key("unpriced");
  json.Int(pricing.unpriced);
  json.EndObject();
  return HttpResponse::Json(200, std::move(json).Take());
}

}  // namespace mltrack::server
