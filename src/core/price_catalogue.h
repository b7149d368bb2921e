#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/price_cost.h"
#include "core/price_match.h"
#include "core/status.h"

namespace mltrack {

// What the catalogue states about a model beyond its prices. Upstream has no capability
// fields, so only positive statements can be read from it: `context_window` where given, and a
// modality a price set charges for (an `input_image_mtok` price means the model takes images).
// A false flag means "not stated", never "not supported".
struct ModelFeatures {
  std::optional<int64_t> context_window;  // tokens
  bool prices_image_input = false;        // input_image_mtok or cache_image_read_mtok
  bool prices_tool_input = false;         // input_tool_mtok or input_*_tool_mtok
  bool prices_reasoning = false;          // output_reasoning_mtok or output_*_reasoning_mtok
};

// One model of a provider in the price catalogue (upstream ModelInfo).
struct PriceModel {
  std::string id;    // e.g. "gpt-4o"
  std::string name;  // display name; may be empty
  MatchRule match;   // the names it answers to
  ModelPricing pricing;
  ModelFeatures features;
};

// One provider of the price catalogue (upstream Provider).
struct PriceProvider {
  std::string id;  // lower-case id as events carry it, e.g. "openai", "google", "aws"
  std::string name;
  MatchRule provider_match;  // provider names that mean this provider ("vertex_ai" → google)
  MatchRule model_match;     // model names this provider is the home of ("gpt-" → openai)
  std::vector<std::string> fallback_model_providers;  // whose models it also sells (azure → openai)
  std::vector<PriceModel> models;                     // first match wins
};

// Where a (provider, model) reference resolved to. The pointers point into the catalogue that
// returned it and are valid until that catalogue is merged into, moved from or destroyed.
struct PriceMatch {
  const PriceProvider* provider = nullptr;  // whose price list priced it (the caller's provider)
  const PriceModel* model = nullptr;        // may belong to a fallback provider of `provider`
  // The caller named no provider the catalogue knows, so `provider` was inferred from the model.
  bool provider_inferred = false;
  // Inferred, but more than one provider lists this model and none is its home (no provider-level
  // model_match claims it): `provider` is the first in catalogue order. Do not record it as fact.
  bool ambiguous = false;
};

// The model price catalogue: providers → models with match rules and plain, tiered, dated and
// time-of-day prices, read from the upstream @pydantic/genai-prices data_v2 JSON (the file
// tools/price-export writes and the build embeds; docs/price_catalogue_format.md). It answers
// "which model is this?" and "what did this call cost?" in integer nano-USD.
//
// Thread-safety: Find and Cost are const and safe to call from many threads at once (a small
// internal memo of resolved names is guarded by a mutex). Merge is not: do it before sharing.
class PriceCatalogue {
 public:
  PriceCatalogue();
  ~PriceCatalogue();
  PriceCatalogue(PriceCatalogue&&) noexcept;
  PriceCatalogue& operator=(PriceCatalogue&&) noexcept;
  PriceCatalogue(const PriceCatalogue&) = delete;
  PriceCatalogue& operator=(const PriceCatalogue&) = delete;

  // Parses a catalogue: a JSON array of providers (upstream data_v2.json and the exporter's
  // output), or an object whose "providers" member is that array. Unknown members, price keys and
  // match clause kinds are ignored so newer upstream data still loads (an unknown clause matches
  // nothing). InvalidArgument naming provider and model for a structural error: a missing id,
  // match or prices, a malformed number, date or time, an invalid regex, or invalid JSON.
  static Result<PriceCatalogue> Parse(std::string_view json);

  // Parse() on a file's contents; IOError when it cannot be read.
  static Result<PriceCatalogue> LoadFile(const std::string& path);

  // Overrides and extends this catalogue with `overrides` (`--prices FILE` over the embedded
  // one): a provider with a known id has its models put before the existing ones, so they win
  // the first-match lookup, and takes the override's name, match rules and fallbacks where those
  // are given; a new provider is put before all others. Invalidates earlier PriceMatch results.
  void Merge(PriceCatalogue overrides);

  // Resolves a model reference. `provider` may be empty, an id ("openai"), or an alias the
  // catalogue's provider_match rules know ("vertex_ai", "bedrock"); `model` may carry a provider
  // or path prefix ("openai/gpt-4o", "models/gemini-1.5-pro") and a compact date
  // ("...-20241022"). Matching is case-insensitive. nullopt when the model is unknown (to the
  // named provider, if it is known). See docs/price_catalogue_format.md for the search order.
  std::optional<PriceMatch> Find(std::string_view provider, std::string_view model) const;

  // The cost of one call at `ts_ms` (epoch ms, UTC; selects dated and time-of-day prices) in
  // nano-USD. nullopt = unpriced: the model is unknown (never zero for an unknown model).
  std::optional<NanoUsd> Cost(std::string_view provider, std::string_view model, int64_t ts_ms,
                              const TokenUsage& usage) const;
  static std::optional<NanoUsd> Cost(const PriceMatch& match, int64_t ts_ms,
                                     const TokenUsage& usage);

  const std::vector<PriceProvider>& providers() const { return providers_; }
  size_t model_count() const;
  bool empty() const { return providers_.empty(); }

 private:
  struct Located;
  struct Memo;
  std::optional<Located> Resolve(const std::string& provider, const std::string& model) const;
  std::optional<Located> FindInProvider(size_t provider_idx, const std::string& model) const;
  std::optional<size_t> ProviderByName(std::string_view name) const;

  std::vector<PriceProvider> providers_;
  std::unique_ptr<Memo> memo_;
};

// The catalogue embedded at build time (cmake/price_catalogue.cmake, from
// build/price_catalogue.json); an empty view when none was exported before configuring. Defined
// in the generated library mltrack_price_data, not in mltrack_core.
std::string_view EmbeddedPriceCatalogue();

}  // namespace mltrack
