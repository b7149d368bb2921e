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
