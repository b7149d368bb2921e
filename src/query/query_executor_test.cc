#include "query/query_executor.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <random>
#include <thread>

#include "query/aggregate/quantile.h"
#include "query/query_parser.h"
#include "query/time_bucket.h"
#include "store/memtable.h"

namespace mltrack::query {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kStart = 1'767'225'600'000;  // 2026-01-01

QueryResult RunQuery(const std::string& json, const store::TableSnapshot& snapshot) {
  Result<QuerySpec> spec = ParseQuerySpec(json, kStart);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  Result<QueryResult> result = ExecuteQuery(*spec, snapshot);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return std::move(result).value();
}

double AsDouble(const Cell& cell) {
  if (auto value = std::get_if<double>(&cell)) return *value;
  if (auto value = std::get_if<int64_t>(&cell)) return static_cast<double>(*value);
  if (auto value = std::get_if<MoneyValue>(&cell)) return static_cast<double>(value->nano_usd) / 1e9;
  return std::nan("");
}

// 300k rows over many blocks: large enough for the two-thread path; every aggregate is checked
// against values computed directly from the generated events.
TEST(QueryExecutorTest, LargeScanMatchesDirectComputation) {
  store::Memtable memtable;
  std::mt19937_64 rng(3);
  std::map<std::string, std::vector<double>> latencies;
  std::map<std::string, int64_t> cost;
  std::map<std::string, int64_t> errors;
  std::map<std::string, std::set<std::string>> users;
  std::map<std::string, std::pair<int64_t, int64_t>> first_last;  // min and max ts per model
  const std::vector<std::string> models = {"gpt-4o", "claude", "llama", "mistral"};
  std::vector<Event> batch;
  constexpr int kRows = 300'000;
  for (int row = 0; row < kRows; ++row) {
    Event event;
    event.ts_ms = kStart + row * 1000;
    event.model = models[rng() % models.size()];
    event.user = "u" + std::to_string(rng() % 500);
    event.latency_ms = static_cast<double>(rng() % 100000) / 10.0;
    event.cost_nano_usd = static_cast<int64_t>(rng() % 1'000'000);
    if (rng() % 10 == 0) event.status = EventStatus::kError;
    latencies[event.model].push_back(*event.latency_ms);
    cost[event.model] += *event.cost_nano_usd;
    errors[event.model] += event.status == EventStatus::kError;
    users[event.model].insert(event.user);
    auto [seen, added] = first_last.emplace(event.model, std::pair{event.ts_ms, event.ts_ms});
    seen->second.first = std::min(seen->second.first, event.ts_ms);
    seen->second.second = std::max(seen->second.second, event.ts_ms);
    batch.push_back(std::move(event));
    if (batch.size() == 10'000) {
      memtable.Append(batch);
      batch.clear();
    }
  }
  auto snapshot = memtable.Snapshot();
  QueryResult result = RunQuery(R"({"from": 946684800000, "to": "2027-01-01T00:00:00Z", "group_by": ["model"],
      "metrics": ["count", "sum:cost_usd", "p50:latency_ms", "p99:latency_ms", "uniq:user", "rate:error",
                  "min:latency_ms", "max:latency_ms", "min:ts", "max:ts", "var:latency_ms", "stddev:latency_ms"]})",
                                *snapshot);
  ASSERT_EQ(result.rows.size(), models.size());
  EXPECT_EQ(result.scanned, static_cast<uint64_t>(kRows));
  for (const auto& row : result.rows) {
    const std::string& model = std::get<std::string>(row[0]);
    std::vector<double>& values = latencies[model];
    EXPECT_EQ(std::get<int64_t>(row[1]), static_cast<int64_t>(values.size()));
    EXPECT_EQ(std::get<MoneyValue>(row[2]).nano_usd, cost[model]);
    // ~75k values per group: past the exact limit, so within the sketch's 1% (α = 2^-8).
    const double p50 = *aggregate::LinearPercentile(values, 50);
    const double p99 = *aggregate::LinearPercentile(values, 99);
    EXPECT_NEAR(std::get<double>(row[3]), p50, p50 / 256);
    EXPECT_NEAR(std::get<double>(row[4]), p99, p99 / 256);
    EXPECT_EQ(std::get<int64_t>(row[5]), static_cast<int64_t>(users[model].size()));
    EXPECT_DOUBLE_EQ(std::get<double>(row[6]), static_cast<double>(errors[model]) / values.size());
    EXPECT_DOUBLE_EQ(std::get<double>(row[7]), *std::min_element(values.begin(), values.end()));
    EXPECT_DOUBLE_EQ(std::get<double>(row[8]), *std::max_element(values.begin(), values.end()));
    EXPECT_EQ(std::get<int64_t>(row[9]), first_last[model].first);
    EXPECT_EQ(std::get<int64_t>(row[10]), first_last[model].second);
    // Two passes: the mean, then the squared deviations (both scan threads merged their states).
    double mean = 0;
    for (double value : values) mean += value;
    mean /= static_cast<double>(values.size());
    double squares = 0;
    for (double value : values) squares += (value - mean) * (value - mean);
    const double variance = squares / static_cast<double>(values.size() - 1);
    EXPECT_NEAR(std::get<double>(row[11]), variance, variance * 1e-12);
    EXPECT_NEAR(std::get<double>(row[12]), std::sqrt(variance), std::sqrt(variance) * 1e-12);
  }

  // Time pruning: one hour holds 3600 rows; only the blocks overlapping it are scanned.
  QueryResult hour = RunQuery(R"({"from": "2026-01-01T01:00:00Z", "to": "2026-01-01T02:00:00Z", "metrics": ["count"]})", *snapshot);
  EXPECT_EQ(std::get<int64_t>(hour.rows[0][0]), 3600);
  EXPECT_LT(hour.scanned, 3u * 65536);

  // Hourly buckets over the whole range: 300000 s = 83.3 hours → 84 buckets.
  QueryResult hourly = RunQuery(R"({"from": "2026-01-01T00:00:00Z", "to": "2027-01-01T00:00:00Z", "bucket": "1h", "metrics": ["count"]})", *snapshot);
  ASSERT_EQ(hourly.rows.size(), 84u);
  EXPECT_EQ(std::get<int64_t>(hourly.rows[0][0]), kStart);
  EXPECT_EQ(std::get<int64_t>(hourly.rows[0][1]), 3600);
}

// Latencies with fractional parts over ~150 blocks on both scan threads: the means and variances
// are sums of doubles, which depend on the order the blocks are added in. Every repeat must give
// the same bits (blocks reach the threads' partials in a fixed order).
TEST(QueryExecutorTest, DoubleSumsAreIdenticalOnEveryRepeat) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 2048, .first_block_rows = 2048});
  std::mt19937_64 rng(11);
  std::vector<Event> batch;
  for (int row = 0; row < 300'000; ++row) {
    Event event;
    event.ts_ms = kStart + row * 1000;
    event.model = row % 3 == 0 ? "a" : "b";
    event.latency_ms = std::exp(static_cast<double>(rng() % 1'000'000) / 100'000.0) / 3.0;
    batch.push_back(std::move(event));
    if (batch.size() == 10'000) {
      memtable.Append(batch);
      batch.clear();
    }
  }
  auto snapshot = memtable.Snapshot();
  const std::string query = R"({"from": 946684800000, "to": "2027-01-01T00:00:00Z", "group_by": ["model"],
      "metrics": ["avg:latency_ms", "var:latency_ms", "sum:latency_ms"]})";
  const QueryResult first = RunQuery(query, *snapshot);
  ASSERT_EQ(first.rows.size(), 2u);
  for (int repeat = 0; repeat < 40; ++repeat) {
    const QueryResult again = RunQuery(query, *snapshot);
    ASSERT_EQ(again.rows.size(), first.rows.size());
    for (size_t row = 0; row < first.rows.size(); ++row) {
      for (size_t column = 1; column < first.rows[row].size(); ++column) {
        ASSERT_EQ(std::get<double>(again.rows[row][column]), std::get<double>(first.rows[row][column]))
            << "repeat " << repeat << ", row " << row << ", column " << column;
      }
    }
  }
}

TEST(QueryExecutorTest, QueriesRunWhileAppendsContinue) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 1024, .first_block_rows = 256});
  std::atomic<bool> done = false;
  std::thread writer([&] {
    for (int batch = 0; batch < 300; ++batch) {
      std::vector<Event> events(50);
      for (Event& event : events) {
        event.ts_ms = kStart;
        event.model = "m";
        event.cost_nano_usd = 2;
      }
      memtable.Append(events);
    }
    done = true;
  });
  while (!done) {
    auto snapshot = memtable.Snapshot();
    QueryResult result = RunQuery(R"({"from": 946684800000, "to": "2027-01-01T00:00:00Z", "metrics": ["count", "sum:cost_usd"]})", *snapshot);
    int64_t count = std::get<int64_t>(result.rows[0][0]);
    ASSERT_EQ(count % 50, 0);
    ASSERT_EQ(std::get<MoneyValue>(result.rows[0][1]).nano_usd, 2 * count);
  }
  writer.join();
}

TEST(QueryExecutorTest, WideGroupKeysThatDoNotPackIntoOneWord) {
  store::Memtable memtable;
  std::vector<Event> events;
  // 5 string dimensions with >2^13 distinct values each: 5 × 14 bits + ... > 64 bits.
  for (int row = 0; row < 9000; ++row) {
    Event event;
    event.ts_ms = kStart;
    event.user = "u" + std::to_string(row);
    event.team = "t" + std::to_string(row);
    event.session_id = "s" + std::to_string(row);
    event.trace_id = "r" + std::to_string(row);
    event.run_id = "x" + std::to_string(row % 2);
    event.model = "m" + std::to_string(row);
    events.push_back(event);
  }
  memtable.Append(events);
  QueryResult result = RunQuery(R"({"from": 946684800000, "to": "2027-01-01T00:00:00Z",
      "group_by": ["user", "team", "session_id", "trace_id", "model", "run_id"], "metrics": ["count"],
      "order_by": [{"field": "user"}], "limit": 2})", *memtable.Snapshot());
  EXPECT_EQ(result.total_groups, 9000u);
  EXPECT_TRUE(result.truncated);
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(std::get<std::string>(result.rows[0][0]), "u0");
  EXPECT_EQ(std::get<std::string>(result.rows[1][0]), "u1");
  EXPECT_EQ(std::get<std::string>(result.rows[1][5]), "x1");
}

// Real measurements (DESIGN data/PROVENANCE.md): llmperf's summary quantiles are the linear-
// interpolation percentiles over the non-error requests of each run.
TEST(QueryExecutorTest, PercentilesMatchLlmperfSummaries) {
  // The shared data lies beside the repository (../shared/data from the source tree); the
  // environment variable points elsewhere when set.
  const char* env = std::getenv("MLTRACK_SHARED_DATA");
  const char* source = std::getenv("MLTRACK_SOURCE_DIR");
  const fs::path shared = env && *env ? fs::path(env)
                                      : fs::path(source && *source ? source : MLTRACK_SOURCE_DIR) / ".." / "shared" / "data";
  const fs::path root = shared / "traces" / "llmperf-leaderboard";
  if (!fs::exists(root / "individual")) {
    GTEST_SKIP() << "no llmperf data at " << root << " (../shared/data beside the repository, or MLTRACK_SHARED_DATA)";
  }
  store::Memtable memtable;
  simdjson::dom::parser parser;
  std::vector<std::string> runs;
  for (const auto& entry : fs::directory_iterator(root / "individual")) {
    std::string run = entry.path().stem().string();
    runs.push_back(run);
    simdjson::dom::element requests = parser.load(entry.path().string());
    std::vector<Event> events;
    int64_t offset = 0;
    for (simdjson::dom::element request : requests.get_array()) {
      Event event;
      event.ts_ms = kStart + offset++;
      event.tags = {{"run", run}};
      if (!request["error_code"].is_null()) event.status = EventStatus::kError;
      double ttft, e2e;
      if (request["ttft_s"].get(ttft) == simdjson::SUCCESS) event.ttft_ms = ttft * 1000;
      if (request["end_to_end_latency_s"].get(e2e) == simdjson::SUCCESS) event.latency_ms = e2e * 1000;
      events.push_back(std::move(event));
    }
    memtable.Append(events);
  }
  ASSERT_EQ(runs.size(), 19u);
  auto snapshot = memtable.Snapshot();
  QueryResult result = RunQuery(R"({"from": 946684800000, "to": "2027-01-01T00:00:00Z", "group_by": ["tags.run"],
      "filters": [{"field": "status", "op": "eq", "value": "ok"}],
      "metrics": ["p25:ttft_ms", "p50:ttft_ms", "p95:ttft_ms", "p99:ttft_ms",
                  "p50:latency_ms", "p90:latency_ms", "p99:latency_ms"]})", *snapshot);
  ASSERT_EQ(result.rows.size(), 19u);
  const std::vector<std::pair<std::string, std::string>> oracle = {
      {"ttft_s", "p25"}, {"ttft_s", "p50"}, {"ttft_s", "p95"}, {"ttft_s", "p99"},
      {"end_to_end_latency_s", "p50"}, {"end_to_end_latency_s", "p90"}, {"end_to_end_latency_s", "p99"}};
  int checked = 0;
  for (const auto& row : result.rows) {
    const std::string run = std::get<std::string>(row[0]);
    simdjson::dom::element summary = parser.load((root / "summary" / (run + ".json")).string());
    for (size_t metric = 0; metric < oracle.size(); ++metric) {
      std::string key = "results_" + oracle[metric].first + "_quantiles_" + oracle[metric].second;
      double expected_s;
      ASSERT_EQ(summary[key].get(expected_s), simdjson::SUCCESS) << key;
      // Our values are in ms (seconds × 1000 at ingest): compare within 1e-9 relative.
      EXPECT_NEAR(AsDouble(row[metric + 1]), expected_s * 1000, 1e-9 * expected_s * 1000) << run << " " << key;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 19 * 7);
}

// Lognormal latencies, 1M values: every percentile within 1% of numpy's linear interpolation,
// whether one group or 16 (each past the exact limit), on one thread or two.
TEST(QueryExecutorTest, PercentilesWithinOnePercentAtOneMillionLognormalValues) {
  store::Memtable memtable;
  std::mt19937_64 rng(11);
  std::lognormal_distribution<double> latency(6.0, 1.2);
  std::vector<double> all;
  std::map<std::string, std::vector<double>> by_team;
  std::vector<Event> batch;
  for (int row = 0; row < 1'000'000; ++row) {
    Event event;
    event.ts_ms = kStart + row;
    event.team = "t" + std::to_string(row % 16);
    event.latency_ms = latency(rng);
    all.push_back(*event.latency_ms);
    by_team[event.team].push_back(*event.latency_ms);
    batch.push_back(std::move(event));
    if (batch.size() == 50'000) {
      memtable.Append(batch);
      batch.clear();
    }
  }
  auto snapshot = memtable.Snapshot();
  const std::vector<double> percentiles = {0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100};
  const std::string metrics = R"("p0:latency_ms", "p1:latency_ms", "p10:latency_ms", "p25:latency_ms",
      "p50:latency_ms", "p75:latency_ms", "p90:latency_ms", "p95:latency_ms", "p99:latency_ms",
      "p99.9:latency_ms", "p99.99:latency_ms", "p100:latency_ms")";
  QueryResult total = RunQuery(R"({"from": 946684800000, "to": "2027-01-01T00:00:00Z", "metrics": [)" + metrics + "]}", *snapshot);
  QueryResult grouped = RunQuery(R"({"from": 946684800000, "to": "2027-01-01T00:00:00Z", "group_by": ["team"], "metrics": [)" + metrics + "]}", *snapshot);
  ASSERT_EQ(grouped.rows.size(), 16u);
  for (size_t idx = 0; idx < percentiles.size(); ++idx) {
    const double exact = *aggregate::LinearPercentile(all, percentiles[idx]);
    EXPECT_NEAR(AsDouble(total.rows[0][idx]), exact, exact * 0.01) << "p" << percentiles[idx];
    EXPECT_NEAR(AsDouble(total.rows[0][idx]), exact, exact / 256) << "p" << percentiles[idx];
    for (const auto& row : grouped.rows) {
      std::vector<double>& values = by_team[std::get<std::string>(row[0])];
      const double group_exact = *aggregate::LinearPercentile(values, percentiles[idx]);
      EXPECT_NEAR(AsDouble(row[idx + 1]), group_exact, group_exact / 256) << "p" << percentiles[idx];
    }
  }
  // p0 and p100 are the exact extremes.
  EXPECT_EQ(AsDouble(total.rows[0][0]), *std::min_element(all.begin(), all.end()));
  EXPECT_EQ(AsDouble(total.rows[0][percentiles.size() - 1]), *std::max_element(all.begin(), all.end()));
}

// uniq over a dictionary field (bitmap), a number (hash set) and count:<field>, grouped and not,
// on the two-thread path.
TEST(QueryExecutorTest, UniqAndCountPresentOnLargeScans) {
  store::Memtable memtable;
  std::mt19937_64 rng(5);
  std::map<std::string, std::set<std::string>> users;
  std::map<std::string, std::set<int64_t>> tokens;
  std::map<std::string, int64_t> priced;
  std::set<std::string> all_users;
  std::set<int64_t> all_tokens;
  std::vector<Event> batch;
  for (int row = 0; row < 400'000; ++row) {
    Event event;
    event.ts_ms = kStart + row;
    event.model = "m" + std::to_string(rng() % 5);
    if (rng() % 7) event.user = "u" + std::to_string(rng() % 50'000);
    event.input_tokens = static_cast<int64_t>(rng() % 100'000);
    if (rng() % 3) event.cost_nano_usd = 5;
    if (!event.user.empty()) {
      users[event.model].insert(event.user);
      all_users.insert(event.user);
    }
    tokens[event.model].insert(*event.input_tokens);
    all_tokens.insert(*event.input_tokens);
    priced[event.model] += event.cost_nano_usd.has_value();
    batch.push_back(std::move(event));
    if (batch.size() == 10'000) {
      memtable.Append(batch);
      batch.clear();
    }
  }
  auto snapshot = memtable.Snapshot();
  QueryResult total = RunQuery(R"({"from": 946684800000, "to": "2027-01-01T00:00:00Z",
      "metrics": ["uniq:user", "uniq:input_tokens", "count:cost_usd", "count:user", "count"]})", *snapshot);
  EXPECT_EQ(std::get<int64_t>(total.rows[0][0]), static_cast<int64_t>(all_users.size()));
  EXPECT_EQ(std::get<int64_t>(total.rows[0][1]), static_cast<int64_t>(all_tokens.size()));
  int64_t priced_total = 0;
  for (const auto& [model, count] : priced) priced_total += count;
  EXPECT_EQ(std::get<int64_t>(total.rows[0][2]), priced_total);
  EXPECT_EQ(std::get<int64_t>(total.rows[0][4]), 400'000);
  QueryResult grouped = RunQuery(R"({"from": 946684800000, "to": "2027-01-01T00:00:00Z", "group_by": ["model"],
      "metrics": ["uniq:user", "uniq:input_tokens", "count:cost_usd"]})", *snapshot);
  ASSERT_EQ(grouped.rows.size(), 5u);
  for (const auto& row : grouped.rows) {
    const std::string& model = std::get<std::string>(row[0]);
    EXPECT_EQ(std::get<int64_t>(row[1]), static_cast<int64_t>(users[model].size())) << model;
    EXPECT_EQ(std::get<int64_t>(row[2]), static_cast<int64_t>(tokens[model].size())) << model;
    EXPECT_EQ(std::get<int64_t>(row[3]), priced[model]) << model;
  }
}

// Binned group-by over many blocks and both threads: counts per bin match a direct count.
TEST(QueryExecutorTest, BinnedGroupByMatchesDirectCounts) {
  store::Memtable memtable;
  std::mt19937_64 rng(9);
  std::map<int64_t, int64_t> expected;  // bin lower bound (integer width 250) → count
  int64_t absent = 0;
  std::vector<Event> batch;
  for (int row = 0; row < 300'000; ++row) {
    Event event;
    event.ts_ms = kStart + row;
    if (rng() % 10) {
      event.latency_ms = static_cast<double>(rng() % 2'000'000) / 100.0;
      expected[static_cast<int64_t>(std::floor(*event.latency_ms / 250)) * 250]++;
    } else {
      ++absent;
    }
    batch.push_back(std::move(event));
    if (batch.size() == 10'000) {
      memtable.Append(batch);
      batch.clear();
    }
  }
  QueryResult result = RunQuery(R"({"from": 946684800000, "to": "2027-01-01T00:00:00Z", "group_by": ["bin:250:latency_ms"],
      "metrics": ["count"], "limit": 100000})", *memtable.Snapshot());
  ASSERT_EQ(result.columns[0], "bin:250:latency_ms");
  ASSERT_EQ(result.rows.size(), expected.size() + 1);
  size_t row_idx = 0;
  for (const auto& [lower, count] : expected) {
    EXPECT_EQ(AsDouble(result.rows[row_idx][0]), static_cast<double>(lower));
    EXPECT_EQ(std::get<int64_t>(result.rows[row_idx][1]), count);
    ++row_idx;
  }
  EXPECT_TRUE(std::holds_alternative<std::monostate>(result.rows.back()[0]));
  EXPECT_EQ(std::get<int64_t>(result.rows.back()[1]), absent);
}

// The response names the zone its buckets are aligned to, and only then; a spec built in code
// with a bad zone is refused at execution, naming tz.
TEST(QueryExecutorTest, TimeZoneInTheResponse) {
  store::Memtable memtable;
  Event event;
  event.ts_ms = 1'767'227'400'000;  // 2026-01-01T00:30:00Z = 06:00 in Kolkata
  memtable.Append(std::vector<Event>{event});
  auto snapshot = memtable.Snapshot();
  const std::string zoned = QueryResultToJson(RunQuery(
      R"({"from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z", "bucket": "1h", "tz": "Asia/Kolkata"})",
      *snapshot));
  EXPECT_NE(zoned.find(R"("rows":[[1767227400000,1]])"), std::string::npos) << zoned;
  EXPECT_NE(zoned.find(R"("tz":"Asia/Kolkata")"), std::string::npos) << zoned;
  for (const char* json : {R"({"from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z", "bucket": "1h"})",
                           R"({"from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z", "bucket": "1h", "tz": "UTC"})"}) {
    const std::string utc = QueryResultToJson(RunQuery(json, *snapshot));
    EXPECT_NE(utc.find(R"("rows":[[1767225600000,1]])"), std::string::npos) << utc;
    EXPECT_EQ(utc.find(R"("tz")"), std::string::npos) << utc;
  }
  QuerySpec spec = *ParseQuerySpec(R"({"bucket": "1h"})", kStart);
  spec.tz = "Nowhere/Land";
  Result<QueryResult> refused = ExecuteQuery(spec, *snapshot);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.status().details().at(0).field, "tz");
}

// days:ts keeps one bitmap word per group over a range of at most 64 days and a growing bitmap
// over longer ones: both give each user's local days exactly as a day bucketer numbers its rows,
// across a DST change, on both scan threads, with the range's edges inside blocks.
TEST(QueryExecutorTest, DaysOfShortAndLongRangesAreEachRowsLocalDays) {
  constexpr int64_t kDayMs = 86'400'000;
  const int64_t from = 1'769'922'000'000;  // 2026-02-01 00:00 in New York (EST)
  Result<TimeBucketer> days = MakeTimeBucketer(BucketWidth{kDayMs, 0}, 0, from + 80 * kDayMs, "America/New_York");
  ASSERT_TRUE(days.ok()) << days.status().ToString();
  const int64_t to = days->StartOfNumber(days->Number(from) + 64);  // 64 local days, one of 23 hours
  store::Memtable memtable;
  std::mt19937_64 rng(28);
  std::vector<Event> batch;
  constexpr int kRows = 200'000;
  const int64_t step = (to + 2 * kDayMs - from) / kRows;
  for (int row = 0; row < kRows; ++row) {
    Event event;
    event.ts_ms = from - kDayMs + row * step;
    event.model = "m";
    event.user = "u" + std::to_string(rng() % 4000);  // ~50 rows a user: some days without
    batch.push_back(std::move(event));
    if (batch.size() == 10'000) {
      memtable.Append(batch);
      batch.clear();
    }
  }
  auto snapshot = memtable.Snapshot();
  auto expected_days = [&](int64_t range_from, int64_t range_to) {
    std::map<std::string, std::set<int64_t>> out;
    std::mt19937_64 again(28);
    for (int row = 0; row < kRows; ++row) {
      const int64_t ts = from - kDayMs + row * step;
      const std::string user = "u" + std::to_string(again() % 4000);
      if (ts >= range_from && ts < range_to) out[user].insert(days->StartOfNumber(days->Number(ts)));
    }
    return out;
  };
  const int64_t ranges[][2] = {{from, to},                                         // 64 days: one word
                               {from + kDayMs / 3, to - kDayMs / 5},               // cut inside days
                               {from - kDayMs, to + kDayMs},                       // 66 days: a bitmap
                               {from + 40 * kDayMs + 7'000'000, from + 41 * kDayMs}};  // within one day
  for (const auto& [range_from, range_to] : ranges) {
    const std::string json = R"({"from": )" + std::to_string(range_from) + R"(, "to": )" + std::to_string(range_to) +
                             R"(, "tz": "America/New_York", "group_by": ["user"], "metrics": ["days:ts"], "limit": 100000})";
    const QueryResult result = RunQuery(json, *snapshot);
    const std::map<std::string, std::set<int64_t>> expected = expected_days(range_from, range_to);
    ASSERT_EQ(result.rows.size(), expected.size()) << json;
    for (const auto& row : result.rows) {
      const std::string& user = std::get<std::string>(row[0]);
      const std::vector<int64_t>& listed = std::get<IntList>(row[1]).values;
      EXPECT_TRUE(std::is_sorted(listed.begin(), listed.end())) << user;
      EXPECT_EQ(std::set<int64_t>(listed.begin(), listed.end()), expected.at(user)) << json << " " << user;
      EXPECT_EQ(listed.size(), expected.at(user).size()) << user;
    }
  }
}

}  // namespace
}  // namespace mltrack::query
