// A store written by an older binary (segment format version 2, tests/fixtures/store-v2) opens
// with this one and gives the answers the older binary gave; new events go in beside the old
// ones, and both survive a restart (which may compact the old segments into the current format).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "test_support.h"

namespace mltrack::integration {
namespace {

namespace fs = std::filesystem;

class OlderStoreTest : public IntegrationTest {
 protected:
  void CopyFixture() {
    const fs::path fixture = fs::path(MLTRACK_SOURCE_DIR) / "tests" / "fixtures" / "store-v2";
    ASSERT_TRUE(fs::exists(fixture / "segments" / "MANIFEST")) << fixture;
    fs::copy(fixture, temp_.path() / "data", fs::copy_options::recursive);
    fs::remove(temp_.path() / "data" / "README.md");
  }

  // The answers of the binary that wrote the fixture, plus `added` events of trace "trace-100"
  // sent by this test (priced at 0: unknown model).
  void ExpectFixtureAnswers(int added) {
    auto totals = QueryTableOf(
        R"("metrics":["count","sum:cost_usd","uniq:trace_id","count:trace_id","uniq:run_id","uniq:user"])");
    ASSERT_TRUE(totals.has_value());
    EXPECT_EQ(totals->Cell(0, "count"), std::to_string(5039 + added));
    EXPECT_EQ(totals->Cell(0, "sum:cost_usd"), "27.023370105");
    EXPECT_EQ(totals->Cell(0, "uniq:trace_id"), "3017");
    EXPECT_EQ(totals->Cell(0, "count:trace_id"), std::to_string(5039 + added));
    EXPECT_EQ(totals->Cell(0, "uniq:run_id"), "505");

    auto by_model = QueryTableOf(R"("group_by":["model"],"metrics":["count","sum:cost_usd"],)"
                                 R"("filters":[{"field":"user","op":"ne","value":"older-store-test"}],)"
                                 R"("order_by":[{"column":"model","dir":"asc"}])");
    ASSERT_TRUE(by_model.has_value());
    ASSERT_EQ(by_model->rows.size(), 17u);
    EXPECT_EQ(by_model->Cell(0, "model"), "acme-llama-3.3-70b-ft");
    EXPECT_EQ(by_model->Cell(0, "count"), "149");
    EXPECT_EQ(by_model->Cell(3, "model"), "claude-sonnet-4-5-20250929");
    EXPECT_EQ(by_model->Cell(3, "sum:cost_usd"), "11.30261145");
    EXPECT_EQ(by_model->Cell(10, "model"), "gpt-4o-mini");
    EXPECT_EQ(by_model->Cell(10, "count"), "1033");
    EXPECT_EQ(by_model->Cell(10, "sum:cost_usd"), "0.430574325");

    auto trace = QueryTableOf(R"("filters":[{"field":"trace_id","op":"eq","value":"trace-100"}],"metrics":["count"])");
    ASSERT_TRUE(trace.has_value());
    EXPECT_EQ(trace->Cell(0, "count"), std::to_string(2 + added));

    auto env = QueryTableOf(R"("group_by":["tags.env"],"metrics":["count"],)"
                            R"("filters":[{"field":"user","op":"ne","value":"older-store-test"}],)"
                            R"("order_by":[{"column":"tags.env","dir":"asc"}])");
    ASSERT_TRUE(env.has_value());
    ASSERT_EQ(env->rows.size(), 2u);
    EXPECT_EQ(env->Cell(0, "count"), "4305");
    EXPECT_EQ(env->Cell(1, "count"), "734");
  }
};

TEST_F(OlderStoreTest, OpensAnswersAndTakesNewEvents) {
  CopyFixture();
  StartServer();
  ExpectFixtureAnswers(0);

  const std::string event = R"({"id":"new-1","ts":"2026-01-01T00:00:00Z","model":"not-in-the-catalogue",)"
                            R"("user":"older-store-test","trace_id":"trace-100","cost_usd":0,"input_hash":"abc123"})";
  const std::string second = R"({"id":"new-2","ts":"2026-01-01T00:00:01Z","model":"not-in-the-catalogue",)"
                             R"("user":"older-store-test","trace_id":"trace-100","cost_usd":0,"input_hash":"abc123"})";
  HttpResult ingest = Ingest(JsonArray({event, second}));
  ASSERT_EQ(ingest.status, 200) << ingest.Describe();
  ExpectFixtureAnswers(2);

  ASSERT_EQ(server_->Terminate(), 0) << server_->LogTail();
  ASSERT_TRUE(server_->Restart());
  ExpectFixtureAnswers(2);
  // input_hash, a field the older binary did not have: absent on its rows, present on the new ones.
  auto by_hash = QueryTableOf(R"("group_by":["input_hash"],"metrics":["count"],)"
                              R"("order_by":[{"column":"count","dir":"desc"}])");
  ASSERT_TRUE(by_hash.has_value());
  ASSERT_EQ(by_hash->rows.size(), 2u);
  EXPECT_EQ(by_hash->Cell(0, "count"), "5039");
  EXPECT_EQ(by_hash->Cell(0, "input_hash"), "null");
  EXPECT_EQ(by_hash->Cell(1, "input_hash"), "abc123");
  EXPECT_EQ(by_hash->Cell(1, "count"), "2");
  HttpResult health = client().Get("/api/health");
  ASSERT_EQ(health.status, 200) << health.Describe();
  EXPECT_EQ(health.body.find("corrupt"), std::string::npos) << health.body;
}

}  // namespace
}  // namespace mltrack::integration
