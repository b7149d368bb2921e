// The catalogue the build embedded (cmake/price_catalogue.cmake links mltrack_price_data into
// core_tests). Skipped when no catalogue was exported before configuring.
#include <gtest/gtest.h>

#include "core/price_catalogue.h"

namespace mltrack {
namespace {

TEST(EmbeddedPriceCatalogueTest, ParsesAndPricesAKnownModel) {
  if (EmbeddedPriceCatalogue().empty())
    GTEST_SKIP() << "no build/price_catalogue.json when configured";
  Result<PriceCatalogue> catalogue = PriceCatalogue::Parse(EmbeddedPriceCatalogue());
  ASSERT_TRUE(catalogue.ok()) << catalogue.status().ToString();
  EXPECT_GT(catalogue->model_count(), 1000u);
  // gpt-4o-mini has cost $0.15 / $0.60 per Mtok since its launch; a changed export shows here.
  EXPECT_EQ(catalogue->Cost("", "gpt-4o-mini", 1'736'942'400'000, {1'000'000, 0, 0, 1'000'000, 0}),
            750'000'000);
}

}  // namespace
}  // namespace mltrack
