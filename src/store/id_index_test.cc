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

}  // namespace
}  // namespace mltrack::store
