// The embedded store with sealing on: segments, WAL trimming, restart, quarantine, retention,
// compaction and disk-full behaviour (embedded_store_test.cc covers the WAL-only paths).
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "store/dictionary_log.h"
#include "store/embedded_store.h"
#include "store/segment_format.h"
#include "store/segment_strings.h"
#include "store/wal_reader.h"

namespace mltrack::store {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kNow = 1'750'000'000'000;

Event MakeEvent(const std::string& id, int64_t ts_ms, int variant) {
  Event event;
  event.id = id;
  event.trace_id = id;  // ids are not a column; tests read them back from trace_id
  event.ts_ms = ts_ms;
  event.provider = variant % 2 ? "openai" : "anthropic";
  event.model = "model-" + std::to_string(variant % 5);
  event.user = "user-" + std::to_string(variant % 37);
  event.input_tokens = 10 + variant;
  event.cost_nano_usd = 1000 * variant;
  event.latency_ms = 100.5 + variant;
  event.tags = {{"env", variant % 3 ? "prod" : "dev"}};
  if (variant % 4 == 0) event.scores = {{"quality", 0.25 * (variant % 5)}};
  return event;
}

EventBatch MakeBatch(const std::string& prefix, int count, int64_t ts) {
  EventBatch batch;
  for (int idx = 0; idx < count; ++idx) batch.push_back(MakeEvent(prefix + "-" + std::to_string(idx), ts + idx, idx));
  return batch;
}

std::map<std::string, int> IdCounts(const EventStore& store) {
  std::map<std::string, int> counts;
  auto snapshot = store.Snapshot();
  const Dictionary* ids = snapshot->dictionary(FieldId::kTraceId);
  for (const ColumnBlock& block : snapshot->blocks()) {
    for (size_t row = 0; row < block.rows; ++row) counts[std::string(ids->Get(IdAt(block.column(FieldId::kTraceId), row)))]++;
  }
  return counts;
}

// Sum of cost over the snapshot: a cheap whole-table checksum of one column.
int64_t TotalCost(const EventStore& store) {
  int64_t total = 0;
  auto snapshot = store.Snapshot();
  for (const ColumnBlock& block : snapshot->blocks()) {
    for (size_t row = 0; row < block.rows; ++row) {
      int64_t cost = IntAt(block.column(FieldId::kCostUsd), row);
      if (cost != kNullInt) total += cost;
    }
  }
  return total;
}

class StoreSegmentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mltrack_segstore_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  StoreOptions Options() {
    StoreOptions options;
    options.dir = dir_;
    options.seal_rows = 100;
    options.compact_target_rows = 0;  // no compaction unless a test asks
    options.seal_retry_ms = 10;
    options.now_ms = [this] { return now_.load(); };
    return options;
  }

  std::unique_ptr<EmbeddedStore> Open(StoreOptions options) {
    Result<std::unique_ptr<EmbeddedStore>> store = EmbeddedStore::Open(std::move(options));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  void Append(EmbeddedStore& store, EventBatch batch, size_t accepted, size_t duplicates = 0) {
    Result<AppendResult> result = store.Append(std::move(batch));
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->accepted, accepted);
    EXPECT_EQ(result->duplicates, duplicates);
  }

  std::vector<std::filesystem::path> SegmentFiles() {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir_ / "segments")) {
      if (segment::ParseFileName(entry.path().filename().string())) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  uint64_t WalBytes() {
    uint64_t bytes = 0;
    Result<std::vector<WalFile>> files = ListWalFiles(dir_ / "wal");
    for (const WalFile& file : *files) bytes += file.bytes;
    return bytes;
  }

  std::filesystem::path dir_;
  std::atomic<int64_t> now_{kNow};
};

TEST_F(StoreSegmentsTest, SealsTrimsTheWalAndRestartsFromSegments) {
  {
    auto store = Open(Options());
    ASSERT_NE(store, nullptr);
    // Waiting after each batch makes every second batch seal (a seal that is still running
    // when the next batches land lets the memtable grow past seal_rows instead).
    for (int batch = 0; batch < 10; ++batch) {
      Append(*store, MakeBatch("b" + std::to_string(batch), 50, kNow + batch * 100), 50);
      ASSERT_TRUE(store->WaitForMaintenance(10'000));
    }
    EXPECT_GE(store->segment_count(), 2u);
    EXPECT_EQ(store->Stats().rows, 500u);
    EXPECT_EQ(TotalCost(*store), 10 * 1000 * (49 * 50 / 2));
    // Resending is idempotent whether the ids sit in a segment, the frozen or the active memtable.
    Append(*store, MakeBatch("b0", 50, kNow), 0, 50);
    Append(*store, MakeBatch("b9", 50, kNow), 0, 50);
    EXPECT_TRUE(store->Stats().problems.empty());
  }
  // Clean close sealed the rest: nothing left to replay.
  EXPECT_EQ(WalBytes(), 0u);
  auto store = Open(Options());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Stats().rows, 500u);
  EXPECT_EQ(TotalCost(*store), 10 * 1000 * (49 * 50 / 2));
  std::map<std::string, int> counts = IdCounts(*store);
  EXPECT_EQ(counts.size(), 500u);
  for (const auto& [id, count] : counts) EXPECT_EQ(count, 1) << id;
  Append(*store, MakeBatch("b3", 50, kNow), 0, 50);
  Append(*store, MakeBatch("new", 3, kNow), 3, 0);
  // Tags and scores resolve through the persisted dictionaries.
  auto snapshot = store->Snapshot();
  ASSERT_TRUE(snapshot->FindTagKey("env").has_value());
  ASSERT_TRUE(snapshot->FindScore("quality").has_value());
  const ColumnBlock& block = snapshot->blocks()[0];
  EXPECT_EQ(snapshot->tag_dictionary(*snapshot->FindTagKey("env")).Get(IdAt(block.tag(*snapshot->FindTagKey("env")), 0)), "dev");
  EXPECT_EQ(snapshot->dictionary(FieldId::kModel)->Get(IdAt(block.column(FieldId::kModel), 1)), "model-1");
}

// Stats().memory_parts (mltrack_store_memory_part_bytes): the parts add up to memory_bytes, and
// a store restarted from segments keeps its rows in segment structures, not in a memtable.
TEST_F(StoreSegmentsTest, MemoryPartsAddUpAndNameWhereTheBytesAre) {
  {
    auto store = Open(Options());
    ASSERT_NE(store, nullptr);
    for (int batch = 0; batch < 4; ++batch) {
      Append(*store, MakeBatch("p" + std::to_string(batch), 50, kNow + batch * 100), 50);
      ASSERT_TRUE(store->WaitForMaintenance(10'000));
    }
  }
  auto store = Open(Options());
  ASSERT_NE(store, nullptr);
  const StoreStats stats = store->Stats();
  ASSERT_EQ(stats.rows, 200u);
  std::map<std::string, size_t> parts(stats.memory_parts.begin(), stats.memory_parts.end());
  EXPECT_EQ(parts.size(), stats.memory_parts.size()) << "a part named twice";
  size_t sum = 0;
  for (const auto& [name, bytes] : parts) sum += bytes;
  EXPECT_EQ(sum, stats.memory_bytes);
  for (const char* name : {"segment_columns", "segment_summaries", "segment_id_directories", "sealed_id_filter",
                           "dictionaries"}) {
    EXPECT_GT(parts[name], 0u) << name;
  }
  EXPECT_EQ(parts["memtable"], 0u);  // a clean close sealed every row
}

TEST_F(StoreSegmentsTest, CrashAfterSealReplaysOnlyTheTail) {
  StoreOptions options = Options();
  options.seal_on_close = false;  // as if killed: the memtable tail stays in the WAL only
  {
    auto store = Open(options);
    ASSERT_NE(store, nullptr);
    for (int batch = 0; batch < 5; ++batch) Append(*store, MakeBatch("c" + std::to_string(batch), 30, kNow), 30);
    ASSERT_TRUE(store->WaitForMaintenance(10'000));
  }
  EXPECT_GT(WalBytes(), 0u);
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Stats().rows, 150u);
  for (const auto& [id, count] : IdCounts(*store)) EXPECT_EQ(count, 1) << id;
  Append(*store, MakeBatch("c4", 30, kNow), 0, 30);
  Append(*store, MakeBatch("c0", 30, kNow), 0, 30);
}

TEST_F(StoreSegmentsTest, FlippedByteQuarantinesTheSegmentAndServesTheRest) {
  StoreOptions options = Options();
  options.seal_on_close = false;
  {
    auto store = Open(options);
    ASSERT_NE(store, nullptr);
    Append(*store, MakeBatch("first", 100, kNow), 100);  // sealed alone
    ASSERT_TRUE(store->WaitForMaintenance(10'000));
    Append(*store, MakeBatch("second", 100, kNow), 100);
    ASSERT_TRUE(store->WaitForMaintenance(10'000));
    Append(*store, MakeBatch("tail", 10, kNow), 10);
  }
  std::vector<std::filesystem::path> files = SegmentFiles();
  ASSERT_EQ(files.size(), 2u);
  std::string bytes;
  {
    std::ifstream in(files[0], std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const size_t flipped = 20;  // inside the first column chunk
  bytes[flipped] = static_cast<char>(bytes[flipped] ^ 0x01);
  {
    std::ofstream out(files[0], std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  for (int start = 0; start < 2; ++start) {
    auto store = Open(options);
    ASSERT_NE(store, nullptr);
    StoreStats stats = store->Stats();
    EXPECT_EQ(stats.rows, 110u);  // the second segment and the WAL tail
    ASSERT_EQ(stats.problems.size(), 1u);
    EXPECT_NE(stats.problems[0].file.find("quarantine"), std::string::npos) << stats.problems[0].file;
    EXPECT_NE(stats.problems[0].file.find(files[0].filename().string()), std::string::npos);
    EXPECT_EQ(stats.problems[0].offset, 8u);  // the chunk that holds byte 20
    auto snapshot = store->Snapshot();
    ASSERT_EQ(snapshot->quarantined().size(), 1u);
    EXPECT_EQ(snapshot->quarantined()[0].rows, 100u);  // from the footer, whose CRC holds
    std::map<std::string, int> counts = IdCounts(*store);
    EXPECT_EQ(counts.count("first-0"), 0u);
    EXPECT_EQ(counts["second-0"], 1);
    EXPECT_EQ(counts["tail-9"], 1);
  }
  EXPECT_TRUE(std::filesystem::exists(dir_ / "quarantine" / files[0].filename()));
}

TEST_F(StoreSegmentsTest, RetentionDropsExpiredSegmentsAndRows) {
  StoreOptions options = Options();
  options.retention_ms = 90 * kDayMs;
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  Append(*store, MakeBatch("old", 100, kNow - 100 * kDayMs), 100);
  ASSERT_TRUE(store->WaitForMaintenance(10'000));
  Append(*store, MakeBatch("recent", 100, kNow - 10 * kDayMs), 100);
  ASSERT_TRUE(store->WaitForMaintenance(10'000));
  // The old rows were already past retention when their memtable sealed.
  EXPECT_EQ(store->Stats().rows, 100u);
  EXPECT_EQ(store->segment_count(), 1u);

  now_ += 85 * kDayMs;  // "recent" is now 95 days old
  store->RunMaintenanceNow();
  EXPECT_EQ(store->Stats().rows, 0u);
  EXPECT_EQ(store->segment_count(), 0u);
  EXPECT_TRUE(SegmentFiles().empty());
  // Expired ids may come back (and go again at the next seal); fresh ones are kept.
  Append(*store, MakeBatch("fresh", 5, kNow + 85 * kDayMs), 5);
  EXPECT_EQ(store->Stats().rows, 5u);
}

TEST_F(StoreSegmentsTest, CompactionMergesSmallSegmentsAndKeepsEveryRow) {
  StoreOptions options = Options();
  options.seal_rows = 40;
  options.compact_target_rows = 400;
  {
    auto store = Open(options);
    ASSERT_NE(store, nullptr);
    for (int batch = 0; batch < 20; ++batch) {
      Append(*store, MakeBatch("k" + std::to_string(batch), 40, kNow + batch), 40);
      ASSERT_TRUE(store->WaitForMaintenance(10'000));
    }
    store->RunMaintenanceNow();
    EXPECT_LE(store->segment_count(), 4u);
    EXPECT_EQ(store->Stats().rows, 800u);
    Append(*store, MakeBatch("k7", 40, kNow), 0, 40);
  }
  EXPECT_LE(SegmentFiles().size(), 5u);
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Stats().rows, 800u);
  for (const auto& [id, count] : IdCounts(*store)) EXPECT_EQ(count, 1) << id;
  EXPECT_EQ(TotalCost(*store), 20 * 1000 * (39 * 40 / 2));
}

TEST_F(StoreSegmentsTest, SnapshotsStayValidAcrossSealAndCompaction) {
  StoreOptions options = Options();
  options.seal_rows = 50;
  options.compact_target_rows = 1000;
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  Append(*store, MakeBatch("s", 50, kNow), 50);
  auto before = store->Snapshot();  // may hold the frozen memtable
  for (int batch = 0; batch < 6; ++batch) Append(*store, MakeBatch("t" + std::to_string(batch), 50, kNow), 50);
  ASSERT_TRUE(store->WaitForMaintenance(10'000));
  store->RunMaintenanceNow();
  EXPECT_EQ(before->row_count(), 50u);
  int64_t cost = 0;
  for (const ColumnBlock& block : before->blocks()) {
    for (size_t row = 0; row < block.rows; ++row) cost += IntAt(block.column(FieldId::kCostUsd), row);
  }
  EXPECT_EQ(cost, 1000 * (49 * 50 / 2));
}

TEST_F(StoreSegmentsTest, DiskFullDuringSealLosesNothingAndRetries) {
  std::atomic<bool> disk_full{true};
  StoreOptions options = Options();
  options.segment_fault_hook = [&](size_t) { return disk_full.load() ? ENOSPC : 0; };
  {
    auto store = Open(options);
    ASSERT_NE(store, nullptr);
    Append(*store, MakeBatch("x", 150, kNow), 150);
    Append(*store, MakeBatch("y", 150, kNow), 150);  // the memtable keeps growing meanwhile
    EXPECT_FALSE(store->WaitForMaintenance(200));
    StoreStats stats = store->Stats();
    EXPECT_EQ(stats.rows, 300u);
    ASSERT_FALSE(stats.problems.empty());
    EXPECT_NE(stats.problems.back().what.find("retrying"), std::string::npos);
    EXPECT_TRUE(SegmentFiles().empty());
    Append(*store, MakeBatch("x", 150, kNow), 0, 150);

    disk_full = false;  // space returns: the next retry seals
    ASSERT_TRUE(store->WaitForMaintenance(10'000));
    EXPECT_TRUE(store->Stats().problems.empty());
    EXPECT_FALSE(SegmentFiles().empty());
    disk_full = true;  // and at close the final seal fails: the WAL keeps the rows
  }
  auto store = Open(Options());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Stats().rows, 300u);
  for (const auto& [id, count] : IdCounts(*store)) EXPECT_EQ(count, 1) << id;
}

// A real full file system: a small tmpfs (needs root; skipped otherwise).
TEST_F(StoreSegmentsTest, RealFullFileSystemAnswersNoSpaceAndResumes) {
  const std::filesystem::path mount_point = dir_ / "mnt";
  std::filesystem::create_directories(mount_point);
  if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=8m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
  }
  struct Unmount {
    std::filesystem::path path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{mount_point};

  // Most of the space goes to a filler file that "an operator" deletes later.
  const std::filesystem::path filler = mount_point / "filler";
  {
    std::ofstream out(filler, std::ios::binary);
    std::string mebibyte(1 << 20, 'x');
    for (int mib = 0; mib < 6; ++mib) out.write(mebibyte.data(), static_cast<std::streamsize>(mebibyte.size()));
  }
  StoreOptions options = Options();
  options.dir = mount_point / "data";
  options.seal_rows = 2000;
  size_t acknowledged = 0;
  {
    auto store = Open(options);
    ASSERT_NE(store, nullptr);
    Status last;
    for (int batch = 0; batch < 5000 && last.ok(); ++batch) {
      Result<AppendResult> result = store->Append(MakeBatch("f" + std::to_string(batch), 200, kNow));
      if (result.ok()) acknowledged += result->accepted;
      else last = result.status();
    }
    ASSERT_EQ(last.code(), StatusCode::kNoSpace) << last.ToString();
    EXPECT_GT(acknowledged, 0u);
    EXPECT_EQ(store->Stats().rows, acknowledged);

    std::filesystem::remove(filler);  // space returns: ingest resumes by itself
    Result<AppendResult> resumed = store->Append(MakeBatch("after", 200, kNow));
    ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
    acknowledged += resumed->accepted;
  }
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Stats().rows, acknowledged);
  for (const auto& [id, count] : IdCounts(*store)) ASSERT_EQ(count, 1) << id;
}

}  // namespace
}  // namespace mltrack::store

namespace mltrack::store {
namespace {

// trace_id is a local string field (local_strings.h): segments carry its strings, the dictionary
// log does not, and the table dictionary only fills when a snapshot is asked for it.
TEST_F(StoreSegmentsTest, TraceIdsLiveInSegmentsNotInTheDictionaryLog) {
  {
    auto store = Open(Options());
    ASSERT_NE(store, nullptr);
    for (int batch = 0; batch < 4; ++batch) Append(*store, MakeBatch("t" + std::to_string(batch), 50, kNow + batch * 100), 50);
    ASSERT_TRUE(store->WaitForMaintenance(10'000));
    EXPECT_GE(store->segment_count(), 1u);
    EXPECT_EQ(IdCounts(*store).size(), 200u);
  }
  DictionarySet replayed;
  std::vector<StoreProblem> problems;
  ASSERT_TRUE(DictionaryLog::Open(dir_ / "dict", &replayed, &problems).ok());
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(replayed.field(FieldId::kTraceId)->size(), 0u);
  EXPECT_GT(replayed.field(FieldId::kUser)->size(), 0u);

  auto store = Open(Options());
  ASSERT_NE(store, nullptr);
  auto snapshot = store->Snapshot();
  // Before the dictionary is asked for, the column reads as absent and nothing is interned.
  size_t present = 0;
  for (const ColumnBlock& block : snapshot->blocks()) present += block.column(FieldId::kTraceId).present();
  EXPECT_EQ(present, 0u);
  EXPECT_EQ(store->Snapshot()->dictionary(FieldId::kTraceId)->size(), 200u);
  std::map<std::string, int> counts = IdCounts(*store);
  ASSERT_EQ(counts.size(), 200u);
  EXPECT_EQ(counts.begin()->first, "t0-0");
  EXPECT_EQ(counts.begin()->second, 1);
  // A snapshot taken before the interning resolves its own columns the same way.
  const Dictionary* ids = snapshot->dictionary(FieldId::kTraceId);
  std::map<std::string, int> early;
  for (const ColumnBlock& block : snapshot->blocks()) {
    for (size_t row = 0; row < block.rows; ++row) early[std::string(ids->Get(IdAt(block.column(FieldId::kTraceId), row)))]++;
  }
  EXPECT_EQ(early, counts);
}

// A segment's local columns are translated into table ids once and kept with the segment
// (PackedIds::Translated): a later snapshot (the next request) reads the same translated memory, with
// the same strings, instead of decoding and translating the blocks again; a sparse local column
// (input hashes on a few rows) stays sparse; the kept ids count as the segment's local strings.
TEST_F(StoreSegmentsTest, SnapshotsShareTheSegmentsTranslatedLocalIds) {
  auto with_few_hashes = [](EventBatch batch) {
    for (size_t idx = 0; idx < batch.size(); idx += 10) batch[idx].input_hash = "h" + std::to_string(idx % 30);
    return batch;
  };
  {
    auto store = Open(Options());
    ASSERT_NE(store, nullptr);
    for (int batch = 0; batch < 4; ++batch) {
      Append(*store, with_few_hashes(MakeBatch("t" + std::to_string(batch), 100, kNow + batch * 1000)), 100);
      ASSERT_TRUE(store->WaitForMaintenance(10'000));
    }
  }
  auto store = Open(Options());
  ASSERT_NE(store, nullptr);
  auto local_strings = [&] {
    for (const auto& [name, bytes] : store->Stats().memory_parts) {
      if (name == "segment_local_strings") return bytes;
    }
    return size_t{0};
  };
  // What a snapshot reads: every row's trace id and input hash as strings, and where each
  // block's translated columns live.
  struct Read {
    std::shared_ptr<const TableSnapshot> snapshot;  // kept, so that no later one reuses its memory
    std::map<std::string, int> traces, hashes;
    std::vector<const void*> trace_data, hash_data;
    size_t sparse_hash_blocks = 0;
  };
  auto read = [&] {
    Read out;
    out.snapshot = store->Snapshot();
    const TableSnapshot* snapshot = out.snapshot.get();
    const Dictionary* traces = snapshot->dictionary(FieldId::kTraceId);
    const Dictionary* hashes = snapshot->dictionary(FieldId::kInputHash);
    for (const ColumnBlock& block : snapshot->blocks()) {
      EXPECT_NE(block.segment_id, 0u);  // every row is in a segment after the restart
      const ColumnData& trace = block.column(FieldId::kTraceId);
      const ColumnData& hash = block.column(FieldId::kInputHash);
      out.trace_data.push_back(trace.data);
      out.hash_data.push_back(hash.data);
      out.sparse_hash_blocks += hash.sparse();
      for (size_t row = 0; row < block.rows; ++row) {
        out.traces[std::string(traces->Get(IdAt(trace, row)))]++;
        const uint32_t id = IdAt(hash, row);
        out.hashes[id == kAbsentId ? "(absent)" : std::string(hashes->Get(id))]++;
      }
    }
    return out;
  };
  const size_t before = local_strings();
  const Read first = read();
  const size_t after = local_strings();
  const Read second = read();
  ASSERT_EQ(first.traces.size(), 400u);
  EXPECT_EQ(first.traces.begin()->second, 1);
  EXPECT_EQ(first.hashes.at("(absent)"), 360);
  EXPECT_EQ(first.hashes.at("h0"), 16);  // rows 0, 30, 60, 90 of each batch
  EXPECT_EQ(first.hashes.at("h10"), 12);  // rows 10, 40, 70
  EXPECT_EQ(second.traces, first.traces);
  EXPECT_EQ(second.hashes, first.hashes);
  // The second snapshot's columns are the first's memory: translated once.
  EXPECT_EQ(second.trace_data, first.trace_data);
  EXPECT_EQ(second.hash_data, first.hash_data);
  EXPECT_EQ(first.sparse_hash_blocks, first.hash_data.size());
  // With the segments: each string's table id (4 bytes, LocalStrings::GlobalIds) and the kept
  // columns, 4 bytes per trace id (dense) and 6 per listed hash (sparse).
  EXPECT_GE(after - before, 400 * 4 + 400 * 4 + 40 * 6);
  EXPECT_EQ(local_strings(), after);

  // Past the process's allowance, each snapshot translates for itself again (the same answers).
  const size_t allowance = PackedIds::MaxKeptBytes();
  PackedIds::SetMaxKeptBytes(0);
  store.reset();
  store = Open(Options());
  ASSERT_NE(store, nullptr);
  Read third = read();
  const Read fourth = read();
  PackedIds::SetMaxKeptBytes(allowance);
  third.snapshot.reset();
  EXPECT_EQ(third.traces, first.traces);
  EXPECT_EQ(third.hashes, first.hashes);
  EXPECT_NE(fourth.trace_data, third.trace_data);
  EXPECT_EQ(fourth.traces, first.traces);
}

// input_hash, a local string field like trace_id: sealed rows keep it in their segment's string
// table, rows still in the WAL get it back on replay, and the dictionary log never holds it.
TEST_F(StoreSegmentsTest, InputHashesSurviveSealAndWalReplay) {
  auto hash_counts = [](const EventStore& store) {
    std::map<std::string, int> counts;
    auto snapshot = store.Snapshot();
    const Dictionary* hashes = snapshot->dictionary(FieldId::kInputHash);
    for (const ColumnBlock& block : snapshot->blocks()) {
      for (size_t row = 0; row < block.rows; ++row) {
        const uint32_t id = IdAt(block.column(FieldId::kInputHash), row);
        counts[id == kAbsentId ? "(absent)" : std::string(hashes->Get(id))]++;
      }
    }
    return counts;
  };
  auto with_hashes = [](EventBatch batch) {
    for (size_t idx = 0; idx < batch.size(); ++idx) {
      if (idx % 3 != 0) batch[idx].input_hash = "h" + std::to_string(idx % 4);
    }
    return batch;
  };
  // 200 sealed rows and 30 in the WAL; per batch of n rows, idx % 3 == 0 has no hash (34 + 34
  // + 10) and the rest take h<idx % 4>.
  const std::map<std::string, int> expected = {{"(absent)", 78}, {"h0", 37}, {"h1", 40}, {"h2", 39}, {"h3", 36}};
  size_t sealed = 0;
  StoreOptions options = Options();
  options.seal_on_close = false;  // the last 30 rows stay in the WAL, for the replay
  {
    auto store = Open(options);
    ASSERT_NE(store, nullptr);
    // Waiting after each batch seals each one: a seal still running when the next batch lands
    // would leave it in the memtable, and the WAL batch below would then seal it with itself.
    Append(*store, with_hashes(MakeBatch("s0", 100, kNow)), 100);
    ASSERT_TRUE(store->WaitForMaintenance(10'000));
    Append(*store, with_hashes(MakeBatch("s1", 100, kNow + 200)), 100);
    ASSERT_TRUE(store->WaitForMaintenance(10'000));
    sealed = store->segment_count();
    EXPECT_GE(sealed, 1u);
    Append(*store, with_hashes(MakeBatch("w", 30, kNow + 400)), 30);
    EXPECT_EQ(hash_counts(*store), expected);
  }
  DictionarySet replayed;
  std::vector<StoreProblem> problems;
  ASSERT_TRUE(DictionaryLog::Open(dir_ / "dict", &replayed, &problems).ok());
  EXPECT_EQ(replayed.field(FieldId::kInputHash)->size(), 0u);

  EXPECT_GT(WalBytes(), 0u);
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->segment_count(), sealed);
  EXPECT_EQ(hash_counts(*store), expected);
}

// Compaction rewrites local string tables: one trace across segments stays one string.
TEST_F(StoreSegmentsTest, CompactionMergesLocalStringTables) {
  StoreOptions options = Options();
  options.compact_target_rows = 100'000;  // every segment is small enough to merge
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  for (int batch = 0; batch < 6; ++batch) {
    EventBatch events = MakeBatch("c" + std::to_string(batch), 100, kNow + batch * 1000);
    for (Event& event : events) event.trace_id = "shared-" + std::to_string(event.ts_ms % 7);
    Append(*store, std::move(events), 100);
  }
  ASSERT_TRUE(store->WaitForMaintenance(10'000));
  store->RunMaintenanceNow();
  EXPECT_EQ(store->segment_count(), 1u);
  std::map<std::string, int> counts = IdCounts(*store);
  ASSERT_EQ(counts.size(), 7u);
  int total = 0;
  for (const auto& [trace, count] : counts) total += count;
  EXPECT_EQ(total, 600);
}

// A store of segment format version 2 (tests/fixtures/store-v2, written by an older binary)
// opens, and compaction rewrites its two segments as one of the current version (trace ids
// become a local string table) without changing a row.
TEST_F(StoreSegmentsTest, CompactsAnOlderFormatStoreIntoTheCurrentOne) {
  const std::filesystem::path fixture = std::filesystem::path(MLTRACK_SOURCE_DIR) / "tests" / "fixtures" / "store-v2";
  const std::filesystem::path dir = dir_ / "older";
  std::filesystem::copy(fixture, dir, std::filesystem::copy_options::recursive);
  StoreOptions options = Options();
  options.dir = dir;
  options.compact_target_rows = 256 * 1024;
  options.now_ms = nullptr;  // the fixture's events are from 2026: no retention involved

  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  ASSERT_EQ(store->segment_count(), 2u);
  EXPECT_EQ(store->Stats().rows, 5039u);
  const std::map<std::string, int> traces = IdCounts(*store);
  const int64_t cost = TotalCost(*store);
  EXPECT_EQ(traces.size(), 3017u);
  EXPECT_EQ(cost, 27'023'370'105);  // nano-USD, as the older binary answered sum:cost_usd

  store->RunMaintenanceNow();
  ASSERT_EQ(store->segment_count(), 1u);
  EXPECT_EQ(IdCounts(*store), traces);
  EXPECT_EQ(TotalCost(*store), cost);
  store->Close();
  store.reset();

  for (const auto& entry : std::filesystem::directory_iterator(dir / "segments")) {
    if (entry.path().extension() != ".mlseg") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    const uint64_t footer_offset = segment::DecodeFixed64(bytes.data() + bytes.size() - segment::kTrailerSize);
    EXPECT_EQ(static_cast<uint8_t>(bytes[footer_offset]), segment::kFooterVersion) << entry.path();
  }
  store = Open(options);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Stats().rows, 5039u);
  EXPECT_EQ(IdCounts(*store), traces);
  EXPECT_EQ(TotalCost(*store), cost);
}

}  // namespace
}  // namespace mltrack::store
