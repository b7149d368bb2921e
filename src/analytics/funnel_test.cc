// The funnel's bounded queries (the users whose first event of a step comes before their previous
// step) read only the spans of those users' windows, not every day between them.

#include "analytics/funnel.h"

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "query/query_executor.h"
#include "store/memtable.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr int64_t kFrom = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr int64_t kTo = kFrom + 30 * kDayMs;

Event Step(const std::string& user, int64_t ts, const std::string& step) {
  Event event;
  event.ts_ms = ts;
  event.model = "m";
  event.user = user;
  event.tags.emplace_back("step", step);
  return event;
}

std::vector<FunnelStep> Steps() {
  Result<UserActivityParams> params =
      ParseUserActivityParams({{"steps", "tags.step:search,tags.step:answer,tags.step:feedback"}}, kTo);
  return params.ok() ? params->steps : std::vector<FunnelStep>{};
}

bool IsBounded(const query::QuerySpec& spec) {
  for (const query::Filter& filter : spec.filters) {
    if (IsKeyedBound(filter)) return true;
  }
  return false;
}

// The step value of a bounded query ("answer", "feedback").
std::string StepOf(const query::QuerySpec& spec) {
  for (const query::Filter& filter : spec.filters) {
    if (filter.field.id == FieldId::kTag && !filter.values.empty()) return std::get<std::string>(filter.values.front());
  }
  return {};
}

class FunnelTest : public ::testing::Test {
 protected:
  Result<FunnelReport> Run(const EventBatch& events, int64_t window_ms) {
    memtable_.Append(events);
    std::shared_ptr<const store::TableSnapshot> snapshot = memtable_.Snapshot();
    QueryRunner run = [this, snapshot](const query::QuerySpec& spec) {
      if (IsBounded(spec)) {
        std::lock_guard lock(mutex_);
        bounded_.push_back(spec);
      }
      return query::ExecuteQuery(spec, *snapshot);
    };
    DashboardParams params;
    params.from_ms = kFrom;
    params.to_ms = kTo;
    const std::vector<FunnelStep> steps = Steps();
    EXPECT_EQ(steps.size(), 3u);
    return ComputeFunnel(params, steps, window_ms, run);
  }

  store::Memtable memtable_{store::MemtableOptions{.block_rows = 256, .first_block_rows = 256}};
  std::mutex mutex_;
  std::vector<query::QuerySpec> bounded_;
};

// Two users whose first answer comes before their search, 19 days apart: each one's bounded
// query reads their own window, not the 19 days between them.
TEST_F(FunnelTest, BoundedQueriesReadTheUsersWindowsOnly) {
  EventBatch events;
  for (int64_t hour = 0; hour < 30 * 24; ++hour) events.push_back(Step("busy", kFrom + hour * kHourMs, "search"));
  const int64_t a = kFrom + kDayMs, b = kFrom + 20 * kDayMs;
  for (const auto& [user, step, at] : std::vector<std::tuple<std::string, std::string, int64_t>>{
           {"a", "answer", a}, {"a", "search", a + kHourMs}, {"a", "answer", a + 2 * kHourMs},
           {"a", "feedback", a + 3 * kHourMs},
           {"b", "answer", b}, {"b", "search", b + kHourMs}, {"b", "feedback", b + 2 * kHourMs},
           {"b", "answer", b + 5 * kHourMs}, {"b", "feedback", b + 6 * kHourMs}}) {
    events.push_back(Step(user, at, step));
  }
  Result<FunnelReport> funnel = Run(events, kDayMs);
  ASSERT_TRUE(funnel.ok()) << funnel.status().ToString();
  ASSERT_EQ(funnel->steps.size(), 3u);
  EXPECT_EQ(funnel->steps[0].users, 3);  // busy, a, b
  EXPECT_EQ(funnel->steps[1].users, 2);  // a after 1 h, b after 4 h
  EXPECT_EQ(funnel->steps[1].median_ms_from_previous, 2.5 * kHourMs);
  EXPECT_EQ(funnel->steps[2].users, 2);  // a after 1 h (its first feedback), b after 1 h (its second)
  EXPECT_EQ(funnel->steps[2].median_ms_from_previous, 1.0 * kHourMs);
  int answer_queries = 0;
  for (const query::QuerySpec& spec : bounded_) {
    EXPECT_LE(spec.to_ms - spec.from_ms, kDayMs) << StepOf(spec) << " read " << (spec.to_ms - spec.from_ms) << " ms";
    answer_queries += StepOf(spec) == "answer";
  }
  EXPECT_EQ(answer_queries, 2);  // a's and b's windows, apart
}

// Forty unsettled users, each window apart from the others: the step's bounded queries are at
// most 16, cut at the widest gaps, and every user is still found.
TEST_F(FunnelTest, BoundedQueriesAreFewWhenTheWindowsAreMany) {
  EventBatch events;
  std::vector<int64_t> starts;
  for (int user = 0; user < 40; ++user) {
    // Gaps of 12 h, and of 36 h before every fifth user: those 7 gaps are cut first.
    const int64_t at = kFrom + kHourMs + user * 12 * kHourMs + (user / 5) * 24 * kHourMs;
    ASSERT_LT(at + 3 * kHourMs, kTo);
    const std::string name = "u" + std::to_string(user);
    events.push_back(Step(name, at, "answer"));
    events.push_back(Step(name, at + kHourMs, "search"));
    events.push_back(Step(name, at + 2 * kHourMs, "answer"));
    starts.push_back(at);
  }
  Result<FunnelReport> funnel = Run(events, 3 * kHourMs);
  ASSERT_TRUE(funnel.ok()) << funnel.status().ToString();
  EXPECT_EQ(funnel->steps[0].users, 40);
  EXPECT_EQ(funnel->steps[1].users, 40);
  EXPECT_EQ(funnel->steps[1].median_ms_from_previous, 1.0 * kHourMs);
  EXPECT_EQ(funnel->steps[2].users, 0);
  ASSERT_EQ(bounded_.size(), 16u);
  // The 7 wide gaps are all cut: no query spans one of them.
  for (const query::QuerySpec& spec : bounded_) {
    for (int user = 5; user < 40; user += 5) {
      const int64_t gap_end = starts[user];
      EXPECT_FALSE(spec.from_ms < gap_end - 24 * kHourMs && spec.to_ms > gap_end) << "user " << user;
    }
  }
}

}  // namespace
}  // namespace mltrack::analytics
