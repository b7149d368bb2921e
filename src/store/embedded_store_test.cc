#include "store/embedded_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "store/event_codec.h"
#include "store/wal_reader.h"

namespace mltrack::store {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

Event MakeEvent(std::string id, int64_t ts_ms) {
  Event event;
  // `id` is not a stored column; trace_id carries a copy so tests can read ids back.
  event.trace_id = id;
  event.id = std::move(id);
  event.ts_ms = ts_ms;
  event.provider = "openai";
  event.model = "gpt-4o-mini";
  event.input_tokens = 10;
  event.tags = {{"env", "test"}};
  return event;
}

EventBatch MakeBatch(const std::string& prefix, int count, int64_t ts = 1000) {
  EventBatch batch;
  for (int event_idx = 0; event_idx < count; ++event_idx) {
    batch.push_back(MakeEvent(prefix + "-" + std::to_string(event_idx), ts + event_idx));
  }
  return batch;
}

// How many rows carry each id ("" for events without one), read back through a snapshot
// (from trace_id, which MakeEvent sets to the id).
std::map<std::string, int> IdCounts(const EventStore& store) {
  std::map<std::string, int> counts;
  std::shared_ptr<const TableSnapshot> snapshot = store.Snapshot();
  const Dictionary* ids = snapshot->dictionary(FieldId::kTraceId);
  for (const ColumnBlock& block : snapshot->blocks()) {
    for (size_t row_idx = 0; row_idx < block.rows; ++row_idx) {
      counts[std::string(ids->Get(IdAt(block.column(FieldId::kTraceId), row_idx)))]++;
    }
  }
  return counts;
}

class EmbeddedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mltrack_store_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<EmbeddedStore> OpenStore(StoreOptions options = {}) {
    options.dir = dir_;
    if (!sealing_) {
      // The WAL tests below look at WAL files after Close: keep every row in the WAL.
      options.seal_rows = 0;
      options.seal_on_close = false;
    }
    if (options.wal_file_bytes == wal::kDefaultFileBytes) options.wal_file_bytes = wal_file_bytes_;
    Result<std::unique_ptr<EmbeddedStore>> store = EmbeddedStore::Open(std::move(options));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  std::vector<WalFile> WalFiles() {
    Result<std::vector<WalFile>> files = ListWalFiles(dir_ / "wal");
    EXPECT_TRUE(files.ok());
    return files.ok() ? *files : std::vector<WalFile>{};
  }

  std::filesystem::path dir_;
  uint64_t wal_file_bytes_ = wal::kDefaultFileBytes;
  bool sealing_ = false;
};

void ExpectAppend(EmbeddedStore& store, EventBatch batch, size_t accepted, size_t duplicates) {
  Result<AppendResult> result = store.Append(std::move(batch));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->accepted, accepted);
  EXPECT_EQ(result->duplicates, duplicates);
}

TEST_F(EmbeddedStoreTest, EmptyStore) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  StoreStats stats = store->Stats();
  EXPECT_EQ(stats.rows, 0u);
  EXPECT_EQ(stats.wal_files, 1u);
  EXPECT_TRUE(stats.problems.empty());
  EXPECT_EQ(store->Snapshot()->row_count(), 0u);
  ExpectAppend(*store, {}, 0, 0);
}

TEST_F(EmbeddedStoreTest, ReopenKeepsEveryEventExactlyOnce) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ExpectAppend(*store, MakeBatch("a", 3), 3, 0);
    EventBatch anonymous = {MakeEvent("", 5), MakeEvent("", 6)};
    ExpectAppend(*store, anonymous, 2, 0);
    ExpectAppend(*store, MakeBatch("b", 4), 4, 0);
    EXPECT_EQ(store->Stats().rows, 9u);
    EXPECT_EQ(store->Snapshot()->row_count(), 9u);
  }
  for (int reopen = 0; reopen < 2; ++reopen) {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->Stats().rows, 9u);
    std::map<std::string, int> counts = IdCounts(*store);
    EXPECT_EQ(counts.size(), 8u);
    EXPECT_EQ(counts[""], 2);
    for (const std::string id : {"a-0", "a-1", "a-2", "b-0", "b-1", "b-2", "b-3"}) {
      EXPECT_EQ(counts[id], 1) << id;
    }
    EXPECT_TRUE(store->Stats().problems.empty());
  }
}

TEST_F(EmbeddedStoreTest, DuplicateIdsWithinBatchAcrossBatchesAndReopen) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    EventBatch batch = {MakeEvent("x", 1), MakeEvent("y", 2), MakeEvent("x", 3), MakeEvent("", 4),
                        MakeEvent("", 5)};
    ExpectAppend(*store, batch, 4, 1);
    ExpectAppend(*store, {MakeEvent("y", 9), MakeEvent("z", 10)}, 1, 1);
    ExpectAppend(*store, {MakeEvent("x", 11), MakeEvent("z", 12)}, 0, 2);
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ExpectAppend(*store, {MakeEvent("x", 20), MakeEvent("w", 21), MakeEvent("", 22)}, 2, 1);
  std::map<std::string, int> counts = IdCounts(*store);
  EXPECT_EQ(counts["x"], 1);
  EXPECT_EQ(counts["y"], 1);
  EXPECT_EQ(counts["z"], 1);
  EXPECT_EQ(counts["w"], 1);
  EXPECT_EQ(counts[""], 3);
  // The first "x" (ts 1) is the one kept.
  std::shared_ptr<const TableSnapshot> snapshot = store->Snapshot();
  EXPECT_EQ(snapshot->blocks().front().Ts(0), 1);
}

// The WAL holds exactly the events that were kept: a batch that lost duplicates is logged
// without them (replay would drop them again, so only the log itself can show this).
TEST_F(EmbeddedStoreTest, DroppedDuplicatesNeverReachTheWal) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ExpectAppend(*store, {MakeEvent("x", 1), MakeEvent("y", 2)}, 2, 0);
    ExpectAppend(*store, {MakeEvent("y", 3), MakeEvent("z", 4), MakeEvent("z", 5), MakeEvent("", 6)}, 2, 2);
    ExpectAppend(*store, {MakeEvent("x", 7)}, 0, 1);
  }
  std::vector<std::vector<int64_t>> logged;
  for (const WalFile& file : WalFiles()) {
    Result<std::unique_ptr<WalReader>> reader = WalReader::Open(file.path, /*newest=*/true);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    WalRecord record;
    while (true) {
      Result<bool> more = (*reader)->Next(&record);
      ASSERT_TRUE(more.ok()) << more.status().ToString();
      if (!*more) break;
      Result<EventBatch> batch = DecodeEventBatch(record.payload);
      ASSERT_TRUE(batch.ok()) << batch.status().ToString();
      logged.emplace_back();
      for (const Event& event : *batch) logged.back().push_back(event.ts_ms);
    }
  }
  EXPECT_EQ(logged, (std::vector<std::vector<int64_t>>{{1, 2}, {4, 6}}));
}

TEST_F(EmbeddedStoreTest, ConcurrentAppendsAreAllAcknowledgedAndDurable) {
  constexpr int kThreads = 4;
  constexpr int kBatchesPerThread = 150;
  constexpr int kEventsPerBatch = 5;
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    std::atomic<size_t> accepted{0};
    std::atomic<size_t> duplicates{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
      threads.emplace_back([&, thread_idx] {
        for (int batch_idx = 0; batch_idx < kBatchesPerThread; ++batch_idx) {
          std::string prefix = "t" + std::to_string(thread_idx) + "-b" + std::to_string(batch_idx);
          EventBatch batch = MakeBatch(prefix, kEventsPerBatch);
          // Every thread also retries one shared id per round: stored once overall.
          batch.push_back(MakeEvent("shared-" + std::to_string(batch_idx), 7));
          Result<AppendResult> result = store->Append(std::move(batch));
          if (!result.ok()) {
            failures++;
            continue;
          }
          accepted += result->accepted;
          duplicates += result->duplicates;
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(accepted.load(),
              size_t{kThreads * kBatchesPerThread * kEventsPerBatch + kBatchesPerThread});
    EXPECT_EQ(duplicates.load(), size_t{(kThreads - 1) * kBatchesPerThread});
    EXPECT_EQ(store->Stats().rows, accepted.load());
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  std::map<std::string, int> counts = IdCounts(*store);
  EXPECT_EQ(counts.size(),
            size_t{kThreads * kBatchesPerThread * kEventsPerBatch + kBatchesPerThread});
  for (const auto& [id, count] : counts) EXPECT_EQ(count, 1) << id;
}

TEST_F(EmbeddedStoreTest, CloseThenAppendIsUnavailable) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ExpectAppend(*store, MakeBatch("a", 1), 1, 0);
  store->Close();
  store->Close();
  Result<AppendResult> result = store->Append(MakeBatch("b", 1));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(store->Stats().rows, 1u);
}

TEST_F(EmbeddedStoreTest, SecondOpenOfSameDirectoryIsRefused) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  StoreOptions options;
  options.dir = dir_;
  Result<std::unique_ptr<EmbeddedStore>> second = EmbeddedStore::Open(options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
}

TEST_F(EmbeddedStoreTest, NoSpaceFailsTheBatchAndChangesNothing) {
  std::atomic<bool> disk_full{false};
  StoreOptions options;
  options.wal_fault_hook = [&](size_t) { return disk_full.load() ? ENOSPC : 0; };
  {
    auto store = OpenStore(options);
    ASSERT_NE(store, nullptr);
    ExpectAppend(*store, MakeBatch("kept", 2), 2, 0);
    const StoreStats before = store->Stats();

    disk_full = true;
    Result<AppendResult> result = store->Append(MakeBatch("lost", 3));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kNoSpace);
    EXPECT_EQ(store->Stats().rows, before.rows);
    EXPECT_EQ(store->Stats().disk_bytes, before.disk_bytes);
    EXPECT_TRUE(store->Stats().problems.empty());

    // When space returns the same ids are new, not duplicates: the failed batch left no trace.
    disk_full = false;
    ExpectAppend(*store, MakeBatch("lost", 3), 3, 0);
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Stats().rows, 5u);
  EXPECT_EQ(IdCounts(*store)["lost-0"], 1);
}

TEST_F(EmbeddedStoreTest, TornTailIsCutAwayWithoutProblems) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ExpectAppend(*store, MakeBatch("a", 2), 2, 0);
    ExpectAppend(*store, MakeBatch("b", 2), 2, 0);
  }
  std::vector<WalFile> files = WalFiles();
  ASSERT_EQ(files.size(), 1u);
  std::string bytes = ReadFile(files[0].path);
  WriteFile(files[0].path, bytes.substr(0, bytes.size() - 7));
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    StoreStats stats = store->Stats();
    EXPECT_EQ(stats.rows, 2u);
    EXPECT_TRUE(stats.problems.empty());
    EXPECT_EQ(IdCounts(*store)["a-1"], 1);
    EXPECT_EQ(IdCounts(*store)["b-0"], 0);
    // The partial record is gone from disk, not just skipped.
    const uint64_t truncated_size = std::filesystem::file_size(files[0].path);
    EXPECT_LT(truncated_size, bytes.size() - 7);
    EXPECT_EQ(stats.disk_bytes, truncated_size);
    ExpectAppend(*store, MakeBatch("b", 2), 2, 0);  // the torn batch was never acknowledged
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Stats().rows, 4u);
  EXPECT_TRUE(store->Stats().problems.empty());
  EXPECT_EQ(WalFiles().size(), 1u);
}

// Corruption in the middle of an older file: records before it survive, the file is left as it
// was, later files are still replayed, new writes go to a fresh file, and the problem is
// reported on every open until someone deals with it.
TEST_F(EmbeddedStoreTest, MidLogCorruptionKeepsEverythingElse) {
  wal_file_bytes_ = 400;
  std::vector<uint64_t> record_offsets;
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    for (int batch_idx = 0; batch_idx < 12; ++batch_idx) {
      ExpectAppend(*store, MakeBatch("b" + std::to_string(batch_idx), 2), 2, 0);
    }
  }
  std::vector<WalFile> files = WalFiles();
  ASSERT_GE(files.size(), 3u);
  // Find the second record of the first file and damage its payload.
  auto reader = WalReader::Open(files[0].path, false);
  ASSERT_TRUE(reader.ok());
  WalRecord record;
  std::vector<std::string> first_file_ids;
  while (*(*reader)->Next(&record)) {
    record_offsets.push_back(record.offset);
    Result<EventBatch> batch = DecodeEventBatch(record.payload);
    ASSERT_TRUE(batch.ok());
    for (const Event& event : *batch) first_file_ids.push_back(event.id);
  }
  reader->reset();
  ASSERT_GE(record_offsets.size(), 3u);
  std::string damaged = ReadFile(files[0].path);
  damaged[record_offsets[1] + wal::kHeaderSize + 3] ^= 0x01;
  WriteFile(files[0].path, damaged);

  // Everything from the damaged record to the end of its file is lost (the reader does not
  // guess where the next record might start); every other batch survives.
  size_t total_rows = 12 * 2 - (record_offsets.size() - 1) * 2;
  for (int open_idx = 0; open_idx < 2; ++open_idx) {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    StoreStats stats = store->Stats();
    ASSERT_EQ(stats.problems.size(), 1u);
    EXPECT_EQ(stats.problems[0].file, files[0].path.string());
    EXPECT_EQ(stats.problems[0].offset, record_offsets[1]);
    EXPECT_NE(stats.problems[0].what.find("checksum"), std::string::npos) << stats.problems[0].what;
    std::map<std::string, int> counts = IdCounts(*store);
    EXPECT_EQ(counts[first_file_ids[0]], 1);      // before the damage
    EXPECT_EQ(counts[first_file_ids[2]], 0);      // in the damaged record
    EXPECT_EQ(counts[first_file_ids.back()], 0);  // after it in the same file
    EXPECT_EQ(counts["b11-1"], 1);                // in the last file
    EXPECT_EQ(stats.rows, total_rows);
    EXPECT_EQ(ReadFile(files[0].path), damaged);
    ExpectAppend(*store, MakeBatch("new" + std::to_string(open_idx), 1), 1, 0);
    total_rows += 1;
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Stats().rows, total_rows);
  EXPECT_EQ(IdCounts(*store)["new0-0"], 1);
}

// Damage in the newest file: it stays untouched and appends go to the next file.
TEST_F(EmbeddedStoreTest, CorruptNewestFileStartsFreshFile) {
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ExpectAppend(*store, MakeBatch("a", 2), 2, 0);
    ExpectAppend(*store, MakeBatch("b", 2), 2, 0);
    ExpectAppend(*store, MakeBatch("c", 2), 2, 0);
  }
  std::vector<WalFile> files = WalFiles();
  ASSERT_EQ(files.size(), 1u);
  std::string damaged = ReadFile(files[0].path);
  damaged[damaged.size() / 2] ^= 0x10;
  WriteFile(files[0].path, damaged);
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    StoreStats stats = store->Stats();
    ASSERT_EQ(stats.problems.size(), 1u);
    EXPECT_LT(stats.rows, 6u);
    ExpectAppend(*store, MakeBatch("d", 2), 2, 0);
    EXPECT_EQ(store->Stats().wal_files, 2u);
  }
  EXPECT_EQ(ReadFile(files[0].path), damaged);
  std::vector<WalFile> after = WalFiles();
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[1].seq, files[0].seq + 1);
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(IdCounts(*store)["d-1"], 1);
  EXPECT_EQ(store->Stats().problems.size(), 1u);
}

// A record whose frame is intact but whose payload does not decode is skipped alone.
TEST_F(EmbeddedStoreTest, UndecodableRecordIsSkippedAndReported) {
  std::filesystem::create_directories(dir_ / "wal");
  {
    auto writer = WalWriter::Open(dir_ / "wal", 1);
    ASSERT_TRUE(writer.ok());
    std::string good;
    EncodeEventBatch(MakeBatch("g", 1), &good);
    std::string later;
    EncodeEventBatch(MakeBatch("h", 1), &later);
    ASSERT_TRUE((*writer)->Append(good).ok());
    ASSERT_TRUE((*writer)->Append("\x07 not a batch").ok());
    ASSERT_TRUE((*writer)->Append(later).ok());
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  StoreStats stats = store->Stats();
  ASSERT_EQ(stats.problems.size(), 1u);
  EXPECT_NE(stats.problems[0].what.find("version"), std::string::npos) << stats.problems[0].what;
  EXPECT_EQ(stats.rows, 2u);
}

TEST_F(EmbeddedStoreTest, StatsCountWalFilesAndBytes) {
  wal_file_bytes_ = 300;
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  for (int batch_idx = 0; batch_idx < 10; ++batch_idx) {
    ExpectAppend(*store, MakeBatch("s" + std::to_string(batch_idx), 2), 2, 0);
  }
  StoreStats stats = store->Stats();
  std::vector<WalFile> files = WalFiles();
  uint64_t bytes = 0;
  for (const WalFile& file : files) bytes += file.bytes;
  EXPECT_GT(files.size(), 2u);
  EXPECT_EQ(stats.wal_files, files.size());
  EXPECT_EQ(stats.disk_bytes, bytes);
  EXPECT_EQ(stats.rows, 20u);
  EXPECT_GT(stats.memory_bytes, 0u);
}

// The cap on distinct tag keys and score names: a batch that would pass it is refused whole
// (its ids too: a retry within the cap is accepted), batches within it are kept, and a store
// that holds more keys than a lower cap (an older store, or a lowered flag) still replays all.
TEST_F(EmbeddedStoreTest, TagKeyAndScoreNameLimit) {
  StoreOptions options;
  options.max_tag_keys = 5;
  auto store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  EventBatch within = MakeBatch("w", 4);  // env + k0..k3 = 5 keys
  for (int event_idx = 0; event_idx < 4; ++event_idx) {
    within[event_idx].tags.emplace_back("k" + std::to_string(event_idx), "v");
    within[event_idx].scores.emplace_back("s" + std::to_string(event_idx), 0.5);
  }
  ExpectAppend(*store, within, 4, 0);
  EventBatch over = MakeBatch("o", 3);
  over[2].tags.emplace_back("k9", "v");
  Result<AppendResult> refused = store->Append(over);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(refused.status().details().size(), 1u);
  EXPECT_EQ(refused.status().details()[0].field, "tags.k9");
  EXPECT_EQ(refused.status().details()[0].index, 2);
  EXPECT_NE(refused.status().message().find("limit of 5"), std::string::npos) << refused.status().message();
  EXPECT_EQ(store->Stats().rows, 4u);
  // Known keys and empty values are fine; the refused batch's ids were not taken.
  over[2].tags.back().second = "";
  ExpectAppend(*store, over, 3, 0);
  EventBatch scores = MakeBatch("s", 2);
  for (int name_idx = 0; name_idx < 2; ++name_idx) scores[1].scores.emplace_back("n" + std::to_string(name_idx), 1.0);
  refused = store->Append(scores);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().details()[0].field, "scores.n1");
  store->Close();
  store.reset();

  options.max_tag_keys = 1;
  store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Stats().rows, 7u);
  EXPECT_EQ(store->Snapshot()->tag_key_count(), 5u);
  EXPECT_TRUE(store->Stats().problems.empty());
}

// Batches of one group commit are limited together, in queue order.
TEST_F(EmbeddedStoreTest, TagKeyLimitHoldsAcrossConcurrentBatches) {
  StoreOptions options;
  options.max_tag_keys = 50;
  auto store = OpenStore(options);
  ASSERT_NE(store, nullptr);
  std::vector<std::thread> threads;
  std::atomic<int> accepted{0};
  for (int thread_idx = 0; thread_idx < 8; ++thread_idx) {
    threads.emplace_back([&, thread_idx] {
      for (int batch_idx = 0; batch_idx < 10; ++batch_idx) {
        EventBatch batch = MakeBatch("t" + std::to_string(thread_idx) + "-" + std::to_string(batch_idx), 1);
        batch[0].tags.emplace_back("key-" + std::to_string(thread_idx * 10 + batch_idx), "v");
        if (store->Append(std::move(batch)).ok()) ++accepted;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(accepted.load(), 49);  // env + 49 keys
  EXPECT_EQ(store->Snapshot()->tag_key_count(), 50u);
}

}  // namespace
}  // namespace mltrack::store
