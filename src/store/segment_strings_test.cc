// A segment's local string table (segment_strings.h): the same strings whether stored as one zstd
// frame (tables written before 2026-12) or as frames of kLocalStringsPerFrame strings; a reader
// that looks up a few strings decodes only their frames and the table keeps nothing decoded.

#include "store/segment_strings.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <string>
#include <vector>

#include "store/segment_format.h"

namespace mltrack::store {
namespace {

std::vector<std::string> MakeStrings(size_t count) {
  std::vector<std::string> strings;
  for (size_t idx = 0; idx < count; ++idx) {
    strings.push_back("trace-" + std::to_string(idx * 7919 % 100'003) + std::string(idx % 5, 'x'));
  }
  return strings;
}

std::string Frame(const std::string& raw) {
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), 3));
  return out;
}

// (varint length · bytes) of strings [begin, end).
std::string Raw(const std::vector<std::string>& strings, size_t begin, size_t end) {
  std::string raw;
  for (size_t idx = begin; idx < end; ++idx) {
    segment::PutVarint(&raw, strings[idx].size());
    raw += strings[idx];
  }
  return raw;
}

// Frames of `per_frame` strings each, as the segment writer stores a table.
std::string Frames(const std::vector<std::string>& strings, size_t per_frame) {
  std::string stored;
  for (size_t begin = 0; begin < strings.size(); begin += per_frame) {
    stored += Frame(Raw(strings, begin, std::min(strings.size(), begin + per_frame)));
  }
  return stored;
}

std::vector<std::string> All(const SegmentStrings& table, uint32_t first) {
  std::vector<std::string> out;
  table.ForEach(first, [&](uint32_t local_id, std::string_view value) {
    EXPECT_EQ(local_id, first + out.size());
    out.emplace_back(value);
  });
  return out;
}

TEST(SegmentStringsTest, FramesReadLikeOneFrameAndLookupsKeepNothing) {
  const std::vector<std::string> strings = MakeStrings(3000);
  const std::string raw = Raw(strings, 0, strings.size());
  auto one = SegmentStrings::Open(Frame(raw), strings.size(), raw.size());
  auto many = SegmentStrings::Open(Frames(strings, segment::kLocalStringsPerFrame), strings.size(), raw.size());
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_TRUE(many.ok()) << many.status().ToString();
  EXPECT_EQ((*one)->frame_count(), 1u);
  EXPECT_EQ((*many)->frame_count(), 3u);  // 1024 + 1024 + 952

  for (const auto& table : {*one, *many}) {
    const size_t compressed_bytes = table->MemoryBytes();
    EXPECT_EQ(All(*table, 1), strings);
    const std::vector<std::string> tail(strings.begin() + 1499, strings.end());
    EXPECT_EQ(All(*table, 1500), tail);  // from inside the second frame
    EXPECT_TRUE(All(*table, 3001).empty());

    StringPieces pieces;
    for (uint32_t local_id : {1u, 1024u, 1025u, 2048u, 2049u, 3000u, 1500u}) {
      EXPECT_EQ(table->Find(local_id, &pieces), strings[local_id - 1]) << local_id;
    }
    EXPECT_EQ(pieces.size(), table->frame_count());
    EXPECT_EQ(table->MemoryBytes(), compressed_bytes) << "a lookup or a pass kept the decoded table";

    StringPieces one_piece;
    EXPECT_EQ(table->Find(2100, &one_piece), strings[2099]);
    EXPECT_EQ(one_piece.size(), 1u);

    EXPECT_EQ(table->Get(77), strings[76]);  // compaction: decodes the whole table and keeps it
    EXPECT_GT(table->MemoryBytes(), compressed_bytes);
    StringPieces unused;
    EXPECT_EQ(table->Find(3000, &unused), strings[2999]);
    EXPECT_EQ(unused.size(), 0u);  // read from the kept table
    EXPECT_EQ(All(*table, 2999), (std::vector<std::string>{strings[2998], strings[2999]}));
  }
}

TEST(SegmentStringsTest, FramesThatDoNotHoldTheTableAreCorruption) {
  const std::vector<std::string> strings = MakeStrings(100);
  const std::string raw = Raw(strings, 0, strings.size());
  const std::string good = Frames(strings, 30);
  ASSERT_TRUE(SegmentStrings::Open(good, strings.size(), raw.size()).ok());
  // A string across two frames.
  const size_t cut = Raw(strings, 0, 40).size() + 3;
  EXPECT_FALSE(SegmentStrings::Open(Frame(raw.substr(0, cut)) + Frame(raw.substr(cut)), strings.size(), raw.size()).ok());
  // Counts and sizes that do not match the frames.
  EXPECT_FALSE(SegmentStrings::Open(good, strings.size() - 1, raw.size()).ok());
  EXPECT_FALSE(SegmentStrings::Open(good, strings.size() + 1, raw.size()).ok());
  EXPECT_FALSE(SegmentStrings::Open(good, strings.size(), raw.size() + 1).ok());
  EXPECT_FALSE(SegmentStrings::Open(good.substr(0, good.size() - 1), strings.size(), raw.size()).ok());
  EXPECT_FALSE(SegmentStrings::Open(good + "junk", strings.size(), raw.size()).ok());
  EXPECT_FALSE(SegmentStrings::Open(good + Frame(""), strings.size(), raw.size()).ok());  // an empty frame
}

}  // namespace
}  // namespace mltrack::store
