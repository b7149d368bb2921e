#include "mlflow/search_filter.h"

#include <gtest/gtest.h>

namespace mltrack::mlflow {
namespace {

mlflow::Run MakeRun(std::string id, int64_t start, double rmse, std::string model, RunStatus status) {
  mlflow::Run run;
  run.run_id = std::move(id);
  run.run_name = "run-" + run.run_id;
  run.start_time = start;
  run.status = status;
  run.metrics["rmse"] = Metric{rmse, start, 0};
  run.params["model"] = std::move(model);
  run.tags["mlflow.runName"] = run.run_name;
  return run;
}

std::vector<std::string> Matching(const std::string& filter_text, const std::vector<mlflow::Run>& runs) {
  Result<SearchFilter> filter = ParseRunFilter(filter_text);
  EXPECT_TRUE(filter.ok()) << filter.status().ToString();
  std::vector<std::string> ids;
  if (!filter.ok()) return ids;
  for (const mlflow::Run& run : runs) {
    if (RunMatches(*filter, run)) ids.push_back(run.run_id);
  }
  return ids;
}

const std::vector<mlflow::Run> kRuns = {MakeRun("a", 100, 0.5, "gpt-4o", RunStatus::kFinished),
                                MakeRun("b", 200, 1.5, "gpt-4o-mini", RunStatus::kFailed),
                                MakeRun("c", 300, 0.9, "claude", RunStatus::kRunning)};

TEST(SearchFilter, TheFormsMlflowClientsSend) {
  using Ids = std::vector<std::string>;
  EXPECT_EQ(Matching("", kRuns), (Ids{"a", "b", "c"}));
  EXPECT_EQ(Matching("metrics.rmse < 1", kRuns), (Ids{"a", "c"}));
  EXPECT_EQ(Matching("metrics.rmse >= 0.9 and params.model != 'claude'", kRuns), (Ids{"b"}));
  EXPECT_EQ(Matching("params.model LIKE 'gpt-4o%'", kRuns), (Ids{"a", "b"}));
  EXPECT_EQ(Matching("params.model ILIKE 'GPT-4O'", kRuns), (Ids{"a"}));
  EXPECT_EQ(Matching("tags.`mlflow.runName` = 'run-b'", kRuns), (Ids{"b"}));
  EXPECT_EQ(Matching("tags.\"mlflow.runName\" = \"run-c\"", kRuns), (Ids{"c"}));
  EXPECT_EQ(Matching("attributes.status IN ('FINISHED', 'FAILED')", kRuns), (Ids{"a", "b"}));
  EXPECT_EQ(Matching("attributes.status NOT IN ('FINISHED')", kRuns), (Ids{"b", "c"}));
  EXPECT_EQ(Matching("attribute.start_time > 150 AND run_name = 'run-c'", kRuns), (Ids{"c"}));
  EXPECT_EQ(Matching("params.missing = 'x'", kRuns), (Ids{}));
  EXPECT_EQ(Matching("attributes.run_id = 'a'", kRuns), (Ids{"a"}));
}

TEST(SearchFilter, ErrorsNameTheFilterAndTheReason) {
  struct Case {
    const char* filter;
    const char* reason_part;
  };
  for (const Case& bad : {Case{"metrics.rmse < 'x'", "compared with numbers"},
                          Case{"params.model > 'a'", "does not apply to the string"},
                          Case{"attributes.colour = 'red'", "unknown attribute \"colour\""},
                          Case{"foo.bar = 'x'", "unknown key type \"foo\""},
                          Case{"metrics.rmse < 1 OR metrics.rmse > 2", "expected AND"},
                          Case{"params.model = 'unterminated", "unterminated string"},
                          Case{"params.model", "expected a comparison"}}) {
    Result<SearchFilter> filter = ParseRunFilter(bad.filter);
    ASSERT_FALSE(filter.ok()) << bad.filter;
    ASSERT_EQ(filter.status().details().size(), 1u);
    EXPECT_EQ(filter.status().details()[0].field, "filter");
    EXPECT_NE(filter.status().details()[0].reason.find(bad.reason_part), std::string::npos)
        << bad.filter << ": " << filter.status().details()[0].reason;
  }
}

TEST(SearchFilter, ExperimentsByNameAndTag) {
  Experiment experiment;
  experiment.name = "demo-support";
  experiment.tags["team"] = "ml";
  Result<SearchFilter> filter = ParseExperimentFilter("name LIKE 'demo-%' and tags.team = 'ml'");
  ASSERT_TRUE(filter.ok()) << filter.status().ToString();
  EXPECT_TRUE(ExperimentMatches(*filter, experiment));
  filter = ParseExperimentFilter("attributes.name = 'other'");
  ASSERT_TRUE(filter.ok());
  EXPECT_FALSE(ExperimentMatches(*filter, experiment));
  EXPECT_FALSE(ParseExperimentFilter("metrics.x > 1").ok());
}

TEST(SearchOrder, MetricsThenDefaultStartTimeDescending) {
  std::vector<mlflow::Run> runs = kRuns;
  runs.push_back(MakeRun("d", 400, 0, "x", RunStatus::kFinished));
  runs.back().metrics.clear();  // no rmse: last either way
  Result<std::vector<OrderKey>> order = ParseRunOrder({"metrics.rmse DESC"});
  ASSERT_TRUE(order.ok());
  SortRuns(runs, *order);
  EXPECT_EQ(runs[0].run_id, "b");
  EXPECT_EQ(runs[1].run_id, "c");
  EXPECT_EQ(runs[2].run_id, "a");
  EXPECT_EQ(runs[3].run_id, "d");
  SortRuns(runs, {});
  EXPECT_EQ(runs[0].run_id, "d");  // newest first
  order = ParseRunOrder({"attributes.start_time ASC", "params.model"});
  ASSERT_TRUE(order.ok());
  SortRuns(runs, *order);
  EXPECT_EQ(runs[0].run_id, "a");
  Result<std::vector<OrderKey>> bad = ParseRunOrder({"metrics.rmse SIDEWAYS"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().details()[0].field, "order_by");
}

}  // namespace
}  // namespace mltrack::mlflow
