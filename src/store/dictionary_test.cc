#include "store/dictionary.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace mltrack::store {
namespace {

TEST(DictionaryTest, AssignsDenseIdsInOrderOfFirstAppearance) {
  Dictionary dictionary;
  EXPECT_EQ(dictionary.GetOrAdd("gpt-4o"), 1u);
  EXPECT_EQ(dictionary.GetOrAdd("claude"), 2u);
  EXPECT_EQ(dictionary.GetOrAdd("gpt-4o"), 1u);
  EXPECT_EQ(dictionary.size(), 2u);
  EXPECT_EQ(dictionary.Get(2), "claude");
  EXPECT_EQ(dictionary.Get(kAbsentId), "");
}

// The batch form gives the same ids as one GetOrAdd per value, in the same order, and leaves
// the empty string absent.
TEST(DictionaryTest, GetOrAddBatchMatchesOneByOne) {
  Dictionary batched;
  Dictionary single;
  const std::vector<std::vector<std::string_view>> batches = {
      {"b", "a", "", "b", "c"}, {"a", "b", "c"}, {"d", "", "a", "e", "d"}, {},
      // Runs of one value (known, new, next to absent ones, differing in the last byte).
      {"a", "a", "f", "f", "f", "", "", "a", "ab", "ab", "aa", "b", "b"}};
  for (const std::vector<std::string_view>& values : batches) {
    std::vector<uint32_t> ids(values.size(), 99);
    batched.GetOrAddBatch(values, ids.data());
    for (size_t value_idx = 0; value_idx < values.size(); ++value_idx) {
      EXPECT_EQ(ids[value_idx], single.GetOrAdd(values[value_idx])) << values[value_idx];
    }
  }
  EXPECT_EQ(batched.size(), 8u);
  EXPECT_EQ(batched.Get(1), "b");
  EXPECT_EQ(batched.Get(5), "e");
  EXPECT_EQ(batched.Get(8), "aa");
  // Past the first table size: growth in the middle of a batch keeps earlier ids right.
  std::vector<std::string> many;
  for (int value_idx = 0; value_idx < 1000; ++value_idx) many.push_back("v" + std::to_string(value_idx % 700));
  std::vector<std::string_view> views(many.begin(), many.end());
  std::vector<uint32_t> ids(views.size());
  batched.GetOrAddBatch(views, ids.data());
  for (size_t value_idx = 0; value_idx < views.size(); ++value_idx) {
    EXPECT_EQ(batched.Get(ids[value_idx]), views[value_idx]);
  }
  EXPECT_EQ(batched.size(), 708u);
}

TEST(DictionaryTest, EmptyStringIsAbsent) {
  Dictionary dictionary;
  EXPECT_EQ(dictionary.GetOrAdd(""), kAbsentId);
  EXPECT_EQ(dictionary.size(), 0u);
  EXPECT_EQ(dictionary.Find(""), kAbsentId);
}

TEST(DictionaryTest, FindDoesNotAdd) {
  Dictionary dictionary;
  EXPECT_EQ(dictionary.Find("x"), std::nullopt);
  dictionary.GetOrAdd("x");
  EXPECT_EQ(dictionary.Find("x"), 1u);
  EXPECT_EQ(dictionary.size(), 1u);
}

TEST(DictionaryTest, ViewsStayValidWhileTheDictionaryGrows) {
  Dictionary dictionary;
  dictionary.GetOrAdd("a string long enough to live on the heap, not in SSO");
  std::string_view first = dictionary.Get(1);
  for (int value = 0; value < 100000; ++value) dictionary.GetOrAdd(std::to_string(value));
  EXPECT_EQ(first, "a string long enough to live on the heap, not in SSO");
  EXPECT_EQ(dictionary.Get(1).data(), first.data());
}

TEST(DictionaryTest, ReadersRunConcurrentlyWithTheWriter) {
  Dictionary dictionary;
  constexpr int kValues = 50000;
  std::thread writer([&] {
    for (int value = 0; value < kValues; ++value) dictionary.GetOrAdd("v" + std::to_string(value));
  });
  std::thread reader([&] {
    size_t seen = 0;
    while (seen < kValues) {
      seen = dictionary.size();
      if (seen > 0) {
        ASSERT_EQ(dictionary.Get(static_cast<uint32_t>(seen)), "v" + std::to_string(seen - 1));
      }
    }
  });
  writer.join();
  reader.join();
  EXPECT_EQ(dictionary.size(), static_cast<size_t>(kValues));
}

TEST(DictionaryTest, ForEachVisitsUpToLimit) {
  Dictionary dictionary;
  dictionary.GetOrAdd("a");
  dictionary.GetOrAdd("b");
  dictionary.GetOrAdd("c");
  std::vector<std::string> seen;
  dictionary.ForEach(2, [&](uint32_t id, std::string_view value) {
    seen.push_back(std::to_string(id) + std::string(value));
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"1a", "2b"}));
}

}  // namespace
}  // namespace mltrack::store
