#include "store/segment.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <utility>

#include "store/memtable.h"
#include "store/segment_format.h"
#include "store/segment_writer.h"

namespace mltrack::store {
namespace {

class SegmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mltrack_segment_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Random events covering every field, absent values, narrow and wide ranges.
  std::vector<Event> MakeEvents(size_t count, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<Event> events;
    for (size_t idx = 0; idx < count; ++idx) {
      Event event;
      event.id = "id-" + std::to_string(seed) + "-" + std::to_string(idx);
      event.ts_ms = 1'700'000'000'000 + static_cast<int64_t>(idx * 37 + rng() % 1000);
      event.experiment = "exp" + std::to_string(rng() % 3);
      if (rng() % 4) event.user = "user" + std::to_string(rng() % 700);
      event.trace_id = "trace-" + std::to_string(idx);
      event.model = rng() % 2 ? "gpt-4o" : "claude";
      event.operation = rng() % 5 == 0 ? Operation::kEmbedding : Operation::kChat;
      event.status = rng() % 9 == 0 ? EventStatus::kError : EventStatus::kOk;
      if (rng() % 3) event.http_status = rng() % 2 ? 200 : 529;
      event.input_tokens = static_cast<int64_t>(rng() % 100000);
      if (rng() % 2) event.output_tokens = static_cast<int64_t>(rng() % 300);
      if (idx % 1000 == 7) event.cached_input_tokens = INT64_MAX / 2;  // wide range: raw layout
      if (idx % 1000 == 8) event.cached_input_tokens = 0;
      event.cost_nano_usd = static_cast<int64_t>(rng() % 5'000'000'000ull);
      event.latency_ms = std::round(static_cast<double>(rng() % 100000)) / 10.0;
      if (idx % 20 == 9) event.latency_ms = static_cast<double>(idx % 70000) / 7.0;  // unrounded: exceptions
      if (rng() % 2) event.ttft_ms = static_cast<double>(rng() % 1000) / 7.0;  // not decimal: raw
      if (rng() % 3 == 0) event.cache_hit = rng() % 2 == 0;
      event.streaming = true;
      event.tags = {{"env", rng() % 2 ? "prod" : "dev"}};
      if (rng() % 5 == 0) event.tags.push_back({"attempt", "2"});
      if (rng() % 3 == 0) event.scores = {{"quality", static_cast<double>(rng() % 1001) / 1000.0}};
      if (idx % 997 == 0) event.scores.push_back({"neg", -0.0});
      // Mostly absent: written as sparse columns.
      if (idx % 40 == 3) event.scores.push_back({"rare", static_cast<double>(idx % 1000) / 1000.0});
      if (idx % 50 == 5) event.error_type = idx % 100 == 5 ? "timeout" : "rate_limit";
      events.push_back(std::move(event));
    }
    return events;
  }

  std::filesystem::path dir_;
};

// Compares every logical value of two tables row by row.
void ExpectSameRows(const TableSnapshot& expected, const std::vector<ColumnBlock>& actual_blocks) {
  std::vector<std::pair<const ColumnBlock*, size_t>> want;
  for (const ColumnBlock& block : expected.blocks()) {
    for (size_t row = 0; row < block.rows; ++row) want.emplace_back(&block, row);
  }
  std::vector<std::pair<const ColumnBlock*, size_t>> got;
  for (const ColumnBlock& block : actual_blocks) {
    for (size_t row = 0; row < block.rows; ++row) got.emplace_back(&block, row);
  }
  ASSERT_EQ(want.size(), got.size());
  for (size_t idx = 0; idx < want.size(); ++idx) {
    const auto& [wb, wr] = want[idx];
    const auto& [gb, gr] = got[idx];
    ASSERT_EQ(wb->Ts(wr), gb->Ts(gr)) << idx;
    for (const FieldInfo& info : AllFields()) {
      const FieldId id = info.id;
      if (id == FieldId::kTs || IsDerivedField(id) || id == FieldId::kTag || id == FieldId::kScore) continue;
      switch (info.kind) {
        case FieldKind::kString: ASSERT_EQ(IdAt(wb->column(id), wr), IdAt(gb->column(id), gr)) << info.name; break;
        case FieldKind::kEnum:
        case FieldKind::kBool: ASSERT_EQ(ByteAt(wb->column(id), wr), ByteAt(gb->column(id), gr)) << info.name; break;
        case FieldKind::kInt:
        case FieldKind::kMoney: ASSERT_EQ(IntAt(wb->column(id), wr), IntAt(gb->column(id), gr)) << info.name; break;
        case FieldKind::kDouble: {
          double a = DoubleAt(wb->column(id), wr);
          double b = DoubleAt(gb->column(id), gr);
          ASSERT_EQ(std::memcmp(&a, &b, sizeof(double)), 0) << info.name << " " << a << " " << b;
          break;
        }
        default: break;
      }
    }
    for (size_t key = 0; key < std::max(wb->tags.size(), gb->tags.size()); ++key) {
      ASSERT_EQ(IdAt(wb->tag(key), wr), IdAt(gb->tag(key), gr));
    }
    for (size_t score = 0; score < std::max(wb->scores.size(), gb->scores.size()); ++score) {
      double a = DoubleAt(wb->score(score), wr);
      double b = DoubleAt(gb->score(score), gr);
      if (std::isnan(a)) ASSERT_TRUE(std::isnan(b));
      else ASSERT_EQ(std::memcmp(&a, &b, sizeof(double)), 0);
    }
  }
}

TEST_F(SegmentTest, RoundTripsEveryValueExactly) {
  Memtable memtable;
  std::vector<Event> events = MakeEvents(150'000, 1);
  memtable.Append(events);
  auto snapshot = memtable.Snapshot();
  std::vector<IdKey> ids;
  for (const Event& event : events) ids.push_back(HashId(event.id));

  std::filesystem::path path = dir_ / segment::FileName(1);
  Result<SegmentWriteResult> written = WriteSegment(path, snapshot->blocks(), snapshot->local_columns(), ids, {});
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->rows, events.size());
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));

  Result<std::shared_ptr<Segment>> segment = Segment::Open(path, *memtable.dictionaries());
  ASSERT_TRUE(segment.ok()) << segment.status().ToString();
  EXPECT_EQ((*segment)->rows(), events.size());
  EXPECT_EQ((*segment)->blocks().size(), 3u);  // 65536-row blocks
  ExpectSameRows(*snapshot, (*segment)->blocks());

  // Narrow layouts were chosen where the values allow.
  const ColumnBlock& block = (*segment)->blocks()[0];
  EXPECT_EQ(block.column(FieldId::kExperiment).width, 1);
  EXPECT_EQ(block.column(FieldId::kUser).width, 2);
  EXPECT_EQ(block.column(FieldId::kInputTokens).width, 4);
  EXPECT_EQ(block.column(FieldId::kOutputTokens).width, 2);
  EXPECT_EQ(block.column(FieldId::kCachedInputTokens).width, 8);
  EXPECT_EQ(block.column(FieldId::kLatencyMs).width, 4);
  EXPECT_EQ(block.column(FieldId::kLatencyMs).scale, 10);
  EXPECT_GT(block.column(FieldId::kLatencyMs).exception_count, 65536u / 20 * 8 / 10);
  EXPECT_EQ(block.column(FieldId::kTtftMs).width, 8);
  EXPECT_FALSE(block.column(FieldId::kId).present());
  EXPECT_TRUE(block.column(FieldId::kErrorType).sparse());
  EXPECT_EQ(block.column(FieldId::kErrorType).sparse_count, 65536u / 50 + 1);
  EXPECT_FALSE(block.column(FieldId::kModel).sparse());
  size_t sparse_scores = 0;
  for (const ColumnData& score : block.scores) sparse_scores += score.sparse();
  EXPECT_EQ(sparse_scores, 1u);  // "rare"; "neg" is raw (-0.0), "quality" too dense
  // Memory: far below the memtable's wide layout.
  EXPECT_LT((*segment)->MemoryBytes(), memtable.MemoryBytes() * 6 / 10);

  // Ids: every stored id is found, others are not.
  EXPECT_EQ((*segment)->id_count(), events.size());
  for (size_t idx = 0; idx < events.size(); idx += 997) {
    Result<bool> found = (*segment)->ContainsId(HashId(events[idx].id));
    ASSERT_TRUE(found.ok());
    EXPECT_TRUE(*found) << idx;
    Result<bool> missing = (*segment)->ContainsId(HashId(events[idx].id + "x"));
    ASSERT_TRUE(missing.ok());
    EXPECT_FALSE(*missing);
  }
  std::vector<IdKey> read_back;
  ASSERT_TRUE((*segment)->ReadIds(&read_back).ok());
  EXPECT_EQ(read_back.size(), events.size());
}

TEST_F(SegmentTest, RetentionDropsOldRowsAndEmptySegmentsAreNotWritten) {
  Memtable memtable;
  std::vector<Event> events = MakeEvents(1000, 2);
  memtable.Append(events);
  auto snapshot = memtable.Snapshot();
  SegmentWriteOptions options;
  options.min_keep_ts = events[500].ts_ms;
  std::filesystem::path path = dir_ / segment::FileName(2);
  Result<SegmentWriteResult> written = WriteSegment(path, snapshot->blocks(), snapshot->local_columns(), {}, options);
  ASSERT_TRUE(written.ok());
  EXPECT_GT(written->rows, 400u);
  EXPECT_LT(written->rows, 600u);
  EXPECT_GE(written->min_ts, options.min_keep_ts);

  options.min_keep_ts = INT64_MAX;
  std::filesystem::path empty = dir_ / segment::FileName(3);
  written = WriteSegment(empty, snapshot->blocks(), snapshot->local_columns(), {}, options);
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(written->rows, 0u);
  EXPECT_FALSE(std::filesystem::exists(empty));
}

TEST_F(SegmentTest, NoSpaceLeavesNoFile) {
  Memtable memtable;
  std::vector<Event> events = MakeEvents(1000, 3);
  memtable.Append(events);
  SegmentWriteOptions options;
  options.fault_hook = [](size_t) { return ENOSPC; };
  std::filesystem::path path = dir_ / segment::FileName(4);
  Result<SegmentWriteResult> written = WriteSegment(path, memtable.Snapshot()->blocks(), memtable.Snapshot()->local_columns(), {}, options);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().code(), StatusCode::kNoSpace);
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

TEST_F(SegmentTest, EveryFlippedByteIsDetected) {
  Memtable memtable;
  std::vector<Event> events = MakeEvents(300, 4);
  memtable.Append(events);
  std::vector<IdKey> ids;
  for (const Event& event : events) ids.push_back(HashId(event.id));
  std::filesystem::path path = dir_ / segment::FileName(5);
  auto snapshot = memtable.Snapshot();
  ASSERT_TRUE(WriteSegment(path, snapshot->blocks(), snapshot->local_columns(), ids, {}).ok());
  std::string good;
  {
    std::ifstream in(path, std::ios::binary);
    good.assign(std::istreambuf_iterator<char>(in), {});
  }
  // Every byte of the file is covered by a checksum or a magic: flipping any is an error.
  const size_t step = std::max<size_t>(1, good.size() / 400);
  for (size_t offset = 0; offset < good.size(); offset += step) {
    std::string bad = good;
    bad[offset] = static_cast<char>(bad[offset] ^ 0x10);
    {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out.write(bad.data(), static_cast<std::streamsize>(bad.size()));
    }
    uint64_t corrupt_offset = UINT64_MAX;
    Result<std::shared_ptr<Segment>> segment = Segment::Open(path, *memtable.dictionaries(), &corrupt_offset);
    ASSERT_FALSE(segment.ok()) << "flip at " << offset << " went unnoticed";
    EXPECT_EQ(segment.status().code(), StatusCode::kCorruption);
    EXPECT_NE(segment.status().message().find(path.string()), std::string::npos);
    EXPECT_LE(corrupt_offset, good.size());
  }
}

TEST_F(SegmentTest, MissingDictionaryEntriesAreCorruption) {
  Memtable memtable;
  std::vector<Event> events = MakeEvents(100, 5);
  memtable.Append(events);
  std::filesystem::path path = dir_ / segment::FileName(6);
  auto snapshot = memtable.Snapshot();
  ASSERT_TRUE(WriteSegment(path, snapshot->blocks(), snapshot->local_columns(), {}, {}).ok());
  DictionarySet empty;
  Result<std::shared_ptr<Segment>> segment = Segment::Open(path, empty);
  ASSERT_FALSE(segment.ok());
  EXPECT_EQ(segment.status().code(), StatusCode::kCorruption);
}

// The trace_id strings of every row of a written segment, as its local string table gives them,
// and how many strings that table holds.
std::pair<std::multiset<std::string>, size_t> SegmentTraceIds(const Segment& segment) {
  std::multiset<std::string> traces;
  size_t table_size = 0;
  for (const LocalColumn& column : segment.local_columns()) {
    std::vector<uint64_t> buffer;
    const ColumnData ids = column.Ids(&buffer);
    table_size = column.strings->size();
    for (size_t row = 0; row < segment.blocks()[column.block_index].rows; ++row) {
      const uint32_t local_id = IdAt(ids, row);
      if (local_id != kAbsentId) traces.emplace(column.strings->Get(local_id));
    }
  }
  return {traces, table_size};
}

// A local string table holds each distinct string once, whether the rows come from one memtable
// (strings found by its local ids) or from several (strings found by their bytes).
TEST_F(SegmentTest, LocalStringTablesHoldEachStringOnce) {
  auto dictionaries = std::make_shared<DictionarySet>();
  Memtable first(MemtableOptions{}, dictionaries);
  Memtable second(MemtableOptions{}, dictionaries);
  std::multiset<std::string> expected_first;
  std::multiset<std::string> expected_both;
  for (auto [memtable, offset] : {std::pair{&first, 0}, std::pair{&second, 40}}) {
    std::vector<Event> events = MakeEvents(3000, 7 + static_cast<uint64_t>(offset));
    for (size_t idx = 0; idx < events.size(); ++idx) {
      events[idx].trace_id = idx % 11 == 0 ? "" : "trace-" + std::to_string(offset + idx % 60);
      if (!events[idx].trace_id.empty()) {
        expected_both.insert(events[idx].trace_id);
        if (memtable == &first) expected_first.insert(events[idx].trace_id);
      }
    }
    memtable->Append(events);
  }

  const std::filesystem::path one_path = dir_ / segment::FileName(7);
  auto snapshot = first.Snapshot();
  ASSERT_TRUE(WriteSegment(one_path, snapshot->blocks(), snapshot->local_columns(), {}, {}).ok());
  Result<std::shared_ptr<Segment>> one = Segment::Open(one_path, *dictionaries);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(SegmentTraceIds(**one), std::make_pair(expected_first, size_t{60}));

  TableSnapshot::Parts parts;
  first.CollectBlocks(&parts);
  second.CollectBlocks(&parts);
  const std::filesystem::path both_path = dir_ / segment::FileName(8);
  ASSERT_TRUE(WriteSegment(both_path, parts.blocks, parts.local_columns, {}, {}).ok());
  Result<std::shared_ptr<Segment>> both = Segment::Open(both_path, *dictionaries);
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  EXPECT_EQ(SegmentTraceIds(**both), std::make_pair(expected_both, size_t{100}));  // trace-0 … trace-99
}

}  // namespace
}  // namespace mltrack::store
