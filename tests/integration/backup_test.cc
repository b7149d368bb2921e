// `mltrack backup` of a live store and `mltrack restore` (docs/operations.md "## Backup and
// restore") through the real binary: a backup taken while nothing is written holds exactly the
// acknowledged events; one taken while clients keep writing holds every event acknowledged before
// it started, only whole batches (a batch is one WAL record), none twice, and what it says it
// holds; the restored store serves exactly that.
#include <atomic>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "test_support.h"

namespace mltrack::integration {
namespace {

constexpr int kBatchEvents = 50;

class BackupTest : public IntegrationTest {
 protected:
  // One batch of kBatchEvents events with fresh ids; true when acknowledged.
  static bool SendBatch(HttpClient& client, const std::string& key) {
    std::vector<std::string> lines;
    for (int event_idx = 0; event_idx < kBatchEvents; ++event_idx) lines.push_back(EventJson(key + "-" + std::to_string(event_idx)));
    return client.Post("/api/v1/events", Ndjson(lines), "application/x-ndjson").status == 200;
  }
  // The count `mltrack backup|restore` printed ("... N events in ..."); -1 when absent.
  static int64_t PrintedCount(const std::string& output) {
    const size_t at = output.find(": ");
    return at == std::string::npos ? -1 : std::atoll(output.c_str() + at + 2);
  }
  // Serves `data` in place of the test's server, so that client() and CountEvents() read it.
  void ServeInstead(const std::filesystem::path& data) {
    server_->Kill();
    server_ = std::make_unique<ServerProcess>(data, temp_.path() / (data.filename().string() + ".log"));
    ASSERT_TRUE(server_->Start());
  }
  int64_t DistinctIds() {
    auto table = QueryTableOf(R"("metrics":["uniq:tags.cid"])");
    return table && table->rows.size() == 1 ? ToInt(table->Cell(0, "uniq:tags.cid")) : -1;
  }
};

TEST_F(BackupTest, QuietStoreRestoresExactly) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  for (int batch_idx = 0; batch_idx < 4; ++batch_idx) ASSERT_TRUE(SendBatch(client(), "q" + std::to_string(batch_idx)));
  const std::string backup = (temp_.path() / "backup").string();
  const CommandResult made = RunMltrack("backup --data " + server_->data_dir().string() + " --out " + backup);
  ASSERT_EQ(made.exit_code, 0) << made.output;
  EXPECT_EQ(PrintedCount(made.output), 4 * kBatchEvents) << made.output;
  // The server kept running on its store meanwhile.
  ASSERT_TRUE(SendBatch(client(), "after"));

  const std::string restored = (temp_.path() / "restored").string();
  const CommandResult put = RunMltrack("restore --from " + backup + " --data " + restored);
  ASSERT_EQ(put.exit_code, 0) << put.output;
  EXPECT_EQ(PrintedCount(put.output), 4 * kBatchEvents) << put.output;
  ASSERT_NO_FATAL_FAILURE(ServeInstead(restored));
  EXPECT_EQ(CountEvents(), 4 * kBatchEvents);
  EXPECT_EQ(CountById("after-0"), 0);
}

TEST_F(BackupTest, BackupWhileIngestingHoldsEveryEventAcknowledgedBeforeIt) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  std::atomic<int64_t> acked_batches{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    HttpClient writer_client(server_->port());
    for (int batch_idx = 0; !stop.load(); ++batch_idx) {
      if (SendBatch(writer_client, "w" + std::to_string(batch_idx))) acked_batches.fetch_add(1);
    }
  });
  while (acked_batches.load() < 20) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const int64_t acked_before = acked_batches.load() * kBatchEvents;
  const std::string backup = (temp_.path() / "backup").string();
  const CommandResult made = RunMltrack("backup --data " + server_->data_dir().string() + " --out " + backup);
  const int64_t acked_after = acked_batches.load() * kBatchEvents;  // an upper bound: more may follow
  stop = true;
  writer.join();
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const int64_t in_backup = PrintedCount(made.output);
  EXPECT_GE(in_backup, acked_before) << made.output;
  EXPECT_LE(in_backup, acked_after + kBatchEvents) << made.output;  // + the batch in flight at the end
  EXPECT_EQ(in_backup % kBatchEvents, 0) << "whole batches only";

  const std::string restored = (temp_.path() / "restored").string();
  const CommandResult put = RunMltrack("restore --from " + backup + " --data " + restored);
  ASSERT_EQ(put.exit_code, 0) << put.output;
  ASSERT_NO_FATAL_FAILURE(ServeInstead(restored));
  EXPECT_EQ(CountEvents(), in_backup);
  EXPECT_EQ(DistinctIds(), in_backup) << "nothing stored twice";
  std::printf("[ backup ] acked before %lld, in backup %lld, acked after %lld\n", static_cast<long long>(acked_before),
              static_cast<long long>(in_backup), static_cast<long long>(acked_after));
}

TEST_F(BackupTest, RefusesToOverwriteAndNamesTheFlag) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  const std::filesystem::path busy = temp_.path() / "busy";
  std::filesystem::create_directories(busy / "x");
  CommandResult result = RunMltrack("backup --data " + server_->data_dir().string() + " --out " + busy.string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("--out"), std::string::npos) << result.output;
  result = RunMltrack("restore --from " + busy.string() + " --data " + server_->data_dir().string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("--data"), std::string::npos) << result.output;
  result = RunMltrack("backup --data " + (temp_.path() / "missing").string() + " --out " + (temp_.path() / "b").string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("--data"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace mltrack::integration
