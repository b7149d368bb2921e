#include "query/moments_accumulator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "query/query_executor.h"
#include "query/query_parser.h"
#include "store/memtable.h"

namespace mltrack::query {
namespace {

constexpr int64_t kStart = 1'767'225'600'000;  // 2026-01-01

QueryResult RunSpec(const std::string& json, const store::TableSnapshot& snapshot) {
  Result<QuerySpec> spec = ParseQuerySpec(json, kStart);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  Result<QueryResult> result = ExecuteQuery(*spec, snapshot);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? std::move(result).value() : QueryResult{};
}

// Counts exactly; doubles within the last bits: the two scan threads take blocks in whatever
// order they get to them, so double sums and variance merges differ in rounding from run to run
// already (docs/query.md), shared pass or not.
void ExpectSame(const Cell& got, const Cell& want, const std::string& what) {
  if (const double* value = std::get_if<double>(&want)) {
    ASSERT_TRUE(std::holds_alternative<double>(got)) << what;
    EXPECT_NEAR(std::get<double>(got), *value, 1e-12 * std::fabs(*value)) << what;
  } else {
    EXPECT_EQ(got, want) << what;
  }
}

// 200k rows over many blocks (both scan threads), four groups: a money field, an int field, a
// double field and a sparse score, with absent values in each.
class MomentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937_64 rng(11);
    std::vector<Event> batch;
    for (int row = 0; row < 200'000; ++row) {
      Event event;
      event.ts_ms = kStart + row * 100;
      event.model = "m" + std::to_string(rng() % 4);
      if (rng() % 9 != 0) event.cost_nano_usd = static_cast<int64_t>(rng() % 5'000'000);
      if (rng() % 7 != 0) event.output_tokens = static_cast<int64_t>(rng() % 3000);
      if (rng() % 5 != 0) event.latency_ms = 1e6 + static_cast<double>(rng() % 100000) / 10.0;  // far from 0
      if (rng() % 3 == 0) event.scores = {{"quality", static_cast<double>(rng() % 1000) / 1000.0}};
      batch.push_back(std::move(event));
      if (batch.size() == 10'000) {
        memtable_.Append(batch);
        batch.clear();
      }
    }
    snapshot_ = memtable_.Snapshot();
  }

  // The metric `name` asked alone, per group, as cells.
  std::vector<Cell> Alone(const std::string& name, const std::string& grouping) {
    QueryResult result = RunSpec(R"({"from": 946684800000, "to": 2000000000000, )" + grouping + R"("metrics": [")" + name + R"("]})",
                             *snapshot_);
    std::vector<Cell> cells;
    for (const auto& row : result.rows) cells.push_back(row.back());
    return cells;
  }

  store::Memtable memtable_;
  std::shared_ptr<const store::TableSnapshot> snapshot_;
};

TEST_F(MomentsTest, SharedPassGivesTheSeparateAnswers) {
  for (const std::string grouping : {std::string(R"("group_by": ["model"], )"), std::string()}) {
    for (const std::string field : {"cost_usd", "output_tokens", "latency_ms", "scores.quality"}) {
      const std::vector<std::string> names = {"count:" + field, "avg:" + field, "var:" + field, "stddev:" + field};
      QueryResult shared = RunSpec(R"({"from": 946684800000, "to": 2000000000000, )" + grouping + R"("metrics": [")" + names[0] +
                                   R"(", ")" + names[1] + R"(", ")" + names[2] + R"(", ")" + names[3] + R"("]})",
                               *snapshot_);
      const size_t first = shared.columns.size() - 4;
      for (size_t metric_idx = 0; metric_idx < 4; ++metric_idx) {
        const std::vector<Cell> alone = Alone(names[metric_idx], grouping);
        ASSERT_EQ(alone.size(), shared.rows.size()) << names[metric_idx];
        for (size_t row = 0; row < alone.size(); ++row) {
          ExpectSame(shared.rows[row][first + metric_idx], alone[row], names[metric_idx] + " " + grouping);
        }
      }
    }
  }
}

TEST_F(MomentsTest, OnlyFieldsWithAVarianceShare) {
  // count and avg without var keep their own accumulators; var of another field does not pull
  // them in; the answers are those asked alone.
  QueryResult mixed = RunSpec(
      R"({"from": 946684800000, "to": 2000000000000, "group_by": ["model"],
          "metrics": ["count:cost_usd", "avg:latency_ms", "var:scores.quality", "count:scores.quality"]})",
      *snapshot_);
  const std::vector<Cell> count_cost = Alone("count:cost_usd", R"("group_by": ["model"], )");
  const std::vector<Cell> avg_latency = Alone("avg:latency_ms", R"("group_by": ["model"], )");
  for (size_t row = 0; row < mixed.rows.size(); ++row) {
    ExpectSame(mixed.rows[row][1], count_cost[row], "count:cost_usd");
    ExpectSame(mixed.rows[row][2], avg_latency[row], "avg:latency_ms");
  }
}

TEST_F(MomentsTest, SpreadIsKeptOnlyWhenAMetricOfTheGroupAsksForIt) {
  // count and avg alone skip the per-row variance update; a var or stddev that comes after them
  // (an alias of the count's accumulator) still gets every row's spread.
  for (const std::string field : {"cost_usd", "output_tokens", "latency_ms", "scores.quality"}) {
    for (const std::vector<std::string> names :
         {std::vector<std::string>{"avg:" + field, "count:" + field},
          std::vector<std::string>{"count:" + field, "avg:" + field, "stddev:" + field},
          std::vector<std::string>{"avg:" + field, "var:" + field}}) {
      std::string metrics;
      for (const std::string& name : names) metrics += (metrics.empty() ? "\"" : ", \"") + name + "\"";
      QueryResult shared = RunSpec(
          R"({"from": 946684800000, "to": 2000000000000, "group_by": ["model"], "metrics": [)" + metrics + "]}",
          *snapshot_);
      const size_t first = shared.columns.size() - names.size();
      for (size_t metric_idx = 0; metric_idx < names.size(); ++metric_idx) {
        const std::vector<Cell> alone = Alone(names[metric_idx], R"("group_by": ["model"], )");
        ASSERT_EQ(alone.size(), shared.rows.size()) << names[metric_idx];
        for (size_t row = 0; row < alone.size(); ++row) {
          ExpectSame(shared.rows[row][first + metric_idx], alone[row], names[metric_idx] + " with " + metrics);
        }
      }
    }
  }
}

}  // namespace
}  // namespace mltrack::query
