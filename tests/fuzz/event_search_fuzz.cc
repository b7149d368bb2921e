// libFuzzer target: any bytes as the JSON body of POST /api/v1/events/search through
// ParseEventSearch (src/query/event_search_parser: filters, free text, sort, cursor, limit). It
// must parse or refuse with a Status naming the problem, never crash, loop or run undefined
// behaviour (make fuzz; seeds in tests/fuzz/event_search/).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "query/event_search_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  constexpr int64_t kNowMs = 1767225600000;  // 2026-01-01: relative times resolve the same every run
  mltrack::Result<mltrack::query::EventSearch> search = mltrack::query::ParseEventSearch(body, kNowMs);
  if (!search.ok() && search.status().message().empty()) __builtin_trap();
  return 0;
}
