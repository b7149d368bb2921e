#include "ingest/json_number.h"

#include <algorithm>

namespace mltrack::ingest {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

size_t CountDigits(std::string_view text, size_t pos) {
  size_t end = pos;
  while (end < text.size() && IsDigit(text[end])) ++end;
  return end - pos;
}

constexpr int64_t kExponentClamp = 1'000'000'000;

}  // namespace

bool JsonNumber::is_zero() const {
  auto all_zero = [](std::string_view digits) {
    return std::all_of(digits.begin(), digits.end(), [](char c) { return c == '0'; });
  };
  return all_zero(int_digits) && all_zero(frac_digits);
}

std::optional<JsonNumber> SplitJsonNumber(std::string_view token) {
  JsonNumber number;
  size_t pos = 0;
  if (pos < token.size() && token[pos] == '-') {
    number.negative = true;
    ++pos;
  }
  const size_t int_length = CountDigits(token, pos);
  if (int_length == 0 || (int_length > 1 && token[pos] == '0')) return std::nullopt;
  number.int_digits = token.substr(pos, int_length);
  pos += int_length;
  if (pos < token.size() && token[pos] == '.') {
    ++pos;
    const size_t frac_length = CountDigits(token, pos);
    if (frac_length == 0) return std::nullopt;
    number.frac_digits = token.substr(pos, frac_length);
    pos += frac_length;
  }
  if (pos < token.size() && (token[pos] == 'e' || token[pos] == 'E')) {
    ++pos;
    number.has_exponent = true;
    bool exponent_negative = false;
    if (pos < token.size() && (token[pos] == '+' || token[pos] == '-')) {
      exponent_negative = token[pos] == '-';
      ++pos;
    }
    const size_t exp_length = CountDigits(token, pos);
    if (exp_length == 0) return std::nullopt;
    int64_t exponent = 0;
    for (size_t idx = pos; idx < pos + exp_length; ++idx) {
      exponent = std::min(kExponentClamp, exponent * 10 + (token[idx] - '0'));
    }
    number.exponent = exponent_negative ? -exponent : exponent;
    pos += exp_length;
  }
  if (pos != token.size()) return std::nullopt;
  return number;
}

std::optional<uint64_t> JsonNumberToUnsigned(const JsonNumber& number, uint64_t max) {
  if (number.has_fraction_or_exponent()) return std::nullopt;
  if (number.negative && !number.is_zero()) return std::nullopt;
  if (number.int_digits.size() > 19) return std::nullopt;  // 19 digits always fit uint64
  uint64_t value = 0;
  for (char c : number.int_digits) value = value * 10 + static_cast<uint64_t>(c - '0');
  if (value > max) return std::nullopt;
  return value;
}

std::optional<int64_t> JsonNumberToNano(const JsonNumber& number, int64_t max) {
  if (number.negative && !number.is_zero()) return std::nullopt;
  if (number.is_zero()) return 0;
  // All digits as one sequence with the decimal point after `point` of them; the nano value
  // is the integer made of the digits before point + 9, rounded by the digit after that.
  const size_t total = number.int_digits.size() + number.frac_digits.size();
  auto digit_at = [&](int64_t idx) -> int {
    if (idx < 0 || idx >= static_cast<int64_t>(total)) return 0;
    const size_t at = static_cast<size_t>(idx);
    return at < number.int_digits.size() ? number.int_digits[at] - '0'
                                         : number.frac_digits[at - number.int_digits.size()] - '0';
  };
  const int64_t point = static_cast<int64_t>(number.int_digits.size()) + number.exponent;
  const int64_t nano_end = point + 9;  // digits [0, nano_end) form the nano integer
  // Skip leading zeros so that the length check below counts significant digits only.
  int64_t first_significant = 0;
  while (digit_at(first_significant) == 0) ++first_significant;  // terminates: not zero
  if (nano_end - first_significant > 19) return std::nullopt;  // ≥ 10^19 nano: over any max
  // At most 19 digits: below 10^19, which fits uint64 without overflow.
  uint64_t value = 0;
  for (int64_t idx = std::max<int64_t>(first_significant, nano_end - 19); idx < nano_end; ++idx) {
    value = value * 10 + static_cast<uint64_t>(digit_at(idx));
  }
  if (digit_at(nano_end) >= 5) ++value;
  if (value > static_cast<uint64_t>(max)) return std::nullopt;
  return static_cast<int64_t>(value);
}

}  // namespace mltrack::ingest
