#include "core/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace mltrack::crc32c {
namespace {

// Vectors from RFC 3720 (iSCSI) section B.4 and the common "check" value.
TEST(Crc32cTest, KnownVectors) {
  EXPECT_EQ(Value("123456789"), 0xe3069283u);
  EXPECT_EQ(Value(""), 0u);

  std::string zeros(32, '\0');
  EXPECT_EQ(Value(zeros), 0x8a9136aau);
  std::string ones(32, '\xff');
  EXPECT_EQ(Value(ones), 0x62a8ab43u);
  std::string ascending(32, '\0');
  for (int idx = 0; idx < 32; ++idx) ascending[idx] = static_cast<char>(idx);
  EXPECT_EQ(Value(ascending), 0x46dd794eu);
  std::string descending(32, '\0');
  for (int idx = 0; idx < 32; ++idx) descending[idx] = static_cast<char>(31 - idx);
  EXPECT_EQ(Value(descending), 0x113fdb5cu);
}

TEST(Crc32cTest, ExtendEqualsWholeValue) {
  std::string data = "hello, write-ahead log";
  for (size_t split = 0; split <= data.size(); ++split) {
    uint32_t first = Value(data.data(), split);
    EXPECT_EQ(Extend(first, data.data() + split, data.size() - split), Value(data)) << split;
  }
}

// The hardware and table paths must agree on every length and alignment.
TEST(Crc32cTest, PortableMatchesDispatched) {
  std::mt19937 rng(42);
  std::string data(4096 + 7, '\0');
  for (char& byte : data) byte = static_cast<char>(rng());
  for (size_t offset = 0; offset < 9; ++offset) {
    for (size_t len : {0, 1, 3, 7, 8, 9, 15, 16, 63, 64, 65, 1000, 4096}) {
      EXPECT_EQ(ExtendPortable(0, data.data() + offset, len), Extend(0, data.data() + offset, len))
          << "offset " << offset << " len " << len;
    }
  }
  EXPECT_EQ(ExtendPortable(0, "123456789", 9), 0xe3069283u);
}

TEST(Crc32cTest, MaskRoundTripsAndChangesValue) {
  uint32_t crc = Value("foo");
  EXPECT_NE(Mask(crc), crc);
  EXPECT_NE(Mask(Mask(crc)), crc);
  EXPECT_EQ(Unmask(Mask(crc)), crc);
  EXPECT_EQ(Unmask(Unmask(Mask(Mask(crc)))), crc);
}

}  // namespace
}  // namespace mltrack::crc32c
