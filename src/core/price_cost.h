#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/event.h"
#include "core/status.h"

namespace mltrack {

// Token counts of one call in the event schema's terms (DESIGN.md §6). The totals include their
// parts: `input_tokens` counts cache reads and cache writes, `output_tokens` counts reasoning.
struct TokenUsage {
  int64_t input_tokens = 0;
  int64_t cached_input_tokens = 0;  // cache reads (part of input_tokens)
  int64_t cache_write_tokens = 0;   // cache writes (part of input_tokens)
  int64_t output_tokens = 0;
  int64_t reasoning_tokens = 0;  // part of output_tokens

  bool operator==(const TokenUsage&) const = default;
};

// One catalogue price in integer nano-USD per price unit (per million tokens for `*_mtok`, per
// thousand requests for `requests_kcount`), optionally tiered. Tiers are "cliffs" (upstream
// TieredPrices): once the call's total input tokens exceed a tier's start, that tier's price
// applies to ALL tokens of this kind, not just those above the threshold.
struct UnitPrice {
  int64_t base = 0;
  std::vector<std::pair<int64_t, int64_t>> tiers;  // (start in input tokens, price), by start

  int64_t At(int64_t input_tokens) const;
  bool operator==(const UnitPrice&) const = default;
};

// The prices of one model under one condition: the subset of upstream `ModelPrice` keys that an
// event's token counts can feed. Absent = the catalogue does not price that unit separately, so
// those tokens stay in their parent unit (cache reads bill as input, reasoning as output).
// Modality keys (audio, image, ...) and per-search fees cannot be fed from an event and are
// ignored.
struct PriceSet {
  std::optional<UnitPrice> input_mtok;
  std::optional<UnitPrice> cache_read_mtok;
  std::optional<UnitPrice> cache_write_mtok;
  std::optional<UnitPrice> output_mtok;
  std::optional<UnitPrice> output_reasoning_mtok;
  std::optional<UnitPrice> requests_kcount;  // a fee per call

  bool operator==(const PriceSet&) const = default;
};

// When a PriceSet applies (upstream ConditionalPrice.constraint).
struct PriceCondition {
  enum class Kind : uint8_t { kAlways = 0, kStartDate, kTimeOfDay };
  Kind kind = Kind::kAlways;
  int64_t start_ms = 0;     // kStartDate: from this instant (the date's 00:00 UTC) on
  int32_t day_start_s = 0;  // kTimeOfDay: [start, end) in seconds after 00:00 UTC, may wrap
  int32_t day_end_s = 0;

  bool Holds(int64_t ts_ms) const;
  bool operator==(const PriceCondition&) const = default;
};

// All prices of one model: one unconditional set, or conditional sets of which the LAST whose
// condition holds applies, and the first when none holds (upstream semantics; this is how dated
// price changes and off-peak hours are written).
struct ModelPricing {
  std::vector<std::pair<PriceCondition, PriceSet>> sets;  // never empty once parsed

  const PriceSet& At(int64_t ts_ms) const;
  bool operator==(const ModelPricing&) const = default;
};

// The cost of `usage` under `prices` in nano-USD, rounded half up once at the end; nullopt only
// when the sum does not fit in int64 (absurd token counts). See docs/price_catalogue_format.md
// for the formula. Negative counts are treated as zero.
std::optional<NanoUsd> ComputeCost(const PriceSet& prices, const TokenUsage& usage);

// A decimal USD amount as JSON writes it ("2.5", "0.075", "1e-7", "10") in nano-USD, rounded half
// up at the ninth decimal. InvalidArgument for anything else, negatives or overflow.
Result<int64_t> ParseDecimalNanoUsd(std::string_view text);

// "2025-06-10" → epoch ms of that day's 00:00 UTC.
Result<int64_t> ParsePriceStartDate(std::string_view text);

// "00:30:00Z", "16:30:00.5+08:00" → seconds after 00:00 UTC (fraction dropped).
Result<int32_t> ParsePriceTimeOfDay(std::string_view text);

}  // namespace mltrack
