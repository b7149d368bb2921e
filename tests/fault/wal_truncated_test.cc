// The WAL truncated and overwritten by another process while the server runs (issue 15, bad
// input). The WAL is read (replay, the ClickHouse ship queue) into memory, never mapped, so a
// file cut under a reader cannot end the process with SIGBUS (the reader's own unit test,
// WalReaderTest.FileTruncatedAndOverwrittenWhileOpenDoesNotCrash, cuts it under an open reader).
// What must hold here:
//  - the running server survives, keeps serving every acknowledged event and keeps ingesting;
//  - after a kill and restart on the damaged log it starts, says what it found (/api/health),
//    serves what it could recover, and ingests again.
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "fault_support.h"

namespace mltrack::fault {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> WalFiles(const fs::path& data_dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(data_dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().parent_path().filename() == "wal" && name.starts_with("wal-") && name.ends_with(".log")) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

class WalTruncatedTest : public FaultTest {};

TEST_F(WalTruncatedTest, ServerSurvivesAndRestartsOnADamagedLog) {
  std::mt19937_64 rng(FaultSeed());
  ASSERT_NO_FATAL_FAILURE(StartServer());
  std::vector<Batch> batches;
  auto send = [&](const std::string& key) {
    batches.push_back(MakeBatch(key, 200, BodyKind::kNdjson, rng));
    integration::HttpResult result = client().Post("/api/v1/events", batches.back().body, batches.back().content_type);
    ASSERT_EQ(result.status, 200) << result.Describe();
    batches.back().fate = Fate::kAcked;
  };
  for (int batch_idx = 0; batch_idx < 3; ++batch_idx) ASSERT_NO_FATAL_FAILURE(send("w-b" + std::to_string(batch_idx)));

  const std::vector<fs::path> wal = WalFiles(server_->data_dir());
  ASSERT_FALSE(wal.empty()) << "no WAL file under " << server_->data_dir();
  for (const fs::path& file : wal) {
    fs::resize_file(file, 0);  // another process cuts it ...
    std::ofstream(file, std::ios::binary | std::ios::trunc) << std::string(100, 'x');  // ... and writes junk
  }

  // The running server holds what it acknowledged and keeps going.
  for (int batch_idx = 3; batch_idx < 5; ++batch_idx) ASSERT_NO_FATAL_FAILURE(send("w-b" + std::to_string(batch_idx)));
  ASSERT_TRUE(server_->running()) << server_->LogTail();
  std::vector<const Batch*> ledger;
  for (const Batch& batch : batches) ledger.push_back(&batch);
  std::optional<StoreContents> contents = Contents();
  ASSERT_TRUE(contents.has_value());
  EXPECT_TRUE(MatchesLedger(*contents, ledger, "w-"));

  // Restarted on the damaged log: it starts, reports the damage, and serves and ingests.
  server_->Kill();
  ASSERT_TRUE(server_->Restart()) << server_->LogTail();
  std::optional<Health> health = HealthNow();
  ASSERT_TRUE(health.has_value());
  EXPECT_EQ(health->status, "degraded") << "the junk at the head of the log is reported";
  contents = Contents();
  ASSERT_TRUE(contents.has_value());
  EXPECT_LE(contents->total.count, int64_t{5 * 200});
  EXPECT_EQ(contents->total.count, contents->total.distinct_ids);  // nothing twice
  EXPECT_EQ(Ingest(integration::EventJson("after-restart")).status, 200);
  ASSERT_TRUE(server_->running()) << server_->LogTail();
}

}  // namespace
}  // namespace mltrack::fault
