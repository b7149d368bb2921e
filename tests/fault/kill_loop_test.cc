// kill -9 at random moments while several clients ingest (DESIGN.md §9 "Reliability"): after
// every restart each acknowledged batch is stored whole and exactly once with its exact token
// sums, a batch whose answer the kill cut off is stored whole or not at all, and nothing else is
// stored. At the end the cut-off batches are re-sent, as a client would, and everything sent is
// then stored exactly once.
#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "fault_support.h"

namespace mltrack::fault {
namespace {

using namespace std::chrono_literals;
using integration::HttpClient;
using integration::HttpResult;

constexpr int kClients = 4;
constexpr int kKills = 24;
constexpr auto kTimeBudget = 180s;  // the whole test; it normally takes well under a minute

// One ingesting client with its ledger. Its thread alone touches it while it runs.
class Client {
 public:
  Client(int client_idx, uint64_t seed) : client_idx_(client_idx), rng_(seed) {}

  // Sends fresh batches until `stop` or until the server goes away (the batch in flight is then
  // kUnknown). A 503/429 is retried with the same batch.
  void Run(uint16_t port, int round, const std::atomic<bool>& stop) {
    HttpClient http(port, std::chrono::seconds(20));
    while (!stop.load()) {
      Batch batch = NextBatch(round);
      for (;;) {
        HttpResult result = http.Post("/api/v1/events", batch.body, batch.content_type);
        if (result.status == 0) {
          batch.fate = Fate::kUnknown;  // keep the body to re-send it at the end
          ledger_.push_back(std::move(batch));
          return;
        }
        if ((result.status == 503 || result.status == 429) && !stop.load()) {
          std::this_thread::sleep_for(10ms);
          continue;
        }
        auto ack = integration::ParseIngestAck(result.body);
        batch.fate = result.status == 200 ? Fate::kAcked : Fate::kRefused;
        if (result.status != 200 || !ack || ack->accepted != static_cast<int64_t>(batch.events) || ack->duplicates != 0) {
          errors_.push_back("batch " + batch.key + " of " + std::to_string(batch.events) +
                            " fresh events: " + result.Describe());
        }
        batch.body = std::string();
        ledger_.push_back(std::move(batch));
        break;
      }
    }
  }

  std::vector<Batch>& ledger() { return ledger_; }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  // Mostly small batches, some large; NDJSON, JSON arrays and single objects.
  Batch NextBatch(int round) {
    std::uniform_int_distribution<int> percent(0, 99);
    const int size_draw = percent(rng_);
    size_t events = size_draw < 70   ? std::uniform_int_distribution<size_t>(1, 50)(rng_)
                    : size_draw < 96 ? std::uniform_int_distribution<size_t>(51, 400)(rng_)
                                     : std::uniform_int_distribution<size_t>(1000, 3000)(rng_);
    const int kind_draw = percent(rng_);
    const BodyKind kind = kind_draw < 45 ? BodyKind::kNdjson : kind_draw < 90 ? BodyKind::kJsonArray : BodyKind::kJsonObject;
    const std::string key = "k-c" + std::to_string(client_idx_) + "-r" + std::to_string(round) + "-b" +
                            std::to_string(next_batch_++);
    return MakeBatch(key, events, kind, rng_);
  }

  const int client_idx_;
  std::mt19937_64 rng_;
  int next_batch_ = 0;
  std::vector<Batch> ledger_;
  std::vector<std::string> errors_;
};

class KillLoopTest : public FaultTest {
 protected:
  std::vector<const Batch*> Ledger() {
    std::vector<const Batch*> all;
    for (auto& client : clients_) {
      for (const Batch& batch : client->ledger()) all.push_back(&batch);
    }
    return all;
  }

  std::vector<std::unique_ptr<Client>> clients_;
};

TEST_F(KillLoopTest, AcknowledgedEventsSurviveRandomKillsExactlyOnce) {
  const uint64_t seed = FaultSeed();
  std::mt19937_64 rng(seed);
  const auto started = std::chrono::steady_clock::now();
  StartServer();
  for (int client_idx = 0; client_idx < kClients; ++client_idx) {
    clients_.push_back(std::make_unique<Client>(client_idx, seed + 1 + client_idx));
  }

  int kills_with_unknown = 0;
  for (int kill_idx = 0; kill_idx < kKills; ++kill_idx) {
    SCOPED_TRACE("kill " + std::to_string(kill_idx + 1) + " of " + std::to_string(kKills) + ", seed " +
                 std::to_string(seed));
    ASSERT_LT(std::chrono::steady_clock::now() - started, kTimeBudget) << "the kill loop is too slow";
    // Some kills right after the clients start (while they connect), most later.
    const int delay_ms = std::uniform_int_distribution<int>(0, 99)(rng) < 20
                             ? std::uniform_int_distribution<int>(0, 30)(rng)
                             : std::uniform_int_distribution<int>(30, 700)(rng);
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (auto& client : clients_) {
      threads.emplace_back([&client, &stop, port = server_->port(), kill_idx] { client->Run(port, kill_idx, stop); });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    server_->Kill();
    stop = true;
    for (std::thread& thread : threads) thread.join();
    for (auto& client : clients_) ASSERT_TRUE(client->errors().empty()) << client->errors().front();
    for (auto& client : clients_) {
      if (!client->ledger().empty() && client->ledger().back().fate == Fate::kUnknown) {
        ++kills_with_unknown;
        break;
      }
    }

    ASSERT_TRUE(server_->Restart());
    auto health = HealthNow();
    ASSERT_TRUE(health.has_value());
    EXPECT_EQ(health->status, "ok") << "a kill must not look like corruption: "
                                    << (health->problems.empty() ? "" : health->problems.front().what);
    auto contents = Contents();
    ASSERT_TRUE(contents.has_value());
    ASSERT_TRUE(MatchesLedger(*contents, Ledger())) << "after kill " << kill_idx + 1 << " (" << delay_ms << " ms)";
  }

  // Re-send what the kills cut off. A batch is all or nothing, so the answer is all-new or
  // all-duplicate — and duplicate exactly when the store already held it.
  auto before = Contents();
  ASSERT_TRUE(before.has_value());
  size_t unknown = 0;
  size_t unknown_stored = 0;
  size_t events = 0;
  for (auto& writer : clients_) {
    for (Batch& batch : writer->ledger()) {
      events += batch.events;
      if (batch.fate != Fate::kUnknown) continue;
      ++unknown;
      const bool stored = before->batches.contains(batch.key);
      unknown_stored += stored ? 1 : 0;
      HttpResult result = client().Post("/api/v1/events", batch.body, batch.content_type);
      auto ack = integration::ParseIngestAck(result.body);
      ASSERT_EQ(result.status, 200) << result.Describe();
      ASSERT_TRUE(ack.has_value());
      EXPECT_EQ(ack->duplicates, stored ? static_cast<int64_t>(batch.events) : 0) << batch.key;
      EXPECT_EQ(ack->accepted + ack->duplicates, static_cast<int64_t>(batch.events)) << batch.key;
      batch.fate = Fate::kAcked;
    }
  }
  ASSERT_TRUE(server_->Restart());
  auto after = Contents();
  ASSERT_TRUE(after.has_value());
  EXPECT_TRUE(MatchesLedger(*after, Ledger()));
  size_t acked_events = 0;
  size_t batches = 0;
  for (const Batch* batch : Ledger()) {
    ++batches;
    if (batch->fate == Fate::kAcked) acked_events += batch->events;
  }
  EXPECT_EQ(after->total.count, static_cast<int64_t>(acked_events));
  // The filter path, not only group_by: a few ids one by one.
  const auto ledger = Ledger();
  for (int probe = 0; probe < 5 && !ledger.empty(); ++probe) {
    const Batch* batch = ledger[std::uniform_int_distribution<size_t>(0, ledger.size() - 1)(rng)];
    if (batch->fate != Fate::kAcked) continue;
    EXPECT_EQ(CountById(batch->key + "-e0"), 1) << batch->key;
  }
  std::cout << "[ kills    ] " << kKills << " kills (" << kills_with_unknown << " cut a request), " << batches
            << " batches, " << events << " events, " << unknown << " cut off (" << unknown_stored
            << " of them stored), "
            << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count()
            << " s\n";
}

}  // namespace
}  // namespace mltrack::fault
