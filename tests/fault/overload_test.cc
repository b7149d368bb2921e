// Overload (DESIGN.md §9: the server sheds load with 429/503 rather than falling over). 64
// connections post ~2 MiB NDJSON bodies in a tight loop for a few seconds against a server whose
// body budget (--max-inflight) holds far fewer and which lets a request wait only 200 ms for
// room (--max-inflight-wait-ms). What must hold:
//  - refused requests get 503/429 `overloaded` with Retry-After; no other error, no crash;
//  - GET /api/health keeps answering throughout;
//  - every 200 is durable (kill -9 and restart afterwards, then compare with the ledger);
//  - the server's peak resident memory (VmHWM) stays within its idle size + the body budget +
//    a fixed allowance for decoding and buffers (kSlackBytes), instead of growing with the
//    number of connections × body size.
// Each body is one of four shared 2 MiB prefixes (the store keeps each once; later copies are
// duplicates, so the store hardly grows and memory measures the request path) plus one event of
// its own, so each 200 is checked individually.
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "fault_support.h"

namespace mltrack::fault {
namespace {

using namespace std::chrono_literals;
using integration::HttpClient;
using integration::HttpResult;

constexpr int kConnections = 64;
constexpr int kPrefixes = 4;
constexpr size_t kPrefixEvents = 9000;  // ≈ 2 MiB of NDJSON
constexpr auto kLoadDuration = 4s;
constexpr int64_t kBudgetBytes = 32 << 20;
constexpr int64_t kSlackBytes = 48 << 20;  // measured ≈ 20 MiB: 2 workers decoding 2 MiB bodies, buffers

// $MLTRACK_FAULT_MAX_INFLIGHT overrides the budget (e.g. 0 = unlimited, to see the difference).
std::string BudgetFlag() {
  const char* env = std::getenv("MLTRACK_FAULT_MAX_INFLIGHT");
  return env != nullptr && *env != '\0' ? std::string(env) : std::to_string(kBudgetBytes);
}

struct Tally {
  std::mutex mutex;
  int ok = 0;
  int shed = 0;
  int no_answer = 0;
  std::vector<std::string> errors;
};

class OverloadTest : public FaultTest {
 protected:
  std::vector<Batch> prefixes_;
  std::vector<std::vector<Batch>> own_;  // per connection: the one-event batches it sent
};

TEST_F(OverloadTest, ShedsLoadWithRetryAfterKeepsMemoryBoundedAndLosesNothing) {
  std::mt19937_64 rng(FaultSeed());
  const std::string budget = BudgetFlag();
  // A short wait for room, so that requests are shed however fast the server becomes.
  StartServer({"--max-body", "4MiB", "--max-inflight", budget, "--max-inflight-wait-ms", "200"});
  for (int prefix_idx = 0; prefix_idx < kPrefixes; ++prefix_idx) {
    prefixes_.push_back(MakeBatch("o-p" + std::to_string(prefix_idx), kPrefixEvents, BodyKind::kNdjson, rng));
    // Warm up: each prefix stored once, so the load adds one event per request to the store.
    HttpResult result = client().Post("/api/v1/events", prefixes_.back().body, prefixes_.back().content_type);
    ASSERT_EQ(result.status, 200) << result.Describe();
    prefixes_.back().fate = Fate::kAcked;
  }
  const pid_t pid = server_->pid();
  const int64_t idle_kb = ProcStatusKb(pid, "VmRSS");
  ASSERT_GT(idle_kb, 0);

  Tally tally;
  std::atomic<bool> done{false};
  own_.resize(kConnections);
  const auto stop_at = std::chrono::steady_clock::now() + kLoadDuration;
  std::vector<std::thread> threads;
  for (int connection_idx = 0; connection_idx < kConnections; ++connection_idx) {
    threads.emplace_back([&, connection_idx, port = server_->port()] {
      HttpClient http(port, 30s);
      for (int request_idx = 0; std::chrono::steady_clock::now() < stop_at && request_idx < 10'000; ++request_idx) {
        const Batch& prefix = prefixes_[(connection_idx + request_idx) % kPrefixes];
        Batch own;
        own.key = "o-c" + std::to_string(connection_idx) + "-r" + std::to_string(request_idx);
        own.events = 1;
        own.input_tokens = 1 + connection_idx;
        own.output_tokens = 1 + request_idx;
        const std::string body =
            prefix.body + EventLine(own.key + "-e0", own.key, own.input_tokens, own.output_tokens) + "\n";
        HttpResult result = http.Post("/api/v1/events", body, "application/x-ndjson");
        auto ack = integration::ParseIngestAck(result.body);
        std::lock_guard lock(tally.mutex);
        if (result.status == 200 && ack && ack->accepted + ack->duplicates == static_cast<int64_t>(kPrefixEvents + 1)) {
          own.fate = Fate::kAcked;
          ++tally.ok;
        } else if (result.status == 503 || result.status == 429) {
          own.fate = Fate::kRefused;
          ++tally.shed;
          auto error = integration::ParseErrorBody(result.body);
          if (result.Header("retry-after").empty() || !error || error->code != "overloaded") {
            tally.errors.push_back("a shed request without Retry-After or code overloaded: " + result.Describe());
          }
        } else if (result.status == 0) {
          own.fate = Fate::kUnknown;
          ++tally.no_answer;
        } else {
          own.fate = Fate::kRefused;
          tally.errors.push_back(result.Describe());
        }
        own_[connection_idx].push_back(std::move(own));
      }
    });
  }
  // Health answers throughout; resident memory is sampled as a cross-check of VmHWM.
  int health_checks = 0;
  double slowest_health_ms = 0;
  int64_t max_rss_kb = idle_kb;
  std::thread monitor([&] {
    HttpClient http(server_->port(), 10s);
    while (!done.load()) {
      max_rss_kb = std::max(max_rss_kb, ProcStatusKb(pid, "VmRSS"));
      const auto asked = std::chrono::steady_clock::now();
      HttpResult health = http.Get("/api/health");
      slowest_health_ms = std::max(
          slowest_health_ms, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - asked).count());
      ++health_checks;
      if (health.status != 200) {
        std::lock_guard lock(tally.mutex);
        tally.errors.push_back("GET /api/health under load: " + health.Describe());
      }
      std::this_thread::sleep_for(100ms);
    }
  });
  for (std::thread& thread : threads) thread.join();
  done = true;
  monitor.join();

  const int64_t peak_kb = ProcStatusKb(pid, "VmHWM");
  std::cout << "[ overload ] --max-inflight " << budget << ": " << tally.ok << " × 200, " << tally.shed
            << " × 503/429, " << tally.no_answer << " without answer; RSS idle " << idle_kb / 1024 << " MiB, peak "
            << peak_kb / 1024 << " MiB (sampled max " << max_rss_kb / 1024 << " MiB); " << health_checks
            << " health checks, slowest " << slowest_health_ms << " ms\n";
  ASSERT_TRUE(tally.errors.empty()) << tally.errors.size() << " bad answers, e.g. " << tally.errors.front();
  EXPECT_GT(tally.ok, 0) << "no request got through";
  EXPECT_GT(tally.shed, 0) << "the load was not heavy enough to be shed";
  EXPECT_EQ(tally.no_answer, 0) << "shedding must answer, not drop connections";
  EXPECT_GT(health_checks, 5);
  if (budget == std::to_string(kBudgetBytes) && kRssIsMeaningful) {
    EXPECT_LE((peak_kb - idle_kb) * 1024, kBudgetBytes + kSlackBytes)
        << "resident memory grew by " << (peak_kb - idle_kb) / 1024 << " MiB under overload";
  }

  // Every 200 is durable.
  server_->Kill();
  ASSERT_TRUE(server_->Start());
  std::vector<const Batch*> ledger;
  for (const Batch& prefix : prefixes_) ledger.push_back(&prefix);
  for (const auto& batches : own_) {
    for (const Batch& batch : batches) ledger.push_back(&batch);
  }
  auto contents = Contents();
  ASSERT_TRUE(contents.has_value());
  EXPECT_TRUE(MatchesLedger(*contents, ledger));
}

}  // namespace
}  // namespace mltrack::fault
