#include "mlflow/file_store.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace mltrack::mlflow {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// An mlruns/ directory as MLflow 2.x's FileStore writes it, by hand.
class FileStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("mlruns-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
    Write(root_ / "0/meta.yaml",
          "artifact_location: file:///tmp/mlruns/0\ncreation_time: 1767225600000\nexperiment_id: '0'\n"
          "last_update_time: 1767225600000\nlifecycle_stage: active\nname: Default\n");
    Write(root_ / "5/meta.yaml",
          "artifact_location: file:///tmp/mlruns/5\ncreation_time: 1767225600000\nexperiment_id: '5'\n"
          "last_update_time: 1767225600000\nlifecycle_stage: active\nname: 'support: bot'\n");
    Write(root_ / "5/tags/team", "ml");
    const fs::path run = root_ / "5/0123456789abcdef0123456789abcdef";
    Write(run / "meta.yaml",
          "artifact_uri: file:///tmp/mlruns/5/0123456789abcdef0123456789abcdef/artifacts\nend_time: 1767225601500\n"
          "entry_point_name: ''\nexperiment_id: '5'\nlifecycle_stage: active\n"
          "run_id: 0123456789abcdef0123456789abcdef\nrun_name: bright-fox-7\n"
          "run_uuid: 0123456789abcdef0123456789abcdef\nsource_name: ''\nsource_type: 4\nsource_version: ''\n"
          "start_time: 1767225600000\nstatus: 3\ntags: []\nuser_id: alice\n");
    Write(run / "metrics/llm.latency_ms", "1767225601000 812.5 0\n");
    Write(run / "metrics/loss", "1767225600100 0.9 0\n1767225600200 0.5 1\n1767225600300 0.7 1\n");
    Write(run / "metrics/eval/accuracy", "1767225600100 0.75 0\n");  // a key with a slash
    Write(run / "params/temperature", "0.2");
    Write(run / "tags/llm.model", "gpt-4o-mini");
    Write(run / "tags/mlflow.runName", "bright-fox-7");
    const fs::path running = root_ / "5/11111111111111111111111111111111";
    Write(running / "meta.yaml",
          "end_time: null\nexperiment_id: '5'\nlifecycle_stage: active\nrun_id: 11111111111111111111111111111111\n"
          "run_name: ''\nstart_time: 1767225600000\nstatus: 1\nuser_id: bob\n");
    Write(root_ / "5/22222222222222222222222222222222/meta.yaml", "run_name: broken\n");  // no run id
    Write(root_ / ".trash/9/meta.yaml", "experiment_id: '9'\nname: deleted\n");
    Write(root_ / "models/my-model/meta.yaml", "name: my-model\n");  // the model registry
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
};

TEST_F(FileStoreTest, ReadsExperimentsRunsMetricsParamsAndTags) {
  Result<FileStoreContents> contents = ReadFileStore(root_);
  ASSERT_TRUE(contents.ok()) << contents.status().ToString();
  ASSERT_EQ(contents->experiments.size(), 2u);
  EXPECT_EQ(contents->experiments[0].name, "Default");
  EXPECT_EQ(contents->experiments[1].id, "5");
  EXPECT_EQ(contents->experiments[1].name, "support: bot");
  EXPECT_EQ(contents->experiments[1].tags.at("team"), "ml");
  ASSERT_EQ(contents->runs.size(), 2u);
  const mlflow::Run& run = contents->runs[0];
  EXPECT_EQ(run.run_id, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(run.experiment_id, "5");
  EXPECT_EQ(run.run_name, "bright-fox-7");
  EXPECT_EQ(run.user_id, "alice");
  EXPECT_EQ(run.status, RunStatus::kFinished);
  EXPECT_EQ(run.start_time, 1767225600000);
  EXPECT_EQ(run.end_time, 1767225601500);
  EXPECT_EQ(run.metrics.at("llm.latency_ms").value, 812.5);
  EXPECT_EQ(run.metrics.at("loss"), (Metric{0.7, 1767225600300, 1}));  // highest step, latest time
  EXPECT_EQ(run.metrics.at("eval/accuracy").value, 0.75);
  EXPECT_EQ(run.params.at("temperature"), "0.2");
  EXPECT_EQ(run.tags.at("llm.model"), "gpt-4o-mini");
  const mlflow::Run& running = contents->runs[1];
  EXPECT_EQ(running.status, RunStatus::kRunning);
  EXPECT_FALSE(running.end_time.has_value());
  ASSERT_EQ(contents->problems.size(), 1u);  // the run without an id
  EXPECT_NE(contents->problems[0].find("22222222222222222222222222222222"), std::string::npos);
}

TEST_F(FileStoreTest, NotAnMlrunsDirectory) {
  EXPECT_EQ(ReadFileStore(root_ / "missing").status().code(), StatusCode::kNotFound);
  fs::create_directories(root_ / "empty");
  Result<FileStoreContents> empty = ReadFileStore(root_ / "empty");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().details()[0].field, "mlflow-dir");
}

}  // namespace
}  // namespace mltrack::mlflow
