#include "store/keyed_columns.h"

#include <gtest/gtest.h>

#include <cmath>

namespace mltrack::store {
namespace {

TEST(KeyedColumnsTest, SparseUntilDenseIsSmallerThenDenseWithSameValues) {
  constexpr size_t kRows = 4096;
  KeyedColumns tags(KeyedColumns::Kind::kTagIds, kRows);
  for (uint32_t row = 0; row < kRows; row += 2) tags.SetId(7, row, row + 1);
  std::vector<KeyedColumn> columns;
  std::vector<std::shared_ptr<const void>> keep_alive;
  tags.Collect(&columns, &keep_alive);
  ASSERT_EQ(columns.size(), 1u);
  EXPECT_EQ(columns[0].index, 7u);
  EXPECT_FALSE(columns[0].data.sparse());  // half the rows: the dense array is smaller
  for (uint32_t row = 0; row < kRows; ++row) EXPECT_EQ(IdAt(columns[0].data, row), row % 2 == 0 ? row + 1 : 0u);
}

// A view handed out before more values arrive (and before the column turns dense) keeps
// reading what it saw: sparse arrays are replaced, never changed under a reader.
TEST(KeyedColumnsTest, EarlierViewIsStable) {
  constexpr size_t kRows = 65536;
  KeyedColumns scores(KeyedColumns::Kind::kScores, kRows);
  scores.SetScore(3, 10, 0.25);
  scores.SetScore(3, 20, 1e300);
  std::vector<KeyedColumn> before;
  std::vector<std::shared_ptr<const void>> keep_alive;
  scores.Collect(&before, &keep_alive);
  for (uint32_t row = 21; row < kRows; ++row) scores.SetScore(3, row, row);
  std::vector<KeyedColumn> after;
  scores.Collect(&after, &keep_alive);
  ASSERT_EQ(before.size(), 1u);
  EXPECT_TRUE(before[0].data.sparse());
  EXPECT_EQ(DoubleAt(before[0].data, 10), 0.25);
  EXPECT_EQ(DoubleAt(before[0].data, 20), 1e300);
  EXPECT_TRUE(std::isnan(DoubleAt(before[0].data, 11)));
  EXPECT_TRUE(std::isnan(DoubleAt(before[0].data, 30)));
  ASSERT_EQ(after.size(), 1u);
  EXPECT_FALSE(after[0].data.sparse());
  EXPECT_EQ(DoubleAt(after[0].data, 10), 0.25);
  EXPECT_EQ(DoubleAt(after[0].data, 30), 30.0);
}

// Thousands of keys, one row each, in a full-size block: bytes per key, not an array per key.
TEST(KeyedColumnsTest, AKeyInOneRowCostsBytes) {
  constexpr size_t kRows = 65536;
  constexpr uint32_t kKeys = 10'000;
  KeyedColumns tags(KeyedColumns::Kind::kTagIds, kRows);
  KeyedColumns scores(KeyedColumns::Kind::kScores, kRows);
  for (uint32_t key = 0; key < kKeys; ++key) {
    tags.SetId(key, key, 1);
    scores.SetScore(key, key, 0.5);
  }
  EXPECT_LT(tags.MemoryBytes(), size_t{kKeys} * 128);
  EXPECT_LT(scores.MemoryBytes(), size_t{kKeys} * 160);
  std::vector<KeyedColumn> columns;
  std::vector<std::shared_ptr<const void>> keep_alive;
  tags.Collect(&columns, &keep_alive);
  ASSERT_EQ(columns.size(), kKeys);
  for (uint32_t key = 0; key < kKeys; key += 999) {
    EXPECT_EQ(columns[key].index, key);
    EXPECT_EQ(IdAt(columns[key].data, key), 1u);
    EXPECT_EQ(IdAt(columns[key].data, key + 1), 0u);
  }
}

}  // namespace
}  // namespace mltrack::store
