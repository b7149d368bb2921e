// The MLflow REST 2.0 subset and `mltrack import --mlflow-dir` through the real binary
// (docs/integrations/mlflow.md): a run logged the way MLflow's clients log it becomes one event
// when it finishes, its state survives kill -9, bad input gets MLflow's error body naming the
// field, and an mlruns/ directory imports once however often it is imported.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "test_support.h"

namespace mltrack::integration {
namespace {

namespace fs = std::filesystem;

constexpr const char* kApi = "/api/2.0/mlflow/";

class MlflowTest : public IntegrationTest {
 protected:
  // POSTs `body` to the MLflow endpoint `path`; expects `status`, returns the body.
  std::string Post(const std::string& path, const std::string& body, int status = 200) {
    HttpResult result = client().Post(kApi + path, body);
    EXPECT_EQ(result.status, status) << path << " " << body << "\n" << result.Describe();
    return result.body;
  }
  std::string Get(const std::string& path_and_query, int status = 200) {
    HttpResult result = client().Get(kApi + path_and_query);
    EXPECT_EQ(result.status, status) << path_and_query << "\n" << result.Describe();
    return result.body;
  }
  // The string at `pointer` (JSON pointer) of `body`; "" when absent.
  static std::string At(const std::string& body, const std::string& pointer) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(body).get(root)) return "";
    simdjson::dom::element found;
    if (root.at_pointer(pointer).get(found)) return "";
    std::string_view text;
    if (!found.get(text)) return std::string(text);
    return simdjson::to_string(found);
  }
  // Expects MLflow's error body with `code` and a message naming `field`.
  static void ExpectError(const std::string& body, const std::string& code, const std::string& field) {
    EXPECT_EQ(At(body, "/error_code"), code) << body;
    EXPECT_NE(At(body, "/message").find(field), std::string::npos) << body;
  }

  std::string CreateExperiment(const std::string& name) {
    return At(Post("experiments/create", R"({"name": ")" + name + R"("})"), "/experiment_id");
  }
  std::string CreateRun(const std::string& experiment_id, int64_t start, const std::string& tags) {
    return At(Post("runs/create", R"({"experiment_id": ")" + experiment_id + R"(", "start_time": )" +
                                      std::to_string(start) + R"(, "user_id": "ci", "tags": )" + tags + "}"),
              "/run/info/run_id");
  }
  void Finish(const std::string& run_id, const std::string& status, int64_t end) {
    Post("runs/update", R"({"run_id": ")" + run_id + R"(", "status": ")" + status + R"(", "end_time": )" +
                            std::to_string(end) + "}");
  }
};

TEST_F(MlflowTest, LoggedRunBecomesOneEventWhenItFinishes) {
  StartServer();
  const int64_t start = NowMs() - 60'000;
  const std::string experiment = CreateExperiment("support-bot");
  ASSERT_EQ(experiment, "1");
  const std::string run = CreateRun(
      experiment, start, R"([{"key": "llm.provider", "value": "openai"}, {"key": "llm.model", "value": "gpt-4o-mini"},
                           {"key": "mltrack.user.id", "value": "alice"}, {"key": "team", "value": "support"}])");
  ASSERT_EQ(run.size(), 32u);
  Post("runs/log-batch", R"({"run_id": ")" + run + R"(", "metrics": [
      {"key": "llm.latency_ms", "value": 900, "timestamp": )" + std::to_string(start) + R"(, "step": 0},
      {"key": "llm.tokens.prompt_tokens", "value": 1000, "timestamp": )" + std::to_string(start) + R"(},
      {"key": "llm.tokens.completion_tokens", "value": 200, "timestamp": )" + std::to_string(start) + R"(},
      {"key": "quality_score", "value": 0.8, "timestamp": )" + std::to_string(start) + R"(}],
      "params": [{"key": "temperature", "value": "0.2"}]})");
  Post("runs/log-metric", R"({"run_uuid": ")" + run + R"(", "key": "llm.cost_usd", "value": 0.0025, "timestamp": )" +
                              std::to_string(start) + "}");
  Post("runs/set-tag", R"({"run_id": ")" + run + R"(", "key": "env", "value": "prod"})");
  Post("runs/set-tag", R"({"run_id": ")" + run + R"(", "key": "scratch", "value": "x"})");
  Post("runs/delete-tag", R"({"run_id": ")" + run + R"(", "key": "scratch"})");
  EXPECT_EQ(CountEvents(), 0);  // a running run is no event yet
  Finish(run, "FINISHED", start + 1000);
  Finish(run, "FINISHED", start + 1000);  // a retried finish adds nothing

  std::optional<QueryTable> table = QueryTableOf(
      R"("group_by": ["experiment", "model", "user", "team", "operation", "status", "tags.env", "tags.param.temperature"],
         "metrics": ["count", "sum:input_tokens", "sum:output_tokens", "sum:cost_usd", "avg:latency_ms", "avg:scores.quality_score"])");
  ASSERT_TRUE(table.has_value());
  ASSERT_EQ(table->rows.size(), 1u);
  EXPECT_EQ(table->Cell(0, "experiment"), "support-bot");
  EXPECT_EQ(table->Cell(0, "model"), "gpt-4o-mini");
  EXPECT_EQ(table->Cell(0, "user"), "alice");
  EXPECT_EQ(table->Cell(0, "team"), "support");
  EXPECT_EQ(table->Cell(0, "operation"), "chat");
  EXPECT_EQ(table->Cell(0, "status"), "ok");
  EXPECT_EQ(table->Cell(0, "tags.env"), "prod");
  EXPECT_EQ(table->Cell(0, "tags.param.temperature"), "0.2");
  EXPECT_EQ(table->Cell(0, "count"), "1");
  EXPECT_EQ(table->Cell(0, "sum:input_tokens"), "1000");
  EXPECT_EQ(table->Cell(0, "sum:output_tokens"), "200");
  EXPECT_EQ(table->Cell(0, "sum:cost_usd"), "0.0025");
  EXPECT_EQ(table->Cell(0, "avg:latency_ms"), "900");
  EXPECT_EQ(table->Cell(0, "avg:scores.quality_score"), "0.8");

  // The run reads back the way MLflow's clients expect, also after kill -9.
  server_->Kill();
  ASSERT_TRUE(server_->Restart());
  const std::string got = Get("runs/get?run_id=" + run);
  EXPECT_EQ(At(got, "/run/info/status"), "FINISHED");
  EXPECT_EQ(At(got, "/run/info/end_time"), std::to_string(start + 1000));
  EXPECT_EQ(At(got, "/run/data/params/0/value"), "0.2");
  EXPECT_EQ(At(got, "/run/data/tags").find("scratch"), std::string::npos) << got;
  EXPECT_EQ(At(Get("experiments/get-by-name?experiment_name=support-bot"), "/experiment/experiment_id"), "1");
  EXPECT_EQ(CountEvents(), 1);
}

TEST_F(MlflowTest, SearchListsWhatWasLogged) {
  StartServer();
  const int64_t start = NowMs() - 600'000;
  const std::string experiment = CreateExperiment("training");
  std::vector<std::string> runs;
  for (int idx = 0; idx < 3; ++idx) {
    runs.push_back(CreateRun(experiment, start + idx * 1000, "[]"));
    Post("runs/log-metric", R"({"run_id": ")" + runs.back() + R"(", "key": "rmse", "value": )" +
                                std::to_string(0.5 + idx) + "}");
  }
  Finish(runs[0], "FINISHED", start + 5000);
  Finish(runs[1], "FAILED", start + 6000);
  const std::string found = Post(
      "runs/search", R"({"experiment_ids": [")" + experiment +
                         R"("], "filter": "metrics.rmse < 2 and attributes.status != 'RUNNING'", "order_by": ["metrics.rmse DESC"], "max_results": 1})");
  EXPECT_EQ(At(found, "/runs/0/info/run_id"), runs[1]);
  EXPECT_EQ(At(found, "/runs/1"), "");
  const std::string token = At(found, "/next_page_token");
  ASSERT_FALSE(token.empty()) << found;
  const std::string next = Post("runs/search", R"({"experiment_ids": [")" + experiment +
                                                   R"("], "filter": "metrics.rmse < 2 and attributes.status != 'RUNNING'", "order_by": ["metrics.rmse DESC"], "max_results": 1, "page_token": ")" +
                                                   token + R"("})");
  EXPECT_EQ(At(next, "/runs/0/info/run_id"), runs[0]);
  EXPECT_EQ(At(next, "/next_page_token"), "");
  // Default order: newest start first.
  EXPECT_EQ(At(Post("runs/search", R"({"experiment_ids": [")" + experiment + R"("]})"), "/runs/0/info/run_id"), runs[2]);
  EXPECT_EQ(At(Post("experiments/search", R"({"filter": "name LIKE 'train%'"})"), "/experiments/0/name"), "training");
  EXPECT_NE(Get("experiments/list").find("\"Default\""), std::string::npos);

  // The runs count on the Executive Dashboard, with success rate over finished runs.
  HttpResult overview = client().Get("/api/analytics/overview?from=now-1d&to=now%2B1h");
  ASSERT_EQ(overview.status, 200) << overview.Describe();
  EXPECT_EQ(At(overview.body, "/cards/runs/value"), "2");
  EXPECT_EQ(At(overview.body, "/cards/experiments/value"), "1");
  EXPECT_EQ(At(overview.body, "/cards/success_rate/value"), "0.5");
}

TEST_F(MlflowTest, BadInputGetsMlflowsErrorNamingTheFieldAndChangesNothing) {
  StartServer();
  CreateExperiment("exists");
  ExpectError(Post("experiments/create", R"({"name": "exists"})", 400), "RESOURCE_ALREADY_EXISTS", "exists");
  ExpectError(Post("experiments/create", R"({"name": ""})", 400), "INVALID_PARAMETER_VALUE", "name");
  ExpectError(Post("experiments/create", R"({"name": 5})", 400), "INVALID_PARAMETER_VALUE", "name");
  ExpectError(Post("experiments/create", R"({"name": )", 400), "MALFORMED_REQUEST", "body");
  ExpectError(Get("experiments/get?experiment_id=42", 404), "RESOURCE_DOES_NOT_EXIST", "42");
  ExpectError(Post("runs/create", R"({"experiment_id": "42"})", 404), "RESOURCE_DOES_NOT_EXIST", "42");
  ExpectError(Post("runs/create", R"({"experiment_id": "1", "start_time": "soon"})", 400), "INVALID_PARAMETER_VALUE",
              "start_time");
  const std::string run = CreateRun("1", NowMs(), "[]");
  ExpectError(Post("runs/log-metric", R"({"run_id": ")" + run + R"(", "key": "x", "value": "high"})", 400),
              "INVALID_PARAMETER_VALUE", "value");
  ExpectError(Post("runs/log-batch", R"({"run_id": ")" + run + R"(", "metrics": [{"key": "", "value": 1}]})", 400),
              "INVALID_PARAMETER_VALUE", "metrics");
  Post("runs/log-parameter", R"({"run_id": ")" + run + R"(", "key": "lr", "value": "0.1"})");
  ExpectError(Post("runs/log-batch", R"({"run_id": ")" + run +
                                         R"(", "params": [{"key": "lr", "value": "0.2"}], "tags": [{"key": "t", "value": "v"}]})",
                   400),
              "INVALID_PARAMETER_VALUE", "lr");
  EXPECT_EQ(At(Get("runs/get?run_id=" + run), "/run/data/tags").find("\"t\""), std::string::npos);  // all or nothing
  ExpectError(Post("runs/update", R"({"run_id": ")" + run + R"(", "status": "DONE"})", 400), "INVALID_PARAMETER_VALUE",
              "status");
  ExpectError(Post("runs/search", R"({"experiment_ids": ["1"], "filter": "metrics.x > 'a'"})", 400),
              "INVALID_PARAMETER_VALUE", "filter");
  ExpectError(Post("runs/search", R"({"experiment_ids": ["1"], "max_results": 0})", 400), "INVALID_PARAMETER_VALUE",
              "max_results");
  ExpectError(Post("runs/update", R"({"status": "FINISHED"})", 400), "INVALID_PARAMETER_VALUE", "run_id");
  ExpectError(Get("runs/get?run_id=nope", 404), "RESOURCE_DOES_NOT_EXIST", "nope");
  ExpectError(Post("artifacts/list", "{}", 404), "ENDPOINT_NOT_FOUND", "artifacts/list");
  EXPECT_EQ(CountEvents(), 0);
  EXPECT_EQ(At(Get("runs/get?run_id=" + run), "/run/info/status"), "RUNNING");
}

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// An mlruns/ directory in the layout MLflow's FileStore writes: one finished LLM run, one
// failed training run, one still running.
fs::path WriteMlruns(const fs::path& root, int64_t start) {
  const std::string ts = std::to_string(start);
  Write(root / "0/meta.yaml", "experiment_id: '0'\nlifecycle_stage: active\nname: Default\n");
  Write(root / "3/meta.yaml", "artifact_location: file:///x/3\ncreation_time: " + ts +
                                  "\nexperiment_id: '3'\nlifecycle_stage: active\nname: imported-bot\n");
  auto run = [&](const std::string& id, int status) {
    const fs::path dir = root / "3" / id;
    Write(dir / "meta.yaml", "end_time: " + std::to_string(start + 2000) + "\nexperiment_id: '3'\n"
                             "lifecycle_stage: active\nrun_id: " + id + "\nrun_name: r-" + id.substr(0, 4) +
                             "\nstart_time: " + ts + "\nstatus: " + std::to_string(status) + "\nuser_id: dana\n");
    return dir;
  };
  const fs::path llm = run("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 3);
  Write(llm / "tags/llm.model", "gpt-4o-mini");
  Write(llm / "tags/llm.provider", "openai");
  Write(llm / "metrics/llm.tokens.prompt_tokens", ts + " 500 0\n");
  Write(llm / "metrics/llm.tokens.completion_tokens", ts + " 50 0\n");
  const fs::path training = run("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 4);
  Write(training / "metrics/loss", ts + " 0.9 0\n" + ts + " 0.4 1\n");
  Write(training / "params/lr", "0.01");
  run("cccccccccccccccccccccccccccccccc", 1);
  return root;
}

TEST_F(MlflowTest, ImportIsIdempotent) {
  const int64_t start = NowMs() - 3'600'000;
  const fs::path mlruns = WriteMlruns(temp_.path() / "mlruns", start);
  const std::string data = (temp_.path() / "data").string();
  CommandResult first = RunMltrack("import --mlflow-dir " + mlruns.string() + " --data " + data);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("2 events stored, 0 already present; 1 runs not finished"), std::string::npos)
      << first.output;
  CommandResult second = RunMltrack("import --mlflow-dir " + mlruns.string() + " --data " + data);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("0 events stored, 2 already present"), std::string::npos) << second.output;

  StartServer();
  std::optional<QueryTable> table = QueryTableOf(
      R"("group_by": ["experiment", "operation", "status", "user"], "metrics": ["count", "sum:input_tokens", "avg:scores.loss", "sum:cost_usd"],
         "order_by": [{"field": "operation", "dir": "asc"}])");
  ASSERT_TRUE(table.has_value());
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(table->Cell(0, "operation"), "chat");
  EXPECT_EQ(table->Cell(0, "status"), "ok");
  EXPECT_EQ(table->Cell(0, "sum:input_tokens"), "500");
  EXPECT_NE(table->Cell(0, "sum:cost_usd"), "null");  // priced from the catalogue
  EXPECT_EQ(table->Cell(1, "operation"), "run");
  EXPECT_EQ(table->Cell(1, "status"), "error");
  EXPECT_EQ(table->Cell(1, "avg:scores.loss"), "0.4");
  EXPECT_EQ(table->Cell(1, "experiment"), "imported-bot");
  EXPECT_EQ(table->Cell(1, "user"), "dana");

  CommandResult missing = RunMltrack("import --mlflow-dir " + (temp_.path() / "nope").string() + " --data " + data);
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("nope"), std::string::npos) << missing.output;
  CommandResult no_data = RunMltrack("import --mlflow-dir " + mlruns.string());
  EXPECT_EQ(no_data.exit_code, 2);
  EXPECT_NE(no_data.output.find("--data"), std::string::npos) << no_data.output;
}

}  // namespace
}  // namespace mltrack::integration
