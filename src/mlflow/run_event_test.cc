#include "mlflow/run_event.h"

#include <gtest/gtest.h>

namespace mltrack::mlflow {
namespace {

Experiment MakeExperiment() {
  Experiment experiment;
  experiment.id = "3";
  experiment.name = "support-bot";
  return experiment;
}

mlflow::Run LlmRun() {
  mlflow::Run run;
  run.run_id = "0123456789abcdef0123456789abcdef";
  run.experiment_id = "3";
  run.run_name = "call-1";
  run.user_id = "ci";
  run.status = RunStatus::kFinished;
  run.start_time = 1767225600000;
  run.end_time = 1767225601500;
  run.tags = {{"llm.provider", "openai"},       {"llm.model", "gpt-4o-mini"}, {"mltrack.user.id", "alice"},
              {"mltrack.user.team", "support"}, {"env", "prod"},              {"mlflow.source.git.commit", "abc"},
              {"mlflow.parentRunId", "feedfeedfeedfeedfeedfeedfeedfeed"}};
  auto metric = [](double value) { return Metric{value, 1767225601000, 0}; };
  run.metrics = {{"llm.latency_ms", metric(812.5)},
                 {"llm.tokens.prompt_tokens", metric(1200)},
                 {"llm.tokens.completion_tokens", metric(300)},
                 {"llm.tokens.total_tokens", metric(1500)},
                 {"llm.tokens.cache_read_input_tokens", metric(1024)},
                 {"llm.cost_usd", metric(0.00123)},
                 {"quality_score", metric(0.875)}};
  run.params = {{"temperature", "0.2"}};
  return run;
}

TEST(RunToEvent, LlmRunFollowsTheConvention) {
  std::optional<Event> event = RunToEvent(MakeExperiment(), LlmRun());
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->id, "mlflow-run:0123456789abcdef0123456789abcdef");
  EXPECT_EQ(event->ts_ms, 1767225600000);
  EXPECT_EQ(event->experiment, "support-bot");
  EXPECT_EQ(event->run_id, "feedfeedfeedfeedfeedfeedfeedfeed");  // the parent run groups its calls
  EXPECT_EQ(event->operation, Operation::kChat);
  EXPECT_EQ(event->provider, "openai");
  EXPECT_EQ(event->model, "gpt-4o-mini");
  EXPECT_EQ(event->user, "alice");  // mltrack.user.id wins over the run's user_id
  EXPECT_EQ(event->team, "support");
  EXPECT_EQ(event->status, EventStatus::kOk);
  EXPECT_EQ(event->latency_ms, 812.5);  // the logged latency, not end - start
  EXPECT_EQ(event->input_tokens, 1200);
  EXPECT_EQ(event->output_tokens, 300);
  EXPECT_EQ(event->cached_input_tokens, 1024);
  EXPECT_EQ(event->cost_nano_usd, 1'230'000);
  ASSERT_EQ(event->scores.size(), 1u);
  EXPECT_EQ(event->scores[0], (std::pair<std::string, double>("quality_score", 0.875)));
  // Consumed llm.* and mltrack.user.* tags are fields, not tags; mlflow.* system tags are dropped.
  std::vector<std::pair<std::string, std::string>> expected_tags = {
      {"mlflow.runName", "call-1"},
      {"mlflow.run_id", "0123456789abcdef0123456789abcdef"},
      {"env", "prod"},
      {"param.temperature", "0.2"}};
  EXPECT_EQ(event->tags, expected_tags);
}

TEST(RunToEvent, PlainRunIsARunEventWithItsDuration) {
  mlflow::Run run;
  run.run_id = "aaaa";
  run.user_id = "bob";
  run.status = RunStatus::kFailed;
  run.start_time = 1767225600000;
  run.end_time = 1767225660000;
  run.metrics = {{"rmse", Metric{0.25, 1, 3}}};
  std::optional<Event> event = RunToEvent(MakeExperiment(), run);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->operation, Operation::kRun);
  EXPECT_EQ(event->run_id, "aaaa");
  EXPECT_EQ(event->user, "bob");
  EXPECT_EQ(event->status, EventStatus::kError);
  EXPECT_EQ(event->error_type, "failed");
  EXPECT_EQ(event->latency_ms, 60000.0);
  EXPECT_FALSE(event->cost_nano_usd.has_value());
  EXPECT_TRUE(event->model.empty());
  ASSERT_EQ(event->scores.size(), 1u);
  EXPECT_EQ(event->scores[0].first, "rmse");
}

TEST(RunToEvent, KilledIsAnErrorAndRunningIsNoEvent) {
  mlflow::Run run = LlmRun();
  run.status = RunStatus::kKilled;
  EXPECT_EQ(RunToEvent(MakeExperiment(), run)->error_type, "killed");
  run.status = RunStatus::kRunning;
  EXPECT_FALSE(RunToEvent(MakeExperiment(), run).has_value());
  run.status = RunStatus::kScheduled;
  EXPECT_FALSE(RunToEvent(MakeExperiment(), run).has_value());
}

TEST(RunToEvent, TotalTokensFillsTheMissingSide) {
  mlflow::Run run = LlmRun();
  run.metrics.erase("llm.tokens.completion_tokens");
  EXPECT_EQ(RunToEvent(MakeExperiment(), run)->output_tokens, 300);  // 1500 - 1200
  run.metrics.erase("llm.tokens.prompt_tokens");
  std::optional<Event> only_total = RunToEvent(MakeExperiment(), run);
  EXPECT_EQ(only_total->input_tokens, 1500);
  EXPECT_FALSE(only_total->output_tokens.has_value());
}

TEST(RunToEvent, ValuesPastTheSchemaLimitsAreCutOrLeftOut) {
  mlflow::Run run = LlmRun();
  run.tags["long"] = std::string(5000, 'x');
  run.tags[std::string(200, 'k')] = "too long a key";
  for (int idx = 0; idx < 100; ++idx) run.tags["t" + std::to_string(100 + idx)] = "v";
  for (int idx = 0; idx < 100; ++idx) run.metrics["s" + std::to_string(100 + idx)] = Metric{1, 0, 0};
  std::optional<Event> event = RunToEvent(MakeExperiment(), run);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->tags.size(), kMaxTagsPerEvent);
  EXPECT_EQ(event->scores.size(), kMaxScoresPerEvent);
  for (const auto& [key, value] : event->tags) {
    EXPECT_LE(key.size(), kMaxKeyBytes);
    EXPECT_LE(value.size(), kMaxStringBytes);
  }
}

TEST(RunToEvent, UserFallsBackThroughTheTagsToTheRunsUser) {
  mlflow::Run run = LlmRun();
  run.tags.erase("mltrack.user.id");
  run.tags["mlflow.user"] = "carol";
  EXPECT_EQ(RunToEvent(MakeExperiment(), run)->user, "carol");
  run.tags.erase("mlflow.user");
  EXPECT_EQ(RunToEvent(MakeExperiment(), run)->user, "ci");
}

}  // namespace
}  // namespace mltrack::mlflow
