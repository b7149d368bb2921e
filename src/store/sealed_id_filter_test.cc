#include "store/sealed_id_filter.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <string>

namespace mltrack::store {
namespace {

TEST(SealedIdFilterTest, NoFalseNegativesAcrossMergeAndRemove) {
  std::vector<IdKey> keys;
  for (int idx = 0; idx < 5000; ++idx) keys.push_back(HashId("id-" + std::to_string(idx)));
  std::vector<uint32_t> first;
  std::vector<uint32_t> second;
  for (size_t idx = 0; idx < keys.size(); ++idx) {
    (idx < 3000 ? first : second).push_back(SealedIdFilter::IdPrefix(keys[idx]));
  }
  auto filter = SealedIdFilter::Build(first)->Merge(second);
  EXPECT_EQ(filter->size(), keys.size());
  for (const IdKey& key : keys) EXPECT_TRUE(filter->MayContain(key));
  int false_positives = 0;
  for (int idx = 0; idx < 5000; ++idx) false_positives += filter->MayContain(HashId("other-" + std::to_string(idx)));
  EXPECT_LT(false_positives, 3);

  auto removed = filter->Remove(second);
  for (size_t idx = 0; idx < 3000; ++idx) EXPECT_TRUE(removed->MayContain(keys[idx]));
  int still = 0;
  for (size_t idx = 3000; idx < keys.size(); ++idx) still += removed->MayContain(keys[idx]);
  EXPECT_LT(still, 3);

  std::sort(first.begin(), first.end());
  std::sort(second.begin(), second.end());
  auto runs = SealedIdFilter::BuildFromSortedRuns({first, second, {}});
  for (const IdKey& key : keys) EXPECT_TRUE(runs->MayContain(key));
}

}  // namespace
}  // namespace mltrack::store
