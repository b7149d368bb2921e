#include "store/memtable.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

namespace mltrack::store {
namespace {

Event MakeEvent(int64_t ts, std::string model) {
  Event event;
  event.ts_ms = ts;
  event.model = std::move(model);
  return event;
}

TEST(MemtableTest, EmptySnapshot) {
  Memtable memtable;
  auto snapshot = memtable.Snapshot();
  EXPECT_EQ(snapshot->row_count(), 0u);
  EXPECT_TRUE(snapshot->blocks().empty());
  EXPECT_EQ(memtable.row_count(), 0u);
  ASSERT_NE(snapshot->dictionary(FieldId::kModel), nullptr);
  EXPECT_EQ(snapshot->dictionary(FieldId::kLatencyMs), nullptr);
}

TEST(MemtableTest, StoresEveryFieldInItsRepresentation) {
  Memtable memtable;
  Event event = MakeEvent(1000, "gpt-4o");
  event.id = "e1";
  event.experiment = "exp";
  event.user = "ann";
  event.operation = Operation::kEmbedding;
  event.status = EventStatus::kError;
  event.http_status = 429;
  event.input_tokens = 10;
  event.cost_nano_usd = 1234;
  event.latency_ms = 2.5;
  event.cache_hit = false;
  event.streaming = true;
  event.tags = {{"env", "prod"}};
  event.scores = {{"accuracy", 0.75}};
  Event bare = MakeEvent(500, "");
  std::vector<Event> events = {event, bare};
  memtable.Append(events);

  auto snapshot = memtable.Snapshot();
  ASSERT_EQ(snapshot->blocks().size(), 1u);
  const ColumnBlock& block = snapshot->blocks()[0];
  EXPECT_EQ(block.rows, 2u);
  EXPECT_EQ(block.min_ts, 500);
  EXPECT_EQ(block.max_ts, 1000);
  EXPECT_EQ(block.ts[0], 1000);
  EXPECT_EQ(snapshot->dictionary(FieldId::kModel)->Get(IdAt(block.column(FieldId::kModel), 0)), "gpt-4o");
  EXPECT_EQ(IdAt(block.column(FieldId::kModel), 1), kAbsentId);
  EXPECT_FALSE(block.column(FieldId::kId).present());  // ids are not stored as a column
  EXPECT_FALSE(block.column(FieldId::kTeam).present());  // never seen: no column
  EXPECT_EQ(ByteAt(block.column(FieldId::kOperation), 0), static_cast<uint8_t>(Operation::kEmbedding));
  EXPECT_EQ(ByteAt(block.column(FieldId::kOperation), 1), static_cast<uint8_t>(Operation::kChat));
  EXPECT_EQ(ByteAt(block.column(FieldId::kStatus), 0), static_cast<uint8_t>(EventStatus::kError));
  EXPECT_EQ(IntAt(block.column(FieldId::kHttpStatus), 0), 429);
  EXPECT_EQ(IntAt(block.column(FieldId::kHttpStatus), 1), kNullInt);
  EXPECT_EQ(IntAt(block.column(FieldId::kInputTokens), 0), 10);
  EXPECT_EQ(IntAt(block.column(FieldId::kInputTokens), 1), kNullInt);
  EXPECT_FALSE(block.column(FieldId::kOutputTokens).present());
  EXPECT_EQ(IntAt(block.column(FieldId::kCostUsd), 0), 1234);
  EXPECT_EQ(DoubleAt(block.column(FieldId::kLatencyMs), 0), 2.5);
  EXPECT_TRUE(std::isnan(DoubleAt(block.column(FieldId::kLatencyMs), 1)));
  EXPECT_EQ(ByteAt(block.column(FieldId::kCacheHit), 0), kBoolFalse);
  EXPECT_EQ(ByteAt(block.column(FieldId::kCacheHit), 1), kBoolAbsent);
  EXPECT_EQ(ByteAt(block.column(FieldId::kStreaming), 0), kBoolTrue);

  std::optional<size_t> env = snapshot->FindTagKey("env");
  ASSERT_TRUE(env.has_value());
  EXPECT_EQ(snapshot->tag_key(*env), "env");
  EXPECT_EQ(snapshot->tag_dictionary(*env).Get(IdAt(block.tag(*env), 0)), "prod");
  EXPECT_EQ(IdAt(block.tag(*env), 1), kAbsentId);
  EXPECT_FALSE(snapshot->FindTagKey("region").has_value());
  std::optional<size_t> accuracy = snapshot->FindScore("accuracy");
  ASSERT_TRUE(accuracy.has_value());
  EXPECT_EQ(DoubleAt(block.score(*accuracy), 0), 0.75);
  EXPECT_TRUE(std::isnan(DoubleAt(block.score(*accuracy), 1)));
}

TEST(MemtableTest, BlocksGrowGeometricallyAndTrackTimeRange) {
  Memtable memtable(MemtableOptions{.block_rows = 8, .first_block_rows = 2});
  std::vector<Event> events;
  for (int row = 0; row < 30; ++row) events.push_back(MakeEvent(row * 10, row % 2 ? "a" : "b"));
  memtable.Append(events);
  auto snapshot = memtable.Snapshot();
  std::vector<size_t> sizes;
  for (const ColumnBlock& block : snapshot->blocks()) sizes.push_back(block.rows);
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 4, 8, 8, 8}));
  EXPECT_EQ(snapshot->row_count(), 30u);
  EXPECT_EQ(snapshot->blocks()[1].min_ts, 20);
  EXPECT_EQ(snapshot->blocks()[1].max_ts, 50);
}

TEST(MemtableTest, ColumnFirstSeenMidBlockReadsAbsentForEarlierRows) {
  Memtable memtable;
  std::vector<Event> first = {MakeEvent(1, "m")};
  memtable.Append(first);
  auto before = memtable.Snapshot();
  Event with_tag = MakeEvent(2, "m");
  with_tag.tags = {{"env", "dev"}};
  with_tag.latency_ms = 7;
  std::vector<Event> second = {with_tag};
  memtable.Append(second);
  auto after = memtable.Snapshot();

  EXPECT_EQ(before->row_count(), 1u);
  EXPECT_FALSE(before->blocks()[0].column(FieldId::kLatencyMs).present());
  EXPECT_FALSE(before->FindTagKey("env").has_value());
  const ColumnBlock& block = after->blocks()[0];
  EXPECT_TRUE(std::isnan(DoubleAt(block.column(FieldId::kLatencyMs), 0)));
  EXPECT_EQ(DoubleAt(block.column(FieldId::kLatencyMs), 1), 7);
  EXPECT_EQ(IdAt(block.tag(*after->FindTagKey("env")), 0), kAbsentId);
}

// A local string field (trace_id, input_hash) reads absent until the snapshot's dictionary() of it
// is asked for; then each block's column is translated into the dictionary's ids when that block
// is first read, and only then (a query pays for the blocks of its range), from any thread.
TEST(MemtableTest, LocalColumnsAreTranslatedPerBlockOnFirstRead) {
  Memtable memtable(MemtableOptions{.block_rows = 8, .first_block_rows = 8});
  std::vector<Event> events;
  for (int row = 0; row < 32; ++row) {
    Event event = MakeEvent(row, "m");
    if (row % 2 == 0) event.trace_id = "t" + std::to_string(row);
    event.input_hash = "h" + std::to_string(row % 5);
    events.push_back(std::move(event));
  }
  memtable.Append(events);
  auto snapshot = memtable.Snapshot();
  const std::vector<ColumnBlock>& blocks = snapshot->blocks();
  ASSERT_EQ(blocks.size(), 4u);
  const size_t trace = static_cast<size_t>(FieldId::kTraceId);
  EXPECT_FALSE(blocks[2].column(FieldId::kTraceId).present());  // not asked for yet

  const Dictionary* traces = snapshot->dictionary(FieldId::kTraceId);
  ASSERT_NE(traces, nullptr);
  for (const ColumnBlock& block : blocks) EXPECT_FALSE(block.columns[trace].present());
  const ColumnData& third = blocks[2].column(FieldId::kTraceId);
  ASSERT_TRUE(third.present());
  EXPECT_FALSE(blocks[1].columns[trace].present());  // only the block read was translated
  EXPECT_FALSE(blocks[3].columns[trace].present());
  for (size_t row = 0; row < blocks[2].rows; ++row) {
    const int event_row = 16 + static_cast<int>(row);
    const uint32_t id = IdAt(third, row);
    if (event_row % 2 == 0) {
      ASSERT_NE(id, kAbsentId);
      EXPECT_EQ(traces->Get(id), "t" + std::to_string(event_row));
    } else {
      EXPECT_EQ(id, kAbsentId);
    }
  }
  EXPECT_FALSE(blocks[0].column(FieldId::kInputHash).present());  // another field: not asked for

  // Every block from several threads at once: the same ids.
  const Dictionary* hashes = snapshot->dictionary(FieldId::kInputHash);
  std::vector<std::thread> readers;
  std::atomic<int> wrong{0};
  for (int thread = 0; thread < 4; ++thread) {
    readers.emplace_back([&] {
      int row = 0;
      for (const ColumnBlock& block : blocks) {
        for (size_t idx = 0; idx < block.rows; ++idx, ++row) {
          wrong += hashes->Get(IdAt(block.column(FieldId::kInputHash), idx)) != "h" + std::to_string(row % 5);
          const uint32_t id = IdAt(block.column(FieldId::kTraceId), idx);
          wrong += row % 2 == 0 ? traces->Get(id) != "t" + std::to_string(row) : id != kAbsentId;
        }
      }
    });
  }
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(wrong.load(), 0);
}

// One batch whose events carry different tag keys in different orders, tags with an empty value
// and NaN scores (neither stored, nor their keys added), spanning several blocks: every row
// reads back its own strings, tags and scores.
TEST(MemtableTest, BatchResolvesTagsAndScoresPerRowAcrossBlocks) {
  Memtable memtable(MemtableOptions{.block_rows = 4, .first_block_rows = 2});
  std::vector<Event> events;
  for (int row = 0; row < 11; ++row) {
    Event event = MakeEvent(row, "m" + std::to_string(row % 3));
    event.user = row % 2 ? "ann" : "";
    if (row % 2) event.tags.emplace_back("env", "e" + std::to_string(row % 4));
    event.tags.emplace_back("region", "r" + std::to_string(row % 5));
    if (row % 3 == 0) event.tags.emplace_back("env", "");  // never stored (duplicate key aside)
    event.tags.emplace_back("blank", "");
    event.scores.emplace_back("quality", row / 10.0);
    event.scores.emplace_back("nan", std::nan(""));
    events.push_back(std::move(event));
  }
  memtable.Append(events);

  auto snapshot = memtable.Snapshot();
  EXPECT_FALSE(snapshot->FindTagKey("blank").has_value());
  EXPECT_FALSE(snapshot->FindScore("nan").has_value());
  const size_t env = *snapshot->FindTagKey("env");
  const size_t region = *snapshot->FindTagKey("region");
  const size_t quality = *snapshot->FindScore("quality");
  size_t row = 0;
  for (const ColumnBlock& block : snapshot->blocks()) {
    for (size_t block_row = 0; block_row < block.rows; ++block_row, ++row) {
      SCOPED_TRACE(row);
      EXPECT_EQ(snapshot->dictionary(FieldId::kModel)->Get(IdAt(block.column(FieldId::kModel), block_row)),
                "m" + std::to_string(row % 3));
      const uint32_t user = block.column(FieldId::kUser).present() ? IdAt(block.column(FieldId::kUser), block_row) : kAbsentId;
      EXPECT_EQ(snapshot->dictionary(FieldId::kUser)->Get(user), row % 2 ? "ann" : "");
      const uint32_t env_id = block.tag(env).present() ? IdAt(block.tag(env), block_row) : kAbsentId;
      EXPECT_EQ(snapshot->tag_dictionary(env).Get(env_id), row % 2 ? "e" + std::to_string(row % 4) : "");
      EXPECT_EQ(snapshot->tag_dictionary(region).Get(IdAt(block.tag(region), block_row)), "r" + std::to_string(row % 5));
      EXPECT_EQ(DoubleAt(block.score(quality), block_row), static_cast<double>(row) / 10.0);
    }
  }
  EXPECT_EQ(row, 11u);
  // Values get ids in order of first appearance within their key, as one GetOrAdd per row would.
  EXPECT_EQ(snapshot->tag_dictionary(region).Get(1), "r0");
  EXPECT_EQ(snapshot->tag_dictionary(region).Get(5), "r4");
  EXPECT_EQ(snapshot->tag_dictionary(env).Get(1), "e1");
  EXPECT_EQ(snapshot->tag_dictionary(env).Get(2), "e3");

  // A later batch with a few tags of keys whose ids are large next to its tag count (the
  // merge-sort grouping).
  Event many_keys = MakeEvent(20, "m");
  for (int key_idx = 0; key_idx < 100; ++key_idx) many_keys.tags.emplace_back("k" + std::to_string(key_idx), "v");
  std::vector<Event> first = {many_keys};
  memtable.Append(first);
  Event late = MakeEvent(21, "m");
  late.tags = {{"k99", "x"}, {"k50", "y"}};
  Event later = MakeEvent(22, "m");
  later.tags = {{"k50", "z"}};
  std::vector<Event> second = {late, later};
  memtable.Append(second);
  auto after = memtable.Snapshot();
  const ColumnBlock& last = after->blocks().back();
  ASSERT_EQ(last.max_ts, 22);
  const size_t k50 = *after->FindTagKey("k50");
  const size_t k99 = *after->FindTagKey("k99");
  EXPECT_EQ(after->tag_dictionary(k99).Get(IdAt(last.tag(k99), last.rows - 2)), "x");
  EXPECT_EQ(after->tag_dictionary(k50).Get(IdAt(last.tag(k50), last.rows - 2)), "y");
  EXPECT_EQ(after->tag_dictionary(k50).Get(IdAt(last.tag(k50), last.rows - 1)), "z");
  EXPECT_EQ(IdAt(last.tag(k99), last.rows - 1), kAbsentId);
}

// A batch larger than the chunk the memtable resolves strings in: rows on either side of every
// chunk boundary keep their own values.
TEST(MemtableTest, LargeBatchKeepsEveryRowsStrings) {
  Memtable memtable;
  std::vector<Event> events;
  for (int row = 0; row < 1000; ++row) {
    Event event = MakeEvent(row, "m" + std::to_string(row % 7));
    event.trace_id = "t" + std::to_string(row);
    event.tags = {{"env", "e" + std::to_string(row % 5)}};
    events.push_back(std::move(event));
  }
  memtable.Append(events);
  auto snapshot = memtable.Snapshot();
  const size_t env = *snapshot->FindTagKey("env");
  size_t row = 0;
  for (const ColumnBlock& block : snapshot->blocks()) {
    for (size_t block_row = 0; block_row < block.rows; ++block_row, ++row) {
      ASSERT_EQ(block.Ts(block_row), static_cast<int64_t>(row));
      ASSERT_EQ(snapshot->dictionary(FieldId::kModel)->Get(IdAt(block.column(FieldId::kModel), block_row)),
                "m" + std::to_string(row % 7));
      ASSERT_EQ(snapshot->dictionary(FieldId::kTraceId)->Get(IdAt(block.column(FieldId::kTraceId), block_row)),
                "t" + std::to_string(row));
      ASSERT_EQ(snapshot->tag_dictionary(env).Get(IdAt(block.tag(env), block_row)), "e" + std::to_string(row % 5));
    }
  }
  EXPECT_EQ(row, 1000u);
}

TEST(MemtableTest, SnapshotOutlivesMemtable) {
  std::shared_ptr<const TableSnapshot> snapshot;
  {
    Memtable memtable;
    std::vector<Event> events = {MakeEvent(5, "kept")};
    memtable.Append(events);
    snapshot = memtable.Snapshot();
  }
  const ColumnBlock& block = snapshot->blocks()[0];
  EXPECT_EQ(snapshot->dictionary(FieldId::kModel)->Get(IdAt(block.column(FieldId::kModel), 0)), "kept");
}

TEST(MemtableTest, SnapshotsAreConsistentWhileAppending) {
  Memtable memtable(MemtableOptions{.block_rows = 1024, .first_block_rows = 64});
  constexpr int kBatches = 100;
  constexpr int kBatchSize = 600;  // more than the chunk the memtable resolves strings in
  std::atomic<bool> done = false;
  std::thread writer([&] {
    for (int batch = 0; batch < kBatches; ++batch) {
      std::vector<Event> events;
      for (int row = 0; row < kBatchSize; ++row) {
        Event event = MakeEvent(batch * kBatchSize + row, "m" + std::to_string(row % 7));
        event.input_tokens = batch * kBatchSize + row;
        events.push_back(std::move(event));
      }
      memtable.Append(events);
    }
    done = true;
  });
  size_t last_rows = 0;
  while (!done) {
    auto snapshot = memtable.Snapshot();
    ASSERT_EQ(snapshot->row_count() % kBatchSize, 0u);  // whole batches only
    ASSERT_GE(snapshot->row_count(), last_rows);
    last_rows = snapshot->row_count();
    int64_t expected = 0;
    for (const ColumnBlock& block : snapshot->blocks()) {
      for (size_t row = 0; row < block.rows; ++row, ++expected) {
        ASSERT_EQ(block.ts[row], expected);
        ASSERT_EQ(IntAt(block.column(FieldId::kInputTokens), row), expected);
        ASSERT_NE(IdAt(block.column(FieldId::kModel), row), kAbsentId);
      }
    }
  }
  writer.join();
  EXPECT_EQ(memtable.row_count(), static_cast<size_t>(kBatches * kBatchSize));
  EXPECT_GT(memtable.MemoryBytes(), 0u);
}

TEST(MemtableTest, MemoryCountsOnlyAllocatedColumns) {
  Memtable sparse(MemtableOptions{.block_rows = 1024, .first_block_rows = 1024});
  Memtable dense(MemtableOptions{.block_rows = 1024, .first_block_rows = 1024});
  Event bare = MakeEvent(1, "");
  Event full = MakeEvent(1, "m");
  full.input_tokens = 1;
  full.output_tokens = 2;
  full.latency_ms = 3;
  std::vector<Event> bare_events = {bare};
  std::vector<Event> full_events = {full};
  sparse.Append(bare_events);
  dense.Append(full_events);
  // ts (8 bytes/row) + experiment (defaults to "default": 4 bytes/row).
  EXPECT_LT(sparse.MemoryBytes(), 1024 * (8 + 4) + 1000);
  EXPECT_GT(dense.MemoryBytes(), sparse.MemoryBytes() + 1024 * (4 + 8 + 8 + 8) - 1);
}

}  // namespace
}  // namespace mltrack::store
