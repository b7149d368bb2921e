#include "ingest/pricing.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace mltrack::ingest {
namespace {

const PriceCatalogue& Upstream() {
  static const PriceCatalogue* catalogue = [] {
    const char* root = std::getenv("MLTRACK_SOURCE_DIR");
    Result<PriceCatalogue> loaded =
        PriceCatalogue::LoadFile(std::string(root != nullptr ? root : MLTRACK_SOURCE_DIR) +
                                 "/../shared/data/prices/genai-prices/data_v2.json");
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return new PriceCatalogue(loaded.ok() ? std::move(loaded).value() : PriceCatalogue());
  }();
  return *catalogue;
}

Event Call(std::string provider, std::string model, int64_t input, int64_t output) {
  Event event;
  event.ts_ms = 1'736'942'400'000;  // 2025-01-15T12:00:00Z
  event.provider = std::move(provider);
  event.model = std::move(model);
  event.input_tokens = input;
  event.output_tokens = output;
  return event;
}

TEST(PriceEventsTest, PricesFillsProviderAndCounts) {
  EventBatch batch;
  batch.push_back(Call("", "gpt-4o", 1'000, 500));  // priced, provider → openai
  batch.back().cached_input_tokens = 200;
  batch.push_back(Call("anthropic", "claude-3-5-sonnet-20241022", 10'000, 1'000));
  batch.back().cached_input_tokens = 6'000;
  batch.back().cache_write_tokens = 2'000;
  batch.push_back(Call("", "my-own-finetune", 1'000, 1'000));  // unpriced
  batch.push_back(Call("openai", "gpt-4o", 1'000, 1'000));     // cost given
  batch.back().cost_nano_usd = 42;
  batch.push_back(Call("", "gpt-4o-mini", 0, 0));  // no usage at all
  batch.back().input_tokens.reset();
  batch.back().output_tokens.reset();
  batch.push_back(Call("", "meta-llama/Llama-3.3-70B-Instruct", 1'000'000, 0));  // ambiguous
  Event tool;  // no model: not an LLM call, left alone
  tool.operation = Operation::kTool;
  batch.push_back(tool);

  const PricingSummary summary = PriceEvents(Upstream(), batch);

  EXPECT_EQ(batch[0].cost_nano_usd, 7'250'000);  // 800×2.5 + 200×1.25 + 500×10 µ$
  EXPECT_EQ(batch[0].provider, "openai");
  EXPECT_EQ(batch[1].cost_nano_usd, 30'300'000);  // 2000×3 + 2000×3.75 + 6000×0.3 + 1000×15 µ$
  EXPECT_EQ(batch[2].cost_nano_usd, std::nullopt);
  EXPECT_EQ(batch[2].provider, "");
  EXPECT_EQ(batch[3].cost_nano_usd, 42);
  EXPECT_EQ(batch[4].cost_nano_usd, std::nullopt);
  EXPECT_EQ(batch[4].provider, "openai");
  EXPECT_TRUE(batch[5].cost_nano_usd.has_value());
  EXPECT_EQ(batch[5].provider, "");  // several providers sell it: not recorded as fact
  EXPECT_EQ(batch[6].cost_nano_usd, std::nullopt);

  PricingSummary expected;
  expected.priced = 3;
  expected.unpriced = 1;
  expected.given = 1;
  expected.no_usage = 1;
  expected.provider_filled = 2;
  expected.ambiguous = 1;
  EXPECT_EQ(summary, expected);
}

TEST(PriceEventsTest, UsesEachEventsOwnTimestamp) {
  EventBatch batch{Call("openai", "o3", 1'000, 1'000), Call("openai", "o3", 1'000, 1'000)};
  batch[0].ts_ms = 1'749'513'599'999;  // last ms before the 2025-06-10 price cut
  batch[1].ts_ms = 1'749'513'600'000;
  PriceEvents(Upstream(), batch);
  EXPECT_EQ(batch[0].cost_nano_usd, 50'000'000);  // 1000×10 + 1000×40 µ$
  EXPECT_EQ(batch[1].cost_nano_usd, 10'000'000);  // 1000×2 + 1000×8 µ$
}

TEST(PriceEventsTest, ReasoningTokensInsideOutputAreNotBilledTwice) {
  EventBatch batch{Call("", "o3-mini", 2'000, 3'000)};
  batch[0].cached_input_tokens = 1'000;
  batch[0].reasoning_tokens = 2'500;
  const PricingSummary summary = PriceEvents(Upstream(), batch);
  EXPECT_EQ(batch[0].cost_nano_usd, 14'850'000);  // 1000×1.1 + 1000×0.55 + 3000×4.4 µ$
  EXPECT_EQ(summary.priced, 1);
}

TEST(PriceEventsTest, EmptyCatalogueLeavesEverythingUnpriced) {
  PriceCatalogue empty;
  EventBatch batch{Call("openai", "gpt-4o", 10, 10)};
  const PricingSummary summary = PriceEvents(empty, batch);
  EXPECT_EQ(summary.unpriced, 1);
  EXPECT_EQ(batch[0].cost_nano_usd, std::nullopt);
}

}  // namespace
}  // namespace mltrack::ingest
