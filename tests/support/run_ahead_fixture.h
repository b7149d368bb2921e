#pragma once
// The fixture of the RunAhead tests (run_ahead_test.cc, run_ahead_dashboards_test.cc): random
// events in a memtable, and the real executor one spec at a time or with shared scans.

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <random>
#include <span>
#include <string>

#include "analytics/dashboard_params.h"
#include "analytics/query_runner.h"
#include "query/query_batch.h"
#include "query/query_executor.h"
#include "random_query_test_util.h"
#include "store/memtable.h"

namespace mltrack::analytics {
namespace {

using query::test_data::kHourMs;
using query::test_data::kStart;

class RunAheadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937_64 rng(41);
    query::test_data::Fill(memtable_, rng, 0, 40'000, 200);  // one scan thread: sums add in one order
    snapshot_ = memtable_.Snapshot();
  }

  // The real executor, one spec at a time.
  QueryRunner Alone() {
    return [snapshot = snapshot_](const query::QuerySpec& spec) { return query::ExecuteQuery(spec, *snapshot); };
  }
  // The real executor with shared scans; counts the batches and the specs run alone.
  QueryRunner Batched() {
    auto one = [this](const query::QuerySpec& spec) {
      ++alone_;
      return query::ExecuteQuery(spec, *snapshot_);
    };
    auto batch = [this](std::span<const query::QuerySpec> specs) {
      ++batches_;
      return query::ExecuteBatch(specs, *snapshot_, nullptr);
    };
    return QueryRunner(one, batch);
  }

  static DashboardParams Params(bool filtered) {
    DashboardParams params;
    params.from_ms = kStart + 10 * 24 * kHourMs;
    params.to_ms = kStart + 40 * 24 * kHourMs;
    if (filtered) {
      query::Filter model;
      model.field = FieldRef{FieldId::kModel, {}};
      model.values.emplace_back(std::string("gpt-4o"));
      params.filters.push_back(std::move(model));
    }
    return params;
  }

  store::Memtable memtable_{store::MemtableOptions{.block_rows = 4096, .first_block_rows = 1024}};
  std::shared_ptr<const store::TableSnapshot> snapshot_;
  std::atomic<int> batches_{0};
  std::atomic<int> alone_{0};
};

}  // namespace
}  // namespace mltrack::analytics
