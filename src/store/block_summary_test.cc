// Block summaries: what the segment writer stores per block matches the block's rows, an older
// segment without them opens and serves the same rows, and damaged summary bytes are refused.
#include "store/block_summary.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "core/crc32c.h"
#include "store/memtable.h"
#include "store/segment.h"
#include "store/segment_format.h"
#include "store/segment_writer.h"

namespace mltrack::store {
namespace {

class BlockSummaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mltrack_block_summary_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // 150k rows (three 65536-row blocks) with low- and high-cardinality strings, absent values,
  // enums, bools, http statuses, money, unrounded doubles and a tag.
  void Fill(Memtable& memtable) {
    std::mt19937_64 rng(3);
    std::vector<Event> events;
    for (size_t idx = 0; idx < 150'000; ++idx) {
      Event event;
      event.ts_ms = 1'700'000'000'000 + static_cast<int64_t>(idx * 37 + rng() % 1000);
      event.experiment = "exp" + std::to_string(rng() % 3);
      if (rng() % 4) event.user = "user" + std::to_string(rng() % 700);
      event.trace_id = "trace-" + std::to_string(idx);
      event.model = rng() % 2 ? "gpt-4o" : "claude";
      event.operation = rng() % 5 == 0 ? Operation::kEmbedding : Operation::kChat;
      if (idx >= 65536) event.status = rng() % 9 == 0 ? EventStatus::kError : EventStatus::kOk;
      if (rng() % 3) event.http_status = rng() % 2 ? 200 : 529;
      event.input_tokens = static_cast<int64_t>(rng() % 100000);
      if (rng() % 2) event.cost_nano_usd = static_cast<int64_t>(rng() % 5'000'000'000ull);
      event.latency_ms = static_cast<double>(rng() % 100000) / 7.0;
      if (rng() % 3 == 0) event.cache_hit = rng() % 2 == 0;
      if (rng() % 2) event.tags = {{"env", rng() % 2 ? "prod" : "dev"}};
      events.push_back(std::move(event));
    }
    memtable.Append(events);
  }

  std::filesystem::path dir_;
};

// The summary a block should have, computed row by row with the slow accessors.
void ExpectSummaryOfRows(const ColumnBlock& block, const ColumnSummary& summary, const ColumnData& column,
                         FieldKind kind, bool http_status, const std::string& what) {
  std::map<uint32_t, uint32_t> codes;
  uint32_t present = 0;
  int64_t int_min = INT64_MAX, int_max = INT64_MIN;
  uint64_t int_sum = 0;
  double double_min = INFINITY, double_max = -INFINITY, double_sum = 0;
  for (size_t row = 0; row < block.rows; ++row) {
    if (kind == FieldKind::kString || http_status) {
      const uint32_t code = http_status ? static_cast<uint32_t>(std::max<int64_t>(IntAt(column, row), 0))
                                        : IdAt(column, row);
      ++codes[code];
      present += code != 0;
    } else if (kind == FieldKind::kEnum || kind == FieldKind::kBool) {
      const uint8_t code = ByteAt(column, row);
      ++codes[code];
      present += kind == FieldKind::kEnum || code != 0;
    } else if (kind == FieldKind::kDouble) {
      const double value = DoubleAt(column, row);
      if (std::isnan(value)) continue;
      ++present;
      double_min = std::min(double_min, value);
      double_max = std::max(double_max, value);
      double_sum += value;
    } else {
      const int64_t value = IntAt(column, row);
      if (value == kNullInt) continue;
      ++present;
      int_min = std::min(int_min, value);
      int_max = std::max(int_max, value);
      int_sum += static_cast<uint64_t>(value);
    }
  }
  if (!column.present()) {
    EXPECT_EQ(summary.type, ColumnSummary::Type::kAbsent) << what;
    return;
  }
  EXPECT_EQ(summary.present, present) << what;
  if (!codes.empty()) {
    ASSERT_EQ(summary.type, ColumnSummary::Type::kCodes) << what;
    if (codes.size() > kMaxSummaryCodes) {
      EXPECT_FALSE(summary.exact) << what;
      codes.erase(0);
      EXPECT_EQ(summary.min_code, codes.begin()->first) << what;
      EXPECT_EQ(summary.max_code, codes.rbegin()->first) << what;
      return;
    }
    ASSERT_TRUE(summary.exact) << what;
    const std::vector<std::pair<uint32_t, uint32_t>> want(codes.begin(), codes.end());
    EXPECT_EQ(want, summary.codes) << what;
  } else if (kind == FieldKind::kDouble) {
    ASSERT_EQ(summary.type, ColumnSummary::Type::kDoubles) << what;
    EXPECT_EQ(summary.double_min, double_min) << what;
    EXPECT_EQ(summary.double_max, double_max) << what;
    EXPECT_DOUBLE_EQ(summary.double_sum, double_sum) << what;
  } else {
    ASSERT_EQ(summary.type, ColumnSummary::Type::kInts) << what;
    EXPECT_EQ(summary.int_min, int_min) << what;
    EXPECT_EQ(summary.int_max, int_max) << what;
    EXPECT_EQ(static_cast<uint64_t>(summary.int_sum), int_sum) << what;
  }
}

TEST_F(BlockSummaryTest, SummariesMatchTheRowsOfEveryBlock) {
  Memtable memtable;
  Fill(memtable);
  const std::filesystem::path path = dir_ / segment::FileName(1);
  ASSERT_TRUE(WriteSegment(path, memtable.Snapshot()->blocks(), memtable.Snapshot()->local_columns(), {}, {}).ok());
  Result<std::shared_ptr<Segment>> segment = Segment::Open(path, *memtable.dictionaries());
  ASSERT_TRUE(segment.ok()) << segment.status().ToString();
  ASSERT_EQ((*segment)->blocks().size(), 3u);
  for (const ColumnBlock& block : (*segment)->blocks()) {
    ASSERT_NE(block.summary, nullptr);
    EXPECT_EQ(block.summary->rows, block.rows);
    for (const FieldInfo& info : AllFields()) {
      const FieldId id = info.id;
      if (id == FieldId::kTs || id == FieldId::kId || IsDerivedField(id) || id == FieldId::kTag ||
          id == FieldId::kScore) {
        continue;
      }
      ExpectSummaryOfRows(block, block.summary->field(id), block.column(id), info.kind, id == FieldId::kHttpStatus,
                          std::string(info.name));
    }
    ExpectSummaryOfRows(block, block.summary->tag(0), block.tag(0), FieldKind::kString, false, "tags.env");
  }
  // The first block has no status column (every row ok): its summary says so.
  EXPECT_EQ((*segment)->blocks()[0].summary->field(FieldId::kStatus).type, ColumnSummary::Type::kAbsent);
  EXPECT_FALSE((*segment)->blocks()[0].summary->field(FieldId::kTraceId).exact);
}

// A version-2 file (no summary section) made from a version-3 one: it opens, serves the same
// rows, and its blocks have no summary.
TEST(BlockSummaryCodecTest, RoundTripsAndRefusesDamage) {
  BlockSummary summary;
  summary.rows = 6;
  summary.fields[static_cast<size_t>(FieldId::kModel)] = SummarizeIds({kNullInt, 4, 4, 9, kNullInt, 4});
  summary.fields[static_cast<size_t>(FieldId::kInputTokens)] = SummarizeInts({1, -5, kNullInt, 7, 7, 0});
  summary.fields[static_cast<size_t>(FieldId::kLatencyMs)] = SummarizeDoubles({0.5, NAN, 2.25, 1, 1, 1});
  summary.tags.emplace_back(1, SummarizeIds({3, 3, 3, 3, 3, 3}));
  std::string bytes;
  EncodeBlockSummary(summary, &bytes);

  std::vector<BlockSummary> decoded;
  ASSERT_TRUE(DecodeBlockSummaries(bytes, {6}, 2, &decoded));
  const ColumnSummary& model = decoded[0].field(FieldId::kModel);
  EXPECT_EQ(model.present, 4u);
  EXPECT_EQ(model.codes, (std::vector<std::pair<uint32_t, uint32_t>>{{0, 2}, {4, 3}, {9, 1}}));
  const ColumnSummary& tokens = decoded[0].field(FieldId::kInputTokens);
  EXPECT_EQ(tokens.present, 5u);
  EXPECT_EQ(tokens.int_min, -5);
  EXPECT_EQ(tokens.int_max, 7);
  EXPECT_EQ(tokens.int_sum, 10);
  const ColumnSummary& latency = decoded[0].field(FieldId::kLatencyMs);
  EXPECT_EQ(latency.present, 5u);
  EXPECT_EQ(latency.double_min, 0.5);
  EXPECT_EQ(latency.double_max, 2.25);
  EXPECT_EQ(latency.double_sum, 5.75);
  uint32_t code = 0;
  EXPECT_TRUE(decoded[0].tag(1).SingleCode(6, &code));
  EXPECT_EQ(code, 3u);
  EXPECT_EQ(decoded[0].tag(0).type, ColumnSummary::Type::kAbsent);

  // Past 256 distinct codes only the range stays, and whether every code of it occurs.
  std::vector<int64_t> ids;
  for (int64_t id = 1000; id < 1300; ++id) ids.insert(ids.end(), {id, id, kNullInt});
  const ColumnSummary dense = SummarizeIds(ids);
  EXPECT_FALSE(dense.exact);
  EXPECT_EQ(dense.present, 600u);
  EXPECT_EQ(dense.min_code, 1000u);
  EXPECT_EQ(dense.max_code, 1299u);
  EXPECT_TRUE(dense.DenseRange());
  ids[30] = ids[31] = 5000;  // id 1010 no longer occurs
  EXPECT_FALSE(SummarizeIds(ids).DenseRange());
  BlockSummary wide;
  wide.rows = static_cast<uint32_t>(ids.size());
  wide.fields[static_cast<size_t>(FieldId::kRunId)] = SummarizeIds(ids);
  std::string wide_bytes;
  EncodeBlockSummary(wide, &wide_bytes);
  ASSERT_TRUE(DecodeBlockSummaries(wide_bytes, {wide.rows}, 0, &decoded));
  const ColumnSummary& run_ids = decoded[0].field(FieldId::kRunId);
  EXPECT_EQ(run_ids.distinct, 300u);
  EXPECT_EQ(run_ids.max_code, 5000u);
  EXPECT_FALSE(run_ids.DenseRange());

  EXPECT_FALSE(DecodeBlockSummaries(bytes, {7}, 2, &decoded));  // counts do not add up to the rows
  EXPECT_FALSE(DecodeBlockSummaries(bytes, {6}, 1, &decoded));  // tag past the tag keys
  EXPECT_FALSE(DecodeBlockSummaries(bytes.substr(0, bytes.size() - 1), {6}, 2, &decoded));
  EXPECT_FALSE(DecodeBlockSummaries(bytes + '\0', {6}, 2, &decoded));
}

// Small codes are counted in an array, large ones sorted: both give what a plain count gives,
// with and without absent rows, below and past kMaxSummaryCodes distinct codes.
TEST(BlockSummaryCodesTest, CountedAndSortedCodesMatchAPlainCount) {
  std::mt19937_64 rng(11);
  for (const uint32_t max_code : {3u, 200u, 5000u, 60'000u, 3'000'000u}) {
    for (const bool with_absent : {false, true}) {
      std::vector<int64_t> ids(4096);
      std::map<uint32_t, uint32_t> expected;
      for (int64_t& id : ids) {
        const uint32_t code = with_absent && rng() % 4 == 0 ? 0 : 1 + static_cast<uint32_t>(rng() % max_code);
        id = code == 0 ? kNullInt : int64_t{code};
        ++expected[code];
      }
      const ColumnSummary summary = SummarizeIds(ids);
      const uint32_t absent = expected.count(0) ? expected[0] : 0;
      SCOPED_TRACE(testing::Message() << "max_code " << max_code << " absent " << absent);
      EXPECT_EQ(summary.present, ids.size() - absent);
      ASSERT_EQ(summary.exact, expected.size() <= kMaxSummaryCodes);
      if (summary.exact) {
        EXPECT_EQ(summary.codes, (std::vector<std::pair<uint32_t, uint32_t>>(expected.begin(), expected.end())));
        continue;
      }
      EXPECT_EQ(summary.distinct, expected.size() - (absent > 0 ? 1 : 0));
      EXPECT_EQ(summary.min_code, absent > 0 ? std::next(expected.begin())->first : expected.begin()->first);
      EXPECT_EQ(summary.max_code, expected.rbegin()->first);
    }
  }
  const ColumnSummary operations = SummarizeBytes({0, 2, 2, 5, 0}, /*is_enum=*/true);
  EXPECT_EQ(operations.present, 5u);  // chat (0) is a value of an enum
  EXPECT_EQ(operations.codes, (std::vector<std::pair<uint32_t, uint32_t>>{{0, 2}, {2, 2}, {5, 1}}));
}

}  // namespace
}  // namespace mltrack::store
