#include "ingest/otlp/trace_data.h"

namespace mltrack::ingest::otlp {

std::string SpanPosition::str() const {
  return "resourceSpans[" + std::to_string(resource) + "].scopeSpans[" + std::to_string(scope) + "].spans[" +
         std::to_string(span) + "]";
}

std::string HexId(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(bytes.size() * 2, '0');
  for (size_t byte_idx = 0; byte_idx < bytes.size(); ++byte_idx) {
    const auto byte = static_cast<uint8_t>(bytes[byte_idx]);
    hex[2 * byte_idx] = kDigits[byte >> 4];
    hex[2 * byte_idx + 1] = kDigits[byte & 15];
  }
  return hex;
}

}  // namespace mltrack::ingest::otlp
