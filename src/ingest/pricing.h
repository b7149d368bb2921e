#pragma once

#include <cstdint>

#include "core/event.h"
#include "core/price_catalogue.h"

namespace mltrack::ingest {

// What PriceEvents did to a batch. Every event with a model lands in exactly one of priced,
// unpriced, no_usage and given; events without a model are not counted.
struct PricingSummary {
  int64_t priced = 0;           // cost computed from the catalogue
  int64_t unpriced = 0;         // model not in the catalogue: cost stays absent, never zero
  int64_t no_usage = 0;         // model known but the event has no token counts: cost stays absent
  int64_t given = 0;            // the client sent cost_usd; kept as sent
  int64_t provider_filled = 0;  // provider was empty and the catalogue named it unambiguously
  int64_t ambiguous = 0;  // model listed by several providers and none named: provider left empty

  bool operator==(const PricingSummary&) const = default;
};

// Prices a decoded, validated batch in place (DESIGN.md §6): for each event with a model and no
// cost_nano_usd, sets cost_nano_usd from `catalogue` at the event's ts_ms; for each event with a
// model and an empty provider, sets provider to the catalogue's provider id when the match is
// unambiguous (the model's home provider, or the only provider listing it). Never fails: an
// unknown model is counted, not an error. Thread-safe for distinct batches sharing a catalogue.
PricingSummary PriceEvents(const PriceCatalogue& catalogue, EventBatch& batch);

// The token counts of an event as the catalogue's cost formula takes them (absent = 0), and
// whether the event carries any token count at all.
TokenUsage UsageOf(const Event& event);
bool HasUsage(const Event& event);

}  // namespace mltrack::ingest
