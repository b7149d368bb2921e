#pragma once
// The bodies an OTLP/HTTP receiver answers with (opentelemetry.io/docs/specs/otlp/#otlphttp-response),
// in the encoding of the request: ExportTraceServiceResponse on success (with partial_success
// when spans were rejected or there is a warning), google.rpc.Status on failure.

#include <cstdint>
#include <string>
#include <string_view>

namespace mltrack::ingest::otlp {

enum class Encoding : uint8_t { kProtobuf, kJson };

// The media type of bodies in `encoding`: application/x-protobuf or application/json.
std::string_view MediaType(Encoding encoding);

// ExportTraceServiceResponse. With rejected_spans = 0 and an empty message it is the plain
// success answer (an empty protobuf message, `{}` in JSON); a message with rejected_spans = 0 is
// a warning, as the specification allows.
std::string ExportResponse(Encoding encoding, int64_t rejected_spans, std::string_view message);

// google.rpc.Status codes used here.
inline constexpr int kRpcInvalidArgument = 3;
inline constexpr int kRpcResourceExhausted = 8;
inline constexpr int kRpcInternal = 13;
inline constexpr int kRpcUnavailable = 14;

// google.rpc.Status{code, message} (no details).
std::string RpcStatus(Encoding encoding, int code, std::string_view message);

}  // namespace mltrack::ingest::otlp
