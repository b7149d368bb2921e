// Distinct tag keys and score names (issue 18, defect 1): a careless client that puts an id into
// a tag key ("t<id>": "v") used to cost ~20 KiB per key (a dense column per key and block) and
// ~32 KiB per score name, until the kernel killed the server, which then could not replay its
// log. 100,000 distinct tag keys and 20,000 distinct score names are sent, 1,000 events a batch,
// each event with a key of its own. What must hold:
//  - batches within --max-tag-keys (10,000 here, the default) are stored; each batch that would
//    pass the cap gets a 400 that names the field (tags.<key> / scores.<name>) and the cap, and
//    stores nothing;
//  - the server's peak resident memory stays within its idle size + kAllowanceBytes (bytes, not
//    kilobytes, per key);
//  - after kill -9 the server replays the log within the same memory and serves every stored
//    event, key and score name.
#include <iostream>
#include <string>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "fault_support.h"

namespace mltrack::fault {
namespace {

constexpr int kCap = 10'000;
constexpr int kBatchEvents = 1'000;
constexpr int kTagKeys = 100'000;
constexpr int kScoreNames = 20'000;
// Accepted keys cost ~1 KiB each here (dictionaries, sparse columns, 10k events); the rest is
// decoding a 100 KiB batch. Dense columns per key needed over 200 MiB for 10,000 keys.
constexpr int64_t kAllowanceBytes = 64 << 20;

class TagKeyLimitTest : public FaultTest {
 protected:
  // One batch of events "<prefix>-<n>", each with tag key / score name "<prefix><n>".
  static std::string Batch(const std::string& prefix, int first, bool scores) {
    std::string body = "[";
    for (int idx = first; idx < first + kBatchEvents; ++idx) {
      if (idx > first) body += ",";
      const std::string name = prefix + std::to_string(idx);
      body += R"({"id":")" + prefix + "-" + std::to_string(idx) + R"(","ts":"2026-01-01T00:00:00Z","model":"gpt-4o-mini",)";
      body += scores ? R"("scores":{")" + name + R"(":0.5}})" : R"("tags":{")" + name + R"(":"v"}})";
    }
    return body + "]";
  }

  // Sends `total` distinct keys; returns how many batches were stored. Every refusal must be a
  // 400 naming `field_prefix`<key> and the cap.
  int SendKeys(const std::string& prefix, int total, bool scores) {
    int stored = 0;
    for (int first = 0; first < total; first += kBatchEvents) {
      integration::HttpResult result = Ingest(Batch(prefix, first, scores));
      if (result.status == 200) {
        ++stored;
        continue;
      }
      EXPECT_EQ(result.status, 400) << result.Describe();
      std::optional<integration::ErrorBody> error = integration::ParseErrorBody(result.body);
      EXPECT_TRUE(error.has_value()) << result.Describe();
      if (!error) continue;
      EXPECT_EQ(error->code, "invalid_event");
      EXPECT_NE(error->message.find(std::to_string(kCap)), std::string::npos) << error->message;
      EXPECT_NE(error->message.find("--max-tag-keys"), std::string::npos) << error->message;
      EXPECT_EQ(error->details.size(), 1u) << result.body;
      if (error->details.empty()) continue;
      EXPECT_EQ(error->details[0].field.rfind(scores ? "scores." + prefix : "tags." + prefix, 0), 0u)
          << error->details[0].field;
    }
    return stored;
  }

  int64_t FieldCount(const char* list) {
    integration::HttpResult fields = client().Get("/api/v1/fields");
    EXPECT_EQ(fields.status, 200) << fields.Describe();
    simdjson::dom::parser parser;
    simdjson::dom::array items;
    if (parser.parse(fields.body)[list].get(items) != simdjson::SUCCESS) return -1;
    return static_cast<int64_t>(items.size());
  }
};

TEST_F(TagKeyLimitTest, DistinctKeysAreCappedCostBytesAndReplay) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--max-body", "8MiB"}));
  const int64_t idle_kb = ProcStatusKb(server_->pid(), "VmRSS");
  ASSERT_GT(idle_kb, 0);

  // "env" is not sent, so the cap counts exactly the keys of these batches.
  EXPECT_EQ(SendKeys("t", kTagKeys, /*scores=*/false), kCap / kBatchEvents);
  EXPECT_EQ(SendKeys("s", kScoreNames, /*scores=*/true), kCap / kBatchEvents);
  const int64_t stored = 2 * kCap;
  EXPECT_EQ(CountEvents(), stored);
  EXPECT_EQ(FieldCount("tag_keys"), kCap);
  EXPECT_EQ(FieldCount("score_names"), kCap);

  const int64_t peak_kb = ProcStatusKb(server_->pid(), "VmHWM");
  std::cout << "[ keys     ] " << kTagKeys << " tag keys and " << kScoreNames << " score names sent: RSS idle "
            << idle_kb / 1024 << " MiB, peak " << peak_kb / 1024 << " MiB\n";
  if (kRssIsMeaningful) {
    EXPECT_LT((peak_kb - idle_kb) * 1024, kAllowanceBytes)
        << "idle " << idle_kb << " kB, peak " << peak_kb << " kB while sending " << kTagKeys << " keys";
  }

  // Whatever was accepted comes back from the log, within the same memory.
  server_->Kill();
  ASSERT_TRUE(server_->Restart()) << server_->LogTail();
  const int64_t replay_peak_kb = ProcStatusKb(server_->pid(), "VmHWM");
  std::cout << "[ replay   ] after kill -9: peak " << replay_peak_kb / 1024 << " MiB\n";
  if (kRssIsMeaningful) {
    EXPECT_LT(replay_peak_kb * 1024, idle_kb * 1024 + kAllowanceBytes) << "replay peak " << replay_peak_kb << " kB";
  }
  EXPECT_EQ(CountEvents(), stored);
  EXPECT_EQ(FieldCount("tag_keys"), kCap);
  EXPECT_EQ(FieldCount("score_names"), kCap);
  std::optional<integration::QueryTable> table =
      QueryTableOf(R"("filters":[{"field":"tags.t9999","op":"eq","value":"v"}],"metrics":["count"])");
  ASSERT_TRUE(table.has_value());
  EXPECT_EQ(table->Cell(0, "count"), "1");
  table = QueryTableOf(R"("metrics":["count:scores.s9999","avg:scores.s9999"])");
  ASSERT_TRUE(table.has_value());
  EXPECT_EQ(table->Cell(0, "count:scores.s9999"), "1");
  EXPECT_EQ(table->Cell(0, "avg:scores.s9999"), "0.5");
  // A key past the cap is still refused after the restart; known keys are still accepted.
  integration::HttpResult known = Ingest(R"({"ts":"2026-01-01T00:00:00Z","model":"m","tags":{"t5":"w"}})");
  EXPECT_EQ(known.status, 200) << known.Describe();
  integration::HttpResult fresh = Ingest(R"({"ts":"2026-01-01T00:00:00Z","model":"m","tags":{"new-key":"w"}})");
  EXPECT_EQ(fresh.status, 400) << fresh.Describe();
}

}  // namespace
}  // namespace mltrack::fault
