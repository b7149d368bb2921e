// The retry-storm rule (insight_rules_retry.cc) against the storms counted by hand from random
// events: popular input hashes sent by many callers, most of whom never fail (the calls the rule
// no longer reads), sessions, users without a session and calls of nobody, traces without a hash,
// storms at bucket edges and at the start of the rule's 7-day window.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "analytics/insight_rules.h"
#include "analytics/insights.h"
#include "query/query_executor.h"
#include "store/memtable.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kWindowMs = 15 * kMinuteMs;
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kStart = 1'763'337'600'000;  // 2025-11-17T00:00:00Z

struct ModelStorms {
  double storms = 0, calls = 0, errors = 0, waste_nano = 0;
};

// The rule's meaning, by brute force: calls with a model and an input (hash, else trace) in the
// last 7 days of [from, to), by 15-minute bucket, caller (session, else user), model and input;
// a storm has ≥ 4 calls and a failure; its waste is its cost beyond its dearest call.
std::map<std::string, ModelStorms> CountStorms(const EventBatch& events, int64_t from, int64_t to,
                                               const std::string& only_model) {
  struct Window {
    double calls = 0, errors = 0, cost = 0, max_cost = 0;
  };
  using Key = std::tuple<int64_t, std::string, std::string, std::string>;
  std::map<Key, Window> windows;
  const int64_t start = std::max(from, to - 7 * kDayMs);
  for (const Event& event : events) {
    if (event.ts_ms < start || event.ts_ms >= to || event.model.empty()) continue;
    if (!only_model.empty() && event.model != only_model) continue;
    if (event.input_hash.empty() && event.trace_id.empty()) continue;
    const std::string caller = !event.session_id.empty() ? "s" + event.session_id
                               : !event.user.empty()     ? "u" + event.user
                                                         : "-";
    const std::string request = !event.input_hash.empty() ? "i" + event.input_hash : "t" + event.trace_id;
    Window& window = windows[{event.ts_ms / kWindowMs, caller, event.model, request}];
    const double cost = static_cast<double>(event.cost_nano_usd.value_or(0));
    window.calls += 1;
    window.errors += event.status == EventStatus::kError ? 1 : 0;
    window.cost += cost;
    window.max_cost = std::max(window.max_cost, cost);
  }
  std::map<std::string, ModelStorms> by_model;
  for (const auto& [key, window] : windows) {
    if (window.calls < 4 || window.errors < 1) continue;
    ModelStorms& storms = by_model[std::get<2>(key)];
    storms.storms += 1;
    storms.calls += window.calls;
    storms.errors += window.errors;
    storms.waste_nano += window.cost - window.max_cost;
  }
  return by_model;
}

EventBatch RandomCalls(uint64_t seed, int64_t days) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  EventBatch events;
  // Bursts: one caller sending one request several times within minutes, failing now and then.
  // Inputs are few (popular prompts shared by many callers), callers many.
  for (int burst = 0; burst < 1500; ++burst) {
    Event first;
    first.ts_ms = kStart + static_cast<int64_t>(rng() % static_cast<uint64_t>(days * kDayMs));
    const int caller = pick(10);
    if (caller < 6) first.session_id = "s-" + std::to_string(pick(300));
    if (caller >= 3 && caller < 9) first.user = "u-" + std::to_string(pick(40));
    first.model = pick(20) == 0 ? "" : std::string("m-") + static_cast<char>('a' + pick(3));
    const int input = pick(10);
    if (input < 6) first.input_hash = "h-" + std::to_string(pick(12));
    if (input >= 4) first.trace_id = "t-" + std::to_string(pick(200));
    const int calls = 1 + pick(6);
    const int fail_percent = pick(3) == 0 ? 60 : 5;
    int64_t ts = first.ts_ms;
    for (int call = 0; call < calls; ++call) {
      Event event = first;
      event.ts_ms = ts;
      ts += pick(4) * kMinuteMs + pick(60'000);
      event.status = pick(100) < fail_percent ? EventStatus::kError : EventStatus::kOk;
      if (pick(10) > 0) event.cost_nano_usd = 1'000'000 * (1 + pick(50));
      events.push_back(std::move(event));
    }
  }
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.ts_ms < b.ts_ms; });
  return events;
}

double Figure(const Insight& insight, const std::string& label) {
  for (const InsightFigure& figure : insight.evidence) {
    if (figure.label == label) return figure.value;
  }
  ADD_FAILURE() << "no figure " << label << " in " << insight.subject;
  return -1;
}

TEST(RetryStormRuleTest, CardsAreTheStormsCountedByHand) {
  for (uint64_t seed : {1, 2, 3}) {
    for (int64_t days : {5, 12}) {  // the whole range, and its last 7 days
      for (const std::string only_model : {"", "m-b"}) {
        const EventBatch events = RandomCalls(seed, days);
        store::Memtable memtable(store::MemtableOptions{.block_rows = 512, .first_block_rows = 128});
        memtable.Append(events);
        std::shared_ptr<const store::TableSnapshot> snapshot = memtable.Snapshot();
        QueryRunner run = [snapshot](const query::QuerySpec& spec) { return query::ExecuteQuery(spec, *snapshot); };
        InsightsRequest request;
        request.params.from_ms = kStart;
        request.params.to_ms = kStart + days * kDayMs;
        if (!only_model.empty()) {
          query::Filter model;
          model.field = FieldRef{FieldId::kModel, {}};
          model.values.emplace_back(only_model);
          request.params.filters.push_back(std::move(model));
        }
        InsightsContext context;
        context.now_ms = request.params.to_ms;
        RuleInput input{request.params, request.quality_score, context, run, 1.0};
        std::vector<Insight> cards;
        Result<std::string> skipped = RetryStormRule(input, cards);
        ASSERT_TRUE(skipped.ok()) << skipped.status().ToString();
        const std::map<std::string, ModelStorms> expected =
            CountStorms(events, request.params.from_ms, request.params.to_ms, only_model);
        const std::string where = "seed " + std::to_string(seed) + ", " + std::to_string(days) + " days, model '" +
                                  only_model + "'";
        ASSERT_FALSE(expected.empty()) << where;
        ASSERT_EQ(cards.size(), expected.size()) << where;
        for (const Insight& card : cards) {
          const auto found = expected.find(card.subject.substr(std::string("model ").size()));
          ASSERT_NE(found, expected.end()) << where << ": " << card.subject;
          const ModelStorms& storms = found->second;
          EXPECT_EQ(Figure(card, "retry storms"), storms.storms) << where << ": " << card.subject;
          EXPECT_EQ(Figure(card, "calls in storms"), storms.calls) << where << ": " << card.subject;
          EXPECT_NEAR(Figure(card, "failed calls in storms"), storms.errors, 1e-9) << where << ": " << card.subject;
          EXPECT_NEAR(Figure(card, "cost of the retries"), storms.waste_nano / 1e9, 1e-9) << where << ": " << card.subject;
        }
      }
    }
  }
}

}  // namespace
}  // namespace mltrack::analytics
