#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mltrack::ingest {

// A JSON number token (RFC 8259 grammar) split into its parts, pointing into the token. The
// decoder reads numbers from their text rather than through double so that integers above 2^53
// and decimal money are judged and converted exactly.
struct JsonNumber {
  bool negative = false;
  std::string_view int_digits;   // at least one digit; no leading zero unless it is "0"
  std::string_view frac_digits;  // empty when there is no '.'
  int64_t exponent = 0;          // 0 when there is no exponent; clamped to ±1e9
  bool has_fraction_or_exponent() const { return !frac_digits.empty() || has_exponent; }
  bool has_exponent = false;
  bool is_zero() const;  // every digit is 0
};

// Splits `token` (surrounding whitespace not allowed); nullopt when it is not a JSON number.
std::optional<JsonNumber> SplitJsonNumber(std::string_view token);

// The value as a non-negative integer when the token is written as one (no '.', no exponent,
// no '-' except on zero) and is at most `max`; nullopt otherwise.
std::optional<uint64_t> JsonNumberToUnsigned(const JsonNumber& number, uint64_t max);

// The value × 10^9 rounded to the nearest integer (ties away from zero), computed on the
// decimal digits without floating point: 0.000123 → 123000 exactly. Only for non-negative
// numbers; nullopt when negative or when the result would exceed `max`.
std::optional<int64_t> JsonNumberToNano(const JsonNumber& number, int64_t max);

}  // namespace mltrack::ingest
