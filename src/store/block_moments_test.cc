#include "store/block_moments.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/crc32c.h"
#include "store/block_slices.h"
#include "store/block_summary.h"
#include "store/footer_doubles.h"
#include "store/memtable.h"
#include "store/segment.h"
#include "store/segment_footer.h"
#include "store/segment_format.h"
#include "store/segment_writer.h"

namespace mltrack::store {
namespace {

// Count, mean and M2 of a set of values, merged as the query engine merges variance states.
struct Reference {
  double n = 0;
  double mean = 0;
  double m2 = 0;
  void Add(double value) {  // Welford, in long double for a reference
    n += 1;
    const long double delta = static_cast<long double>(value) - mean;
    mean = static_cast<double>(mean + delta / n);
    m2 = static_cast<double>(m2 + delta * (static_cast<long double>(value) - mean));
  }
  void Merge(double count, double sum, double spread) {  // Chan et al.
    if (count == 0) return;
    const double other_mean = sum / count;
    const double total = n + count;
    const double delta = other_mean - mean;
    m2 += spread + delta * delta * n * count / total;
    mean += delta * count / total;
    n = total;
  }
};

void ExpectClose(double want, double got, const std::string& what) {
  EXPECT_NEAR(want, got, 1e-9 * std::max(1.0, std::fabs(want))) << what;
}

TEST(BlockMomentsTest, SpreadIsExactForValuesFarFromZero) {
  std::vector<double> values;
  Reference reference;
  for (int idx = 0; idx < 5000; ++idx) {
    const double value = idx % 7 == 0 ? NAN : 1e9 + (idx % 13) * 0.5;
    values.push_back(value);
    if (!std::isnan(value)) reference.Add(value);
  }
  const Spread spread = SpreadOf(values);
  EXPECT_EQ(spread.present, static_cast<uint32_t>(reference.n));
  ExpectClose(reference.mean * reference.n, spread.sum, "sum");
  // The textbook Σx² − (Σx)²/n would keep no digit here.
  ExpectClose(reference.m2, spread.m2, "m2");
  EXPECT_EQ(SpreadOf({NAN, NAN}).present, 0u);
  EXPECT_EQ(SpreadOf({2.5}).m2, 0.0);
}

// Malformed moments are rejected: a spread below zero, a field that is no measure or has no
// value, fields out of order, a score index past the names or more values than rows.
TEST(BlockMomentsTest, DecodeChecksEveryEntryAgainstItsSummary) {
  BlockSummary summary;
  summary.rows = 10;
  summary.fields[static_cast<size_t>(FieldId::kLatencyMs)] = SummarizeDoubles({1, 2, 3, NAN});
  summary.fields[static_cast<size_t>(FieldId::kCostUsd)] = SummarizeInts({5, 7});
  summary.fields[static_cast<size_t>(FieldId::kModel)] = SummarizeIds({1, 2});
  auto bytes = [](std::vector<std::pair<FieldId, double>> fields, std::vector<BlockMoments::Score> scores) {
    std::string out;
    segment::PutVarint(&out, fields.size());
    for (const auto& [field, m2] : fields) {
      out.push_back(static_cast<char>(field));
      segment::PutDouble(&out, m2);
    }
    segment::PutVarint(&out, scores.size());
    for (const BlockMoments::Score& score : scores) {
      segment::PutVarint(&out, score.index);
      segment::PutVarint(&out, score.present);
      segment::PutDouble(&out, score.sum);
      segment::PutDouble(&out, score.m2);
    }
    return out;
  };
  auto decodes = [&](const std::string& encoded) {
    BlockSummary copy = summary;
    segment::FooterReader reader(encoded);
    return DecodeBlockMoments(reader, 3, &copy) && reader.at_end() && copy.moments != nullptr;
  };
  EXPECT_TRUE(decodes(bytes({{FieldId::kCostUsd, 2}, {FieldId::kLatencyMs, 2}}, {{0, 4, 2, 1}, {2, 10, 5, 0}})));
  EXPECT_FALSE(decodes(bytes({{FieldId::kCostUsd, -1}}, {})));
  EXPECT_FALSE(decodes(bytes({{FieldId::kModel, 1}}, {})));
  EXPECT_FALSE(decodes(bytes({{FieldId::kTtftMs, 1}}, {})));  // no value in the block
  EXPECT_FALSE(decodes(bytes({{FieldId::kLatencyMs, 2}, {FieldId::kCostUsd, 2}}, {})));
  EXPECT_FALSE(decodes(bytes({}, {{3, 4, 2, 1}})));
  EXPECT_FALSE(decodes(bytes({}, {{1, 11, 2, 1}})));
  EXPECT_FALSE(decodes(bytes({}, {{1, 0, 0, 0}})));
  EXPECT_FALSE(decodes(bytes({}, {{2, 4, 2, 1}, {1, 4, 2, 1}})));
}

// The slices' moments, added per slot in one pass per column and sliced field, are bit for bit
// MomentsOf of each slice's rows (what the writer computed before), on random blocks with two
// sliced fields, an absent code, measures with absent values and sparse scores.
TEST(BlockMomentsTest, SliceMomentsEqualMomentsOfEachSlicesRows) {
  std::mt19937_64 rng(28);
  for (const size_t rows : {64u, 3000u}) {
    BlockValues values;
    BlockValues::Column model{FieldId::kModel, BlockValues::Kind::kIds, {}, {}, {}};
    BlockValues::Column team{FieldId::kTeam, BlockValues::Kind::kIds, {}, {}, {}};
    BlockValues::Column tokens{FieldId::kInputTokens, BlockValues::Kind::kInts, {}, {}, {}};
    BlockValues::Column latency{FieldId::kLatencyMs, BlockValues::Kind::kDoubles, {}, {}, {}};
    std::vector<double> quality(rows, NAN);
    std::vector<double> rare(rows, NAN);
    for (size_t row = 0; row < rows; ++row) {
      values.ts.push_back(1'000'000 + static_cast<int64_t>(row));
      model.ints.push_back(rng() % 6 == 0 ? kNullInt : static_cast<int64_t>(1 + rng() % 9));
      team.ints.push_back(static_cast<int64_t>(1 + rng() % 3));
      tokens.ints.push_back(rng() % 4 == 0 ? kNullInt : static_cast<int64_t>(rng() % 5000));
      latency.doubles.push_back(rng() % 7 == 0 ? NAN : 1e6 + static_cast<double>(rng() % 100'000) / 10.0);
      if (rng() % 3 == 0) quality[row] = static_cast<double>(rng() % 1001) / 1000.0;
      if (rng() % 40 == 0) rare[row] = static_cast<double>(rng() % 7);
    }
    BlockSummary summary;
    summary.rows = static_cast<uint32_t>(rows);
    summary.fields[static_cast<size_t>(FieldId::kModel)] = SummarizeIds(model.ints);
    summary.fields[static_cast<size_t>(FieldId::kTeam)] = SummarizeIds(team.ints);
    summary.fields[static_cast<size_t>(FieldId::kInputTokens)] = SummarizeInts(tokens.ints);
    summary.fields[static_cast<size_t>(FieldId::kLatencyMs)] = SummarizeDoubles(latency.doubles);
    values.fields = {tokens, latency, model, team};  // ascending by field
    std::sort(values.fields.begin(), values.fields.end(),
              [](const auto& left, const auto& right) { return left.field < right.field; });
    values.scores = {{0, quality}, {1, rare}};
    std::vector<std::vector<uint32_t>> slice_rows;
    summary.slices = SliceBlock(values, summary, &slice_rows);
    ASSERT_GT(summary.slices.size(), 3u);
    std::string encoded;
    EncodeBlockMoments(values, summary.slices, slice_rows, &encoded);
    segment::FooterReader reader(encoded);
    ASSERT_TRUE(DecodeBlockMoments(reader, 2, &summary));
    EXPECT_TRUE(reader.at_end());
    for (size_t idx = 0; idx < summary.slices.size(); ++idx) {
      SCOPED_TRACE(testing::Message() << "rows " << rows << " slice " << idx);
      const BlockMoments want = MomentsOf(values, &slice_rows[idx]);
      const BlockMoments& got = *summary.slices[idx].summary.moments;
      EXPECT_EQ(got.field_m2, want.field_m2);
      ASSERT_EQ(got.scores.size(), want.scores.size());
      for (size_t score = 0; score < want.scores.size(); ++score) {
        EXPECT_EQ(got.scores[score].index, want.scores[score].index);
        EXPECT_EQ(got.scores[score].present, want.scores[score].present);
        EXPECT_EQ(got.scores[score].sum, want.scores[score].sum);
        EXPECT_EQ(got.scores[score].m2, want.scores[score].m2);
      }
    }
  }
}

class BlockMomentsSegmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mltrack_block_moments_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // 20,000 rows in blocks of 4,096: prompt versions v1–v3 and a rare "bench" mixed in every block,
  // two models, cost (nano-USD), latency near 1e6 ms, and two scores on some rows.
  std::filesystem::path WriteSample() {
    Memtable memtable(MemtableOptions{.block_rows = 4096, .first_block_rows = 4096});
    std::mt19937_64 rng(61);
    for (int row = 0; row < 20'000; ++row) {
      Event event;
      event.id = "e" + std::to_string(row);
      event.ts_ms = 1'767'225'600'000 + int64_t{row} * 1000;
      event.model = rng() % 3 == 0 ? "b" : "a";
      event.prompt_version = row % 97 == 0 ? "bench" : "v" + std::to_string(1 + rng() % 3);
      if (rng() % 5) event.cost_nano_usd = static_cast<int64_t>(rng() % 40'000'000);
      event.latency_ms = 1e6 + static_cast<double>(rng() % 100'000) / 10.0;
      if (rng() % 3 == 0) event.scores.push_back({"quality", static_cast<double>(rng() % 1001) / 1000.0});
      if (rng() % 11 == 0) event.scores.push_back({"rare", static_cast<double>(rng() % 7)});
      if (row == 0) event.scores = {{"quality", 0.5}, {"rare", 1}};  // score indexes 0 and 1
      events_.push_back(event);
    }
    memtable.Append(events_);
    TableSnapshot::Parts blocks;
    memtable.CollectBlocks(&blocks);
    const std::filesystem::path path = dir_ / segment::FileName(1);
    EXPECT_TRUE(WriteSegment(path, std::span<const ColumnBlock>(blocks.blocks), {}, {}, {}).ok());
    return path;
  }

  std::filesystem::path dir_;
  std::vector<Event> events_;
};

// Merging every block's moments gives the variance of all rows; each sliced field's slices merge
// into their block's moments.
TEST_F(BlockMomentsSegmentTest, BlocksAndSlicesMergeIntoTheRowsMoments) {
  Result<std::shared_ptr<Segment>> segment = Segment::OpenUnchecked(WriteSample());
  ASSERT_TRUE(segment.ok()) << segment.status().ToString();
  std::map<std::string, Reference> want;  // by measure
  for (const Event& event : events_) {
    if (event.cost_nano_usd) want["cost"].Add(static_cast<double>(*event.cost_nano_usd));
    want["latency"].Add(*event.latency_ms);
    for (const auto& [name, value] : event.scores) want[name].Add(value);
  }
  std::map<std::string, Reference> merged;
  auto merge = [](std::map<std::string, Reference>& into, const BlockSummary& summary) {
    const BlockMoments& moments = *summary.moments;
    const ColumnSummary& cost = summary.field(FieldId::kCostUsd);
    if (cost.present > 0) {
      into["cost"].Merge(cost.present, static_cast<double>(cost.int_sum), *moments.FieldM2(FieldId::kCostUsd));
    }
    const ColumnSummary& latency = summary.field(FieldId::kLatencyMs);
    into["latency"].Merge(latency.present, latency.double_sum, *moments.FieldM2(FieldId::kLatencyMs));
    ASSERT_EQ(moments.FieldM2(FieldId::kModel), nullptr);
    for (const BlockMoments::Score& score : moments.scores) {
      into[score.index == 0 ? "quality" : "rare"].Merge(score.present, score.sum, score.m2);
    }
  };
  for (const ColumnBlock& block : (*segment)->blocks()) {
    const BlockSummary& summary = *block.summary;
    ASSERT_NE(summary.moments, nullptr);
    ASSERT_EQ(summary.moments->scores.size(), 2u);
    merge(merged, summary);
    for (const FieldId field : {FieldId::kModel, FieldId::kPromptVersion}) {
      const std::span<const ValueSlice> slices = SlicesOf(summary, field);
      ASSERT_EQ(slices.size(), field == FieldId::kModel ? 2u : 4u);
      std::map<std::string, Reference> from_slices;
      for (const ValueSlice& slice : slices) {
        ASSERT_NE(slice.summary.moments, nullptr);
        merge(from_slices, slice.summary);
      }
      std::map<std::string, Reference> whole;
      merge(whole, summary);
      for (const auto& [name, reference] : whole) {
        EXPECT_EQ(from_slices[name].n, reference.n) << name;
        ExpectClose(reference.m2, from_slices[name].m2, name + " slices of field " + std::to_string(int(field)));
      }
    }
  }
  for (const auto& [name, reference] : want) {
    EXPECT_EQ(merged[name].n, reference.n) << name;
    ExpectClose(reference.mean, merged[name].mean, name + " mean");
    ExpectClose(reference.m2, merged[name].m2, name + " m2");
  }
}

// The same segment rewritten as format 5 (without the moments section) opens with its slices and
// no moments; a moments section one byte short is rejected.
TEST_F(BlockMomentsSegmentTest, FormatFiveSegmentsOpenWithoutMoments) {
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
  ASSERT_EQ(decoded.version, segment::kFooterVersion);
  std::string length;
  segment::PutVarint(&length, decoded.moments.size());
  const size_t moments_at = static_cast<size_t>(decoded.moments.data() - footer.data());
  ASSERT_EQ(moments_at + decoded.moments.size(), footer.size());  // the last section
  auto write = [&](std::string new_footer, const std::filesystem::path& out_path) {
    std::string out = bytes.substr(0, footer_offset) + new_footer;
    segment::PutFixed64(&out, footer_offset);
    segment::PutFixed32(&out, static_cast<uint32_t>(new_footer.size()));
    segment::PutFixed32(&out, crc32c::Mask(crc32c::Value(new_footer)));
    out.append(segment::kTrailerMagic);
    std::ofstream(out_path, std::ios::binary) << out;
    return Segment::OpenUnchecked(out_path);
  };
  std::string v5 = footer.substr(0, moments_at - length.size());
  v5[0] = 5;
  Result<std::shared_ptr<Segment>> old = write(v5, dir_ / segment::FileName(2));
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  for (const ColumnBlock& block : (*old)->blocks()) {
    ASSERT_NE(block.summary, nullptr);
    EXPECT_EQ(block.summary->moments, nullptr);
    EXPECT_NE(block.summary->tokens_per_s, nullptr);
    EXPECT_FALSE(SlicesOf(*block.summary, FieldId::kModel).empty());
    for (const ValueSlice& slice : block.summary->slices) EXPECT_EQ(slice.summary.moments, nullptr);
  }
  EXPECT_LT((*old)->MemoryParts().summaries, (*Segment::OpenUnchecked(path))->MemoryParts().summaries);
  std::string cut = footer.substr(0, moments_at - length.size());
  segment::PutVarint(&cut, decoded.moments.size() - 1);
  cut.append(decoded.moments.substr(0, decoded.moments.size() - 1));
  EXPECT_FALSE(write(cut, dir_ / segment::FileName(3)).ok());
}

}  // namespace
}  // namespace mltrack::store
