// libFuzzer target: any bytes as a POST /api/v1/events body, as JSON (object, array or lines)
// and as strict NDJSON, through the decoder and schema validation (src/ingest/event_decoder).
// Neither may crash, read out of bounds, loop, or run undefined behaviour; every body is either
// a valid batch or refused with a Status (make fuzz; seeds in tests/fuzz/event_decoder/).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/event_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using mltrack::ingest::BodyFormat;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  static mltrack::ingest::EventDecoder decoder;  // reused, as the server reuses one per thread
  for (BodyFormat format : {BodyFormat::kJson, BodyFormat::kNdjson}) {
    mltrack::Result<mltrack::EventBatch> batch = decoder.Decode(body, format);
    if (!batch.ok() && batch.status().message().empty()) __builtin_trap();  // a refusal must say why
  }
  return 0;
}
