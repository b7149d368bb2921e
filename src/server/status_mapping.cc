#include "server/status_mapping.h"

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
  const bool client_error = HttpStatusFor(status.code()) < 500;
  const std::string_view code =
      code_override.empty() || !client_error ? DefaultErrorCode(status.code()) : code_override;
  const std::string_view message =
      status.ok() ? std::string_view("an OK status was reported as an error") : std::string_view(status.message());
  HttpResponse response = JsonError(HttpStatusFor(status.code()), code, message, status.details());
  if (status.code() == StatusCode::kOverloaded) response.headers.emplace_back("Retry-After", "1");
  return response;
}

}  // namespace mltrack::server
