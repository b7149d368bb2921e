// Annotations and the Performance dashboard through the real binary: annotations are durable
// across kill -9 (docs/annotations_format.md), a damaged file stops the server instead of being
// overwritten, `serve --demo` records the demo's annotations once, and the dashboard answers
// with the events and annotations of its range (docs/api.md).
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "test_support.h"

namespace mltrack::integration {
namespace {

class AnnotationsTest : public IntegrationTest {
 protected:
  // The annotations GET /api/v1/annotations lists, as (id, kind, text).
  std::vector<std::tuple<int64_t, std::string, std::string>> List() {
    HttpResult result = client().Get("/api/v1/annotations");
    EXPECT_EQ(result.status, 200) << result.Describe();
    std::vector<std::tuple<int64_t, std::string, std::string>> out;
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(result.body).get(root) != simdjson::SUCCESS) {
      ADD_FAILURE() << result.body;
      return out;
    }
    for (simdjson::dom::element item : root["annotations"].get_array()) {
      out.emplace_back(int64_t(item["id"]), std::string(std::string_view(item["kind"])),
                       std::string(std::string_view(item["text"])));
    }
    return out;
  }

  int64_t Create(const std::string& body) {
    HttpResult result = client().Post("/api/v1/annotations", body);
    EXPECT_EQ(result.status, 201) << result.Describe();
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(result.body).get(root) != simdjson::SUCCESS) return -1;
    return int64_t(root["id"]);
  }
};

TEST_F(AnnotationsTest, SurviveKillNineAndIdsAreNotReused) {
  StartServer();
  const std::string ts = Rfc3339(NowMs() - 3'600'000);
  EXPECT_EQ(Create(R"({"ts": ")" + ts + R"(", "text": "Gateway v2.14", "kind": "deploy", "scope": {"field": "provider", "value": "anthropic"}})"), 1);
  EXPECT_EQ(Create(R"({"ts": "now-30m", "end": "now", "text": "Overloaded", "kind": "incident"})"), 2);
  HttpResult bad = client().Post("/api/v1/annotations", R"({"ts": "now", "text": "x", "kind": "outage"})");
  EXPECT_EQ(bad.status, 400) << bad.Describe();
  auto error = ParseErrorBody(bad.body);
  ASSERT_TRUE(error.has_value()) << bad.body;
  EXPECT_EQ(error->code, "invalid_annotation");
  EXPECT_TRUE(error->NamesField("kind")) << bad.body;
  EXPECT_EQ(client().Request("DELETE", "/api/v1/annotations/2", "", "application/json").status, 204);

  server_->Kill();  // SIGKILL right after the acknowledged changes
  ASSERT_TRUE(server_->Restart());
  auto listed = List();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0], std::make_tuple(int64_t{1}, std::string("deploy"), std::string("Gateway v2.14")));
  EXPECT_EQ(Create(R"({"ts": "now", "text": "Rollback", "kind": "deploy"})"), 3);
  EXPECT_EQ(client().Request("DELETE", "/api/v1/annotations/2", "", "application/json").status, 404);
}

TEST_F(AnnotationsTest, ADamagedFileStopsTheServerAndIsKept) {
  StartServer();
  Create(R"({"ts": "now", "text": "deploy", "kind": "deploy"})");
  ASSERT_EQ(server_->Terminate(), 0);
  const std::filesystem::path file = server_->data_dir() / "ANNOTATIONS";
  std::string text;
  {
    std::ifstream in(file, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_NE(text.find("deploy"), std::string::npos);
  text[text.find("deploy")] = 'X';
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
  }
  EXPECT_FALSE(server_->Start());
  EXPECT_NE(server_->LogTail().find("ANNOTATIONS"), std::string::npos) << server_->LogTail();
  std::ifstream again(file, std::ios::binary);
  std::string after((std::istreambuf_iterator<char>(again)), {});
  EXPECT_EQ(after, text);  // refused, not rewritten
}

TEST_F(AnnotationsTest, DemoRecordsADeployBeforeTheIncidentOnce) {
  StartServer({"--demo", "--demo-events", "20000"});
  auto listed = List();
  ASSERT_EQ(listed.size(), 5u);
  HttpResult all = client().Get("/api/v1/annotations");
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(all.body);
  int64_t incident = -1, incident_end = -1, deploy_before = -1;
  for (simdjson::dom::element item : root["annotations"].get_array()) {
    std::string_view kind = item["kind"];
    if (kind == "incident") {
      incident = int64_t(item["ts"]);
      incident_end = int64_t(item["end"]);
    }
  }
  for (simdjson::dom::element item : root["annotations"].get_array()) {
    if (std::string_view(item["kind"]) == "deploy" && int64_t(item["ts"]) < incident) deploy_before = int64_t(item["ts"]);
  }
  EXPECT_EQ(incident_end - incident, 2 * 3'600'000);
  EXPECT_GT(deploy_before, incident - 3'600'000);

  // The dashboard over the incident's days shows both, with the demo's events.
  HttpResult performance = client().Get("/api/analytics/performance?from=now-7d&to=now");
  ASSERT_EQ(performance.status, 200) << performance.Describe();
  simdjson::dom::parser dashboard_parser;
  simdjson::dom::element dashboard = dashboard_parser.parse(performance.body);
  EXPECT_GT(int64_t(dashboard["total_events"]), 0);
  EXPECT_EQ(std::string_view(dashboard["range"]["bucket"]), "1h");
  bool saw_incident = false;
  for (simdjson::dom::element item : dashboard["annotations"].get_array()) {
    saw_incident |= std::string_view(item["kind"]) == "incident";
  }
  EXPECT_TRUE(saw_incident) << performance.body.substr(0, 400);

  // A restart with --demo on the now non-empty store adds nothing.
  ASSERT_EQ(server_->Terminate(), 0);
  ASSERT_TRUE(server_->Start());
  EXPECT_EQ(List().size(), 5u);
}

}  // namespace
}  // namespace mltrack::integration
