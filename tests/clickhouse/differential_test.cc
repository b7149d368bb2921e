// The differential test (issue 14): the same real trace (../shared/data/traces, replayed once)
// plus seeded demo traffic and SQL-hostile strings, ingested over HTTP into a server on the
// embedded store and a server on ClickHouse, must give the same answers to a fixed set of
// QuerySpecs and to every dashboard endpoint. Equal means equal: counts, integer and money
// figures, strings, order, limits and percentiles exactly (over ≤ 1,024 values in the group the
// exact numpy percentile, above that the embedded sketch's answer, which ClickHouse's bucket
// counts reproduce bit for bit: backend/clickhouse/percentile_sketch.h); sums and averages of
// double fields within 1e-9 relative (the same values added in another order). Every new dashboard endpoint joins kDashboards below.
#include <simdjson.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "clickhouse_server.h"
#include "core/json_writer.h"
#include "json_compare.h"
#include "test_events.h"
#include "test_support.h"

namespace mltrack::integration {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr double kDoubleSumTolerance = 1e-9;

const std::string kRange = "\"from\":" + std::to_string(kWindowEndMs - 61 * kDayMs) +
                           ",\"to\":" + std::to_string(kWindowEndMs + kDayMs);

struct Backends {
  TempDir temp{"mltrack-diff-"};
  std::unique_ptr<ClickHouseServer> clickhouse;
  std::unique_ptr<ServerProcess> embedded;
  std::unique_ptr<ServerProcess> on_clickhouse;
  std::string score;    // a score name the demo traffic carries
  std::string tag_key;  // a tag key it carries
  std::string setup_error;
};

Backends* shared = nullptr;

std::string FirstOf(const std::string& fields_body, const char* list) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(fields_body).get(root)) return "";
  simdjson::dom::array items;
  if (root[list].get_array().get(items)) return "";
  for (simdjson::dom::element item : items) return std::string(std::string_view(item));
  return "";
}

class DifferentialTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared = new Backends;
    if (!ClickHouseInstalled() || TracesDir().empty()) return;
    Backends& b = *shared;
    b.clickhouse = std::make_unique<ClickHouseServer>(b.temp.path() / "clickhouse");
    if (auto started = b.clickhouse->Start(); !started) return void(b.setup_error = started.message());
    b.embedded = std::make_unique<ServerProcess>(b.temp.path() / "embedded", b.temp.path() / "embedded.log");
    b.on_clickhouse = std::make_unique<ServerProcess>(
        b.temp.path() / "ch-node", b.temp.path() / "ch-node.log",
        std::vector<std::string>{"--store", b.clickhouse->Url("mltrack_diff")});
    for (ServerProcess* server : {b.embedded.get(), b.on_clickhouse.get()}) {
      if (auto started = server->Start(); !started) return void(b.setup_error = started.message());
    }
    std::vector<std::string> bodies = TraceAndDemoBodies(20'000, 5'000);
    if (bodies.empty()) return void(b.setup_error = "the trace replay produced nothing");
    bodies.push_back(HostileEventsBody());
    for (ServerProcess* server : {b.embedded.get(), b.on_clickhouse.get()}) {
      HttpClient client(server->port());
      for (const std::string& body : bodies) {
        HttpResult result = client.Post("/api/v1/events", body, "application/x-ndjson");
        if (result.status != 200) return void(b.setup_error = "ingest: " + result.Describe());
      }
    }
    const std::string fields = HttpClient(b.embedded->port()).Get("/api/v1/fields").body;
    b.score = FirstOf(fields, "score_names");
    b.tag_key = FirstOf(fields, "tag_keys");
  }
  static void TearDownTestSuite() {
    delete shared;
    shared = nullptr;
  }
  void SetUp() override {
    if (!ClickHouseInstalled()) GTEST_SKIP() << "clickhouse-server is not installed (scripts/install_deps.sh)";
    if (TracesDir().empty()) GTEST_SKIP() << "../shared/data/traces is not beside this source tree";
    ASSERT_TRUE(shared->setup_error.empty()) << shared->setup_error;
  }

  // Both answers to GET/POST `target`; fails the test unless both are 200.
  std::pair<std::string, std::string> Both(const std::string& target, const std::string& body = "") {
    std::pair<std::string, std::string> answers;
    HttpClient embedded(shared->embedded->port());
    HttpClient clickhouse(shared->on_clickhouse->port());
    HttpResult left = body.empty() ? embedded.Get(target) : embedded.Post(target, body);
    HttpResult right = body.empty() ? clickhouse.Get(target) : clickhouse.Post(target, body);
    EXPECT_EQ(left.status, 200) << target << " " << body << " embedded: " << left.Describe();
    EXPECT_EQ(right.status, 200) << target << " " << body << " clickhouse: " << right.Describe();
    return {left.body, right.body};
  }
};

// The tolerance of each cell of a /api/v1/query answer, from the embedded answer's columns:
// sums, averages and variances of double fields within 1e-9 relative, everything else exactly.
Tolerance QueryTolerance(const std::string& answer) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::vector<std::string> columns;
  if (!parser.parse(answer).get(root)) {
    for (simdjson::dom::element column : root["columns"].get_array()) columns.emplace_back(std::string_view(column));
  }
  return [columns](const std::string& path) -> double {
    int row = -1, column = -1;
    if (std::sscanf(path.c_str(), "rows[%d][%d]", &row, &column) != 2 || column < 0 ||
        static_cast<size_t>(column) >= columns.size()) {
      return 0;
    }
    const std::string& name = columns[column];
    const bool double_field = name.find("latency_ms") != std::string::npos || name.find("ttft_ms") != std::string::npos ||
                              name.find("scores.") != std::string::npos || name.find("tokens_per_s") != std::string::npos;
    if (double_field && (name.rfind("sum:", 0) == 0 || name.rfind("avg:", 0) == 0)) return kDoubleSumTolerance;
    // Variances: Welford and Chan's merges there, a two-pass sum here; both ~1e-15 relative.
    if (name.rfind("var:", 0) == 0 || name.rfind("stddev:", 0) == 0) return kDoubleSumTolerance;
    return 0;
  };
}

TEST_F(DifferentialTest, EveryQuerySpecOfTheSetGivesTheSameAnswer) {
  const std::string score = "scores." + shared->score;
  const std::string tag = "tags." + shared->tag_key;
  ASSERT_FALSE(shared->score.empty());
  ASSERT_FALSE(shared->tag_key.empty());
  const std::vector<std::string> specs = {
      R"("metrics":["count","sum:cost_usd","avg:cost_usd","min:cost_usd","max:cost_usd","count:cost_usd"])",
      R"("group_by":["model"],"metrics":["count","sum:input_tokens","avg:output_tokens","p50:latency_ms","p99:latency_ms","count:latency_ms","min:ttft_ms","max:ttft_ms","uniq:user","rate:error","rate:cache_hit","rate:streaming"],"order_by":[{"metric":"count","dir":"desc"}])",
      R"("bucket":"1d","group_by":["status"],"metrics":["count","sum:cost_usd"])",
      R"("bucket":"1w","metrics":["count","sum:total_tokens","avg:total_tokens"])",
      R"("bucket":"1M","metrics":["count","sum:cost_usd","uniq:model"])",
      R"("bucket":"6h","filters":[{"field":"provider","op":"eq","value":"azure"}],"metrics":["count","p90:ttft_ms","count:ttft_ms","avg:latency_ms"])",
      R"("bucket":"15m","filters":[{"field":"model","op":"contains","value":"gpt"}],"metrics":["count","p50:input_tokens","count:input_tokens"],"limit":100000)",
      R"("group_by":["bin:250:latency_ms"],"metrics":["count","avg:latency_ms"])",
      R"("group_by":["bin:0.05:)" + score + R"("],"metrics":["count"])",
      R"("group_by":["bin:0.01:cost_usd"],"metrics":["count","sum:cost_usd"])",
      R"("group_by":["bin:1000:total_tokens","status"],"metrics":["count"])",
      R"("group_by":[")" + tag + R"("],"metrics":["count","uniq:)" + tag + R"(","count:)" + tag + R"("])",
      R"("filters":[{"field":")" + tag + R"(","op":"ne","value":"prod"}],"group_by":["team"],"metrics":["count","avg:)" + score + R"(","p50:)" + score + R"(","count:)" + score + R"(","sum:)" + score + R"("])",
      R"("filters":[{"field":"operation","op":"in","values":["chat","embedding"]},{"field":"cache_hit","op":"eq","value":true}],"metrics":["count","sum:cached_input_tokens"])",
      R"("filters":[{"field":"http_status","op":"gte","value":400}],"group_by":["http_status","error_type"],"metrics":["count","avg:http_status"])",
      R"("filters":[{"field":"latency_ms","op":"gt","value":500},{"field":"endpoint","op":"exists","value":true}],"group_by":["endpoint"],"metrics":["count","p99.9:latency_ms","p0:latency_ms","p100:latency_ms","count:latency_ms"])",
      R"("filters":[{"field":"endpoint","op":"exists","value":false}],"metrics":["count","uniq:experiment"])",
      R"("group_by":["provider","endpoint","experiment"],"metrics":["count","sum:cost_usd"],"order_by":[{"metric":"sum:cost_usd","dir":"desc"}],"limit":5)",
      R"("group_by":["user"],"metrics":["count","uniq:session_id"],"order_by":[{"metric":"count","dir":"desc"},{"field":"user","dir":"desc"}],"limit":7)",
      R"("filters":[{"field":"cost_usd","op":"lte","value":0.001},{"field":"cost_usd","op":"gte","value":0.0001}],"metrics":["count","sum:cost_usd","p50:cost_usd","count:cost_usd"])",
      R"("group_by":["operation","cache_hit","streaming"],"metrics":["count","rate:error"])",
      R"("filters":[{"field":"team","op":"not_in","values":["", "research"]}],"group_by":["team"],"metrics":["count"])",
      R"("filters":[{"field":"model","op":"in","values":["","gpt-4"]}],"metrics":["count"])",
      R"("filters":[{"field":"model","op":"gt","value":"gpt"},{"field":"model","op":"lte","value":"o"}],"group_by":["model"],"metrics":["count"])",
      R"("metrics":["p0:input_tokens","p50:input_tokens","p99.9:input_tokens","p100:input_tokens","count:input_tokens"])",
      R"("metrics":["uniq:latency_ms","uniq:cost_usd","uniq:http_status","uniq:operation","uniq:cache_hit","uniq:total_tokens"])",
      R"("group_by":["run_id"],"metrics":["count","max:output_tokens"],"order_by":[{"metric":"count","dir":"desc"}],"limit":100)",
      R"("group_by":["user"],"metrics":["min:ts","max:ts","count"],"order_by":[{"metric":"min:ts","dir":"asc"}],"limit":50)",
      R"("bucket":"1d","group_by":["model"],"metrics":["min:ts","max:ts"])",
      R"("tz":"Europe/Berlin","group_by":["model"],"metrics":["count"])",
      // Local-time buckets; America/New_York leaves DST on 2025-11-02, inside the range.
      R"("tz":"America/New_York","bucket":"1d","group_by":["provider"],"metrics":["count","sum:cost_usd"])",
      R"("tz":"America/New_York","bucket":"6h","metrics":["count","min:ts","max:ts"])",
      R"("tz":"America/New_York","bucket":"1h","filters":[{"field":"provider","op":"eq","value":"openai"}],"metrics":["count"],"limit":100000)",
      R"("tz":"Asia/Kolkata","bucket":"1w","metrics":["count","avg:latency_ms"])",
      R"("tz":"Europe/Berlin","bucket":"1M","group_by":["status"],"metrics":["count"])",
      R"("tz":"Asia/Kathmandu","bucket":"15m","filters":[{"field":"model","op":"contains","value":"gpt"}],"metrics":["count"],"limit":100000)",
      R"("tz":"Etc/UTC","bucket":"1d","metrics":["count"])",
      R"("group_by":["provider"],"filters":[{"field":"tokens_per_s","op":"gt","value":20}],"metrics":["count","avg:tokens_per_s","p90:tokens_per_s","count:tokens_per_s","max:tokens_per_s","var:tokens_per_s"])",
      R"("group_by":["bin:25:tokens_per_s"],"metrics":["count"])",
      R"("group_by":["model"],"metrics":["var:latency_ms","stddev:latency_ms","var:cost_usd","stddev:cost_usd","var:input_tokens","stddev:)" + score + R"("])",
      R"("filters":[{"field":"total_tokens","op":"lt","value":1000},{"field":"reasoning_tokens","op":"exists","value":false}],"group_by":["prompt_name","prompt_version"],"metrics":["count","min:total_tokens"])",
      R"("filters":[{"field":"status","op":"ne","value":"error"},{"field":"ttft_ms","op":"not_in","values":[0]}],"bucket":"1d","metrics":["count","count:ttft_ms"])",
      // input_hash (the demo's repeated prompts and retry storms carry one).
      R"("group_by":["experiment","model"],"filters":[{"field":"input_hash","op":"exists","value":true}],"metrics":["count","uniq:input_hash","sum:cost_usd"])",
      R"("group_by":["input_hash"],"metrics":["count"],"order_by":[{"metric":"count","dir":"desc"},{"column":"input_hash","dir":"asc"}],"limit":20)",
  };
  for (const std::string& members : specs) {
    const std::string body = "{" + kRange + "," + members + "}";
    auto [embedded, clickhouse] = Both("/api/v1/query", body);
    EXPECT_EQ(JsonDifference(embedded, clickhouse, QueryTolerance(embedded), {"stats"}), "") << body;
  }
  // An empty range: an ungrouped query still answers one row.
  auto [embedded, clickhouse] = Both("/api/v1/query", R"({"from":946684800000,"to":946684800000,"metrics":["count","avg:latency_ms","p50:latency_ms","rate:error","min:ts","max:ts"]})");
  EXPECT_EQ(JsonDifference(embedded, clickhouse, QueryTolerance(embedded), {"stats"}), "");
}

// /api/v1/fields lists the same tag keys and score names in the same order (by first ts, then
// name); ClickHouse reads them from the small field_names table its writers keep.
TEST_F(DifferentialTest, FieldsListTheSameTagKeysAndScoreNames) {
  auto [embedded, clickhouse] = Both("/api/v1/fields");
  EXPECT_EQ(JsonDifference(embedded, clickhouse, [](const std::string&) { return 0.0; }, {}), "");
  EXPECT_NE(embedded.find("\"tag_keys\":[\""), std::string::npos) << embedded;
  EXPECT_NE(embedded.find("\"score_names\":[\""), std::string::npos) << embedded;
}

TEST_F(DifferentialTest, HostileStringsFilterAndGroupTheSame) {
  for (const std::string& hostile : HostileStrings()) {
    JsonWriter literal;
    literal.String(hostile);
    const std::string value = std::move(literal).Take();
    JsonWriter key_json;
    key_json.String("tags." + hostile);
    const std::string tag_field = std::move(key_json).Take();
    JsonWriter score_json;
    score_json.String("sum:scores." + hostile);
    const std::string score_metric = std::move(score_json).Take();
    for (const std::string& members :
         {R"("filters":[{"field":"user","op":"eq","value":)" + value + R"(}],"group_by":["tags.env"],"metrics":["count","sum:input_tokens"])",
          R"("filters":[{"field":"tags.env","op":"contains","value":)" + value + R"(}],"group_by":["user"],"metrics":["count"])",
          R"("filters":[{"field":)" + tag_field + R"(,"op":"exists"}],"group_by":[)" + tag_field + R"(],"metrics":["count",)" + score_metric + R"(])",
          R"("filters":[{"field":"user","op":"gte","value":)" + value + R"(}],"group_by":["user"],"metrics":["count"])"}) {
      const std::string body = "{" + kRange + "," + members + "}";
      auto [embedded, clickhouse] = Both("/api/v1/query", body);
      EXPECT_EQ(JsonDifference(embedded, clickhouse, QueryTolerance(embedded), {"stats"}), "") << body;
      EXPECT_NE(embedded.find("\"rows\":[["), std::string::npos) << "the filter matched nothing: " << body;
    }
  }
  // The table is still there and holds every event.
  auto [embedded, clickhouse] = Both("/api/v1/query", "{" + kRange + R"(,"metrics":["count"]})");
  EXPECT_EQ(JsonDifference(embedded, clickhouse, QueryTolerance(embedded), {"stats"}), "");
}

// Event searches page alike: the same events in the same order, and the same cursors (the
// tie-break hash is computed from the events, so both backends give the same key). ClickHouse
// keeps each event's `id`, the embedded store only its hash: ids are left out of the comparison.
TEST_F(DifferentialTest, EventSearchesPageTheSame) {
  const std::regex id_member(R"(\{"id":"(?:[^"\\]|\\.)*",)");
  for (const std::string& members :
       {std::string(R"("limit":300)"), std::string(R"("limit":250,"sort":{"by":"cost","dir":"desc"})"),
        std::string(R"("limit":200,"sort":{"by":"latency","dir":"asc"},"filters":[{"field":"status","op":"eq","value":"error"}])"),
        std::string(R"("limit":100,"q":"E","sort":{"by":"ts","dir":"asc"},"filters":[{"field":"status","op":"eq","value":"ok"}])")}) {
    std::string cursor = "null";
    for (int page = 0; page < 4; ++page) {
      const std::string body = "{" + kRange + "," + members + R"(,"cursor":)" + cursor + "}";
      auto [embedded, clickhouse] = Both("/api/v1/events/search", body);
      const std::string without_ids = std::regex_replace(clickhouse, id_member, "{");
      ASSERT_EQ(JsonDifference(embedded, without_ids, [](const std::string&) { return 0.0; }, {"stats"}), "")
          << body;
      ASSERT_EQ(embedded.find("\"events\":[]"), std::string::npos) << "matched nothing: " << body;
      const size_t at = embedded.find("\"next_cursor\":\"");
      if (at == std::string::npos) break;
      cursor = embedded.substr(at + 14, embedded.find('"', at + 15) - at - 13);
    }
  }
}

// Every dashboard endpoint on main, each with its own parameters, over the whole window, one
// day, a model, a provider, a tag and local-time buckets across a DST change. Both stores must
// answer alike: the same status, and the same body (an error names the same parameter), with
// doubles within 1e-9 relative (sums added in another order). Percentiles are equal on every
// range, so every part made of them (histogram bins from the p99, box plots, normalised scores,
// rankings, anomalies judged on p95 latency) is compared too.
struct Dashboard {
  std::string path;
  std::vector<std::string> variants;  // extra parameters, each a request
};

const std::vector<Dashboard>& Dashboards() {
  static const std::vector<Dashboard> dashboards = {
      {"/api/analytics/overview", {""}},
      {"/api/analytics/performance", {"", "&top=3&slo_ms=2000&slo_target=95&bucket=1d"}},
      {"/api/analytics/models/compare", {"", "&weights=cost:1,latency_p95:1,tokens_per_s:1,error_rate:1"}},
      {"/api/analytics/ab", {"&dimension=prompt_version&a=v3&b=v4", "&dimension=provider&a=openai&b=anthropic"}},
      {"/api/analytics/users", {"", "&sort=calls&top=5&steps=operation:embedding,operation:chat&window=1h"}},
      {"/api/analytics/cost", {"", "&stack_by=provider&top=3&breakdown=tags.env"}},
      {"/api/analytics/anomalies",
       {"&series=all&metric=sum:cost_usd&metric=count&metric=rate:error",
        "&group_by=model&metric=sum:cost_usd&metric=count&series=anomalous"}},
      {"/api/analytics/anomalies", {"&series=all"}},  // the default metrics end with p95:latency_ms
      {"/api/analytics/forecast", {"", "&metric=count&horizon=7d"}},
  };
  return dashboards;
}

TEST_F(DifferentialTest, EveryDashboardGivesTheSameAnswer) {
  const std::string whole = "from=" + std::to_string(kWindowEndMs - 30 * kDayMs) + "&to=" + std::to_string(kWindowEndMs);
  const std::string one_day = "from=" + std::to_string(kWindowEndMs - 2 * kDayMs) +
                              "&to=" + std::to_string(kWindowEndMs - kDayMs);
  // 2025-10-31 to 2025-11-14: America/New_York leaves DST on 11-02.
  const std::string across_dst = "from=" + std::to_string(kWindowEndMs - 62 * kDayMs) +
                                 "&to=" + std::to_string(kWindowEndMs - 48 * kDayMs) + "&tz=America/New_York";
  const std::vector<std::string> ranges = {whole,
                                           one_day,
                                           one_day + "&model=gpt-4",
                                           whole + "&provider=moonshotai",
                                           one_day + "&tag=" + shared->tag_key + ":prod",
                                           across_dst,
                                           one_day + "&tz=Asia/Kolkata&bucket=1h"};
  for (const Dashboard& dashboard : Dashboards()) {
    int answered = 0;
    for (const std::string& variant : dashboard.variants) {
      for (const std::string& range : ranges) {
        const std::string target = dashboard.path + "?" + range + variant;
        HttpResult embedded = HttpClient(shared->embedded->port()).Get(target);
        HttpResult clickhouse = HttpClient(shared->on_clickhouse->port()).Get(target);
        ASSERT_EQ(embedded.status, clickhouse.status) << target << "\nembedded: " << embedded.Describe()
                                                      << "\nclickhouse: " << clickhouse.Describe();
        answered += embedded.status == 200;
        // Doubles added in another order.
        Tolerance tolerance = [](const std::string&) { return kDoubleSumTolerance; };
        EXPECT_EQ(JsonDifference(embedded.body, clickhouse.body, tolerance, {}), "") << target;
      }
    }
    // Most requests answer (a filter may leave an A/B side empty: the same 400 on both).
    EXPECT_GE(answered, static_cast<int>(dashboard.variants.size() * ranges.size()) / 2) << dashboard.path;
  }
}

}  // namespace
}  // namespace mltrack::integration
