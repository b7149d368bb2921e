#include "ingest/otlp/export_response.h"

#include "core/json_writer.h"
#include "ingest/otlp/protobuf_wire.h"

namespace mltrack::ingest::otlp {

std::string_view MediaType(Encoding encoding) {
  return encoding == Encoding::kProtobuf ? "application/x-protobuf" : "application/json";
}

std::string ExportResponse(Encoding encoding, int64_t rejected_spans, std::string_view message) {
  const bool partial = rejected_spans != 0 || !message.empty();
  if (encoding == Encoding::kProtobuf) {
    if (!partial) return {};
    ProtoWriter partial_success;  // ExportTracePartialSuccess
    if (rejected_spans != 0) partial_success.Varint(1, static_cast<uint64_t>(rejected_spans));
    if (!message.empty()) partial_success.Bytes(2, message);
    ProtoWriter response;
    response.Message(1, partial_success.str());
    return std::move(response).Take();
  }
  JsonWriter json;
  json.BeginObject();
  if (partial) {
    json.Key("partialSuccess");
    json.BeginObject();
    json.Key("rejectedSpans");
    json.String(std::to_string(rejected_spans));  // proto3 JSON writes int64 as a string
    json.Key("errorMessage");
    json.String(message);
    json.EndObject();
  }
  json.EndObject();
  return std::move(json).Take();
}

std::string RpcStatus(Encoding encoding, int code, std::string_view message) {
  if (encoding == Encoding::kProtobuf) {
    ProtoWriter status;
    status.Varint(1, static_cast<uint64_t>(code));
    status.Bytes(2, message);
    return std::move(status).Take();
  }
  JsonWriter json;
  json.BeginObject();
  json.Key("code");
  json.Int(code);
  json.Key("message");
  json.String(message);
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace mltrack::ingest::otlp
