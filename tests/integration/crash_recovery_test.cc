// kill -9 during concurrent ingestion loses no acknowledged event and duplicates none
// (DESIGN.md §8 "Reliability"). Three writer threads keep a ledger of what they sent and what
// was acknowledged; after SIGKILL and restart the store must hold every acknowledged event
// exactly once and nothing that was never sent. Events whose request was cut by the kill may
// or may not be stored; they are re-sent after the restart, as a real client would, and must
// then be reported as accepted or duplicate — never stored twice.
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "test_support.h"

namespace mltrack::integration {
namespace {

constexpr int kWriters = 3;
constexpr int kEventsPerBatch = 20;
constexpr int kRounds = 3;
// Acknowledged batches per writer before the kill: enough that the kill lands mid-stream.
constexpr int kAckedBatchesBeforeKill = 8;

struct Ledger {
  std::mutex mutex;
  std::set<std::string> sent;
  std::set<std::string> acked;
  std::vector<std::string> errors;  // unexpected answers
};

class Writer {
 public:
  Writer(int writer_idx, Ledger& ledger) : writer_idx_(writer_idx), ledger_(ledger) {}

  // Sends batches until the server goes away or `stop` is set. The batch in flight when the
  // connection broke is kept and sent first by the next Run().
  void Run(uint16_t port, int round, std::atomic<bool>& stop, int max_batches = 1 << 30) {
    HttpClient client(port, std::chrono::seconds(30));
    for (int batch_idx = 0; batch_idx < max_batches && !stop.load();) {
      if (pending_.empty()) pending_ = NextBatch(round);
      {
        std::lock_guard lock(ledger_.mutex);
        ledger_.sent.insert(pending_.begin(), pending_.end());
      }
      std::vector<std::string> lines;
      for (const std::string& id : pending_) lines.push_back(EventJson(id));
      HttpResult result = client.Post("/api/v1/events", Ndjson(lines), "application/x-ndjson");
      if (result.status == 0) return;  // the server died: outcome unknown, keep the batch
      if (result.status == 503 || result.status == 429) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      auto ack = ParseIngestAck(result.body);
      std::lock_guard lock(ledger_.mutex);
      if (result.status != 200 || !ack || ack->accepted + ack->duplicates != static_cast<int64_t>(pending_.size())) {
        ledger_.errors.push_back("writer " + std::to_string(writer_idx_) + ": " + result.Describe());
        return;
      }
      ledger_.acked.insert(pending_.begin(), pending_.end());
      pending_.clear();
      ++acked_batches_;
      ++batch_idx;
    }
  }

  int acked_batches() const { return acked_batches_.load(); }
  void ResetAckedBatches() { acked_batches_ = 0; }

 private:
  std::vector<std::string> NextBatch(int round) {
    std::vector<std::string> ids;
    for (int event_idx = 0; event_idx < kEventsPerBatch; ++event_idx) {
      ids.push_back("r" + std::to_string(round) + "-w" + std::to_string(writer_idx_) + "-b" +
                    std::to_string(next_batch_) + "-e" + std::to_string(event_idx));
    }
    ++next_batch_;
    return ids;
  }

  const int writer_idx_;
  Ledger& ledger_;
  std::vector<std::string> pending_;
  int next_batch_ = 0;
  std::atomic<int> acked_batches_{0};
};

class CrashRecoveryTest : public IntegrationTest {
 protected:
  // Every acknowledged id stored exactly once; nothing stored that was never sent.
  void VerifyLedger(Ledger& ledger, int round) {
    SCOPED_TRACE("after round " + std::to_string(round));
    std::lock_guard lock(ledger.mutex);
    ASSERT_TRUE(ledger.errors.empty()) << ledger.errors.front();

    auto totals = QueryTableOf(R"("metrics":["count","uniq:tags.cid"])");
    ASSERT_TRUE(totals.has_value());
    ASSERT_EQ(totals->rows.size(), 1u);
    const int64_t count = ToInt(totals->Cell(0, "count"));
    const int64_t distinct = ToInt(totals->Cell(0, "uniq:tags.cid"));
    EXPECT_EQ(count, distinct) << "some event is stored twice";
    EXPECT_GE(count, static_cast<int64_t>(ledger.acked.size())) << "acknowledged events were lost";
    EXPECT_LE(count, static_cast<int64_t>(ledger.sent.size()));

    auto per_id = QueryTableOf(R"("group_by":["tags.cid"],"metrics":["count"],"limit":100000)");
    ASSERT_TRUE(per_id.has_value());
    std::map<std::string, int64_t> stored;
    for (size_t row_idx = 0; row_idx < per_id->rows.size(); ++row_idx) {
      stored[per_id->Cell(row_idx, "tags.cid")] = ToInt(per_id->Cell(row_idx, "count"));
    }
    int reported = 0;
    for (const auto& [id, times] : stored) {
      if (times != 1 && reported++ < 10) ADD_FAILURE() << id << " is stored " << times << " times";
      if (!ledger.sent.contains(id) && reported++ < 10) ADD_FAILURE() << id << " is stored but was never sent";
    }
    for (const std::string& id : ledger.acked) {
      if (!stored.contains(id) && reported++ < 10) ADD_FAILURE() << id << " was acknowledged but is missing";
    }

    // Spot checks through filters, a different query path than group_by.
    int checked = 0;
    for (auto it = ledger.acked.rbegin(); it != ledger.acked.rend() && checked < 5; ++it, ++checked) {
      EXPECT_EQ(CountById(*it), 1) << *it;
    }
  }
};

TEST_F(CrashRecoveryTest, KillDuringConcurrentIngestLosesAndDuplicatesNothing) {
  StartServer();
  Ledger ledger;
  std::vector<std::unique_ptr<Writer>> writers;
  for (int writer_idx = 0; writer_idx < kWriters; ++writer_idx) {
    writers.push_back(std::make_unique<Writer>(writer_idx, ledger));
  }

  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (auto& writer : writers) {
      writer->ResetAckedBatches();
      threads.emplace_back([&, port = server_->port()] { writer->Run(port, round, stop); });
    }
    // Kill once every writer has had a few batches acknowledged, while they keep sending.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    auto enough = [&] {
      for (auto& writer : writers) {
        if (writer->acked_batches() < kAckedBatchesBeforeKill) return false;
      }
      return true;
    };
    while (!enough() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    server_->Kill();
    stop = true;
    for (std::thread& thread : threads) thread.join();
    ASSERT_TRUE(enough()) << "writers did not get " << kAckedBatchesBeforeKill << " batches acknowledged in time";

    ASSERT_TRUE(server_->Restart());
    VerifyLedger(ledger, round);
    if (HasFatalFailure()) return;
  }

  // Finally re-send what was in flight at the last kill (as a client would); then every id
  // ever sent is acknowledged and stored exactly once.
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (auto& writer : writers) {
    threads.emplace_back([&, port = server_->port()] { writer->Run(port, kRounds, stop, /*max_batches=*/1); });
  }
  for (std::thread& thread : threads) thread.join();
  VerifyLedger(ledger, kRounds);
  std::lock_guard lock(ledger.mutex);
  EXPECT_EQ(ledger.acked, ledger.sent);
  EXPECT_EQ(CountEvents(), static_cast<int64_t>(ledger.sent.size()));
}

}  // namespace
}  // namespace mltrack::integration
