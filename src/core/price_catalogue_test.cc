#include "core/price_catalogue.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace mltrack {
namespace {

std::string SharedPricesDir() {
  const char* root = std::getenv("MLTRACK_SOURCE_DIR");
  return std::string(root != nullptr ? root : MLTRACK_SOURCE_DIR) +
         "/../shared/data/prices/genai-prices/";
}

// The real upstream catalogue, loaded once for all tests. Expected costs below are worked out by
// hand from the prices in data_v2.json (quoted in each comment) in micro-USD (µ$ = tokens ×
// $/Mtok), then written in nano-USD (× 1000).
const PriceCatalogue& Upstream() {
  static const PriceCatalogue* catalogue = [] {
    Result<PriceCatalogue> loaded = PriceCatalogue::LoadFile(SharedPricesDir() + "data_v2.json");
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return new PriceCatalogue(loaded.ok() ? std::move(loaded).value() : PriceCatalogue());
  }();
  return *catalogue;
}

constexpr int64_t kJan2025 = 1'736'942'400'000;  // 2025-01-15T12:00:00Z

NanoUsd CostOf(std::string_view provider, std::string_view model, TokenUsage usage,
               int64_t ts_ms = kJan2025) {
  std::optional<NanoUsd> cost = Upstream().Cost(provider, model, ts_ms, usage);
  EXPECT_TRUE(cost.has_value()) << provider << "/" << model;
  return cost.value_or(-1);
}

TEST(PriceCatalogueUpstreamTest, LoadsEveryProviderAndModel) {
  EXPECT_EQ(Upstream().providers().size(), 36u);
  EXPECT_EQ(Upstream().model_count(), 1466u);
}

TEST(PriceCatalogueUpstreamTest, LoadsTheNpmBundledForm) {
  // The npm bundle adds "type" to constraints and has more providers; it must load as well.
  Result<PriceCatalogue> bundled =
      PriceCatalogue::LoadFile(SharedPricesDir() + "npm-0.1.8-bundled-providers.json");
  ASSERT_TRUE(bundled.ok()) << bundled.status().ToString();
  EXPECT_EQ(bundled->providers().size(), 43u);
  EXPECT_EQ(bundled->model_count(), 1694u);
  EXPECT_TRUE(bundled->Find("", "gpt-4o").has_value());
}

TEST(PriceCatalogueUpstreamTest, Gpt4o) {
  // input 2.5, cache_read 1.25, output 10: 800×2.5 + 200×1.25 + 500×10 = 7,250 µ$.
  EXPECT_EQ(CostOf("openai", "gpt-4o", {1'000, 200, 0, 500, 0}), 7'250'000);
  // OpenAI has no cache-write price: written tokens bill as plain input.
  EXPECT_EQ(CostOf("openai", "gpt-4o-2024-08-06", {1'000, 0, 300, 0, 0}), 2'500'000);
}

TEST(PriceCatalogueUpstreamTest, Gpt4oMini) {
  // input 0.15, output 0.6: 12345×0.15 + 678×0.6 = 1851.75 + 406.8 = 2,258.55 µ$.
  EXPECT_EQ(CostOf("openai", "gpt-4o-mini", {12'345, 0, 0, 678, 0}), 2'258'550);
  // cache_read 0.075: one cached token is 0.075 µ$ = 75 n$.
  EXPECT_EQ(CostOf("openai", "gpt-4o-mini", {1, 1, 0, 0, 0}), 75);
}

TEST(PriceCatalogueUpstreamTest, Claude35SonnetWithCacheReadAndWrite) {
  // input 3, cache_write 3.75, cache_read 0.3, output 15; 10,000 input of which 6,000 read from
  // and 2,000 written to the cache: 2000×3 + 2000×3.75 + 6000×0.3 + 1000×15 = 30,300 µ$.
  EXPECT_EQ(CostOf("anthropic", "claude-3-5-sonnet-20241022", {10'000, 6'000, 2'000, 1'000, 0}),
            30'300'000);
}

TEST(PriceCatalogueUpstreamTest, ClaudeSonnet4) {
  // claude-sonnet-4-0: input 3, cache_write 3.75, cache_read 0.3, output 15.
  // 500×3 + 1500×0.3 + 2000×15 = 1500 + 450 + 30000 = 31,950 µ$.
  EXPECT_EQ(CostOf("anthropic", "claude-sonnet-4-20250514", {2'000, 1'500, 0, 2'000, 0}),
            31'950'000);
  std::optional<PriceMatch> match = Upstream().Find("", "claude-sonnet-4-20250514");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->provider->id, "anthropic");
  EXPECT_EQ(match->model->id, "claude-sonnet-4-0");
}

TEST(PriceCatalogueUpstreamTest, Gemini15ProTierAbove128kInputTokens) {
  // input {base 1.25, >128000: 2.5}, output {base 5, >128000: 10}; the tier is a cliff on total
  // input tokens and applies to output too.
  EXPECT_EQ(CostOf("google", "gemini-1.5-pro", {128'000, 0, 0, 1'000, 0}), 160'000'000 + 5'000'000);
  EXPECT_EQ(CostOf("google", "gemini-1.5-pro", {128'001, 0, 0, 1'000, 0}),
            320'002'500 + 10'000'000);
  EXPECT_EQ(CostOf("google", "gemini-1.5-pro-002", {200'000, 0, 0, 1'000, 0}), 510'000'000);
}

TEST(PriceCatalogueUpstreamTest, OSeriesReasoningTokensBillAsOutput) {
  // o3-mini: input 1.1, cache_read 0.55, output 4.4, no separate reasoning price, so the 2,500
  // reasoning tokens inside output_tokens bill at 4.4: 1000×1.1 + 1000×0.55 + 3000×4.4 = 14,850 µ$.
  EXPECT_EQ(CostOf("openai", "o3-mini", {2'000, 1'000, 0, 3'000, 2'500}), 14'850'000);
}

TEST(PriceCatalogueUpstreamTest, SeparatelyPricedReasoningAndRequestFee) {
  // sonar-deep-research: input 2, output 8, output_reasoning 3: 1000×2 + 1000×8 + 4000×3.
  EXPECT_EQ(CostOf("perplexity", "sonar-deep-research", {1'000, 0, 0, 5'000, 4'000}), 22'000'000);
  // sonar: input 1, output 1, requests_kcount 12 ($0.012 per call): 100 + 100 µ$ + 12,000 µ$.
  EXPECT_EQ(CostOf("perplexity", "sonar", {100, 0, 0, 100, 0}), 12'200'000);
}

TEST(PriceCatalogueUpstreamTest, DatedPriceChange) {
  // o3: input 10 / output 40 until 2025-06-10, then input 2 / output 8.
  const TokenUsage usage{1'000, 0, 0, 1'000, 0};
  EXPECT_EQ(CostOf("openai", "o3", usage, 1'749'513'599'999),
            50'000'000);  // 2025-06-09T23:59:59.999Z
  EXPECT_EQ(CostOf("openai", "o3", usage, 1'749'513'600'000), 10'000'000);  // 2025-06-10T00:00:00Z
}

TEST(PriceCatalogueUpstreamTest, TimeOfDayPrices) {
  // deepseek-chat: 00:30–16:30 UTC input 0.27 / cache_read 0.07 / output 1.1, otherwise
  // 0.135 / 0.035 / 0.55. 600k input + 400k cached + 100k output.
  const TokenUsage usage{1'000'000, 400'000, 0, 100'000, 0};
  EXPECT_EQ(CostOf("deepseek", "deepseek-chat", usage, 1'736'942'400'000), 300'000'000);  // 12:00Z
  EXPECT_EQ(CostOf("deepseek", "deepseek-chat", usage, 1'736'971'200'000), 150'000'000);  // 20:00Z
  EXPECT_EQ(CostOf("deepseek", "deepseek-chat", usage, 1'736'901'000'000), 300'000'000);  // 00:30Z
  EXPECT_EQ(CostOf("deepseek", "deepseek-chat", usage, 1'736'958'600'000), 150'000'000);  // 16:30Z
}

TEST(PriceCatalogueUpstreamTest, UnknownModelIsUnpricedNeverZero) {
  EXPECT_EQ(Upstream().Cost("", "my-own-finetune-v7", kJan2025, {1'000, 0, 0, 1'000, 0}),
            std::nullopt);
  EXPECT_EQ(Upstream().Cost("openai", "no-such-model", kJan2025, {1'000, 0, 0, 1'000, 0}),
            std::nullopt);
  EXPECT_EQ(Upstream().Cost("", "", kJan2025, {1'000, 0, 0, 1'000, 0}), std::nullopt);
  // A known provider that does not sell the model does not borrow another provider's price.
  EXPECT_EQ(Upstream().Cost("openai", "claude-3-5-sonnet", kJan2025, {1'000, 0, 0, 1'000, 0}),
            std::nullopt);
}

TEST(PriceCatalogueUpstreamTest, InfersTheHomeProvider) {
  for (const auto& [model, provider] : {std::pair{"gpt-4o", "openai"},
                                        {"GPT-4o-Mini", "openai"},
                                        {"o3-mini", "openai"},
                                        {"claude-3-5-sonnet-latest", "anthropic"},
                                        {"gemini-1.5-pro", "google"},
                                        {"deepseek-chat", "deepseek"},
                                        {"mistral-large-latest", "mistral"}}) {
    std::optional<PriceMatch> match = Upstream().Find("", model);
    ASSERT_TRUE(match) << model;
    EXPECT_EQ(match->provider->id, provider) << model;
    EXPECT_TRUE(match->provider_inferred);
    EXPECT_FALSE(match->ambiguous) << model;
  }
}

TEST(PriceCatalogueUpstreamTest, ModelPrefixesAndProviderAliases) {
  std::optional<PriceMatch> prefixed = Upstream().Find("", "openai/gpt-4o");
  ASSERT_TRUE(prefixed);
  EXPECT_EQ(prefixed->provider->id, "openai");
  EXPECT_EQ(prefixed->model->id, "gpt-4o");
  EXPECT_FALSE(prefixed->ambiguous);

  std::optional<PriceMatch> path = Upstream().Find("google", "models/gemini-1.5-pro");
  ASSERT_TRUE(path);
  EXPECT_EQ(path->model->id, "gemini-1.5-pro");

  // OpenRouter lists "openai/..." names itself; a named provider searches its own list first.
  std::optional<PriceMatch> router = Upstream().Find("openrouter", "openai/gpt-4o");
  ASSERT_TRUE(router);
  EXPECT_EQ(router->provider->id, "openrouter");

  std::optional<PriceMatch> vertex = Upstream().Find("vertex_ai", "gemini-1.5-pro");
  ASSERT_TRUE(vertex);
  EXPECT_EQ(vertex->provider->id, "google");
  EXPECT_FALSE(vertex->provider_inferred);

  std::optional<PriceMatch> azure = Upstream().Find("azure_openai", "gpt-4o");
  ASSERT_TRUE(azure);
  EXPECT_EQ(azure->provider->id, "azure");  // Azure falls back to OpenAI's price list
  EXPECT_EQ(azure->model->id, "gpt-4o");
}

TEST(PriceCatalogueUpstreamTest, ModelListedByManyProvidersIsAmbiguous) {
  std::optional<PriceMatch> match = Upstream().Find("", "meta-llama/Llama-3.3-70B-Instruct");
  ASSERT_TRUE(match);
  EXPECT_TRUE(match->provider_inferred);
  EXPECT_TRUE(match->ambiguous);
  std::optional<PriceMatch> only_groq = Upstream().Find("", "llama-3.3-70b-versatile");
  ASSERT_TRUE(only_groq);
  EXPECT_EQ(only_groq->provider->id, "groq");
  EXPECT_FALSE(only_groq->ambiguous);
}

TEST(PriceCatalogueUpstreamTest, UnknownProviderNameStillFindsTheModel) {
  std::optional<PriceMatch> match = Upstream().Find("my-gateway", "gpt-4o");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->provider->id, "openai");
  EXPECT_TRUE(match->provider_inferred);
}

constexpr std::string_view kSmall = R"json([
  {"id": "acme", "name": "Acme", "api_pattern": "x", "model_match": {"starts_with": "acme-"},
   "provider_match": {"or": [{"equals": "acme-cloud"}, {"regex": "^acm"}]},
   "models": [
     {"id": "acme-1", "match": {"equals": "acme-1"}, "prices": {"input_mtok": 1, "output_mtok": 2}},
     {"id": "acme-2", "match": {"and": [{"starts_with": "acme-2"}, {"ends_with": "-pro"}]},
      "prices": {"input_mtok": 3, "output_mtok": 4, "audio_hours": 9, "future_unit_mtok": 5}}
   ]}
])json";

TEST(PriceCatalogueUpstreamTest, FeaturesAreWhatTheDataStates) {
  // data_v2.json: gpt-4o has "context_window": 128000 and prices text only; claude-sonnet-4-5
  // has 1000000; gpt-image-1 prices input_image_mtok; sonar-deep-research output_reasoning_mtok;
  // mistral-large-2512 states no context window.
  auto features = [](std::string_view provider, std::string_view model) {
    std::optional<PriceMatch> match = Upstream().Find(provider, model);
    EXPECT_TRUE(match.has_value()) << model;
    return match ? match->model->features : ModelFeatures{};
  };
  ModelFeatures gpt4o = features("openai", "gpt-4o");
  EXPECT_EQ(gpt4o.context_window, 128'000);
  EXPECT_FALSE(gpt4o.prices_image_input);
  EXPECT_FALSE(gpt4o.prices_reasoning);
  EXPECT_EQ(features("anthropic", "claude-sonnet-4-5").context_window, 1'000'000);
  EXPECT_TRUE(features("openai", "gpt-image-1").prices_image_input);
  EXPECT_TRUE(features("perplexity", "sonar-deep-research").prices_reasoning);
  EXPECT_EQ(features("mistral", "mistral-large-2512").context_window, std::nullopt);
}

TEST(PriceCatalogueTest, ParsesAWrappedCatalogueAndIgnoresUnknownPriceKeys) {
  Result<PriceCatalogue> catalogue =
      PriceCatalogue::Parse("{\"providers\": " + std::string(kSmall) + "}");
  ASSERT_TRUE(catalogue.ok()) << catalogue.status().ToString();
  EXPECT_EQ(catalogue->Cost("acme-cloud", "acme-2-large-pro", 0, {1'000'000, 0, 0, 0, 0}),
            3'000'000'000);
  EXPECT_EQ(catalogue->Cost("acm", "acme-1", 0, {0, 0, 0, 1'000'000, 0}), 2'000'000'000);
  EXPECT_EQ(catalogue->Cost("", "acme-2-large", 0, {1, 0, 0, 0, 0}), std::nullopt);

  Result<PriceCatalogue> conditional = PriceCatalogue::Parse(R"json([{"id": "p", "models": [
      {"id": "m", "match": {"equals": "m"}, "context_window": 32000,
       "prices": [{"prices": {"input_mtok": 1}},
                  {"constraint": {"start_date": "2025-01-01"},
                   "prices": {"input_mtok": 1, "input_text_tool_mtok": 2, "output_text_reasoning_mtok": 3}}]}]}])json");
  ASSERT_TRUE(conditional.ok()) << conditional.status().ToString();
  const ModelFeatures& features = conditional->providers()[0].models[0].features;
  EXPECT_EQ(features.context_window, 32'000);
  EXPECT_TRUE(features.prices_tool_input);
  EXPECT_TRUE(features.prices_reasoning);
  EXPECT_FALSE(features.prices_image_input);
}

TEST(PriceCatalogueTest, RejectsStructuralErrorsNamingTheModel) {
  auto error_of = [](std::string_view json) {
    return PriceCatalogue::Parse(json).status().message();
  };
  EXPECT_NE(error_of("[{\"id\": \"p\", \"models\": [{\"id\": \"m\", \"prices\": {}}]}]")
                .find("model m: missing match"),
            std::string::npos);
  EXPECT_NE(error_of("[{\"id\": \"p\", \"models\": [{\"id\": \"m\", \"match\": {\"regex\": \"(\"}, "
                     "\"prices\": {}}]}]")
                .find("invalid regex"),
            std::string::npos);
  EXPECT_NE(
      error_of("[{\"id\": \"p\", \"models\": [{\"id\": \"m\", \"match\": {\"equals\": \"m\"}, "
               "\"prices\": {\"input_mtok\": \"cheap\"}}]}]")
          .find("input_mtok"),
      std::string::npos);
  EXPECT_NE(
      error_of("[{\"id\": \"p\", \"models\": [{\"id\": \"m\", \"match\": {\"equals\": \"m\"}, "
               "\"prices\": [{\"constraint\": {\"start_date\": \"June\"}, \"prices\": {}}]}]}]")
          .find("start_date"),
      std::string::npos);
  EXPECT_FALSE(PriceCatalogue::Parse("{").ok());
  EXPECT_FALSE(PriceCatalogue::Parse("42").ok());
  EXPECT_FALSE(PriceCatalogue::Parse("[{\"models\": []}]").ok());
  EXPECT_EQ(PriceCatalogue::LoadFile("/nonexistent/prices.json").status().code(),
            StatusCode::kIOError);
}

TEST(PriceCatalogueTest, MergeOverridesAndExtends) {
  Result<PriceCatalogue> base = PriceCatalogue::Parse(kSmall);
  ASSERT_TRUE(base.ok());
  ASSERT_EQ(base->Cost("", "acme-1", 0, {1'000'000, 0, 0, 0, 0}), 1'000'000'000);  // memoized now
  Result<PriceCatalogue> overrides = PriceCatalogue::Parse(R"json([
    {"id": "acme", "models": [{"id": "acme-1-new", "match": {"equals": "acme-1"}, "prices": {"input_mtok": 0.5}}]},
    {"id": "inhouse", "model_match": {"starts_with": "acme-"},
     "models": [{"id": "ft", "match": {"equals": "ft:acme-1:team"}, "prices": {"input_mtok": 7}}]}
  ])json");
  ASSERT_TRUE(overrides.ok()) << overrides.status().ToString();
  base->Merge(std::move(overrides).value());
  EXPECT_EQ(base->providers().size(), 2u);
  EXPECT_EQ(base->model_count(), 4u);
  EXPECT_EQ(base->Cost("", "acme-1", 0, {1'000'000, 0, 0, 0, 0}), 500'000'000);
  EXPECT_EQ(base->Cost("acme", "acme-2-pro", 0, {1'000'000, 0, 0, 0, 0}), 3'000'000'000);  // kept
  EXPECT_EQ(base->Cost("inhouse", "ft:acme-1:team", 0, {1'000'000, 0, 0, 0, 0}), 7'000'000'000);
}

TEST(PriceCatalogueTest, EmptyCatalogueFindsNothing) {
  PriceCatalogue empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_FALSE(empty.Find("openai", "gpt-4o").has_value());
}

}  // namespace
}  // namespace mltrack
