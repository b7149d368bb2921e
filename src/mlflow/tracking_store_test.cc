#include "mlflow/tracking_store.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace mltrack::mlflow {
namespace {

namespace fs = std::filesystem;

class TrackingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mlflow-tracking-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<TrackingStore> Open(std::vector<std::string>* problems = nullptr) {
    std::vector<std::string> ignored;
    Result<std::unique_ptr<TrackingStore>> store = TrackingStore::Open(dir_, problems ? problems : &ignored);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  fs::path dir_;
};

TEST_F(TrackingStoreTest, DefaultExperimentAlwaysExists) {
  auto store = Open();
  Result<Experiment> fallback = store->GetExperiment("0");
  ASSERT_TRUE(fallback.ok());
  EXPECT_EQ(fallback->name, "Default");
  EXPECT_EQ(store->GetExperiment("7").status().code(), StatusCode::kNotFound);
}

TEST_F(TrackingStoreTest, EverythingSurvivesAReopen) {
  std::string run_id;
  {
    auto store = Open();
    Result<Experiment> experiment = store->CreateExperiment("chat", "", {{"team", "ml"}}, 1767225600000);
    ASSERT_TRUE(experiment.ok()) << experiment.status().ToString();
    EXPECT_EQ(experiment->id, "1");
    EXPECT_EQ(experiment->artifact_location, "mlflow-artifacts:/1");
    Result<mlflow::Run> run = store->CreateRun("1", "alice", "first", 1767225600000, {{"llm.model", "gpt-4o"}});
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    run_id = run->run_id;
    EXPECT_EQ(run_id.size(), 32u);
    RunChanges changes;
    changes.metrics = {{"loss", Metric{0.5, 10, 1}}, {"loss", Metric{0.25, 20, 2}}, {"acc", Metric{0.9, 5, 0}}};
    changes.params = {{"lr", "0.01"}};
    changes.tags = {{"env", "prod"}, {"gone", "x"}};
    ASSERT_TRUE(store->LogBatch(run_id, changes).ok());
    ASSERT_TRUE(store->DeleteTag(run_id, "gone").ok());
    RunUpdate update;
    update.status = RunStatus::kFinished;
    update.end_time = 1767225660000;
    Result<std::pair<mlflow::Run, mlflow::Run>> updated = store->UpdateRun(run_id, update);
    ASSERT_TRUE(updated.ok());
    EXPECT_EQ(updated->first.status, RunStatus::kRunning);
    EXPECT_EQ(updated->second.status, RunStatus::kFinished);
  }
  auto store = Open();
  Result<Experiment> experiment = store->GetExperimentByName("chat");
  ASSERT_TRUE(experiment.ok());
  EXPECT_EQ(experiment->tags.at("team"), "ml");
  Result<mlflow::Run> run = store->GetRun(run_id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->user_id, "alice");
  EXPECT_EQ(run->status, RunStatus::kFinished);
  EXPECT_EQ(run->end_time, 1767225660000);
  EXPECT_EQ(run->metrics.at("loss"), (Metric{0.25, 20, 2}));  // the latest step
  EXPECT_EQ(run->params.at("lr"), "0.01");
  EXPECT_EQ(run->tags.count("gone"), 0u);
  EXPECT_EQ(run->tags.at("env"), "prod");
  // Ids continue after the replayed ones.
  EXPECT_EQ(store->CreateExperiment("second", "", {}, 1).value().id, "2");
  EXPECT_EQ(store->Runs({"1"}).size(), 1u);
  EXPECT_EQ(store->Runs({"2"}).size(), 0u);
}

TEST_F(TrackingStoreTest, RefusalsChangeNothing) {
  auto store = Open();
  ASSERT_TRUE(store->CreateExperiment("chat", "", {}, 1).ok());
  Result<Experiment> again = store->CreateExperiment("chat", "", {}, 2);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().details()[0].reason, TrackingStore::kAlreadyExists);
  EXPECT_EQ(store->CreateRun("9", "", "", 1, {}).status().code(), StatusCode::kNotFound);
  Result<mlflow::Run> run = store->CreateRun("1", "", "", 1, {});
  ASSERT_TRUE(run.ok());
  RunChanges first;
  first.params = {{"lr", "0.01"}};
  ASSERT_TRUE(store->LogBatch(run->run_id, first).ok());
  EXPECT_TRUE(store->LogBatch(run->run_id, first).ok());  // the same value again is fine
  RunChanges changed;
  changed.params = {{"lr", "0.02"}};
  changed.tags = {{"env", "prod"}};
  Result<mlflow::Run> refused = store->LogBatch(run->run_id, changed);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().details()[0].field, "params");
  EXPECT_EQ(store->GetRun(run->run_id)->tags.count("env"), 0u);  // nothing of the batch applied
  EXPECT_EQ(store->DeleteTag(run->run_id, "nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->LogBatch("unknown", first).status().code(), StatusCode::kNotFound);
}

TEST_F(TrackingStoreTest, DamagedRecordIsSkippedAndReported) {
  std::string run_id;
  {
    auto store = Open();
    ASSERT_TRUE(store->CreateExperiment("chat", "", {}, 1).ok());
    run_id = store->CreateRun("1", "", "", 1, {}).value().run_id;
    RunChanges changes;
    changes.tags = {{"env", "prod"}};
    ASSERT_TRUE(store->LogBatch(run_id, changes).ok());
  }
  // Flip a byte inside the second record (the run): it fails its checksum, so the run and
  // the change that needs it are skipped, each reported; the experiment survives.
  const fs::path log = dir_ / "MLFLOW_TRACKING.log";
  std::string bytes;
  {
    std::ifstream in(log, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const size_t second = bytes.find('\n') + 1;
  const size_t at = bytes.find("\"run\"", second);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 2] = 'X';
  {
    std::ofstream out(log, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  std::vector<std::string> problems;
  auto store = Open(&problems);
  EXPECT_TRUE(store->GetExperimentByName("chat").ok());
  EXPECT_EQ(store->GetRun(run_id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(problems.size(), 2u);
}

TEST_F(TrackingStoreTest, TornTailIsCutOff) {
  {
    auto store = Open();
    ASSERT_TRUE(store->CreateExperiment("chat", "", {}, 1).ok());
  }
  {
    std::ofstream out(dir_ / "MLFLOW_TRACKING.log", std::ios::binary | std::ios::app);
    out << "{\"op\":\"experiment\",\"id\":\"2\"";  // a crash in the middle of an append
  }
  std::vector<std::string> problems;
  auto store = Open(&problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(store->Experiments().size(), 2u);  // Default and chat
  EXPECT_EQ(store->CreateExperiment("next", "", {}, 2).value().id, "2");
  auto reopened = Open();
  EXPECT_TRUE(reopened->GetExperimentByName("next").ok());
}

}  // namespace
}  // namespace mltrack::mlflow
