#include "demo/demo_traffic.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

namespace mltrack::demo {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kEnd = 1'764'201'600'000;  // 2025-11-27T00:00:00Z

EventBatch GenerateAll(uint64_t seed, size_t events, int days = 30) {
  DemoTraffic traffic(seed);
  DemoOptions options;
  options.days = days;
  options.events = events;
  options.end_ms = kEnd;
  options.batch_size = 1000;
  EventBatch all;
  Status status = traffic.Generate(options, [&](EventBatch&& batch) {
    EXPECT_LE(batch.size(), 1000u);
    for (Event& event : batch) all.push_back(std::move(event));
    return Status::OK();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return all;
}

TEST(DemoTrafficTest, SameSeedSameTraffic) {
  EXPECT_EQ(GenerateAll(7, 2000), GenerateAll(7, 2000));
  EXPECT_NE(GenerateAll(7, 2000), GenerateAll(8, 2000));
}

TEST(DemoTrafficTest, CoversTheRangeInTimeOrderWithUniqueIds) {
  EventBatch all = GenerateAll(42, 20'000);
  ASSERT_GE(all.size(), 20'000u);  // retries and the spike come on top
  EXPECT_LT(all.size(), 23'000u);
  std::set<std::string> ids;
  for (size_t idx = 0; idx < all.size(); ++idx) {
    EXPECT_GE(all[idx].ts_ms, kEnd - 30 * kDayMs - 3'600'000);
    EXPECT_LT(all[idx].ts_ms, kEnd);
    if (idx > 0) {
      EXPECT_LE(all[idx - 1].ts_ms, all[idx].ts_ms);
    }
    EXPECT_TRUE(ids.insert(all[idx].id).second) << all[idx].id;
    EXPECT_TRUE(all[idx].experiment.starts_with("demo-"));
  }
}

TEST(DemoTrafficTest, HasTheVarietyTheDashboardsNeed) {
  EventBatch all = GenerateAll(42, 30'000);
  std::set<std::string> experiments, teams, users, providers, models;
  size_t errors = 0, retries = 0, streamed_with_ttft = 0, scored = 0, gateway_hits = 0,
         cached = 0, reasoning = 0, self_hosted = 0;
  std::map<std::string, size_t> error_types;
  for (const Event& event : all) {
    experiments.insert(event.experiment);
    teams.insert(event.team);
    users.insert(event.user);
    providers.insert(event.provider);
    models.insert(event.model);
    if (event.status == EventStatus::kError) {
      ++errors;
      ++error_types[event.error_type];
      EXPECT_TRUE(event.http_status.has_value());
    }
    for (const auto& [key, value] : event.tags) retries += key == "attempt";
    if (event.streaming.value_or(false) && event.ttft_ms) {
      ++streamed_with_ttft;
      EXPECT_LE(*event.ttft_ms, *event.latency_ms);
    }
    scored += !event.scores.empty();
    gateway_hits += event.cache_hit.value_or(false);
    cached += event.cached_input_tokens.has_value();
    reasoning += event.reasoning_tokens.has_value();
    self_hosted += event.provider == "self-hosted";
    if (event.cached_input_tokens) {
      EXPECT_LE(*event.cached_input_tokens, *event.input_tokens);
    }
    if (event.reasoning_tokens) {
      EXPECT_LE(*event.reasoning_tokens, *event.output_tokens);
    }
  }
  EXPECT_EQ(experiments.size(), 6u);
  EXPECT_EQ(teams.size(), 5u);
  EXPECT_GE(users.size(), 40u);
  EXPECT_GE(providers.size(), 5u);
  EXPECT_GE(models.size(), 14u);
  double error_rate = static_cast<double>(errors) / all.size();
  EXPECT_GT(error_rate, 0.005);
  EXPECT_LT(error_rate, 0.06);
  EXPECT_GE(error_types.size(), 4u);
  EXPECT_GT(retries, 0u);
  EXPECT_GT(streamed_with_ttft, all.size() / 5);
  EXPECT_GT(scored, all.size() / 10);
  EXPECT_GT(gateway_hits, 0u);
  EXPECT_GT(cached, 0u);
  EXPECT_GT(reasoning, 0u);
  EXPECT_GT(self_hosted, 0u);
}

TEST(DemoTrafficTest, WeekdaysBusierThanWeekendsAndOneCostSpikeDay) {
  EventBatch all = GenerateAll(42, 60'000);
  std::map<int64_t, size_t> per_day;
  std::map<int64_t, int64_t> opus_input_per_day;
  for (const Event& event : all) {
    int64_t day = event.ts_ms / kDayMs;
    ++per_day[day];
    if (event.model.starts_with("claude-opus")) opus_input_per_day[day] += event.input_tokens.value_or(0);
  }
  size_t weekday_total = 0, weekday_days = 0, weekend_total = 0, weekend_days = 0;
  for (const auto& [day, count] : per_day) {
    int weekday = static_cast<int>((day + 4) % 7);
    if (weekday == 0 || weekday == 6) {
      weekend_total += count;
      ++weekend_days;
    } else {
      weekday_total += count;
      ++weekday_days;
    }
  }
  ASSERT_GT(weekend_days, 0u);
  EXPECT_GT(static_cast<double>(weekday_total) / weekday_days,
            2.0 * static_cast<double>(weekend_total) / weekend_days);
  // The spike day carries far more opus input than any other day.
  int64_t top = 0, second = 0;
  for (const auto& [day, tokens] : opus_input_per_day) {
    if (tokens > top) {
      second = top;
      top = tokens;
    } else if (tokens > second) {
      second = tokens;
    }
  }
  EXPECT_GT(top, 10 * second);
}

// The anthropic incident the demo annotations point at: in its two hours anthropic calls fail
// far more often (mostly 529 overloaded) and their first tokens come much later.
TEST(DemoTrafficTest, TheIncidentIsWhereTheTimelineSaysWithErrorsAndSlowFirstTokens) {
  DemoOptions options;
  options.days = 30;
  const DemoTimeline timeline = DemoTimelineFor(options, kEnd);
  EXPECT_EQ(timeline.start_ms, kEnd - 30 * kDayMs);
  EXPECT_EQ(timeline.incident_end_ms - timeline.incident_start_ms, 2 * 3'600'000);
  EXPECT_EQ(timeline.incident_start_ms, timeline.start_ms + 25 * kDayMs + 14 * 3'600'000);
  EXPECT_LT(timeline.prompt_v3_ms, timeline.incident_start_ms);
  EXPECT_LT(timeline.spike_start_ms, timeline.spike_end_ms);
  // Generated at any hour, the incident starts at 14:00 UTC and the spike at 09:00 UTC.
  for (int64_t hour = 0; hour < 24; ++hour) {
    const DemoTimeline later = DemoTimelineFor(options, kEnd + hour * 3'600'000 + 1'234);
    EXPECT_EQ(later.incident_start_ms % kDayMs, 14 * 3'600'000) << "generated at hour " << hour;
    EXPECT_EQ(later.spike_start_ms % kDayMs, 9 * 3'600'000) << "generated at hour " << hour;
    EXPECT_EQ(later.incident_start_ms, timeline.incident_start_ms);
  }

  EventBatch all = GenerateAll(42, 200'000);
  int64_t calls[2] = {0, 0}, errors[2] = {0, 0}, overloaded = 0;
  std::vector<double> ttft[2];
  for (const Event& event : all) {
    if (event.provider != "anthropic") continue;
    const bool during = event.ts_ms >= timeline.incident_start_ms && event.ts_ms < timeline.incident_end_ms;
    ++calls[during];
    if (event.status == EventStatus::kError) {
      ++errors[during];
      overloaded += during && event.http_status == 529;
    }
    if (event.ttft_ms) ttft[during].push_back(*event.ttft_ms);
  }
  ASSERT_GT(calls[1], 100);
  EXPECT_GT(static_cast<double>(errors[1]) / calls[1], 0.2);
  EXPECT_LT(static_cast<double>(errors[0]) / calls[0], 0.03);
  EXPECT_GT(overloaded, errors[1] / 2);
  for (auto& values : ttft) std::sort(values.begin(), values.end());
  ASSERT_FALSE(ttft[1].empty());
  EXPECT_GT(ttft[1][ttft[1].size() / 2], 2.0 * ttft[0][ttft[0].size() / 2]);
}

// Insights' retry-storm and exact-cache rules: storm copies (after an overload or a timeout) are billed (input and
// part of an output, so the storms cost money) and carry the input hash of the call they repeat;
// every input_hash is 64 hex digits, and the template prompts repeat.
TEST(DemoTrafficTest, RetryStormsAreBilledAndRepeatTheirInputHash) {
  EventBatch all = GenerateAll(42, 200'000);
  auto attempt = [](const Event& event) {
    for (const auto& [key, value] : event.tags) {
      if (key == "attempt") return std::stoi(value);
    }
    return 1;
  };
  std::map<std::string, std::string> first_hash;  // trace → the input hash of its first call
  std::map<std::string, int> hash_calls;
  for (const Event& event : all) {
    if (event.input_hash.empty()) continue;
    EXPECT_EQ(event.input_hash.size(), 64u);
    EXPECT_EQ(event.input_hash.find_first_not_of("0123456789abcdef"), std::string::npos) << event.input_hash;
    ++hash_calls[event.input_hash];
    const bool stormy = event.error_type == "overloaded" || event.error_type == "timeout";
    if (attempt(event) == 1 && stormy) first_hash[event.trace_id] = event.input_hash;
  }
  int copies = 0;
  for (const Event& event : all) {
    if (attempt(event) < 3 || (event.error_type != "overloaded" && event.error_type != "timeout")) {
      continue;  // storm copies are attempts 2..6; ordinary retries are attempt 2
    }
    ++copies;
    EXPECT_GT(event.input_tokens.value_or(0), 0);
    EXPECT_GT(event.output_tokens.value_or(0), 0);
    EXPECT_EQ(event.streaming, std::optional<bool>(true));
    EXPECT_EQ(event.input_hash, first_hash[event.trace_id]) << event.trace_id;
  }
  EXPECT_GT(copies, 20);
  size_t repeated = 0;
  for (const auto& [hash, calls] : hash_calls) repeated += calls > 1;
  EXPECT_GT(repeated, 100u);
}

TEST(DemoTrafficTest, PromptV4RunsAsAnABTestOverTheLastTwoWeeks) {
  EventBatch all = GenerateAll(42, 60'000);
  struct Arm {
    size_t calls = 0, scored = 0;
    double output_tokens = 0, quality = 0;
  };
  std::map<std::string, Arm> arms;  // prompt_version → figures of its successful chat calls
  std::set<std::string> before_test;
  for (const Event& event : all) {
    if (event.ts_ms < kEnd - 14 * kDayMs) {
      before_test.insert(event.prompt_version);
      continue;
    }
    if (event.status != EventStatus::kOk || event.operation != Operation::kChat || event.cache_hit.value_or(false)) continue;
    if (event.prompt_version == "bench") continue;  // the research batch job: its own prompts, no arm
    Arm& arm = arms[event.prompt_version];
    ++arm.calls;
    arm.output_tokens += static_cast<double>(event.output_tokens.value_or(0));
    for (const auto& [name, value] : event.scores) {
      if (name != "quality") continue;
      ++arm.scored;
      arm.quality += value;
    }
  }
  EXPECT_FALSE(before_test.contains("v4"));
  ASSERT_EQ(arms.size(), 2u);  // v3 and v4 run side by side
  const Arm& control = arms["v3"];
  const Arm& treatment = arms["v4"];
  const double share = static_cast<double>(treatment.calls) / static_cast<double>(control.calls + treatment.calls);
  EXPECT_GT(share, 0.4);
  EXPECT_LT(share, 0.6);
  EXPECT_LT(treatment.output_tokens / treatment.calls, 0.95 * control.output_tokens / control.calls);
  ASSERT_GT(control.scored, 500u);
  EXPECT_GT(treatment.quality / treatment.scored, control.quality / control.scored + 0.015);
}

TEST(DemoTrafficTest, EveryChatModelHasQualityScores) {
  std::map<std::string, size_t> quality_scores;
  for (const Event& event : GenerateAll(42, 30'000)) {
    if (event.operation != Operation::kChat) continue;
    quality_scores[event.model];
    for (const auto& [name, value] : event.scores) quality_scores[event.model] += name == "quality";
  }
  EXPECT_GE(quality_scores.size(), 14u);
  for (const auto& [model, count] : quality_scores) EXPECT_GE(count, 20u) << model;
}

TEST(DemoTrafficTest, LiveEventsAreRecentAndUnique) {
  DemoTraffic traffic(1);
  EventBatch first = traffic.Live(kEnd, 5);
  EventBatch second = traffic.Live(kEnd + 1000, 5);
  ASSERT_EQ(first.size(), 5u);
  std::set<std::string> ids;
  for (const EventBatch* batch : {&first, &second}) {
    for (const Event& event : *batch) {
      EXPECT_GT(event.ts_ms, kEnd - 2000);
      EXPECT_TRUE(ids.insert(event.id).second);
    }
  }
}

// The trickle's users are the history's users of that day (a Wednesday), not a day's worth of
// others: it adds calls, so DAU, WAU and MAU of a running demo stay what the history made them.
TEST(DemoTrafficTest, LiveUsersAreThoseOfTheHistorysDay) {
  DemoOptions options;
  options.days = 10;
  options.events = 60'000;
  options.end_ms = kEnd;  // a Thursday midnight: the last day of the history is a whole Wednesday
  std::set<std::string> last_day;
  DemoTraffic history(options.seed);
  ASSERT_TRUE(history
                  .Generate(options,
                            [&](EventBatch&& batch) {
                              for (const Event& event : batch) {
                                if (event.ts_ms >= kEnd - kDayMs) last_day.insert(event.user);
                              }
                              return Status::OK();
                            })
                  .ok());
  DemoTraffic live(7);  // the trickle's own seed: other calls, the same users
  std::set<std::string> live_users, strangers;
  for (int second = 0; second < 500; ++second) {
    for (const Event& event : live.Live(kEnd - 3'600'000 + second * 1000, 4, options)) {
      live_users.insert(event.user);
      if (!last_day.contains(event.user)) strangers.insert(event.user);
    }
  }
  EXPECT_GE(last_day.size(), 40u);
  EXPECT_GE(live_users.size(), last_day.size() / 2);
  EXPECT_LE(live_users.size(), last_day.size() * 11 / 10);
  // 2,000 live calls may pick a rare user the history's day did not, but only a few.
  EXPECT_LE(strangers.size() * 20, live_users.size()) << strangers.size() << " of " << live_users.size();
}

}  // namespace
}  // namespace mltrack::demo
