#include "store/segment_ids.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store/segment_format.h"

namespace mltrack::store::segment {
namespace {

std::vector<IdKey> SortedStoredIds(size_t count, const std::string& prefix) {
  std::vector<IdKey> ids;
  for (size_t idx = 0; idx < count; ++idx) ids.push_back(StoredId(HashId(prefix + std::to_string(idx))));
  std::sort(ids.begin(), ids.end(), [](const IdKey& a, const IdKey& b) {
    return a.high != b.high ? a.high < b.high : a.low < b.low;
  });
  return ids;
}

bool Contains(const IdSection& section, const std::string& bytes, const IdKey& key) {
  const IdSection::Probe probe = section.Find(key);
  if (probe.first >= probe.last) return false;
  EXPECT_LE(probe.byte_end, bytes.size());
  const std::optional<bool> found =
      section.Match(std::string_view(bytes).substr(probe.byte_begin, probe.byte_end - probe.byte_begin), probe, key);
  EXPECT_TRUE(found.has_value()) << "the section's own bytes read as out of order";
  return found.value_or(false);
}

TEST(SegmentIdsTest, RoundTripsAndFindsEveryIdAtEverySize) {
  for (size_t count : {0, 1, 2, 127, 128, 129, 1000, 70'000}) {
    const std::vector<IdKey> ids = SortedStoredIds(count, "id-");
    const std::string bytes = EncodeIds(ids);
    ASSERT_EQ(bytes.size(), IdSection::SizeFor(kFooterVersion, count)) << count;
    IdSection section;
    ASSERT_TRUE(section.Init(kFooterVersion, count, bytes)) << count;
    std::vector<IdKey> decoded;
    section.DecodeAll(bytes, &decoded);
    ASSERT_EQ(decoded, ids) << count;
    for (size_t idx = 0; idx < count; idx += 1 + count / 300) {
      EXPECT_TRUE(Contains(section, bytes, HashId("id-" + std::to_string(idx)))) << count << " " << idx;
      EXPECT_FALSE(Contains(section, bytes, HashId("other-" + std::to_string(idx)))) << count << " " << idx;
    }
  }
}

TEST(SegmentIdsTest, SmallerThanTwelveBytesPerId) {
  const size_t count = 262'144;
  const std::string bytes = EncodeIds(SortedStoredIds(count, "x"));
  EXPECT_LT(bytes.size(), count * 107 / 10);  // 84 bits per entry + a 16 KiB directory
}

TEST(SegmentIdsTest, KeyDifferingOnlyInTheLowestStoredBitIsNotFound) {
  std::vector<IdKey> ids = SortedStoredIds(5000, "k");
  const std::string bytes = EncodeIds(ids);
  IdSection section;
  ASSERT_TRUE(section.Init(kFooterVersion, ids.size(), bytes));
  IdKey near = ids[1234];
  near.low ^= uint64_t{1} << 32;  // the lowest of the 96 stored bits
  EXPECT_FALSE(Contains(section, bytes, near));
  near.low ^= uint64_t{1} << 32;
  EXPECT_TRUE(Contains(section, bytes, near));
}

TEST(SegmentIdsTest, InconsistentDirectoryIsRejected) {
  const std::vector<IdKey> ids = SortedStoredIds(1000, "d");
  std::string bytes = EncodeIds(ids);
  IdSection good;
  ASSERT_TRUE(good.Init(kFooterVersion, ids.size(), bytes));
  bytes[6] = static_cast<char>(0xFF);  // bucket 1 starts past the end (byte 2 of its u32)
  IdSection bad;
  EXPECT_FALSE(bad.Init(kFooterVersion, ids.size(), bytes));
  EXPECT_FALSE(bad.Init(kFooterVersion, ids.size() + 1, EncodeIds(ids)));  // size mismatch
}

}  // namespace
}  // namespace mltrack::store::segment
