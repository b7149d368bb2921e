// input_hash through the real binary (issue 11): ingest with a 400 naming the field for a bad
// one, group-by and filters in /api/v1/query, the events search's filter and answer, WAL replay
// across a restart, and OTLP's mltrack.input_hash attribute.
#include <gtest/gtest.h>

#include "otlp_export_builder.h"
#include "test_support.h"

namespace mltrack::integration {
namespace {

std::string HashedEvent(const std::string& id, const std::string& hash) {
  return R"({"id":")" + id + R"(","ts":"2026-01-01T00:00:00Z","model":"gpt-4o-mini","input_hash":")" + hash + R"("})";
}

class InputHashTest : public IntegrationTest {
 protected:
  void ExpectGroups() {
    auto table = QueryTableOf(R"("group_by":["input_hash"],"metrics":["count"],"order_by":[{"column":"count","dir":"desc"}])");
    ASSERT_TRUE(table);
    ASSERT_EQ(table->rows.size(), 2u);
    EXPECT_EQ(table->Cell(0, "input_hash"), "a1b2");
    EXPECT_EQ(table->Cell(0, "count"), "2");
    EXPECT_EQ(table->Cell(1, "input_hash"), "c3d4");
    EXPECT_EQ(table->Cell(1, "count"), "1");
  }
};

TEST_F(InputHashTest, StoredQueriedSearchedAndReplayed) {
  StartServer();
  HttpResult bad = Ingest(JsonArray({HashedEvent("ok", "a1b2"), HashedEvent("bad", "has space")}));
  ASSERT_EQ(bad.status, 400) << bad.Describe();
  std::optional<ErrorBody> error = ParseErrorBody(bad.body);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "invalid_event");
  EXPECT_TRUE(error->NamesField("input_hash")) << bad.body;
  EXPECT_EQ(CountEvents(), 0);  // nothing of the batch

  HttpResult good = Ingest(JsonArray({HashedEvent("e1", "a1b2"), HashedEvent("e2", "a1b2"), HashedEvent("e3", "c3d4")}));
  ASSERT_EQ(good.status, 200) << good.Describe();
  ExpectGroups();
  auto filtered = QueryTableOf(R"("filters":[{"field":"input_hash","op":"eq","value":"c3d4"}],"metrics":["count"])");
  ASSERT_TRUE(filtered);
  EXPECT_EQ(filtered->Cell(0, "count"), "1");

  HttpResult search = client().Post("/api/v1/events/search", std::string("{") + kQueryRange +
                                                                 R"(,"filters":[{"field":"input_hash","op":"eq","value":"a1b2"}]})");
  ASSERT_EQ(search.status, 200) << search.Describe();
  EXPECT_NE(search.body.find(R"("input_hash":"a1b2")"), std::string::npos) << search.body;
  EXPECT_EQ(search.body.find(R"("input_hash":"c3d4")"), std::string::npos) << search.body;

  ASSERT_EQ(server_->Terminate(), 0) << server_->LogTail();
  ASSERT_TRUE(server_->Restart());
  ExpectGroups();
}

TEST_F(InputHashTest, OtlpSpansCarryItAsMltrackInputHash) {
  StartServer();
  mltrack::testing::OtlpSpanSpec span = mltrack::testing::ChatSpan("gpt-4o-mini", 100, 20);
  span.start_ns = static_cast<uint64_t>(NowMs() - 3'600'000) * 1'000'000;
  span.end_ns = span.start_ns + 1'000'000'000;
  span.attributes.push_back({"mltrack.input_hash", std::string("otel-hash-1")});
  HttpResult stored = client().Post("/v1/traces", mltrack::testing::OtlpExportJson({{{}, {span}}}), "application/json");
  ASSERT_EQ(stored.status, 200) << stored.Describe();
  auto table = QueryTableOf(R"("group_by":["input_hash"],"metrics":["count"])");
  ASSERT_TRUE(table);
  ASSERT_EQ(table->rows.size(), 1u);
  EXPECT_EQ(table->Cell(0, "input_hash"), "otel-hash-1");

  span.attributes.back().value = std::string("bad hash");
  HttpResult refused = client().Post("/v1/traces", mltrack::testing::OtlpExportJson({{{}, {span}}}), "application/json");
  EXPECT_EQ(refused.status, 400) << refused.Describe();
  EXPECT_NE(refused.body.find("mltrack.input_hash"), std::string::npos) << refused.body;
}

}  // namespace
}  // namespace mltrack::integration
