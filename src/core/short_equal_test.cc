#include "core/short_equal.h"

#include <gtest/gtest.h>

#include <string>

namespace mltrack {
namespace {

// Every size from 0 to 40 (the 1-, 4- and 8-byte paths and their overlaps), a difference at
// every position: SameBytes agrees with memcmp and reads nothing outside the ranges (the
// strings are exactly `size` long, so a sanitizer build would catch a read past them).
TEST(SameBytesTest, AgreesWithMemcmpAtEverySizeAndPosition) {
  for (size_t size = 0; size <= 40; ++size) {
    std::string left(size, 'a');
    for (size_t idx = 0; idx < size; ++idx) left[idx] = static_cast<char>('a' + idx % 26);
    const std::string same = left;
    EXPECT_TRUE(SameBytes(left.data(), same.data(), size)) << size;
    EXPECT_TRUE(SameString(left, same));
    for (size_t position = 0; position < size; ++position) {
      std::string other = left;
      other[position] = static_cast<char>(other[position] ^ 0x01);
      EXPECT_FALSE(SameBytes(left.data(), other.data(), size)) << size << " " << position;
      EXPECT_FALSE(SameString(other, left));
    }
  }
  EXPECT_FALSE(SameString("abc", "abcd"));
  EXPECT_TRUE(SameString("", ""));
}

}  // namespace
}  // namespace mltrack
