#include "ingest/pricing.h"

#include <optional>
#include <string>
#include <vector>

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

namespace {

// The catalogue's lookups within one batch, per (provider, model) exactly as sent. Find
// normalizes both names, builds a key and takes the catalogue's memo mutex; a batch nearly
// always repeats a few pairs, so asking once per distinct pair takes that off the per-event
// path. Bounded: past kMaxEntries distinct pairs the rest go to the catalogue every time.
class BatchMatches {
 public:
  explicit BatchMatches(const PriceCatalogue& catalogue) : catalogue_(catalogue) {}

  std::optional<PriceMatch> Find(const std::string& provider, const std::string& model) {
    if (last_ < entries_.size() && entries_[last_].Is(provider, model)) return entries_[last_].match;
    for (size_t entry_idx = 0; entry_idx < entries_.size(); ++entry_idx) {
      if (entries_[entry_idx].Is(provider, model)) {
        last_ = entry_idx;
        return entries_[entry_idx].match;
      }
    }
    std::optional<PriceMatch> match = catalogue_.Find(provider, model);
    if (entries_.size() < kMaxEntries) {
      last_ = entries_.size();
      entries_.push_back(Entry{provider, model, match});
    }
    return match;
  }

 private:
  static constexpr size_t kMaxEntries = 32;
  struct Entry {
    std::string provider;
    std::string model;
    std::optional<PriceMatch> match;
    bool Is(const std::string& other_provider, const std::string& other_model) const {
      return model == other_model && provider == other_provider;
    }
  };
  const PriceCatalogue& catalogue_;
  std::vector<Entry> entries_;
  size_t last_ = 0;
};

}  // namespace

PricingSummary PriceEvents(const PriceCatalogue& catalogue, EventBatch& batch) {
  PricingSummary summary;
  BatchMatches matches(catalogue);
  for (Event& event : batch) {
    if (event.model.empty()) continue;
    const std::optional<PriceMatch> match = matches.Find(event.provider, event.model);
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
