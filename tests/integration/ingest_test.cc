// Ingest and read back through the real binary: the three body formats, idempotent retries,
// and a graceful SIGTERM shutdown (DESIGN.md §5–§7, docs/api.md).
#include <gtest/gtest.h>

#include "test_support.h"

namespace mltrack::integration {
namespace {

class IngestTest : public IntegrationTest {};

TEST_F(IngestTest, HealthAndRoutingBasics) {
  StartServer();
  HttpResult health = client().Get("/api/health");
  ASSERT_EQ(health.status, 200) << health.Describe();
  EXPECT_NE(health.body.find(R"("status")"), std::string::npos) << health.body;
  EXPECT_EQ(health.Header("content-type").rfind("application/json", 0), 0u);

  HttpResult missing = client().Get("/api/v1/no-such-route");
  EXPECT_EQ(missing.status, 404) << missing.Describe();
  auto error = ParseErrorBody(missing.body);
  ASSERT_TRUE(error.has_value()) << missing.body;
  EXPECT_EQ(error->code, "not_found");

  HttpResult wrong_method = client().Get("/api/v1/events");
  EXPECT_EQ(wrong_method.status, 405) << wrong_method.Describe();
  EXPECT_NE(wrong_method.Header("allow").find("POST"), std::string::npos);

  HttpResult root = client().Get("/");
  EXPECT_EQ(root.status, 200) << root.Describe();
  EXPECT_EQ(root.Header("content-type").rfind("text/html", 0), 0u) << root.Header("content-type");
}

TEST_F(IngestTest, ObjectArrayAndNdjsonBatchesAreCountedByQuery) {
  StartServer();
  ASSERT_EQ(CountEvents(), 0);  // an empty store still answers one row

  HttpResult single = Ingest(EventJson("obj-1", "gpt-4o"));
  ASSERT_EQ(single.status, 200) << single.Describe();
  auto ack = ParseIngestAck(single.body);
  ASSERT_TRUE(ack.has_value()) << single.body;
  EXPECT_EQ(ack->accepted, 1);
  EXPECT_EQ(ack->duplicates, 0);

  HttpResult array = Ingest(JsonArray({EventJson("arr-1", "gpt-4o"), EventJson("arr-2"), EventJson("arr-3")}));
  ASSERT_EQ(array.status, 200) << array.Describe();
  ack = ParseIngestAck(array.body);
  ASSERT_TRUE(ack.has_value()) << array.body;
  EXPECT_EQ(ack->accepted, 3);
  EXPECT_EQ(ack->duplicates, 0);

  HttpResult ndjson =
      Ingest(Ndjson({EventJson("nd-1"), EventJson("nd-2"), EventJson("nd-3"), EventJson("nd-4")}), "application/x-ndjson");
  ASSERT_EQ(ndjson.status, 200) << ndjson.Describe();
  ack = ParseIngestAck(ndjson.body);
  ASSERT_TRUE(ack.has_value()) << ndjson.body;
  EXPECT_EQ(ack->accepted, 4);

  EXPECT_EQ(CountEvents(), 8);
  // Grouped by model: 2 × gpt-4o, 6 × gpt-4o-mini.
  auto by_model = QueryTableOf(R"("group_by":["model"],"metrics":["count","uniq:tags.cid"],)"
                               R"("order_by":[{"metric":"count","dir":"desc"}])");
  ASSERT_TRUE(by_model.has_value());
  ASSERT_EQ(by_model->rows.size(), 2u);
  EXPECT_EQ(by_model->Cell(0, "model"), "gpt-4o-mini");
  EXPECT_EQ(by_model->Cell(0, "count"), "6");
  EXPECT_EQ(by_model->Cell(0, "uniq:tags.cid"), "6");
  EXPECT_EQ(by_model->Cell(1, "model"), "gpt-4o");
  EXPECT_EQ(by_model->Cell(1, "count"), "2");
  EXPECT_EQ(CountById("arr-2"), 1);
  EXPECT_EQ(CountById("never-sent"), 0);
}

TEST_F(IngestTest, RetriedBatchIsStoredOnce) {
  StartServer();
  const std::string batch = JsonArray({EventJson("retry-1"), EventJson("retry-2"), EventJson("retry-3")});
  HttpResult first = Ingest(batch);
  ASSERT_EQ(first.status, 200) << first.Describe();
  HttpResult second = Ingest(batch);
  ASSERT_EQ(second.status, 200) << second.Describe();
  auto ack = ParseIngestAck(second.body);
  ASSERT_TRUE(ack.has_value()) << second.body;
  EXPECT_EQ(ack->accepted, 0);
  EXPECT_EQ(ack->duplicates, 3);
  EXPECT_EQ(CountEvents(), 3);

  // Partly new: only the new one is stored.
  HttpResult mixed = Ingest(JsonArray({EventJson("retry-3"), EventJson("retry-4")}));
  ASSERT_EQ(mixed.status, 200) << mixed.Describe();
  ack = ParseIngestAck(mixed.body);
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->accepted, 1);
  EXPECT_EQ(ack->duplicates, 1);

  // The same id twice inside one batch is stored once.
  HttpResult doubled = Ingest(JsonArray({EventJson("retry-5"), EventJson("retry-5")}));
  ASSERT_EQ(doubled.status, 200) << doubled.Describe();
  ack = ParseIngestAck(doubled.body);
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->accepted, 1);
  EXPECT_EQ(ack->duplicates, 1);
  EXPECT_EQ(CountEvents(), 5);
  EXPECT_EQ(CountById("retry-5"), 1);
}

TEST_F(IngestTest, RetriesAreStillDuplicatesAfterRestart) {
  StartServer();
  const std::string batch = Ndjson({EventJson("r-1"), EventJson("r-2")});
  ASSERT_EQ(Ingest(batch, "application/x-ndjson").status, 200);
  ASSERT_TRUE(server_->Restart());
  HttpResult again = Ingest(batch, "application/x-ndjson");
  ASSERT_EQ(again.status, 200) << again.Describe();
  auto ack = ParseIngestAck(again.body);
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->duplicates, 2);
  EXPECT_EQ(CountEvents(), 2);
}

// `--workers N` sets the handler threads: one worker still ingests and answers queries (one at
// a time); 0 is refused at start.
TEST_F(IngestTest, WorkersFlagSetsHandlerThreadsAndRejectsZero) {
  StartServer({"--workers", "1"});
  HttpResult result = Ingest(JsonArray({EventJson("w-1"), EventJson("w-2"), EventJson("w-3")}));
  ASSERT_EQ(result.status, 200) << result.Describe();
  EXPECT_EQ(CountEvents(), 3);

  ServerProcess refused(temp_.path() / "refused", temp_.path() / "refused.log", {"--workers", "0"});
  EXPECT_FALSE(refused.Start());
  EXPECT_NE(refused.LogTail().find("--workers must be a number"), std::string::npos) << refused.LogTail();
}

TEST_F(IngestTest, SigtermExitsZeroAndKeepsData) {
  StartServer();
  std::vector<std::string> events;
  for (int event_idx = 0; event_idx < 50; ++event_idx) events.push_back(EventJson("term-" + std::to_string(event_idx)));
  HttpResult result = Ingest(JsonArray(events));
  ASSERT_EQ(result.status, 200) << result.Describe();

  EXPECT_EQ(server_->Terminate(), 0) << server_->LogTail();
  EXPECT_FALSE(server_->running());
  ASSERT_TRUE(server_->Start());
  EXPECT_EQ(CountEvents(), 50);
  EXPECT_EQ(CountById("term-49"), 1);
}

}  // namespace
}  // namespace mltrack::integration
