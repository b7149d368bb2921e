// Queries answer for any value a store can hold, exactly or with an error that says why, and stop
// at their limits (issue 18): exact wide sums, overflow-free interpolation, bins refused past
// ±2^53, the deadline and the memory budget, a cache never filled by a stopped query.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "query/query_executor.h"
#include "query/query_parser.h"
#include "store/memtable.h"

namespace mltrack::query {
namespace {

constexpr int64_t kStart = 1'767'225'600'000;  // 2026-01-01

QuerySpec Spec(const std::string& json) {
  Result<QuerySpec> spec = ParseQuerySpec(json, kStart + 86'400'000);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return spec.ok() ? *spec : QuerySpec{};
}

std::shared_ptr<const store::TableSnapshot> Table(std::vector<Event> events, store::Memtable& memtable) {
  memtable.Append(events);
  return memtable.Snapshot();
}

Event At(int64_t offset_ms) {
  Event event;
  event.ts_ms = kStart + offset_ms;
  event.model = "m";
  return event;
}

TEST(QueryLimitsTest, IntegerAndMoneySumsPastInt64AreExact) {
  store::Memtable memtable;
  std::vector<Event> events;
  for (int idx = 0; idx < 10'000; ++idx) {
    Event event = At(idx);
    event.cost_nano_usd = 1'000'000'000'000'001;  // a million USD and a nano-USD
    event.input_tokens = int64_t{1} << 53;          // what an older store may hold
    events.push_back(event);
  }
  auto snapshot = Table(events, memtable);
  Result<QueryResult> result = ExecuteQuery(Spec(R"({"metrics":["sum:cost_usd","sum:input_tokens","avg:input_tokens"]})"), *snapshot);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const std::string json = QueryResultToJson(*result);
  EXPECT_NE(json.find(R"([[10000000000.00001,90071992547409920000,9007199254740992]])"), std::string::npos) << json;
}

TEST(QueryLimitsTest, DoubleSumsPastADoubleAndExtremePercentilesAnswer) {
  store::Memtable memtable;
  std::vector<Event> events;
  for (double value : {-1.7e308, 1.7e308}) {
    Event event = At(0);
    event.scores = {{"x", value}, {"y", 1.7e308}};
    events.push_back(event);
  }
  auto snapshot = Table(events, memtable);
  Result<QueryResult> result = ExecuteQuery(
      Spec(R"({"metrics":["p50:scores.x","p25:scores.x","sum:scores.x","sum:scores.y","avg:scores.y"]})"), *snapshot);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const std::vector<Cell>& row = result->rows[0];
  EXPECT_EQ(std::get<double>(row[0]), 0.0);
  EXPECT_DOUBLE_EQ(std::get<double>(row[1]), -0.85e308);
  EXPECT_EQ(std::get<double>(row[2]), 0.0);
  ASSERT_TRUE(std::holds_alternative<WideNumber>(row[3]));
  EXPECT_EQ(std::get<WideNumber>(row[3]).text.substr(0, 4), "3.39");
  EXPECT_EQ(std::get<double>(row[4]), 1.7e308);
  // Sketched percentiles (more than 1,024 values) of huge magnitudes stay finite and ordered.
  store::Memtable big;
  std::vector<Event> many;
  for (int idx = 0; idx < 3000; ++idx) {
    Event event = At(idx);
    event.scores = {{"x", (idx % 2 ? 1 : -1) * 1e300 * (1 + idx % 7)}};
    many.push_back(event);
  }
  auto big_snapshot = Table(many, big);
  result = ExecuteQuery(Spec(R"({"metrics":["p10:scores.x","p50:scores.x","p90:scores.x"]})"), *big_snapshot);
  ASSERT_TRUE(result.ok());
  const double p10 = std::get<double>(result->rows[0][0]);
  const double p90 = std::get<double>(result->rows[0][2]);
  EXPECT_TRUE(std::isfinite(p10) && std::isfinite(p90));
  EXPECT_LT(p10, -1e300);
  EXPECT_GT(p90, 1e300);
}

TEST(QueryLimitsTest, BinsPastTwoToThe53AreRefusedNotLumped) {
  store::Memtable memtable;
  std::vector<Event> events;
  for (double value : {1e17, 3e17, 1e300, 2.5}) {
    Event event = At(0);
    event.scores = {{"big", value}};
    events.push_back(event);
  }
  auto snapshot = Table(events, memtable);
  Result<QueryResult> refused = ExecuteQuery(Spec(R"({"group_by":["model","bin:1:scores.big"],"metrics":["count"]})"), *snapshot);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(refused.status().details().size(), 1u);
  EXPECT_EQ(refused.status().details()[0].field, "group_by[1]");
  EXPECT_NE(refused.status().details()[0].reason.find("at least 2e+284"), std::string::npos)
      << refused.status().details()[0].reason;
  Result<QueryResult> wide = ExecuteQuery(Spec(R"({"group_by":["bin:1000000000000000:scores.big"],"metrics":["count"],
      "filters":[{"field":"scores.big","op":"lt","value":1e30}]})"), *snapshot);
  ASSERT_TRUE(wide.ok()) << wide.status().ToString();
  EXPECT_EQ(wide->rows.size(), 3u);  // 0, 1e17 and 3e17 each in a bin of their own
}

TEST(QueryLimitsTest, DeadlineAndMemoryStopTheQueryAndNothingIsCached) {
  store::Memtable memtable;
  std::vector<Event> events;
  for (int idx = 0; idx < 20'000; ++idx) {
    Event event = At(idx);
    event.trace_id = "t" + std::to_string(idx);
    event.latency_ms = idx;
    events.push_back(event);
  }
  auto snapshot = Table(events, memtable);
  QueryCache cache(1 << 20);

  QuerySpec late = Spec(R"({"group_by":["model"],"metrics":["count"]})");
  late.limits = QueryLimits::FromNow(1, 0);
  late.limits.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  Result<QueryResult> timed_out = ExecuteQuery(late, *snapshot, &cache);
  ASSERT_FALSE(timed_out.ok());
  EXPECT_EQ(timed_out.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(timed_out.status().message().find("--query-timeout"), std::string::npos);

  QuerySpec wide = Spec(R"({"group_by":["trace_id"],"metrics":["count","p50:latency_ms"],"limit":100000})");
  wide.limits = QueryLimits::FromNow(0, 256 << 10);
  Result<QueryResult> too_large = ExecuteQuery(wide, *snapshot, &cache);
  ASSERT_FALSE(too_large.ok());
  EXPECT_EQ(too_large.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(too_large.status().message().find("--query-memory"), std::string::npos);
  EXPECT_NE(too_large.status().message().find("256 KiB"), std::string::npos) << too_large.status().message();

  wide.limits = {};
  Result<QueryResult> answered = ExecuteQuery(wide, *snapshot, &cache);
  ASSERT_TRUE(answered.ok());
  EXPECT_EQ(answered->rows.size(), 20'000u);
}

}  // namespace
}  // namespace mltrack::query
