#include "analytics/model_facts.h"

namespace mltrack::analytics {
namespace {

// nano-USD per million tokens → USD per thousand tokens.
std::optional<double> UsdPer1k(const std::optional<UnitPrice>& price) {
  if (!price) return std::nullopt;
  return static_cast<double>(price->base) / static_cast<double>(kNanoPerUsd) / 1000.0;
}

}  // namespace

ModelFactsLookup CatalogueFacts(const PriceCatalogue* catalogue, int64_t now_ms) {
  return [catalogue, now_ms](std::string_view provider, std::string_view model) -> std::optional<ModelFacts> {
    if (catalogue == nullptr) return std::nullopt;
    std::optional<PriceMatch> match = catalogue->Find(provider, model);
    if (!match) return std::nullopt;
    const ModelFeatures& features = match->model->features;
    const PriceSet& prices = match->model->pricing.At(now_ms);
    ModelFacts facts;
    facts.catalogue_provider = match->provider->id;
    facts.context_window = features.context_window;
    facts.vision = features.prices_image_input;
    facts.tools = features.prices_tool_input;
    facts.reasoning = features.prices_reasoning;
    facts.input_usd_per_1k = UsdPer1k(prices.input_mtok);
    facts.output_usd_per_1k = UsdPer1k(prices.output_mtok);
    return facts;
  };
}

}  // namespace mltrack::analytics
