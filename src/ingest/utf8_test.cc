#include "ingest/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace mltrack::ingest {
namespace {

TEST(FindInvalidUtf8, ValidTextHasNoRanges) {
  EXPECT_TRUE(FindInvalidUtf8("").empty());
  EXPECT_TRUE(FindInvalidUtf8("plain ascii").empty());
  EXPECT_TRUE(FindInvalidUtf8("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80 \xE4\xB8\xAD").empty());
  EXPECT_TRUE(FindInvalidUtf8("\xF4\x8F\xBF\xBF").empty());  // U+10FFFF
}

TEST(FindInvalidUtf8, FindsEachKindOfBadSequence) {
  EXPECT_EQ(FindInvalidUtf8("a\xFF" "b"), (std::vector<ByteRange>{{1, 2}}));
  EXPECT_EQ(FindInvalidUtf8("\xC0\xAF"), (std::vector<ByteRange>{{0, 2}}));  // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("\xE0\x80\xAF"), (std::vector<ByteRange>{{0, 3}}));  // overlong
  EXPECT_EQ(FindInvalidUtf8("x\xED\xA0\x80"), (std::vector<ByteRange>{{1, 4}}));  // surrogate
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), (std::vector<ByteRange>{{0, 4}}));  // >10FFFF
  EXPECT_EQ(FindInvalidUtf8("ab\xE2\x82"), (std::vector<ByteRange>{{2, 4}}));  // truncated
  EXPECT_EQ(FindInvalidUtf8("\x80z\x80"), (std::vector<ByteRange>{{0, 1}, {2, 3}}));
}

TEST(Overlaps, HalfOpenRanges) {
  const std::vector<ByteRange> ranges = {{5, 7}, {10, 11}};
  EXPECT_FALSE(Overlaps(ranges, 0, 5));
  EXPECT_TRUE(Overlaps(ranges, 0, 6));
  EXPECT_TRUE(Overlaps(ranges, 6, 8));
  EXPECT_FALSE(Overlaps(ranges, 7, 10));
  EXPECT_TRUE(Overlaps(ranges, 10, 11));
  EXPECT_FALSE(Overlaps(ranges, 11, 100));
  EXPECT_FALSE(Overlaps({}, 0, 100));
}

}  // namespace
}  // namespace mltrack::ingest
