#include "core/price_cost.h"

#include <algorithm>
#include <limits>
#include <string>

#include "core/civil_date.h"

namespace mltrack {

namespace {

using Wide = unsigned __int128;

constexpr int64_t kMsPerDay = 86'400'000;
constexpr int32_t kSecondsPerDay = 86'400;

bool ParseFixedDigits(std::string_view text, size_t pos, size_t count, int64_t* out) {
  if (pos + count > text.size()) return false;
  int64_t value = 0;
  for (size_t idx = pos; idx < pos + count; ++idx) {
    if (text[idx] < '0' || text[idx] > '9') return false;
    value = value * 10 + (text[idx] - '0');
  }
  *out = value;
  return true;
}

Status BadNumber(std::string_view text, std::string_view why) {
  return Status::InvalidArgument("price \"" + std::string(text) + "\": " + std::string(why));
}

}  // namespace

int64_t UnitPrice::At(int64_t input_tokens) const {
  int64_t price = base;
  for (const auto& [start, tier_price] : tiers) {
    if (input_tokens > start) price = tier_price;
  }
  return price;
}

bool PriceCondition::Holds(int64_t ts_ms) const {
  switch (kind) {
    case Kind::kAlways:
      return true;
    case Kind::kStartDate:
      return ts_ms >= start_ms;
    case Kind::kTimeOfDay: {
      int64_t ms_of_day = ts_ms % kMsPerDay;
      if (ms_of_day < 0) ms_of_day += kMsPerDay;
      const int64_t start = int64_t{day_start_s} * 1000;
      const int64_t end = int64_t{day_end_s} * 1000;
      if (end < start) return ms_of_day >= start || ms_of_day < end;  // wraps past midnight
      return ms_of_day >= start && ms_of_day < end;
    }
  }
  return false;
}

const PriceSet& ModelPricing::At(int64_t ts_ms) const {
  for (auto it = sets.rbegin(); it != sets.rend(); ++it) {
    if (it->first.Holds(ts_ms)) return it->second;
  }
  return sets.front().second;
}

std::optional<NanoUsd> ComputeCost(const PriceSet& prices, const TokenUsage& usage) {
  auto count = [](int64_t value) -> Wide { return value > 0 ? static_cast<Wide>(value) : 0; };
  Wide input = count(usage.input_tokens);
  const Wide cache_read = count(usage.cached_input_tokens);
  const Wide cache_write = count(usage.cache_write_tokens);
  Wide output = count(usage.output_tokens);
  const Wide reasoning = count(usage.reasoning_tokens);
  // Parts larger than their total mean the client reported the total without them (Anthropic's
  // input_tokens excludes cache reads and writes; Gemini's output excludes thinking tokens):
  // add them back rather than bill negative tokens.
  if (cache_read + cache_write > input) input += cache_read + cache_write;
  if (reasoning > output) output += reasoning;

  // A unit priced on its own takes its tokens out of the parent; an unpriced one leaves them in,
  // billed at the parent's price (upstream's leaf-value rule).
  const Wide cache_read_leaf = prices.cache_read_mtok ? cache_read : 0;
  const Wide cache_write_leaf = prices.cache_write_mtok ? cache_write : 0;
  const Wide reasoning_leaf = prices.output_reasoning_mtok ? reasoning : 0;
  const Wide input_leaf = input - cache_read_leaf - cache_write_leaf;
  const Wide output_leaf = output - reasoning_leaf;

  // Tiers are chosen by the call's total input tokens, for every tiered unit.
  const int64_t tier_tokens = input > static_cast<Wide>(std::numeric_limits<int64_t>::max())
                                  ? std::numeric_limits<int64_t>::max()
                                  : static_cast<int64_t>(input);
  // Sum in nano-USD × 1e6 (the unit of tokens × nano-USD-per-million) and divide once.
  Wide micro_nano = 0;
  bool overflow = false;
  auto add = [&](const std::optional<UnitPrice>& price, Wide units, Wide scale) {
    if (!price || units == 0) return;
    Wide term = 0;
    overflow |= __builtin_mul_overflow(units, static_cast<Wide>(price->At(tier_tokens)), &term);
    overflow |= __builtin_mul_overflow(term, scale, &term);
    overflow |= __builtin_add_overflow(micro_nano, term, &micro_nano);
  };
  add(prices.input_mtok, input_leaf, 1);
  add(prices.cache_read_mtok, cache_read_leaf, 1);
  add(prices.cache_write_mtok, cache_write_leaf, 1);
  add(prices.output_mtok, output_leaf, 1);
  add(prices.output_reasoning_mtok, reasoning_leaf, 1);
  // Per thousand requests: one request is price / 1000 = price × 1000 in units of 1e-6.
  add(prices.requests_kcount, 1, 1000);
  if (overflow) return std::nullopt;
  const Wide nano = (micro_nano + 500'000) / 1'000'000;  // round half up
  if (nano > static_cast<Wide>(std::numeric_limits<NanoUsd>::max())) return std::nullopt;
  return static_cast<NanoUsd>(nano);
}

Result<int64_t> ParseDecimalNanoUsd(std::string_view text) {
  // Collect the significant digits and the power of ten they are scaled by, then shift to nano.
  std::string digits;
  int64_t exponent = 0;
  size_t pos = 0;
  bool seen_digit = false;
  bool seen_point = false;
  if (pos < text.size() && text[pos] == '-') return BadNumber(text, "negative");
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c >= '0' && c <= '9') {
      seen_digit = true;
      if (!digits.empty() || c != '0') digits.push_back(c);
      if (seen_point) --exponent;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!seen_digit) return BadNumber(text, "not a number");
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    bool negative = false;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) negative = text[pos++] == '-';
    int64_t value = 0;
    const size_t first = pos;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
      if (value > 100'000) return BadNumber(text, "exponent out of range");
      value = value * 10 + (text[pos] - '0');
    }
    if (pos == first) return BadNumber(text, "bad exponent");
    exponent += negative ? -value : value;
  }
  if (pos != text.size()) return BadNumber(text, "not a number");
  exponent += 9;  // USD → nano-USD
  if (digits.empty()) return int64_t{0};
  Wide value = 0;
  if (exponent < 0) {
    // Drop -exponent digits, rounding half up on the first dropped one.
    const int64_t keep = static_cast<int64_t>(digits.size()) + exponent;
    const bool round_up = keep >= 0 && digits[static_cast<size_t>(keep)] >= '5';
    for (int64_t idx = 0; idx < keep; ++idx) {
      value = value * 10 + static_cast<Wide>(digits[static_cast<size_t>(idx)] - '0');
      if (value > static_cast<Wide>(std::numeric_limits<int64_t>::max())) {
        return BadNumber(text, "too large");
      }
    }
    if (round_up) ++value;
  } else {
    if (static_cast<int64_t>(digits.size()) + exponent > 19) return BadNumber(text, "too large");
    for (char c : digits) value = value * 10 + static_cast<Wide>(c - '0');
    for (int64_t idx = 0; idx < exponent; ++idx) value *= 10;
  }
  if (value > static_cast<Wide>(std::numeric_limits<int64_t>::max())) {
    return BadNumber(text, "too large");
  }
  return static_cast<int64_t>(value);
}

Result<int64_t> ParsePriceStartDate(std::string_view text) {
  int64_t year = 0, month = 0, day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !ParseFixedDigits(text, 0, 4, &year) || !ParseFixedDigits(text, 5, 2, &month) ||
      !ParseFixedDigits(text, 8, 2, &day) || month < 1 || month > 12 || day < 1 || day > 31) {
    return Status::InvalidArgument("start_date \"" + std::string(text) + "\" is not YYYY-MM-DD");
  }
  return DaysFromCivil(year, month, day) * kMsPerDay;
}

Result<int32_t> ParsePriceTimeOfDay(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidArgument("time \"" + std::string(text) +
                                   "\" is not HH:MM:SS with an offset");
  };
  int64_t hour = 0, minute = 0, second = 0;
  if (text.size() < 9 || text[2] != ':' || text[5] != ':' || !ParseFixedDigits(text, 0, 2, &hour) ||
      !ParseFixedDigits(text, 3, 2, &minute) || !ParseFixedDigits(text, 6, 2, &second) ||
      hour > 23 || minute > 59 || second > 59) {
    return bad();
  }
  size_t pos = 8;
  if (text[pos] == '.') {
    ++pos;
    const size_t first = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == first) return bad();
  }
  int64_t offset_s = 0;
  std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z") {
    offset_s = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int64_t offset_h = 0, offset_m = 0;
    if (!ParseFixedDigits(zone, 1, 2, &offset_h) || !ParseFixedDigits(zone, 4, 2, &offset_m) ||
        offset_h > 23 || offset_m > 59) {
      return bad();
    }
    offset_s = (offset_h * 60 + offset_m) * 60 * (zone[0] == '+' ? 1 : -1);
  } else {
    return bad();
  }
  const int64_t local_s = hour * 3600 + minute * 60 + second;
  return static_cast<int32_t>(((local_s - offset_s) % kSecondsPerDay + kSecondsPerDay) %
                              kSecondsPerDay);
}

}  // namespace mltrack
