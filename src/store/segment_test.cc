#include "store/segment.h"

#include <fcntl.h>

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <utility>

#include "core/crc32c.h"
#include "store/block_slices.h"
#include "store/block_user_rollup.h"
#include "store/memtable.h"
#include "store/segment_format.h"
#include "store/segment_strings.h"
#include "store/segment_writer.h"
#include "store/string_filter.h"

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
    auto bound = [](const std::vector<KeyedColumn>& a, const std::vector<KeyedColumn>& b) {
      return std::max(a.empty() ? 0 : a.back().index + 1, b.empty() ? 0 : b.back().index + 1);
    };
    for (size_t key = 0; key < bound(wb->tags, gb->tags); ++key) {
      ASSERT_EQ(IdAt(wb->tag(key), wr), IdAt(gb->tag(key), gr));
    }
    for (size_t score = 0; score < bound(wb->scores, gb->scores); ++score) {
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
  for (const KeyedColumn& score : block.scores) sparse_scores += score.data.sparse();
  // "rare"; "neg" too (-0.0 has no scaled form: its few values are all exceptions of a sparse
  // column, not a raw column of every row); "quality" is too dense.
  EXPECT_EQ(sparse_scores, 2u);
  // Memory: far below the memtable's wide layout.
  EXPECT_LT((*segment)->MemoryBytes(), memtable.MemoryBytes() * 6 / 10);
  // Dense columns of few values per block are held as palette codes, others in the bits their
  // values need (packed_column.h).
  EXPECT_EQ(block.column(FieldId::kModel).code_bits, 1);
  EXPECT_TRUE(block.column(FieldId::kModel).packed());
  EXPECT_EQ(block.column(FieldId::kExperiment).code_bits, 2);
  EXPECT_TRUE(block.column(FieldId::kExperiment).packed());
  EXPECT_EQ(block.column(FieldId::kHttpStatus).code_bits, 2);  // absent, 200, 529
  EXPECT_TRUE(block.column(FieldId::kStreaming).packed());
  EXPECT_EQ(block.column(FieldId::kStreaming).code_bits, 0);  // true in every row
  EXPECT_EQ(block.column(FieldId::kUser).palette, nullptr);  // ~700 users: ids in 10 bits
  EXPECT_EQ(block.column(FieldId::kUser).code_bits, 10);
  EXPECT_EQ(block.column(FieldId::kLatencyMs).code_bits, 17);  // 0.1 ms up to 10 s, with exceptions
  // Compaction reads them back through the same accessors: a segment written from this one's
  // blocks holds the same rows.
  TableSnapshot::Parts parts;
  (*segment)->CollectBlocks(&parts);
  const std::filesystem::path rewritten_path = dir_ / segment::FileName(2);
  ASSERT_TRUE(WriteSegment(rewritten_path, parts.blocks, parts.local_columns, {}, {}).ok());
  Result<std::shared_ptr<Segment>> rewritten = Segment::Open(rewritten_path, *memtable.dictionaries());
  ASSERT_TRUE(rewritten.ok()) << rewritten.status().ToString();
  ExpectSameRows(*snapshot, (*rewritten)->blocks());

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

// Another process overwrites a sealed segment in place (same size, zeros) while it is open.
// The id section read at lookup is then garbage that can look like a valid run of one entry:
// the lookup must fail (the caller refuses the batch) rather than answer "absent", which would
// store a retried acknowledged event twice.
TEST_F(SegmentTest, OverwrittenInPlaceIdLookupsFailInsteadOfAnsweringAbsent) {
  Memtable memtable;
  std::vector<Event> events = MakeEvents(1, 5);
  memtable.Append(events);
  auto snapshot = memtable.Snapshot();
  std::vector<IdKey> ids = {HashId(events[0].id)};
  std::filesystem::path path = dir_ / segment::FileName(1);
  ASSERT_TRUE(WriteSegment(path, snapshot->blocks(), snapshot->local_columns(), ids, {}).ok());
  Result<std::shared_ptr<Segment>> segment = Segment::Open(path, *memtable.dictionaries());
  ASSERT_TRUE(segment.ok()) << segment.status().ToString();
  Result<bool> found = (*segment)->ContainsId(ids[0]);
  ASSERT_TRUE(found.ok() && *found);

  // A later write: past the file system's coarse timestamp tick (at most 10 ms).
  ::usleep(50'000);
  const uintmax_t size = std::filesystem::file_size(path);
  {
    std::fstream out(path, std::ios::binary | std::ios::in | std::ios::out);
    const std::string zeros(size, '\0');
    out.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
  }
  ASSERT_EQ(std::filesystem::file_size(path), size);
  found = (*segment)->ContainsId(ids[0]);
  ASSERT_FALSE(found.ok()) << "answered " << *found << " from an overwritten file";
  EXPECT_EQ(found.status().code(), StatusCode::kCorruption);
  EXPECT_NE(found.status().message().find("changed on disk"), std::string::npos) << found.status().message();
  std::vector<IdKey> read_back;
  EXPECT_FALSE((*segment)->ReadIds(&read_back).ok());
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

// A table of more than kLocalStringsPerFrame strings is stored as several zstd frames, one per
// kLocalStringsPerFrame strings in local-id order, so a reader can decode one of them alone.
TEST_F(SegmentTest, LargeLocalStringTablesAreWrittenInFrames) {
  Memtable memtable;
  std::vector<Event> events = MakeEvents(5000, 9);
  std::multiset<std::string> expected;
  for (size_t idx = 0; idx < events.size(); ++idx) {
    events[idx].trace_id = "trace-" + std::to_string(idx);
    expected.insert(events[idx].trace_id);
  }
  memtable.Append(events);
  const std::filesystem::path path = dir_ / segment::FileName(9);
  auto snapshot = memtable.Snapshot();
  ASSERT_TRUE(WriteSegment(path, snapshot->blocks(), snapshot->local_columns(), {}, {}).ok());
  Result<std::shared_ptr<Segment>> segment = Segment::Open(path, *memtable.dictionaries());
  ASSERT_TRUE(segment.ok()) << segment.status().ToString();
  ASSERT_FALSE((*segment)->local_columns().empty());
  const auto* table = dynamic_cast<const SegmentStrings*>((*segment)->local_columns().front().strings.get());
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->frame_count(), 5u);  // 4 × 1024 + 904
  EXPECT_EQ(SegmentTraceIds(**segment), std::make_pair(expected, size_t{5000}));
}

// Version 4: each block carries a string filter of its trace ids (every stored id passes it,
// almost no other does) and value slices of its sliced fields (a slice per code, adding up to the
// block); memtable blocks, without a summary, may hold anything.
TEST_F(SegmentTest, StringFiltersAndValueSlicesAreWrittenPerBlock) {
  Memtable memtable;
  std::vector<Event> events = MakeEvents(150'000, 3);
  for (size_t idx = 0; idx < events.size(); idx += 7) events[idx].trace_id.clear();
  memtable.Append(events);
  auto snapshot = memtable.Snapshot();
  EXPECT_TRUE(BlockMayContain(snapshot->blocks()[0], FieldId::kTraceId, "no-such-trace"));
  const std::filesystem::path path = dir_ / segment::FileName(9);
  ASSERT_TRUE(WriteSegment(path, snapshot->blocks(), snapshot->local_columns(), {}, {}).ok());
  Result<std::shared_ptr<Segment>> segment = Segment::Open(path, *memtable.dictionaries());
  ASSERT_TRUE(segment.ok()) << segment.status().ToString();
  const std::vector<ColumnBlock>& blocks = (*segment)->blocks();
  size_t checked = 0;
  for (const LocalColumn& column : (*segment)->local_columns()) {
    std::vector<uint64_t> buffer;
    const ColumnData ids = column.Ids(&buffer);
    for (uint32_t row = 0; row < blocks[column.block_index].rows; ++row) {
      const uint32_t local_id = IdAt(ids, row);
      if (local_id == kAbsentId) continue;
      ASSERT_TRUE(BlockMayContain(blocks[column.block_index], FieldId::kTraceId, column.strings->Get(local_id)));
      ++checked;
    }
  }
  EXPECT_GT(checked, 120'000u);
  size_t false_positives = 0;
  for (int idx = 0; idx < 10'000; ++idx) {
    false_positives += BlockMayContain(blocks[1], FieldId::kTraceId, "other-" + std::to_string(idx));
  }
  EXPECT_LT(false_positives, 300u);  // ~1 % expected at 10 bits per string
  // The filters' words stay in the file (read by pread when probed), not in memory; a filter
  // whose words cannot be read answers "may contain", so the block's rows are read instead.
  for (const ColumnBlock& block : blocks) {
    ASSERT_EQ(block.summary->string_filters.size(), 1u);
    const StringFilter& filter = block.summary->string_filters[0].second;
    EXPECT_TRUE(filter.words.empty());
    EXPECT_GE(filter.fd, 0);
    EXPECT_EQ(filter.MemoryBytes(), 0u);
    StringFilter unreadable = filter;
    unreadable.fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(unreadable.fd, 0);
    EXPECT_TRUE(unreadable.MayContain(StringFilter::Hash("no-such-trace")));
    ::close(unreadable.fd);
  }
  for (const ColumnBlock& block : blocks) {
    ASSERT_NE(block.summary, nullptr);
    for (const FieldId field : {FieldId::kExperiment, FieldId::kModel}) {
      const std::span<const ValueSlice> slices = SlicesOf(*block.summary, field);
      ASSERT_EQ(slices.size(), block.summary->field(field).codes.size());
      uint64_t rows = 0;
      for (const ValueSlice& slice : slices) {
        rows += slice.summary.rows;
        EXPECT_GE(slice.min_ts, block.min_ts);
        EXPECT_LE(slice.max_ts, block.max_ts);
      }
      EXPECT_EQ(rows, block.rows);
    }
  }
}

// Version 5 adds each block's user rollup to the footer, keyed by (user, team, experiment);
// version 7 keys it by model and provider too, in version 6's layout. The same segment written as
// version 6 opens with rollups keyed by the version-5 fields only, and as version 4 (no rollup
// section) with its summaries and slices and no rollups.
TEST_F(SegmentTest, UserRollupsAreWrittenAndVersionFourAndSixSegmentsStillOpen) {
  Memtable memtable;
  memtable.Append(MakeEvents(150'000, 5));
  auto snapshot = memtable.Snapshot();
  const std::filesystem::path path = dir_ / segment::FileName(11);
  ASSERT_TRUE(WriteSegment(path, snapshot->blocks(), snapshot->local_columns(), {}, {}).ok());
  Result<std::shared_ptr<Segment>> segment = Segment::Open(path, *memtable.dictionaries());
  ASSERT_TRUE(segment.ok()) << segment.status().ToString();
  std::string section;
  for (const ColumnBlock& block : (*segment)->blocks()) {
    ASSERT_NE(block.summary, nullptr);
    ASSERT_NE(block.summary->user_rollup, nullptr);  // 700 users × 3 experiments × models: ~10 rows an entry
    EXPECT_TRUE(block.summary->user_rollup->Keys(FieldId::kModel));
    uint64_t rows = 0;
    for (size_t entry = 0; entry < block.summary->user_rollup->size(); ++entry) rows += block.summary->user_rollup->rows(entry);
    EXPECT_EQ(rows, block.rows);
    EncodeUserRollup(*block.summary->user_rollup, &section);
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  uint64_t footer_offset = 0;
  uint32_t footer_size = 0;
  std::memcpy(&footer_offset, bytes.data() + bytes.size() - segment::kTrailerSize, 8);
  std::memcpy(&footer_size, bytes.data() + bytes.size() - segment::kTrailerSize + 8, 4);
  const std::string footer = bytes.substr(footer_offset, footer_size);
  ASSERT_EQ(static_cast<uint8_t>(footer[0]), segment::kFooterVersion);
  auto reopen_as = [&](std::string old_footer, uint64_t seq) {
    std::string old = bytes.substr(0, footer_offset) + old_footer;
    segment::PutFixed64(&old, footer_offset);
    segment::PutFixed32(&old, static_cast<uint32_t>(old_footer.size()));
    segment::PutFixed32(&old, crc32c::Mask(crc32c::Value(old_footer)));
    old += segment::kTrailerMagic;
    const std::filesystem::path old_path = dir_ / segment::FileName(seq);
    std::ofstream(old_path, std::ios::binary) << old;
    return Segment::Open(old_path, *memtable.dictionaries());
  };
  // Version 6: the same sections; its rollups are read as keyed by (user, team, experiment).
  std::string v6 = footer;
  v6[0] = 6;
  Result<std::shared_ptr<Segment>> six = reopen_as(v6, 12);
  ASSERT_TRUE(six.ok()) << six.status().ToString();
  for (const ColumnBlock& block : (*six)->blocks()) {
    ASSERT_NE(block.summary, nullptr);
    ASSERT_NE(block.summary->user_rollup, nullptr);
    EXPECT_TRUE(block.summary->user_rollup->Keys(FieldId::kExperiment));
    EXPECT_FALSE(block.summary->user_rollup->Keys(FieldId::kModel));
    EXPECT_FALSE(block.summary->user_rollup->Keys(FieldId::kProvider));
  }
  // Version 4: the version-5 sections (varint size · the rollups, then the derived sketches)
  // and version 6's moments dropped.
  std::string tail;
  segment::PutVarint(&tail, section.size());
  tail += section;
  const size_t rollups_at = footer.rfind(tail);
  ASSERT_NE(rollups_at, std::string::npos);
  std::string v4 = footer.substr(0, rollups_at);
  v4[0] = 4;
  Result<std::shared_ptr<Segment>> reopened = reopen_as(v4, 13);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  ASSERT_EQ((*reopened)->blocks().size(), (*segment)->blocks().size());
  for (const ColumnBlock& block : (*reopened)->blocks()) {
    ASSERT_NE(block.summary, nullptr);
    EXPECT_EQ(block.summary->user_rollup, nullptr);
    EXPECT_FALSE(SlicesOf(*block.summary, FieldId::kExperiment).empty());
  }
  EXPECT_EQ((*reopened)->MemoryParts().user_rollups, 0u);
  EXPECT_GT((*segment)->MemoryParts().user_rollups, 0u);
}

// Thousands of tag keys and score names, each on a few rows of shuffled timestamps, with
// retention dropping rows inside blocks: every kept value comes back under its key, nothing
// else is stored, and a key costs the segment bytes, not a column of every row.
TEST_F(SegmentTest, ManyRareKeysRoundTripWithRetention) {
  constexpr int kEvents = 30'000;
  constexpr int64_t kBase = 1'700'000'000'000;
  Memtable memtable;
  std::vector<Event> events;
  for (int idx = 0; idx < kEvents; ++idx) {
    Event event;
    event.ts_ms = kBase + (int64_t{idx} * 7919) % kEvents;
    event.trace_id = "t" + std::to_string(idx);
    event.model = "m";
    event.tags = {{"env", "prod"}};
    if (idx % 3 == 0) event.tags.emplace_back("k" + std::to_string(idx), "v" + std::to_string(idx % 5));
    if (idx % 4 == 0) event.scores.emplace_back("s" + std::to_string(idx % 6000), idx % 8 == 0 ? idx / 8.0 : idx / 7.0);
    events.push_back(std::move(event));
  }
  memtable.Append(events);
  auto snapshot = memtable.Snapshot();
  SegmentWriteOptions options;
  options.min_keep_ts = kBase + kEvents / 2;
  std::filesystem::path path = dir_ / segment::FileName(4);
  Result<SegmentWriteResult> written = WriteSegment(path, snapshot->blocks(), snapshot->local_columns(), {}, options);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  ASSERT_EQ(written->rows, static_cast<uint64_t>(kEvents / 2));
  Result<std::shared_ptr<Segment>> segment = Segment::Open(path, *memtable.dictionaries());
  ASSERT_TRUE(segment.ok()) << segment.status().ToString();

  size_t expected_tags = 0;
  size_t expected_scores = 0;
  for (const Event& event : events) {
    if (event.ts_ms < options.min_keep_ts) continue;
    expected_tags += event.tags.size();
    expected_scores += event.scores.size();
  }
  size_t stored_tags = 0;
  size_t stored_scores = 0;
  for (const ColumnBlock& block : (*segment)->blocks()) {
    for (const KeyedColumn& column : block.tags) {
      for (size_t row = 0; row < block.rows; ++row) stored_tags += IdAt(column.data, row) != kAbsentId;
    }
    for (const KeyedColumn& column : block.scores) {
      for (size_t row = 0; row < block.rows; ++row) stored_scores += !std::isnan(DoubleAt(column.data, row));
    }
  }
  EXPECT_EQ(stored_tags, expected_tags);
  EXPECT_EQ(stored_scores, expected_scores);
  // Each kept event's own values, through the table snapshot of the segment's blocks.
  TableSnapshot::Parts parts;
  (*segment)->CollectBlocks(&parts);
  memtable.dictionaries()->FillSnapshot(&parts);
  TableSnapshot table(std::move(parts));
  const Dictionary* table_traces = table.dictionary(FieldId::kTraceId);
  size_t checked = 0;
  for (const ColumnBlock& block : table.blocks()) {
    for (size_t row = 0; row < block.rows; ++row) {
      const std::string trace(table_traces->Get(IdAt(block.column(FieldId::kTraceId), row)));
      const Event& event = events[std::stoi(trace.substr(1))];
      ASSERT_GE(event.ts_ms, options.min_keep_ts);
      for (const auto& [key, value] : event.tags) {
        const std::optional<size_t> key_index = table.FindTagKey(key);
        ASSERT_TRUE(key_index.has_value()) << key;
        ASSERT_EQ(table.tag_dictionary(*key_index).Get(IdAt(block.tag(*key_index), row)), value) << trace << " " << key;
      }
      for (const auto& [name, value] : event.scores) {
        const std::optional<size_t> score_index = table.FindScore(name);
        ASSERT_TRUE(score_index.has_value()) << name;
        const double stored = DoubleAt(block.score(*score_index), row);
        ASSERT_EQ(std::memcmp(&stored, &value, sizeof(double)), 0) << trace << " " << name;
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, static_cast<size_t>(kEvents / 2));
  // ~5,000 tag keys and ~3,700 score names with a value or two each: far below a column each.
  EXPECT_LT((*segment)->MemoryBytes(), size_t{3} << 20);
}

}  // namespace
}  // namespace mltrack::store
