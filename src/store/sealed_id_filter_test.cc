#include "store/sealed_id_filter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

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

// The filter answers exactly "is this 32-bit prefix present": neither half of a prefix alone
// (bucket = top 16 bits, entry = low 16 bits) may match.
TEST(SealedIdFilterTest, MatchesWholePrefixesOnlyAndStaysSmall) {
  auto key = [](uint32_t prefix) { return IdKey{0, uint64_t{prefix} << 32 | 0x1234}; };
  auto filter = SealedIdFilter::Build({0x00010002, 0x00010005, 0xFFFF0000, 0x7FFF8000});
  for (uint32_t present : {0x00010002u, 0x00010005u, 0xFFFF0000u, 0x7FFF8000u}) EXPECT_TRUE(filter->MayContain(key(present)));
  for (uint32_t absent : {0x00010003u, 0x00020002u, 0x00000002u, 0xFFFE0000u, 0x7FFF8001u, 0u}) {
    EXPECT_FALSE(filter->MayContain(key(absent))) << std::hex << absent;
  }
  std::vector<uint32_t> many;
  for (int idx = 0; idx < 1'000'000; ++idx) many.push_back(SealedIdFilter::IdPrefix(HashId(std::to_string(idx))));
  auto big = SealedIdFilter::Build(many);
  EXPECT_LT(big->MemoryBytes(), 1'000'000 * 23 / 10);  // 2 bytes per id + a 256 KiB directory
}

// The restart's build from sorted runs (a radix sort of the runs' prefixes) holds exactly what sorting
// every prefix gives: the same size, the same answer for every prefix of a dense range (crowded
// buckets, a prefix in several runs, empty runs), and the same filter after removing some.
TEST(SealedIdFilterTest, BuildFromSortedRunsEqualsBuild) {
  auto key = [](uint32_t prefix) { return IdKey{0, uint64_t{prefix} << 32}; };
  std::mt19937 rng(3);
  std::uniform_int_distribution<uint32_t> prefix_of(0, (1u << 20) - 1);  // 16 buckets
  std::vector<std::vector<uint32_t>> runs(7);
  std::vector<uint32_t> all;
  for (size_t run = 0; run < runs.size(); ++run) {
    for (int idx = 0; run != 3 && idx < 20000; ++idx) runs[run].push_back(prefix_of(rng));
    runs[run].push_back(0x000ABCDE);  // in every run but the empty one
    if (run == 3) runs[run].clear();
    std::sort(runs[run].begin(), runs[run].end());
    all.insert(all.end(), runs[run].begin(), runs[run].end());
  }
  const std::vector<uint32_t> removed(runs[1].begin(), runs[1].end());
  auto from_runs = SealedIdFilter::BuildFromSortedRuns(runs);
  auto sorted = SealedIdFilter::Build(all);
  ASSERT_EQ(from_runs->size(), sorted->size());
  auto from_runs_removed = from_runs->Remove(removed);
  auto sorted_removed = sorted->Remove(removed);
  ASSERT_EQ(from_runs_removed->size(), sorted_removed->size());
  for (uint32_t prefix = 0; prefix < (1u << 20) + 5; ++prefix) {
    ASSERT_EQ(from_runs->MayContain(key(prefix)), sorted->MayContain(key(prefix))) << prefix;
    ASSERT_EQ(from_runs_removed->MayContain(key(prefix)), sorted_removed->MayContain(key(prefix))) << prefix;
  }
  EXPECT_TRUE(from_runs_removed->MayContain(key(0x000ABCDE)));
  EXPECT_EQ(SealedIdFilter::BuildFromSortedRuns({})->size(), 0u);
}

}  // namespace
}  // namespace mltrack::store
