// A full disk (docs/api.md `no_space`; docs/wal_format.md "Writer failure rules"). The data
// directory is a 16 MiB tmpfs, most of it taken by a ballast file. Two clients ingest until the
// server answers 507 `no_space`. What must hold:
//  - the 507 says what is wrong (code no_space, a message about space);
//  - the server keeps answering queries and health, and keeps refusing ingest while full;
//  - nothing acknowledged is lost and nothing refused is stored, also after kill -9 and a
//    restart on the still-full disk;
//  - when space returns (the ballast is deleted) ingest resumes by itself, without a restart,
//    and a refused batch sent again is stored as new (none of it had been kept).
// Skipped when tmpfs cannot be mounted (not root, or no CAP_SYS_ADMIN).
#include <atomic>
#include <deque>
#include <mutex>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "fault_support.h"

namespace mltrack::fault {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr uint64_t kTmpfsBytes = 16u << 20;
constexpr uint64_t kBallastBytes = 10u << 20;
constexpr int kClients = 2;

class DiskFullTest : public FaultTest {
 protected:
  void SetUp() override {
    std::string error;
    mount_ = TmpfsMount::Mount(temp_.path() / "data", kTmpfsBytes, &error);
    if (!mount_) GTEST_SKIP() << "needs a tmpfs: " << error;
    ballast_ = temp_.path() / "data" / "ballast";
    std::ofstream out(ballast_, std::ios::binary);
    const std::string block(1 << 20, 'b');
    for (uint64_t written = 0; written < kBallastBytes; written += block.size()) out.write(block.data(), block.size());
    ASSERT_TRUE(out.good()) << "cannot write the ballast";
  }

  // Two clients send batches of 400 events until each has had `refusals_wanted` 507s. Every
  // answer is 200 or 507 (a 200 is checked for exactness).
  void IngestUntilFull(std::mt19937_64& rng, int refusals_wanted, const std::string& tag) {
    std::vector<std::thread> threads;
    std::vector<std::vector<Batch>> per_client(kClients);
    for (int client_idx = 0; client_idx < kClients; ++client_idx) {
      const uint64_t seed = rng();
      threads.emplace_back([&, client_idx, seed] {
        std::mt19937_64 client_rng(seed);
        integration::HttpClient http(server_->port(), 30s);
        int refusals = 0;
        for (int batch_idx = 0; batch_idx < 2000 && refusals < refusals_wanted; ++batch_idx) {
          Batch batch = MakeBatch("d-" + tag + "-c" + std::to_string(client_idx) + "-b" + std::to_string(batch_idx),
                                  400, BodyKind::kNdjson, client_rng);
          integration::HttpResult result = http.Post("/api/v1/events", batch.body, batch.content_type);
          auto ack = integration::ParseIngestAck(result.body);
          if (result.status == 200 && ack && ack->accepted == 400) {
            batch.fate = Fate::kAcked;
          } else if (result.status == 507) {
            batch.fate = Fate::kRefused;
            ++refusals;
            auto error = integration::ParseErrorBody(result.body);
            std::lock_guard lock(mutex_);
            if (!error || error->code != "no_space" || error->message.find("space") == std::string::npos) {
              errors_.push_back("a 507 that does not say no_space: " + result.body);
            }
            if (first_refusal_.empty()) first_refusal_ = result.body;
          } else {
            std::lock_guard lock(mutex_);
            errors_.push_back("batch " + batch.key + ": " + result.Describe());
            return;
          }
          per_client[client_idx].push_back(std::move(batch));
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    for (auto& batches : per_client) {
      for (Batch& batch : batches) batches_.push_back(std::move(batch));
    }
    ASSERT_TRUE(errors_.empty()) << errors_.front();
  }

  std::vector<const Batch*> Ledger() const {
    std::vector<const Batch*> all;
    for (const Batch& batch : batches_) all.push_back(&batch);
    return all;
  }

  void ExpectLedgerStored(const std::string& when) {
    auto contents = Contents();
    ASSERT_TRUE(contents.has_value());
    EXPECT_TRUE(MatchesLedger(*contents, Ledger())) << when;
    int64_t acked = 0;
    for (const Batch& batch : batches_) acked += batch.fate == Fate::kAcked ? static_cast<int64_t>(batch.events) : 0;
    EXPECT_EQ(contents->total.count, acked) << when;
  }

  std::unique_ptr<TmpfsMount> mount_;
  fs::path ballast_;
  std::mutex mutex_;
  std::vector<std::string> errors_;
  std::string first_refusal_;
  std::deque<Batch> batches_;  // stable addresses for the ledger
};

TEST_F(DiskFullTest, IngestIs507WhileFullAndResumesWhenSpaceReturns) {
  std::mt19937_64 rng(FaultSeed());
  StartServer();
  ASSERT_NO_FATAL_FAILURE(IngestUntilFull(rng, 3, "fill"));
  size_t acked = 0;
  size_t refused = 0;
  for (const Batch& batch : batches_) (batch.fate == Fate::kAcked ? acked : refused) += 1;
  std::cout << "[ full     ] " << acked << " batches stored before the disk filled, " << refused
            << " refused; first 507: " << first_refusal_ << "\n";
  ASSERT_GT(acked, 0u);

  // Still answering, and nothing lost, while full.
  auto health = HealthNow();
  ASSERT_TRUE(health.has_value());
  ASSERT_NO_FATAL_FAILURE(ExpectLedgerStored("while the disk is full"));

  // A crash on a full disk, and a start on it.
  server_->Kill();
  ASSERT_TRUE(server_->Start()) << "the server must start on a full disk";
  ASSERT_NO_FATAL_FAILURE(ExpectLedgerStored("after kill -9 and a restart on the full disk"));
  ASSERT_NO_FATAL_FAILURE(IngestUntilFull(rng, 1, "still"));

  // Space returns: no restart, and the next batches are stored.
  fs::remove(ballast_);
  Batch resumed = MakeBatch("d-resumed", 400, BodyKind::kJsonArray, rng);
  integration::HttpResult result;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  int attempts = 0;
  do {
    ++attempts;
    result = client().Post("/api/v1/events", resumed.body, resumed.content_type);
    if (result.status != 507) break;
    std::this_thread::sleep_for(100ms);
  } while (std::chrono::steady_clock::now() < deadline);
  ASSERT_EQ(result.status, 200) << "ingest did not resume within 10 s of space returning: " << result.Describe();
  std::cout << "[ resumed  ] ingest accepted again after " << attempts << " attempt(s)\n";
  resumed.fate = Fate::kAcked;
  batches_.push_back(std::move(resumed));

  // Refused batches were not kept, not even partly: sent again, every event is new.
  for (Batch& batch : batches_) {
    if (batch.fate != Fate::kRefused) continue;
    result = client().Post("/api/v1/events", batch.body, batch.content_type);
    auto ack = integration::ParseIngestAck(result.body);
    ASSERT_EQ(result.status, 200) << result.Describe();
    ASSERT_TRUE(ack.has_value());
    EXPECT_EQ(ack->accepted, static_cast<int64_t>(batch.events)) << batch.key << " was partly kept after its 507";
    batch.fate = Fate::kAcked;
  }
  ASSERT_NO_FATAL_FAILURE(ExpectLedgerStored("after space returned"));
  server_->Kill();
  ASSERT_TRUE(server_->Start());
  ASSERT_NO_FATAL_FAILURE(ExpectLedgerStored("after space returned and a restart"));
  health = HealthNow();
  ASSERT_TRUE(health.has_value());
  EXPECT_EQ(health->status, "ok");
}

}  // namespace
}  // namespace mltrack::fault
