// libFuzzer target: any bytes as an OTLP export, through both decoders and the span mapping.
// Neither may crash, read out of bounds, loop, or run undefined behaviour; a decoded export must
// map or be refused with a Status (make fuzz; seeds in tests/fuzz/otlp_decoder/).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/otlp/span_mapping.h"
#include "ingest/otlp/trace_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mltrack::ingest::otlp;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  if (mltrack::Result<TraceData> traces = DecodeTracesProtobuf(body); traces.ok()) (void)MapSpans(*traces);
  static JsonTraceDecoder json_decoder;
  if (mltrack::Result<TraceData> traces = json_decoder.Decode(body); traces.ok()) (void)MapSpans(*traces);
  return 0;
}
