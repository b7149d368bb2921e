#include "store/derived_sketch.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/crc32c.h"
#include "store/block_slices.h"
#include "store/memtable.h"
#include "store/segment.h"
#include "store/segment_footer.h"
#include "store/segment_writer.h"

namespace mltrack::store {
namespace {

TEST(DerivedSketchTest, TokensPerSecondIsComputedAsTheQueryEngineDoes) {
  BlockValues values;
  BlockValues::Column tokens{.field = FieldId::kOutputTokens, .kind = BlockValues::Kind::kInts};
  BlockValues::Column latency{.field = FieldId::kLatencyMs, .kind = BlockValues::Kind::kDoubles};
  BlockValues::Column ttft{.field = FieldId::kTtftMs, .kind = BlockValues::Kind::kDoubles};
  const double kNaN = std::nan("");
  // 100 tokens in 2000 − 1000 ms: 100/s; 50 in 1500 − 1250: 200/s; latency = TTFT, TTFT absent,
  // tokens absent: no speed; 0 tokens in 400 − 0: 0/s.
  tokens.ints = {100, 50, 10, 10, kNullInt, 0};
  latency.doubles = {2000, 1500, 700, 900, 900, 400};
  ttft.doubles = {1000, 1250, 700, kNaN, 100, 0};
  values.ts = {1, 2, 3, 4, 5, 6};
  values.fields = {tokens, latency, ttft};
  const std::vector<double> speeds = TokensPerSecondOf(values);
  ASSERT_EQ(speeds.size(), 6u);
  EXPECT_EQ(speeds[0], 100.0);
  EXPECT_EQ(speeds[1], 200.0);
  EXPECT_TRUE(std::isnan(speeds[2]));
  EXPECT_TRUE(std::isnan(speeds[3]));
  EXPECT_TRUE(std::isnan(speeds[4]));
  EXPECT_EQ(speeds[5], 0.0);
  // A block without a TTFT column has no speed at all.
  values.fields = {tokens, latency};
  for (const double speed : TokensPerSecondOf(values)) EXPECT_TRUE(std::isnan(speed));
}

TEST(DerivedSketchTest, OnlyMoreThanMinValuesGetASketch) {
  std::vector<double> values(ValueSketch::kMinValues, 3.0);
  values.push_back(std::nan(""));
  DerivedSketch few = DerivedSketch::Of(values);
  EXPECT_EQ(few.present, ValueSketch::kMinValues);
  EXPECT_EQ(few.sketch, nullptr);
  values.push_back(-2.0);
  values.push_back(0.0);
  DerivedSketch many = DerivedSketch::Of(values);
  EXPECT_EQ(many.present, ValueSketch::kMinValues + 2);
  ASSERT_NE(many.sketch, nullptr);
  EXPECT_EQ(many.min, -2.0);
  EXPECT_EQ(many.max, 3.0);
  EXPECT_EQ(many.sketch->zeros, 1u);
}

class DerivedSketchSegmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mltrack_derived_sketch_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // 12,288 rows (memtable blocks of 4,096; the writer may join them): models a (2/3 of the rows)
  // and b, every row with a speed except every 7th (no TTFT).
  std::filesystem::path WriteSample() {
    Memtable memtable(MemtableOptions{.block_rows = 4096, .first_block_rows = 4096});
    std::vector<Event> events;
    for (int row = 0; row < 3 * 4096; ++row) {
      Event event;
      event.id = "e" + std::to_string(row);
      event.ts_ms = 1'767'225'600'000 + int64_t{row} * 1000;
      event.provider = "openai";
      event.model = row % 3 == 2 ? "b" : "a";
      event.latency_ms = 1000.0 + row % 500;
      if (row % 7 != 0) event.ttft_ms = 100.0 + row % 50;
      event.output_tokens = 10 + row % 300;
      events.push_back(std::move(event));
    }
    memtable.Append(events);
    TableSnapshot::Parts blocks;
    memtable.CollectBlocks(&blocks);
    const std::filesystem::path path = dir_ / segment::FileName(1);
    EXPECT_TRUE(WriteSegment(path, std::span<const ColumnBlock>(blocks.blocks), {}, {}, {}).ok());
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(DerivedSketchSegmentTest, EveryBlockAndSliceHasItsSpeedSketch) {
  Result<std::shared_ptr<Segment>> segment = Segment::OpenUnchecked(WriteSample());
  ASSERT_TRUE(segment.ok()) << segment.status().ToString();
  ASSERT_FALSE((*segment)->blocks().empty());
  uint32_t present = 0;
  for (const ColumnBlock& block : (*segment)->blocks()) {
    const BlockSummary& summary = *block.summary;
    ASSERT_NE(summary.tokens_per_s, nullptr);
    present += summary.tokens_per_s->present;
    EXPECT_NE(summary.tokens_per_s->sketch, nullptr);
    ASSERT_EQ(SlicesOf(summary, FieldId::kModel).size(), 2u);
    uint32_t in_slices = 0;
    for (const ValueSlice& slice : SlicesOf(summary, FieldId::kModel)) {
      ASSERT_NE(slice.summary.tokens_per_s, nullptr);
      in_slices += slice.summary.tokens_per_s->present;
      // A slice has a sketch exactly when it has more than kMinValues speeds.
      EXPECT_EQ(slice.summary.tokens_per_s->sketch != nullptr,
                slice.summary.tokens_per_s->present > ValueSketch::kMinValues);
    }
    EXPECT_EQ(in_slices, summary.tokens_per_s->present);
  }
  EXPECT_EQ(present, 3u * 4096 - (3 * 4096 + 6) / 7);  // every row but those with row % 7 == 0
}

// A segment of format 4 (the same bytes without the version-5 and 6 sections) still opens,
// without speed sketches; a damaged derived section is rejected.
TEST_F(DerivedSketchSegmentTest, FormatFourSegmentsOpenWithoutSpeedSketches) {
  const std::filesystem::path path = WriteSample();
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const size_t trailer = bytes.size() - segment::kTrailerSize;
  const uint64_t footer_offset = segment::DecodeFixed64(bytes.data() + trailer);
  const std::string footer = bytes.substr(footer_offset, trailer - footer_offset);
  segment::Footer decoded;
  segment::Damage damage;
  ASSERT_TRUE(segment::DecodeFooter(footer, footer_offset, &decoded, &damage)) << damage.what;
  ASSERT_EQ(decoded.version, segment::kFooterVersion);  // version 5's sections, the last one derived
  ASSERT_FALSE(decoded.derived.empty());
  std::string length;
  segment::PutVarint(&length, decoded.derived.size());
  const size_t derived_at = static_cast<size_t>(decoded.derived.data() - footer.data());
  // Followed only by the version-6 moments (varint size · bytes).
  std::string moments;
  segment::PutVarint(&moments, decoded.moments.size());
  moments.append(decoded.moments);
  ASSERT_EQ(derived_at + decoded.derived.size() + moments.size(), footer.size());

  auto write = [&](std::string new_footer, const std::filesystem::path& out_path) {
    std::string out = bytes.substr(0, footer_offset) + new_footer;
    segment::PutFixed64(&out, footer_offset);
    segment::PutFixed32(&out, static_cast<uint32_t>(new_footer.size()));
    segment::PutFixed32(&out, crc32c::Mask(crc32c::Value(new_footer)));
    out.append(segment::kTrailerMagic);
    std::ofstream(out_path, std::ios::binary) << out;
    return Segment::OpenUnchecked(out_path);
  };
  // Format 4 ends before both version-5 sections (the user rollups, then the derived sketches)
  // and the version-6 moments.
  std::string rollups_length;
  segment::PutVarint(&rollups_length, decoded.user_rollups.size());
  const size_t rollups_at = static_cast<size_t>(decoded.user_rollups.data() - footer.data());
  ASSERT_EQ(rollups_at + decoded.user_rollups.size(), derived_at - length.size());
  std::string v4 = footer.substr(0, rollups_at - rollups_length.size());
  v4[0] = 4;
  Result<std::shared_ptr<Segment>> old = write(v4, dir_ / segment::FileName(2));
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  for (const ColumnBlock& block : (*old)->blocks()) {
    ASSERT_NE(block.summary, nullptr);
    EXPECT_EQ(block.summary->tokens_per_s, nullptr);
    EXPECT_FALSE(block.summary->slices.empty());
  }
  // One byte less of the derived section: its last block's sketches do not decode.
  std::string cut = footer.substr(0, derived_at - length.size());
  segment::PutVarint(&cut, decoded.derived.size() - 1);
  cut.append(decoded.derived.substr(0, decoded.derived.size() - 1));
  cut.append(moments);
  EXPECT_FALSE(write(cut, dir_ / segment::FileName(3)).ok());
}

}  // namespace
}  // namespace mltrack::store
