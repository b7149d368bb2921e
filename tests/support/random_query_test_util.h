#pragma once
// Random events and random QuerySpecs for tests that compare two ways of answering the same
// query (cached vs uncached, block summaries vs scans): the data, the specs and the comparison.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "core/event.h"
#include "query/query_batch.h"
#include "query/query_executor.h"
#include "query/query_parser.h"
#include "store/memtable.h"

namespace mltrack::query::test_data {

constexpr int64_t kStart = 1'767'225'600'000;  // 2026-01-01
constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDays = 40;

inline Event RandomEvent(std::mt19937_64& rng, int64_t ts, int users) {
  static const char* kModels[] = {"gpt-4o", "gpt-4o-mini", "claude", "llama", "mistral", "gemini"};
  Event event;
  event.ts_ms = ts;
  event.model = kModels[rng() % 6];
  event.provider = event.model.starts_with("gpt") ? "openai" : (rng() % 2 ? "anthropic" : "google");
  event.user = "u" + std::to_string(rng() % users);
  event.team = "t" + std::to_string(rng() % 7);
  if (rng() % 9 == 0) {
    event.status = EventStatus::kError;
    event.http_status = rng() % 2 ? 500 : 429;
  } else if (rng() % 3) {
    event.http_status = 200;
  }
  event.latency_ms = static_cast<double>(rng() % 200000) / 10.0;
  if (rng() % 5) event.cost_nano_usd = static_cast<int64_t>(rng() % 50'000'000);
  if (rng() % 4) event.input_tokens = static_cast<int64_t>(rng() % 5000);
  if (rng() % 3 == 0) event.cache_hit = rng() % 2 == 0;
  if (rng() % 2) event.tags = {{"env", rng() % 3 ? "prod" : "dev"}};
  if (rng() % 6 == 0) event.scores = {{"quality", static_cast<double>(rng() % 21) / 20.0 - 0.25}};
  if (rng() % 3) event.output_tokens = static_cast<int64_t>(rng() % 2000);
  if (rng() % 2) event.ttft_ms = static_cast<double>(rng() % 30000) / 10.0;  // sometimes ≥ latency_ms
  return event;
}

// Appends `rows` events spread over kDays days (roughly in time order, with jitter so that
// neighbouring blocks overlap in time).
inline void Fill(store::Memtable& memtable, std::mt19937_64& rng, int64_t first_row, int rows, int users) {
  std::vector<Event> events;
  const int64_t step = kDays * 24 * kHourMs / 60'000;
  for (int row = 0; row < rows; ++row) {
    const int64_t jitter = static_cast<int64_t>(rng() % (2 * kHourMs));
    events.push_back(RandomEvent(rng, kStart + (first_row + row) * step + jitter, users));
  }
  memtable.Append(events);
}

inline std::string Pick(std::mt19937_64& rng, const std::vector<std::string>& items, size_t at_most) {
  std::vector<std::string> chosen;
  for (const std::string& item : items) {
    if (chosen.size() < at_most && rng() % items.size() < at_most)
      chosen.push_back("\"" + item + "\"");
  }
  std::string out;
  for (size_t idx = 0; idx < chosen.size(); ++idx) out += (idx ? "," : "") + chosen[idx];
  return out;
}

inline std::string RandomSpec(std::mt19937_64& rng) {
  const int64_t span = kDays * 24 * kHourMs;
  int64_t from = kStart - kHourMs + static_cast<int64_t>(rng() % static_cast<uint64_t>(span));
  int64_t to = from + static_cast<int64_t>(rng() % static_cast<uint64_t>(span));
  if (rng() % 4 == 0) from = kStart - 24 * kHourMs;  // everything from the start
  if (rng() % 4 == 0) to = kStart + 2 * span;
  static const std::vector<std::string> kFilters = {
      R"({"field": "model", "op": "in", "values": ["gpt-4o", "claude", "gemini"]})",
      R"({"field": "tags.env", "op": "eq", "value": "prod"})",
      R"({"field": "tags.env", "op": "ne", "value": "prod"})",
      R"({"field": "status", "op": "eq", "value": "error"})",
      R"({"field": "latency_ms", "op": "gt", "value": 5000})",
      R"({"field": "cost_usd", "op": "exists"})",
      R"({"field": "user", "op": "contains", "value": "1"})",
      R"({"field": "cache_hit", "op": "eq", "value": true})",
      R"({"field": "user", "op": "eq", "value": "u3"})",
      R"({"field": "team", "op": "in", "values": ["t1", "t2"]})",
      R"({"field": "team", "op": "not_in", "values": ["t0"]})",
      R"({"field": "http_status", "op": "eq", "value": 429})",
      R"({"field": "latency_ms", "op": "lt", "value": 15000})",
      R"({"field": "cost_usd", "op": "gte", "value": 0.001})",
      R"({"field": "input_tokens", "op": "lte", "value": 4990})",
      R"({"field": "tags.env", "op": "exists"})",
      R"({"field": "tags.missing", "op": "ne", "value": "x"})",
      R"({"field": "operation", "op": "eq", "value": "chat"})",
      R"({"field": "tokens_per_s", "op": "gt", "value": 150})"};
  static const std::vector<std::string> kGroups = {"model",
                                                   "provider",
                                                   "status",
                                                   "cache_hit",
                                                   "tags.env",
                                                   "http_status",
                                                   "bin:2500:latency_ms",
                                                   "bin:0.01:cost_usd",
                                                   "team",
                                                   "user",
                                                   "bin:0.25:scores.quality",
                                                   "bin:50:tokens_per_s"};
  static const std::vector<std::string> kBuckets = {"", "", "1h", "6h", "1d", "1w", "1M", "auto"};
  static const std::vector<std::string> kMetrics = {"count",
                                                    "sum:cost_usd",
                                                    "avg:latency_ms",
                                                    "min:latency_ms",
                                                    "max:cost_usd",
                                                    "p50:latency_ms",
                                                    "p99:latency_ms",
                                                    "p90:cost_usd",
                                                    "uniq:user",
                                                    "uniq:model",
                                                    "uniq:input_tokens",
                                                    "rate:error",
                                                    "rate:cache_hit",
                                                    "count:cost_usd",
                                                    "sum:scores.quality",
                                                    "p75:scores.quality",
                                                    "sum:input_tokens",
                                                    "avg:cost_usd",
                                                    "uniq:tags.env",
                                                    "count:http_status",
                                                    "count:tags.env",
                                                    "count:status",
                                                    "min:input_tokens",
                                                    "max:latency_ms",
                                                    "uniq:team",
                                                    "min:ts",
                                                    "max:ts",
                                                    "var:latency_ms",
                                                    "stddev:cost_usd",
                                                    "var:input_tokens",
                                                    "stddev:scores.quality",
                                                    "avg:tokens_per_s",
                                                    "p90:tokens_per_s",
                                                    "max:total_tokens",
                                                    "days:ts"};
  std::string json = "{\"from\": " + std::to_string(from) + ", \"to\": " + std::to_string(to);
  std::string filters;
  for (const std::string& filter : kFilters) {
    if (rng() % 12 == 0) filters += (filters.empty() ? "" : ",") + filter;
  }
  json += ", \"filters\": [" + filters + "]";
  json += ", \"group_by\": [" + Pick(rng, kGroups, rng() % 3) + "]";
  const std::string& bucket = kBuckets[rng() % kBuckets.size()];
  if (!bucket.empty()) json += ", \"bucket\": \"" + bucket + "\"";
  static const std::vector<std::string> kZones = {"", "", "", "UTC", "Asia/Kolkata", "Asia/Kathmandu",
                                                  "America/New_York"};
  const std::string& zone = kZones[rng() % kZones.size()];
  if (!zone.empty()) json += ", \"tz\": \"" + zone + "\"";
  std::string metrics = Pick(rng, kMetrics, 1 + rng() % 5);
  json += ", \"metrics\": [" + (metrics.empty() ? std::string("\"count\"") : metrics) + "]";
  json += ", \"limit\": 100000}";
  return json;
}

// 1–6 random specs, most of which share the first one's filters (so that a batch scans them
// together), and of those most its range too (the others' ranges may overlap it, or not).
inline std::vector<QuerySpec> RandomBatch(std::mt19937_64& rng, int64_t now_ms) {
  std::vector<QuerySpec> specs;
  const size_t count = 1 + rng() % 6;
  while (specs.size() < count) {
    const std::string json = RandomSpec(rng);
    Result<QuerySpec> spec = ParseQuerySpec(json, now_ms);
    EXPECT_TRUE(spec.ok()) << json << " " << spec.status().ToString();
    if (!spec.ok()) return specs;
    const uint64_t share = rng() % 4;  // 0: nothing, 1: the filters, else the filters and the range
    if (!specs.empty() && share != 0) {
      spec->filters = specs.front().filters;
      if (share != 1) {
        spec->from_ms = specs.front().from_ms;
        spec->to_ms = specs.front().to_ms;
      }
    }
    specs.push_back(std::move(spec).value());
  }
  return specs;
}

// Equal cells; doubles within 1e-9 relative (sums of doubles add in another order when states
// merge, exactly as between the two scan threads).
inline void ExpectSameResult(const QueryResult& expected, const QueryResult& actual,
                      const std::string& what) {
  ASSERT_EQ(expected.columns, actual.columns) << what;
  ASSERT_EQ(expected.rows.size(), actual.rows.size()) << what;
  EXPECT_EQ(expected.total_groups, actual.total_groups) << what;
  for (size_t row = 0; row < expected.rows.size(); ++row) {
    for (size_t column = 0; column < expected.columns.size(); ++column) {
      const Cell& want = expected.rows[row][column];
      const Cell& got = actual.rows[row][column];
      const auto* want_double = std::get_if<double>(&want);
      const auto* got_double = std::get_if<double>(&got);
      if (want_double && got_double) {
        EXPECT_NEAR(*want_double, *got_double, 1e-9 * std::max(1.0, std::fabs(*want_double)))
            << what << " row " << row << " column " << expected.columns[column];
      } else {
        EXPECT_TRUE(want == got) << what << " row " << row << " column "
                                 << expected.columns[column];
      }
    }
  }
}

inline QueryResult Execute(const QuerySpec& spec, const store::TableSnapshot& snapshot,
                    QueryCache* cache) {
  Result<QueryResult> result = ExecuteQuery(spec, snapshot, cache);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? std::move(result).value() : QueryResult{};
}

inline std::string Describe(const std::vector<QuerySpec>& specs, size_t index) {
  return "spec " + std::to_string(index) + " of " + std::to_string(specs.size()) + ", from " +
         std::to_string(specs[index].from_ms) + " to " + std::to_string(specs[index].to_ms) + ", " +
         std::to_string(specs[index].filters.size()) + " filters, " + specs[index].metrics.front().name;
}

// Runs `rounds` random batches (RandomBatch, ExecuteBatch) against the same specs run one by one; returns how many batches
// had at least two specs sharing a scan.
inline int CompareRandomBatches(const store::TableSnapshot& snapshot, std::mt19937_64& rng, int rounds, QueryCache* cache) {
  int shared = 0;
  for (int round = 0; round < rounds; ++round) {
    const std::vector<QuerySpec> specs = RandomBatch(rng, kStart);
    const std::vector<Result<QueryResult>> batch = ExecuteBatch(specs, snapshot, cache);
    EXPECT_EQ(batch.size(), specs.size());
    if (batch.size() != specs.size()) return shared;
    bool sharing = false;
    for (size_t index = 0; index < specs.size(); ++index) {
      sharing |= index > 0 && SameScan(specs[0], specs[index]);
      const Result<QueryResult> alone = ExecuteQuery(specs[index], snapshot, nullptr);
      const std::string what = Describe(specs, index);
      EXPECT_EQ(alone.ok(), batch[index].ok()) << what << ": " << alone.status().ToString() << " vs "
                                              << batch[index].status().ToString();
      if (!alone.ok() || !batch[index].ok()) {
        EXPECT_EQ(alone.status().ToString(), batch[index].status().ToString()) << what;
        continue;
      }
      ExpectSameResult(*alone, *batch[index], what);
      if (cache == nullptr) {
        EXPECT_EQ(alone->scanned, batch[index]->scanned) << what;
      }
    }
    shared += sharing;
    if (::testing::Test::HasFailure()) break;
  }
  return shared;
}

}  // namespace mltrack::query::test_data
