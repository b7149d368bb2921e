// libFuzzer target: any bytes as a server-sent event stream, fed to the proxy's usage reader in
// pieces whose sizes the input also chooses (the first byte), for both dialects, and as a whole
// JSON response body (make fuzz; seeds in tests/fuzz/sse_usage/).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "proxy/usage_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mltrack::proxy;
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 97;
  const std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
  for (Dialect dialect : {Dialect::kOpenAi, Dialect::kAnthropic}) {
    SseUsageReader reader(dialect);
    for (size_t at = 0; at < stream.size(); at += piece) reader.Feed(stream.substr(at, piece));
    reader.Finish();
    const CallUsage& usage = reader.usage();
    // What the reader reports is bounded by what the schema allows.
    if (usage.input_tokens && *usage.input_tokens < 0) __builtin_trap();
    if (usage.model.size() > 1024) __builtin_trap();
    (void)ReadResponseUsage(dialect, stream);
  }
  return 0;
}
