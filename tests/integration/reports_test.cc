// Saved reports through the real binary: a report is created, survives kill -9, is renamed and
// deleted (docs/api.md, docs/reports_format.md); a bad report is a 400 naming the field and
// stores nothing; `serve --demo` saves its example reports once, and each runs as a query.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "test_support.h"

namespace mltrack::integration {
namespace {

class ReportsTest : public IntegrationTest {
 protected:
  // The reports GET /api/v1/reports lists, as (id, name).
  std::vector<std::pair<int64_t, std::string>> List() {
    HttpResult result = client().Get("/api/v1/reports");
    EXPECT_EQ(result.status, 200) << result.Describe();
    std::vector<std::pair<int64_t, std::string>> out;
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(result.body).get(root) != simdjson::SUCCESS) {
      ADD_FAILURE() << result.body;
      return out;
    }
    for (simdjson::dom::element item : root["reports"].get_array()) {
      out.emplace_back(int64_t(item["id"]), std::string(std::string_view(item["name"])));
    }
    return out;
  }

  void ExpectBadRequestNaming(const HttpResult& result, const std::string& field) {
    EXPECT_EQ(result.status, 400) << result.Describe();
    auto error = ParseErrorBody(result.body);
    ASSERT_TRUE(error.has_value()) << result.body;
    EXPECT_TRUE(error->NamesField(field)) << result.body;
  }
};

TEST_F(ReportsTest, CreateSurvivesKillNineThenRenameAndDelete) {
  StartServer();
  const auto at = [](int hours_ago) { return Rfc3339(NowMs() - hours_ago * 3'600'000LL); };
  ASSERT_EQ(Ingest(R"([{"ts": ")" + at(1) + R"(", "model": "gpt-4o", "input_tokens": 10, "output_tokens": 5},
                       {"ts": ")" + at(2) + R"(", "model": "gpt-4o-mini", "input_tokens": 3, "output_tokens": 1},
                       {"ts": ")" + at(3) + R"(", "model": "gpt-4o", "input_tokens": 7, "output_tokens": 2}])")
                .status,
            200);
  const std::string spec = R"({"from": "now-1d", "to": "now", "group_by": ["model"], "metrics": ["count"],
                               "order_by": [{"metric": "count", "dir": "desc"}]})";
  HttpResult created = client().Post("/api/v1/reports", R"({"name": "Calls per model", "chart": "bar", "spec": )" + spec + "}");
  ASSERT_EQ(created.status, 201) << created.Describe();
  simdjson::dom::parser parser;
  simdjson::dom::element report = parser.parse(created.body);
  EXPECT_EQ(int64_t(report["id"]), 1);
  EXPECT_EQ(std::string_view(report["chart"]), "bar");
  EXPECT_EQ(std::string_view(report["spec"]["from"]), "now-1d");  // kept relative

  ExpectBadRequestNaming(client().Post("/api/v1/reports", R"({"name": "x", "chart": "bar", "spec": {"metrics": ["sum:colour"]}})"),
                         "spec.metrics[0]");
  ExpectBadRequestNaming(client().Post("/api/v1/reports", R"({"name": "", "chart": "bar", "spec": {"metrics": ["count"]}})"), "name");
  ExpectBadRequestNaming(client().Request("PUT", "/api/v1/reports/1", R"({"chart": "donut"})", "application/json"), "chart");
  ExpectBadRequestNaming(client().Get("/api/v1/reports/abc"), "id");

  server_->Kill();  // SIGKILL right after the acknowledged changes
  ASSERT_TRUE(server_->Restart());
  auto listed = List();
  ASSERT_EQ(listed.size(), 1u);  // the bad ones stored nothing
  EXPECT_EQ(listed[0], std::make_pair(int64_t{1}, std::string("Calls per model")));

  // The saved spec, run as it is, answers the query.
  HttpResult got = client().Get("/api/v1/reports/1");
  ASSERT_EQ(got.status, 200) << got.Describe();
  simdjson::dom::parser got_parser;
  simdjson::dom::element saved = got_parser.parse(got.body);
  HttpResult ran = client().Post("/api/v1/query", std::string(simdjson::minify(saved["spec"])));
  ASSERT_EQ(ran.status, 200) << ran.Describe();
  simdjson::dom::parser ran_parser;
  simdjson::dom::element table = ran_parser.parse(ran.body);
  simdjson::dom::array rows = table["rows"];
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(std::string_view(rows.at(0).at(0)), "gpt-4o");
  EXPECT_EQ(int64_t(rows.at(0).at(1)), 2);

  HttpResult renamed = client().Request("PUT", "/api/v1/reports/1", R"({"name": "Calls by model"})", "application/json");
  ASSERT_EQ(renamed.status, 200) << renamed.Describe();
  ASSERT_EQ(server_->Terminate(), 0);
  ASSERT_TRUE(server_->Start());
  listed = List();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].second, "Calls by model");

  EXPECT_EQ(client().Request("DELETE", "/api/v1/reports/1", "", "application/json").status, 204);
  EXPECT_EQ(client().Request("DELETE", "/api/v1/reports/1", "", "application/json").status, 404);
  EXPECT_EQ(client().Get("/api/v1/reports/1").status, 404);
  server_->Kill();
  ASSERT_TRUE(server_->Restart());
  EXPECT_TRUE(List().empty());
  HttpResult next = client().Post("/api/v1/reports", R"({"name": "Again", "chart": "table", "spec": {"metrics": ["count"]}})");
  ASSERT_EQ(next.status, 201) << next.Describe();
  simdjson::dom::parser next_parser;
  EXPECT_EQ(int64_t(next_parser.parse(next.body)["id"]), 2);  // ids are never reused
}

TEST_F(ReportsTest, DemoSavesItsExampleReportsOnceAndEachRuns) {
  StartServer({"--demo", "--demo-events", "20000"});
  auto listed = List();
  ASSERT_EQ(listed.size(), 3u);
  for (const auto& [id, name] : listed) {
    HttpResult got = client().Get("/api/v1/reports/" + std::to_string(id));
    ASSERT_EQ(got.status, 200) << got.Describe();
    simdjson::dom::parser parser;
    simdjson::dom::element saved = parser.parse(got.body);
    HttpResult ran = client().Post("/api/v1/query", std::string(simdjson::minify(saved["spec"])));
    ASSERT_EQ(ran.status, 200) << name << ": " << ran.Describe();
    simdjson::dom::parser ran_parser;
    EXPECT_GT(simdjson::dom::array(ran_parser.parse(ran.body)["rows"]).size(), 1u) << name;
  }
  ASSERT_EQ(server_->Terminate(), 0);
  ASSERT_TRUE(server_->Start());
  EXPECT_EQ(List().size(), 3u);
}

}  // namespace
}  // namespace mltrack::integration
