#pragma once
// What the Model Comparison dashboard knows about a model from outside the events: the price
// catalogue's list prices and stated features (core/price_catalogue.h, ModelFeatures). Kept
// behind a lookup function so the dashboard computes the same with any catalogue, or none.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/price_catalogue.h"

namespace mltrack::analytics {

struct ModelFacts {
  std::string catalogue_provider;  // the catalogue provider that lists the model
  std::optional<int64_t> context_window;
  // Stated by the catalogue (a priced modality); false = not stated, shown as "unknown".
  bool vision = false;
  bool tools = false;
  bool reasoning = false;
  // List prices now, base tier, USD per 1,000 tokens; nullopt where the catalogue has none.
  std::optional<double> input_usd_per_1k;
  std::optional<double> output_usd_per_1k;
};

// nullopt when the catalogue does not know the model. `provider` is the events' provider (may be
// empty). Must be thread-safe.
using ModelFactsLookup =
    std::function<std::optional<ModelFacts>(std::string_view provider, std::string_view model)>;

// A lookup into `catalogue` (null: knows nothing) at `now_ms` (selects dated prices). The
// catalogue must outlive the lookup.
ModelFactsLookup CatalogueFacts(const PriceCatalogue* catalogue, int64_t now_ms);

}  // namespace mltrack::analytics
