#include "ingest/pricing.h"

namespace mltrack::ingest {

TokenUsage UsageOf(const Event& event) {
  TokenUsage usage;
  usage.input_tokens = event.input_tokens.value_or(0);
  usage.cached_input_tokens = event.cached_input_tokens.value_or(0);
  usage.cache_write_tokens = event.cache_write_tokens.value_or(0);
  usage.output_tokens = event.output_tokens.value_or(0);
  usage.reasoning_tokens = event.reasoning_tokens.value_or(0);
  return usage;
}

bool HasUsage(const Event& event) {
  return event.input_tokens || event.output_tokens || event.cached_input_tokens ||
         event.cache_write_tokens || event.reasoning_tokens;
}

PricingSummary PriceEvents(const PriceCatalogue& catalogue, EventBatch& batch) {
  PricingSummary summary;
  for (Event& event : batch) {
    if (event.model.empty()) continue;
    const std::optional<PriceMatch> match = catalogue.Find(event.provider, event.model);
    if (match && match->ambiguous) ++summary.ambiguous;
    if (match && event.provider.empty() && !match->ambiguous) {
      event.provider = match->provider->id;
      ++summary.provider_filled;
    }
    if (event.cost_nano_usd) {
      ++summary.given;
    } else if (!match) {
      ++summary.unpriced;
    } else if (!HasUsage(event)) {
      // A call that reported no usage (often a failed one) has an unknown cost, not a zero one.
      ++summary.no_usage;
    } else if (std::optional<NanoUsd> cost =
                   PriceCatalogue::Cost(*match, event.ts_ms, UsageOf(event))) {
      event.cost_nano_usd = *cost;
      ++summary.priced;
    } else {
      ++summary.unpriced;  // only for token counts so large the cost overflows int64
    }
  }
  return summary;
}

}  // namespace mltrack::ingest
