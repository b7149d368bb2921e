#include "backend/clickhouse/sql_literal.h"

#include <bit>
#include <cstdint>

namespace mltrack::backend::clickhouse {

std::string SqlString(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('\'');
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7F && c != '\'' && c != '\\') {
      out.push_back(c);
    } else {
      out += "\\x";
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
  out.push_back('\'');
  return out;
}

std::string SqlDouble(double value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  uint64_t bits = std::bit_cast<uint64_t>(value);
  std::string hex;
  for (int byte = 0; byte < 8; ++byte, bits >>= 8) {  // little-endian, as the server reads it
    hex.push_back(kHex[(bits >> 4) & 15]);
    hex.push_back(kHex[bits & 15]);
  }
  return "reinterpretAsFloat64(unhex('" + hex + "'))";
}

std::string SqlInt(int64_t value) { return std::to_string(value); }

}  // namespace mltrack::backend::clickhouse
