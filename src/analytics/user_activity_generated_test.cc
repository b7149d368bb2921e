// The User Activity dashboard on a seeded generated data set, against figures computed here with
// straight loops over the generated events: DAU/WAU/MAU, new and returning users per day, weekly
// cohorts, the funnel, and usage per user.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "analytics/user_activity.h"
#include "query/query_executor.h"
#include "store/memtable.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kHistoryDays = 75;
// The range ends 7 hours into a day, so its first and last days are partial.
constexpr int64_t kTo = 1'767'225'600'000 + 7 * 3'600'000;  // 2026-01-01T07:00:00Z
constexpr int64_t kFrom = kTo - 30 * kDayMs;
constexpr int64_t kWindowMs = 18 * 3'600'000;

int64_t DayOf(int64_t ts) { return ts >= 0 ? ts / kDayMs : (ts - kDayMs + 1) / kDayMs; }
// Day numbers since 1970-01-01 (a Thursday) → the day number of their week's Monday.
int64_t MondayOf(int64_t day) { return day - ((day % 7 + 7 + 3) % 7); }

// Users with a daily return rate, a few calls on an active day, steps in a random order.
EventBatch Generate(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&rng] { return std::uniform_real_distribution<double>(0, 1)(rng); };
  const char* kSteps[] = {"search", "answer", "feedback"};
  EventBatch events;
  const int64_t start_day = DayOf(kTo) - kHistoryDays;
  for (int user_idx = 0; user_idx < 120; ++user_idx) {
    const double rate = 0.05 + 0.6 * uniform();
    const int64_t first = start_day + static_cast<int64_t>(uniform() * kHistoryDays);
    const int64_t last = uniform() < 0.3 ? first + static_cast<int64_t>(uniform() * 20) : DayOf(kTo);
    for (int64_t day = first; day <= last; ++day) {
      if (day != first && uniform() > rate) continue;
      const int calls = 1 + static_cast<int>(uniform() * 8);
      for (int call = 0; call < calls; ++call) {
        Event event;
        event.ts_ms = day * kDayMs + static_cast<int64_t>(uniform() * kDayMs);
        if (event.ts_ms >= kTo) continue;
        event.model = "m";
        event.user = "user" + std::to_string(user_idx);
        event.team = "team" + std::to_string(user_idx % 3);
        event.experiment = "exp" + std::to_string(static_cast<int>(uniform() * 4));
        event.cost_nano_usd = static_cast<int64_t>(uniform() * 1e7);
        event.input_tokens = static_cast<int64_t>(uniform() * 500);
        event.output_tokens = static_cast<int64_t>(uniform() * 200);
        event.status = uniform() < 0.05 ? EventStatus::kError : EventStatus::kOk;
        if (uniform() < 0.6) event.tags.emplace_back("step", kSteps[static_cast<int>(uniform() * 3)]);
        events.push_back(std::move(event));
      }
    }
  }
  for (int idx = 0; idx < 50; ++idx) {  // events without a user count nowhere per user
    Event event;
    event.ts_ms = kTo - static_cast<int64_t>(uniform() * 40 * kDayMs);
    event.model = "m";
    event.tags.emplace_back("step", "search");
    events.push_back(std::move(event));
  }
  std::shuffle(events.begin(), events.end(), rng);  // blocks then span many days
  return events;
}

std::string_view StepOf(const Event& event) {
  for (const auto& [key, value] : event.tags) {
    if (key == "step") return value;
  }
  return {};
}

class UserActivityGeneratedTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(UserActivityGeneratedTest, MatchesStraightLoops) {
  const EventBatch events = Generate(GetParam());
  store::Memtable memtable(store::MemtableOptions{.block_rows = 512, .first_block_rows = 512});
  memtable.Append(events);
  std::shared_ptr<const store::TableSnapshot> snapshot = memtable.Snapshot();
  QueryRunner run = [snapshot](const query::QuerySpec& spec) { return query::ExecuteQuery(spec, *snapshot); };
  Result<UserActivityParams> params = ParseUserActivityParams(
      {{"from", std::to_string(kFrom)}, {"to", std::to_string(kTo)}, {"top", "500"},
       {"steps", "tags.step:search,tags.step:answer,tags.step:feedback"}, {"window", "18h"}},
      kTo);
  ASSERT_TRUE(params.ok()) << params.status().ToString();
  Result<UserActivity> activity = ComputeUserActivity(*params, run, UserActivityContext{});
  ASSERT_TRUE(activity.ok()) << activity.status().ToString();

  // Active days per user, and usage in the range.
  std::map<std::string, std::set<int64_t>> days;
  std::map<std::string, Usage> usage, previous_usage;  // in the range, and in the period before it
  for (const Event& event : events) {
    if (event.user.empty()) continue;
    days[event.user].insert(DayOf(event.ts_ms));
    const bool now = event.ts_ms >= kFrom && event.ts_ms < kTo;
    if (now || (event.ts_ms >= kFrom - (kTo - kFrom) && event.ts_ms < kFrom)) {
      Usage& figures = (now ? usage : previous_usage)[event.user];
      ++figures.calls;
      figures.tokens += *event.input_tokens + *event.output_tokens;
      figures.cost += *event.cost_nano_usd;
      figures.errors += event.status == EventStatus::kError;
    }
  }
  const int64_t first_day = DayOf(kFrom), last_day = DayOf(kTo - 1);
  ASSERT_EQ(activity->active.size(), static_cast<size_t>(last_day - first_day + 1));
  for (int64_t day = first_day; day <= last_day; ++day) {
    int64_t dau = 0, wau = 0, mau = 0, fresh = 0;
    for (const auto& [user, user_days] : days) {
      auto within = [&days_of = user_days, day](int64_t width) {
        auto it = days_of.lower_bound(day - width + 1);
        return it != days_of.end() && *it <= day;
      };
      dau += user_days.contains(day);
      wau += within(7);
      mau += within(30);
      fresh += *user_days.begin() == day;
    }
    const ActiveDay& got = activity->active[static_cast<size_t>(day - first_day)];
    EXPECT_EQ(activity->day_starts[static_cast<size_t>(day - first_day)], day * kDayMs);
    EXPECT_EQ(got.dau, dau) << "day " << day;
    EXPECT_EQ(got.wau, wau) << "day " << day;
    EXPECT_EQ(got.mau, mau) << "day " << day;
    EXPECT_EQ(got.new_users, fresh) << "day " << day;
    EXPECT_EQ(got.returning, dau - fresh) << "day " << day;
  }

  // Cohorts: the weeks (Monday UTC) the range touches, by first active day.
  std::map<int64_t, std::pair<int64_t, std::map<int64_t, int64_t>>> cohorts;  // week → (users, week → active)
  for (const auto& [user, user_days] : days) {
    const int64_t cohort = MondayOf(*user_days.begin());
    if (cohort < MondayOf(first_day) || cohort > MondayOf(last_day)) continue;
    ++cohorts[cohort].first;
    std::set<int64_t> weeks;
    for (int64_t day : user_days) weeks.insert(MondayOf(day));
    for (int64_t week : weeks) ++cohorts[cohort].second[week];
  }
  ASSERT_EQ(activity->cohorts.size(), cohorts.size());
  size_t cohort_idx = 0;
  for (const auto& [week, entry] : cohorts) {
    const Cohort& got = activity->cohorts[cohort_idx];
    EXPECT_EQ(activity->cohort_starts[cohort_idx++], week * kDayMs);
    EXPECT_EQ(got.users, entry.first);
    ASSERT_EQ(got.active.size(), static_cast<size_t>((MondayOf(last_day) - week) / 7 + 1));
    for (size_t offset = 0; offset < got.active.size(); ++offset) {
      auto found = entry.second.find(week + 7 * static_cast<int64_t>(offset));
      EXPECT_EQ(got.active[offset], found == entry.second.end() ? 0 : found->second) << "cohort " << week;
    }
  }

  // Usage per user: the leaderboard holds everyone (top=500), by cost.
  ASSERT_EQ(activity->top_users.size(), usage.size());
  EXPECT_EQ(activity->users, static_cast<int64_t>(usage.size()));
  for (const UserRow& row : activity->top_users) {
    const Usage& want = usage.at(row.user);
    EXPECT_EQ(row.now.calls, want.calls) << row.user;
    EXPECT_EQ(row.now.tokens, want.tokens) << row.user;
    EXPECT_EQ(row.now.cost, want.cost) << row.user;
    EXPECT_EQ(row.now.errors, want.errors) << row.user;
    const auto before = previous_usage.find(row.user);
    EXPECT_EQ(row.previous.calls, before == previous_usage.end() ? 0 : before->second.calls) << row.user;
    EXPECT_EQ(row.previous.cost, before == previous_usage.end() ? 0 : before->second.cost) << row.user;
  }
  EXPECT_EQ(activity->previous_users, static_cast<int64_t>(previous_usage.size()));

  // The funnel: per user, the earliest event of each step after the previous one.
  std::map<std::string, std::vector<const Event*>> by_user;
  for (const Event& event : events) {
    if (!event.user.empty() && event.ts_ms >= kFrom && event.ts_ms < kTo) by_user[event.user].push_back(&event);
  }
  const char* kSteps[] = {"search", "answer", "feedback"};
  std::vector<int64_t> reached(3, 0);
  std::vector<std::vector<int64_t>> gaps(3);
  for (const auto& [user, user_events] : by_user) {
    int64_t first = -1, previous = -1;
    for (int step = 0; step < 3; ++step) {
      int64_t best = -1;
      for (const Event* event : user_events) {
        if (StepOf(*event) != kSteps[step]) continue;
        if (step > 0 && (event->ts_ms <= previous || event->ts_ms > first + kWindowMs)) continue;
        if (best < 0 || event->ts_ms < best) best = event->ts_ms;
      }
      if (best < 0) break;
      ++reached[step];
      if (step == 0) first = best;
      if (step > 0) gaps[step].push_back(best - previous);
      previous = best;
    }
  }
  ASSERT_TRUE(activity->funnel.has_value());
  ASSERT_EQ(activity->funnel->steps.size(), 3u);
  EXPECT_GT(reached[2], 0);  // the data reaches the last step, so the check means something
  for (int step = 0; step < 3; ++step) {
    EXPECT_EQ(activity->funnel->steps[step].users, reached[step]) << "step " << step;
    std::sort(gaps[step].begin(), gaps[step].end());
    std::optional<double> median;
    const size_t count = gaps[step].size();
    if (count > 0) {
      median = count % 2 == 1 ? static_cast<double>(gaps[step][count / 2])
                              : (static_cast<double>(gaps[step][count / 2 - 1]) + static_cast<double>(gaps[step][count / 2])) / 2;
    }
    EXPECT_EQ(activity->funnel->steps[step].median_ms_from_previous, median) << "step " << step;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, UserActivityGeneratedTest, ::testing::Values(1, 2, 3));

bool IsFunnelQuery(const query::QuerySpec& spec) {
  return std::any_of(spec.filters.begin(), spec.filters.end(),
                     [](const query::Filter& filter) { return filter.field.Name() == "tags.step"; });
}

Result<UserActivityParams> FunnelParams() {
  return ParseUserActivityParams({{"from", std::to_string(kFrom)}, {"to", std::to_string(kTo)},
                                  {"steps", "tags.step:search,tags.step:answer,tags.step:feedback"}, {"window", "18h"}},
                                 kTo);
}

// The funnel's queries do not wait for the users' sections: its first query is asked while the
// range's period query is still running (which here waits for it), and the answer is the one of
// a runner that holds nothing back.
TEST(UserActivityFunnelTest, RunsBesideTheUsersSections) {
  const EventBatch events = Generate(4);
  store::Memtable memtable(store::MemtableOptions{.block_rows = 512, .first_block_rows = 512});
  memtable.Append(events);
  std::shared_ptr<const store::TableSnapshot> snapshot = memtable.Snapshot();
  Result<UserActivityParams> params = FunnelParams();
  ASSERT_TRUE(params.ok()) << params.status().ToString();
  QueryRunner plain = [snapshot](const query::QuerySpec& spec) { return query::ExecuteQuery(spec, *snapshot); };
  std::mutex mutex;
  std::condition_variable asked;
  bool funnel_asked = false, overlapped = false;
  QueryRunner holding = [&](const query::QuerySpec& spec) {
    if (IsFunnelQuery(spec)) {
      std::lock_guard lock(mutex);
      funnel_asked = true;
      asked.notify_all();
    } else if (spec.group_by.size() == 3) {  // the range's (user, team, experiment) query
      std::unique_lock lock(mutex);
      overlapped = asked.wait_for(lock, std::chrono::seconds(10), [&] { return funnel_asked; });
    }
    return query::ExecuteQuery(spec, *snapshot);
  };
  Result<UserActivity> held = ComputeUserActivity(*params, holding, UserActivityContext{});
  Result<UserActivity> alone = ComputeUserActivity(*params, plain, UserActivityContext{});
  ASSERT_TRUE(held.ok() && alone.ok()) << held.status().ToString() << alone.status().ToString();
  EXPECT_TRUE(overlapped) << "the funnel's first query waited for the users' sections";
  ASSERT_TRUE(alone->funnel.has_value());
  EXPECT_GT(alone->funnel->steps.back().users, 0);
  EXPECT_EQ(UserActivityJson(*held), UserActivityJson(*alone));
}

// A failed funnel query fails the response, as does a failed users query (whose error wins).
TEST(UserActivityFunnelTest, ReportsTheFunnelsError) {
  const EventBatch events = Generate(5);
  store::Memtable memtable(store::MemtableOptions{.block_rows = 512, .first_block_rows = 512});
  memtable.Append(events);
  std::shared_ptr<const store::TableSnapshot> snapshot = memtable.Snapshot();
  Result<UserActivityParams> params = FunnelParams();
  ASSERT_TRUE(params.ok()) << params.status().ToString();
  for (bool users_fail : {false, true}) {
    QueryRunner failing = [&](const query::QuerySpec& spec) -> Result<query::QueryResult> {
      if (IsFunnelQuery(spec)) return Status::Unavailable("funnel query failed");
      if (users_fail && spec.group_by.size() == 3) return Status::Internal("users query failed");
      return query::ExecuteQuery(spec, *snapshot);
    };
    Result<UserActivity> activity = ComputeUserActivity(*params, failing, UserActivityContext{});
    ASSERT_FALSE(activity.ok());
    EXPECT_EQ(activity.status().code(), users_fail ? StatusCode::kInternal : StatusCode::kUnavailable)
        << activity.status().ToString();
  }
}

}  // namespace
}  // namespace mltrack::analytics
