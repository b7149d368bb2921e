#include "ingest/otlp/export_response.h"
#include "ingest/otlp/span_mapping.h"
#include "ingest/otlp/trace_decoder.h"
#include "ingest/pricing.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {
namespace {

namespace otlp = ingest::otlp;

// At most this many problems are spelled out in an OTLP error message (which has no details list).
constexpr size_t kListedProblems = 20;

int RpcCodeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kPayloadTooLarge:
    case StatusCode::kUnsupportedMediaType: return otlp::kRpcInvalidArgument;
    case StatusCode::kOverloaded:
    case StatusCode::kNoSpace: return otlp::kRpcResourceExhausted;
    case StatusCode::kUnavailable: return otlp::kRpcUnavailable;
    default: return otlp::kRpcInternal;
  }
}

// A Status as OTLP's error body: google.rpc.Status whose message spells out the details.
HttpResponse OtlpError(otlp::Encoding encoding, const Status& status) {
  std::string message = status.message();
  size_t listed = 0;
  for (const ErrorDetail& detail : status.details()) {
    if (listed++ == kListedProblems) {
      message += "; ...";
      break;
    }
    message += listed == 1 ? ": " : "; ";
    if (detail.index >= 0) message += "span " + std::to_string(detail.index) + " ";
    message += detail.field + ": " + detail.reason;
  }
  HttpResponse response = HttpResponse::Text(HttpStatusFor(status.code()), std::string(otlp::MediaType(encoding)),
                                             otlp::RpcStatus(encoding, RpcCodeFor(status.code()), message));
  if (status.code() == StatusCode::kOverloaded || status.code() == StatusCode::kUnavailable) {
    response.headers.emplace_back("Retry-After", "1");
  }
  return response;
}

// The warning of a successful export: what was not stored, and why.
std::string SkippedMessage(const otlp::MappedSpans& mapped) {
  std::string message;
  auto add = [&message](size_t count, std::string_view what) {
    if (count == 0) return;
    if (!message.empty()) message += "; ";
    message += std::to_string(count) + " " + std::string(what);
  };
  add(mapped.not_llm, "span(s) skipped: not LLM calls");
  add(mapped.without_model, "LLM span(s) skipped: no gen_ai.request.model or gen_ai.response.model");
  add(mapped.dropped_attributes, "attribute(s) not kept: message content or over the tag limits");
  return message;
}

}  // namespace

// POST /v1/traces (OTLP/HTTP): decode the export, map its LLM spans to events, price them, make
// them durable, answer as OTLP does. All or nothing (docs/integrations/otel.md).
HttpResponse HandleOtlpTraces(AppContext& context, const HttpRequest& request) {
  const std::string media_type = request.ContentType();
  otlp::Encoding encoding = otlp::Encoding::kJson;
  if (media_type == "application/x-protobuf" || media_type == "application/protobuf") {
    encoding = otlp::Encoding::kProtobuf;
  } else if (media_type != "application/json") {
    return OtlpError(otlp::Encoding::kJson,
                     Status::UnsupportedMediaType("Content-Type \"" + media_type +
                                                  "\" is not OTLP/HTTP: send application/x-protobuf or application/json"));
  }

  thread_local otlp::JsonTraceDecoder json_decoder;  // keeps simdjson's buffers per worker
  Result<otlp::TraceData> traces = encoding == otlp::Encoding::kProtobuf ? otlp::DecodeTracesProtobuf(request.body)
                                                                       : json_decoder.Decode(request.body);
  if (!traces.ok()) return OtlpError(encoding, traces.status());
  Result<otlp::MappedSpans> mapped = otlp::MapSpans(*traces);
  if (!mapped.ok()) return OtlpError(encoding, mapped.status());

  if (!mapped->events.empty()) {
    ingest::PriceEvents(*context.prices, mapped->events);
    Result<backend::AppendResult> appended = context.backend->Append(std::move(mapped->events));
    if (!appended.ok()) return OtlpError(encoding, appended.status());
  }
  return HttpResponse::Text(200, std::string(otlp::MediaType(encoding)),
                            otlp::ExportResponse(encoding, 0, SkippedMessage(*mapped)));
}

}  // namespace mltrack::server
