#include "server/status_mapping.h"

#include <spdlog/spdlog.h>

#include "core/json_writer.h"

namespace mltrack::server {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kPayloadTooLarge: return 413;
    case StatusCode::kUnsupportedMediaType: return 415;
    case StatusCode::kNoSpace: return 507;
    case StatusCode::kOverloaded: return 503;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kDeadlineExceeded: return 503;
    case StatusCode::kResourceExhausted: return 400;
    case StatusCode::kCorruption:
    case StatusCode::kIOError:
    case StatusCode::kInternal:
    case StatusCode::kOk:  // an OK status passed as an error is a caller bug
      return 500;
  }
  return 500;
}

std::string_view DefaultErrorCode(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument: return "invalid_request";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kPayloadTooLarge: return "payload_too_large";
    case StatusCode::kUnsupportedMediaType: return "unsupported_media_type";
    case StatusCode::kNoSpace: return "no_space";
    case StatusCode::kOverloaded: return "overloaded";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kDeadlineExceeded: return "query_timeout";
    case StatusCode::kResourceExhausted: return "query_too_large";
    case StatusCode::kCorruption: return "corruption";
    case StatusCode::kIOError: return "io_error";
    case StatusCode::kInternal:
    case StatusCode::kOk:
      return "internal";
  }
  return "internal";
}

HttpResponse JsonError(int http_status, std::string_view code, std::string_view message,
                       const std::vector<ErrorDetail>& details) {
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("error");
  writer.BeginObject();
  writer.Key("code");
  writer.String(code);
  writer.Key("message");
  writer.String(message);
  writer.Key("details");
  writer.BeginArray();
  for (const ErrorDetail& detail : details) {
    writer.BeginObject();
    writer.Key("index");
    writer.Int(detail.index);
    writer.Key("field");
    writer.String(detail.field);
    writer.Key("reason");
    writer.String(detail.reason);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  writer.EndObject();
  return HttpResponse::Json(http_status, std::move(writer).Take());
}

HttpResponse ErrorResponse(const Status& status, std::string_view code_override) {
  // A handler names its own 400s ("invalid_query", "invalid_event"); every other status keeps
  // its code, so a timeout stays "query_timeout" whichever handler reports it.
  const bool override_applies = !code_override.empty() && status.code() == StatusCode::kInvalidArgument;
  const std::string_view code = override_applies ? code_override : DefaultErrorCode(status.code());
  const std::string_view message =
      status.ok() ? std::string_view("an OK status was reported as an error") : std::string_view(status.message());
  HttpResponse response = JsonError(HttpStatusFor(status.code()), code, message, status.details());
  // A failure of the server's own (a damaged file, a backend that does not answer) is logged with
  // its reason; the request log line (LogRequest) only has the status.
  switch (status.code()) {
    case StatusCode::kUnavailable:
    case StatusCode::kCorruption:
    case StatusCode::kIOError:
    case StatusCode::kInternal: spdlog::warn("answering {}: {}", code, message); break;
    default: break;
  }
  if (status.code() == StatusCode::kOverloaded) response.headers.emplace_back("Retry-After", "1");
  return response;
}

}  // namespace mltrack::server
