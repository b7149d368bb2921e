#include "store/id_index.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace mltrack::store {
namespace {

TEST(IdIndexTest, InsertAndContains) {
  IdIndex index;
  EXPECT_FALSE(index.Contains(HashId("a")));
  EXPECT_TRUE(index.Insert(HashId("a")));
  EXPECT_FALSE(index.Insert(HashId("a")));
  EXPECT_TRUE(index.Contains(HashId("a")));
  EXPECT_FALSE(index.Contains(HashId("b")));
  EXPECT_EQ(index.size(), 1u);
}

TEST(IdIndexTest, HashIsStableAndDistinguishesIds) {
  EXPECT_EQ(HashId("evt-1"), HashId(std::string("evt-1")));
  EXPECT_NE(HashId("evt-1"), HashId("evt-2"));
  EXPECT_NE(HashId(""), HashId(std::string(1, '\0')));
}

// Grows through many doublings; every inserted key stays findable and no other key appears.
TEST(IdIndexTest, GrowsAndKeepsEveryKey) {
  IdIndex index;
  constexpr int kCount = 200'000;
  for (int id_idx = 0; id_idx < kCount; ++id_idx) {
    ASSERT_TRUE(index.Insert(HashId("id-" + std::to_string(id_idx)))) << id_idx;
  }
  EXPECT_EQ(index.size(), static_cast<size_t>(kCount));
  EXPECT_GE(index.MemoryBytes(), kCount * sizeof(IdKey));
  for (int id_idx = 0; id_idx < kCount; ++id_idx) {
    ASSERT_TRUE(index.Contains(HashId("id-" + std::to_string(id_idx)))) << id_idx;
    ASSERT_FALSE(index.Contains(HashId("other-" + std::to_string(id_idx)))) << id_idx;
  }
}

// Keys that all land in the same slot (equal low words) probe past each other correctly, and
// the all-zero key, which marks empty slots, is still a member like any other.
TEST(IdIndexTest, CollidingSlotsAndZeroKey) {
  IdIndex index;
  for (uint64_t high = 1; high <= 100; ++high) ASSERT_TRUE(index.Insert(IdKey{42, high}));
  for (uint64_t high = 1; high <= 100; ++high) EXPECT_TRUE(index.Contains(IdKey{42, high}));
  EXPECT_FALSE(index.Contains(IdKey{42, 101}));
  EXPECT_FALSE(index.Contains(IdKey{0, 0}));
  EXPECT_TRUE(index.Insert(IdKey{0, 0}));
  EXPECT_FALSE(index.Insert(IdKey{0, 0}));
  EXPECT_TRUE(index.Contains(IdKey{0, 0}));
  EXPECT_EQ(index.size(), 101u);
}

// Erase against a reference set, with keys crowded into few home slots (long probe runs that
// wrap around the end of the table) and random keys, through growth: every present key stays
// findable and every erased one is gone.
TEST(IdIndexTest, EraseKeepsProbeRunsIntact) {
  IdIndex index;
  std::unordered_set<IdKey, IdKeyHash> reference;
  uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 11;
  };
  for (int step = 0; step < 60'000; ++step) {
    // Half of the keys share one of 8 home slots near the table's end (low words 1016..1023
    // of a 1024-slot table, and the same residues once it grows).
    const bool crowded = next() % 2 == 0;
    const IdKey key{crowded ? 1016 + next() % 8 : next(), next() % 4096 + 1};
    if (next() % 3 == 0 && !reference.empty()) {
      const IdKey victim = *reference.begin();
      index.Erase(victim);
      reference.erase(victim);
      ASSERT_FALSE(index.Contains(victim)) << step;
    } else {
      ASSERT_EQ(index.Insert(key), reference.insert(key).second) << step;
    }
    if (step % 5000 == 0) {
      for (const IdKey& present : reference) ASSERT_TRUE(index.Contains(present)) << step;
    }
  }
  EXPECT_EQ(index.size(), reference.size());
  for (const IdKey& present : reference) EXPECT_TRUE(index.Contains(present));
  index.Erase(IdKey{7, 7});  // absent: nothing changes
  EXPECT_EQ(index.size(), reference.size());
  EXPECT_TRUE(index.Insert(IdKey{0, 0}));
  index.Erase(IdKey{0, 0});
  EXPECT_FALSE(index.Contains(IdKey{0, 0}));
  EXPECT_EQ(index.size(), reference.size());
}

}  // namespace
}  // namespace mltrack::store
