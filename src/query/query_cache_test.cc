// The partial-result cache: answers with a cold cache, a warm cache and no cache must agree for
// any spec, over snapshots made of several "sealed segments" (blocks with a segment_id) and
// memtable blocks; entries are bounded in bytes; segment ids keep stale states out.
#include "query/query_cache.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "query/aggregate/uniq.h"
#include "query/query_executor.h"
#include "query/query_parser.h"
#include "store/embedded_store.h"
#include "store/memtable.h"

namespace mltrack::query {
namespace {

constexpr int64_t kStart = 1'767'225'600'000;  // 2026-01-01
constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDays = 40;

Event RandomEvent(std::mt19937_64& rng, int64_t ts, int users) {
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
  return event;
}

// Appends `rows` events spread over kDays days (roughly in time order, with jitter so that
// neighbouring blocks overlap in time).
void Fill(store::Memtable& memtable, std::mt19937_64& rng, int64_t first_row, int rows, int users) {
  std::vector<Event> events;
  const int64_t step = kDays * 24 * kHourMs / 60'000;
  for (int row = 0; row < rows; ++row) {
    const int64_t jitter = static_cast<int64_t>(rng() % (2 * kHourMs));
    events.push_back(RandomEvent(rng, kStart + (first_row + row) * step + jitter, users));
  }
  memtable.Append(events);
}

// A snapshot of the memtable whose first `sealed_blocks` (full, so immutable) blocks are labelled
// as sealed segments of 1–5 blocks each, with ids from `first_id`; the rest stay memtable blocks.
std::shared_ptr<const store::TableSnapshot> Labelled(const store::Memtable& memtable,
                                                     size_t sealed_blocks, uint64_t first_id,
                                                     uint64_t seed) {
  store::TableSnapshot::Parts parts;
  memtable.CollectBlocks(&parts);
  memtable.dictionaries()->FillSnapshot(&parts);
  std::mt19937_64 rng(seed);
  uint64_t id = first_id;
  size_t left_in_segment = 1 + rng() % 5;
  for (size_t block_idx = 0; block_idx < parts.blocks.size() && block_idx < sealed_blocks;
       ++block_idx) {
    parts.blocks[block_idx].segment_id = id;
    if (--left_in_segment == 0) {
      ++id;
      left_in_segment = 1 + rng() % 5;
    }
  }
  return std::make_shared<const store::TableSnapshot>(std::move(parts));
}

std::string Pick(std::mt19937_64& rng, const std::vector<std::string>& items, size_t at_most) {
  std::vector<std::string> chosen;
  for (const std::string& item : items) {
    if (chosen.size() < at_most && rng() % items.size() < at_most)
      chosen.push_back("\"" + item + "\"");
  }
  std::string out;
  for (size_t idx = 0; idx < chosen.size(); ++idx) out += (idx ? "," : "") + chosen[idx];
  return out;
}

std::string RandomSpec(std::mt19937_64& rng) {
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
      R"({"field": "cache_hit", "op": "eq", "value": true})"};
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
                                                   "bin:0.25:scores.quality"};
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
                                                    "uniq:tags.env"};
  std::string json = "{\"from\": " + std::to_string(from) + ", \"to\": " + std::to_string(to);
  std::string filters;
  for (const std::string& filter : kFilters) {
    if (rng() % 6 == 0) filters += (filters.empty() ? "" : ",") + filter;
  }
  json += ", \"filters\": [" + filters + "]";
  json += ", \"group_by\": [" + Pick(rng, kGroups, rng() % 3) + "]";
  const std::string& bucket = kBuckets[rng() % kBuckets.size()];
  if (!bucket.empty()) json += ", \"bucket\": \"" + bucket + "\"";
  std::string metrics = Pick(rng, kMetrics, 1 + rng() % 5);
  json += ", \"metrics\": [" + (metrics.empty() ? std::string("\"count\"") : metrics) + "]";
  json += ", \"limit\": 100000}";
  return json;
}

// Equal cells; doubles within 1e-9 relative (sums of doubles add in another order when states
// merge, exactly as between the two scan threads).
void ExpectSameResult(const QueryResult& expected, const QueryResult& actual,
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

QueryResult Execute(const QuerySpec& spec, const store::TableSnapshot& snapshot,
                    QueryCache* cache) {
  Result<QueryResult> result = ExecuteQuery(spec, snapshot, cache);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? std::move(result).value() : QueryResult{};
}

TEST(QueryCacheTest, RandomSpecsAgreeWithAndWithoutCache) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 2048, .first_block_rows = 2048});
  std::mt19937_64 rng(11);
  Fill(memtable, rng, 0, 40'000, 400);
  // 19 full blocks in 1–5-block segments, the partly filled 20th is the memtable.
  auto snapshot = Labelled(memtable, 19, 1, 5);
  QueryCache cache;
  QueryCache tiny(64 * 1024);  // evicts all the time
  uint64_t hits = 0;
  for (int round = 0; round < 300; ++round) {
    const std::string json = RandomSpec(rng);
    Result<QuerySpec> spec = ParseQuerySpec(json, kStart);
    ASSERT_TRUE(spec.ok()) << json << " " << spec.status().ToString();
    const QueryResult plain = Execute(*spec, *snapshot, nullptr);
    const QueryResult first = Execute(*spec, *snapshot, &cache);
    const QueryResult second = Execute(*spec, *snapshot, &cache);
    const QueryResult small = Execute(*spec, *snapshot, &tiny);
    ExpectSameResult(plain, first, json + " (first)");
    ExpectSameResult(plain, second, json + " (second)");
    ExpectSameResult(plain, small, json + " (tiny cache)");
    EXPECT_EQ(second.cache_misses, 0u) << json;
    EXPECT_EQ(second.cache_hits, first.cache_hits + first.cache_misses) << json;
    hits += second.cache_hits;
    if (HasFailure()) break;
  }
  EXPECT_GT(hits, 300u);
  const QueryCache::Stats stats = cache.stats();
  EXPECT_LE(stats.bytes, stats.capacity_bytes);
  EXPECT_LE(tiny.stats().bytes, 64u * 1024);
  EXPECT_GT(tiny.stats().evictions, 0u);
}

// Entries made before the memtable grew (new rows, new users: larger dictionaries) still merge
// correctly into answers over the bigger snapshot, e.g. uniq bitmaps of different widths.
TEST(QueryCacheTest, EntriesStayValidWhenDictionariesGrow) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 2048, .first_block_rows = 2048});
  std::mt19937_64 rng(12);
  Fill(memtable, rng, 0, 30'000, 300);
  auto before = Labelled(memtable, 14, 100, 7);
  QueryCache cache;
  std::vector<std::string> specs;
  for (int round = 0; round < 60; ++round) specs.push_back(RandomSpec(rng));
  specs.push_back(R"({"from": 0, "to": 4000000000000, "metrics": ["uniq:user", "count"]})");
  specs.push_back(
      R"({"from": 0, "to": 4000000000000, "group_by": ["team"], "metrics": ["uniq:user"]})");
  for (const std::string& json : specs) Execute(*ParseQuerySpec(json, kStart), *before, &cache);
  Fill(memtable, rng, 30'000, 12'000, 30'000);  // mostly new users
  auto after = Labelled(memtable, 14, 100, 7);  // the same segments, more memtable rows
  for (const std::string& json : specs) {
    Result<QuerySpec> spec = ParseQuerySpec(json, kStart);
    ExpectSameResult(Execute(*spec, *after, nullptr), Execute(*spec, *after, &cache), json);
    if (HasFailure()) break;
  }
}

// Queries on several threads share one cache (lookups, inserts, evictions race) and still
// agree with the uncached answers.
TEST(QueryCacheTest, ConcurrentQueriesShareOneCache) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 2048, .first_block_rows = 2048});
  std::mt19937_64 rng(14);
  Fill(memtable, rng, 0, 30'000, 300);
  auto snapshot = Labelled(memtable, 14, 500, 9);
  std::vector<std::string> specs;
  std::vector<QueryResult> expected;
  for (int round = 0; round < 24; ++round) {
    specs.push_back(RandomSpec(rng));
    expected.push_back(Execute(*ParseQuerySpec(specs.back(), kStart), *snapshot, nullptr));
  }
  QueryCache cache(256 * 1024);
  std::vector<std::thread> threads;
  std::vector<std::vector<QueryResult>> answers(4);
  for (size_t thread_idx = 0; thread_idx < answers.size(); ++thread_idx) {
    threads.emplace_back([&, thread_idx] {
      for (int pass = 0; pass < 3; ++pass) {
        for (const std::string& json : specs) {
          answers[thread_idx].push_back(Execute(*ParseQuerySpec(json, kStart), *snapshot, &cache));
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const auto& answer : answers) {
    for (size_t idx = 0; idx < answer.size(); ++idx) {
      ExpectSameResult(expected[idx % specs.size()], answer[idx], specs[idx % specs.size()]);
    }
  }
  EXPECT_GT(cache.stats().hits, 0u);
}

TEST(QueryCacheTest, LruEvictsWithinCapacity) {
  QueryCache cache(8 * 4096);
  for (int idx = 0; idx < 100; ++idx) {
    auto value = std::make_shared<CachedPartial>();
    value->bytes = 3000;
    cache.Insert("key" + std::to_string(idx), value);
    EXPECT_LE(cache.stats().bytes, 8u * 4096);
  }
  EXPECT_EQ(cache.Find("key0"), nullptr);
  EXPECT_NE(cache.Find("key99"), nullptr);
  auto huge = std::make_shared<CachedPartial>();
  huge->bytes = 8 * 4096;
  cache.Insert("huge", huge);  // over an eighth of the capacity: not kept
  EXPECT_EQ(cache.Find("huge"), nullptr);
  const QueryCache::Stats stats = cache.stats();
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.misses, 2u);
  EXPECT_GT(stats.evictions, 0u);
  cache.SetCapacity(0);
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST(QueryCacheTest, PlanKeyIgnoresRangeOrderAndLimitButNotWhatIsComputed) {
  auto key = [](const std::string& json) { return CachePlanKey(*ParseQuerySpec(json, kStart)); };
  const std::string base = key(
      R"({"from": 0, "to": 10, "group_by": ["model"], "metrics": ["count", "p50:latency_ms"]})");
  EXPECT_EQ(
      base,
      key(R"({"from": 5, "to": 99, "group_by": ["model"], "metrics": ["count", "p99:latency_ms"],
                          "order_by": [{"metric": "count", "dir": "desc"}], "limit": 3})"));
  EXPECT_NE(
      base,
      key(R"({"from": 0, "to": 10, "group_by": ["provider"], "metrics": ["count", "p50:latency_ms"]})"));
  EXPECT_NE(
      base,
      key(R"({"from": 0, "to": 10, "group_by": ["model"], "metrics": ["count", "p50:ttft_ms"]})"));
  EXPECT_NE(
      base,
      key(R"({"from": 0, "to": 10, "group_by": ["model"], "bucket": "1h", "metrics": ["count", "p50:latency_ms"]})"));
  EXPECT_NE(
      base,
      key(R"({"from": 0, "to": 10, "group_by": ["model"], "metrics": ["count", "p50:latency_ms"],
                          "filters": [{"field": "model", "op": "eq", "value": "a"}]})"));
  EXPECT_NE(
      key(R"({"from": 0, "to": 10, "metrics": ["count"], "filters": [{"field": "model", "op": "eq", "value": "a"}]})"),
      key(R"({"from": 0, "to": 10, "metrics": ["count"], "filters": [{"field": "model", "op": "eq", "value": "b"}]})"));
}

// The real store labels sealed blocks; compaction gives the merged segment a new id, so the
// cache never answers from states of the segments it replaced.
TEST(QueryCacheTest, StoreSegmentsAreCachedAndCompactionChangesTheirId) {
  char tmpl[] = "/tmp/mltrack_qcache_XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::filesystem::path dir = tmpl;
  {
    store::StoreOptions options;
    options.dir = dir;
    options.seal_rows = 500;
    options.compact_target_rows = 100'000;  // every run of small segments merges
    Result<std::unique_ptr<store::EmbeddedStore>> opened = store::EmbeddedStore::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store::EmbeddedStore& store = **opened;
    std::mt19937_64 rng(13);
    auto append = [&](int batch) {
      EventBatch events;
      for (int row = 0; row < 500; ++row)
        events.push_back(RandomEvent(rng, kStart + (batch * 500 + row) * 60'000, 50));
      ASSERT_TRUE(store.Append(std::move(events)).ok());
      ASSERT_TRUE(store.WaitForMaintenance(10'000));
    };
    auto segment_ids = [](const store::TableSnapshot& snapshot) {
      std::set<uint64_t> ids;
      for (const store::ColumnBlock& block : snapshot.blocks()) {
        if (block.segment_id != 0) ids.insert(block.segment_id);
      }
      return ids;
    };
    const QuerySpec spec = *ParseQuerySpec(
        R"({"from": 0, "to": 4000000000000, "group_by": ["model"], "bucket": "1h",
            "metrics": ["count", "sum:cost_usd", "p90:latency_ms", "uniq:user"]})",
        kStart);
    QueryCache cache;
    append(0);
    append(1);
    auto first = store.Snapshot();
    const std::set<uint64_t> first_ids = segment_ids(*first);
    ASSERT_FALSE(first_ids.empty());
    const QueryResult cold = Execute(spec, *first, &cache);
    EXPECT_EQ(cold.cache_misses, first_ids.size());
    const QueryResult warm = Execute(spec, *first, &cache);
    EXPECT_EQ(warm.cache_hits, first_ids.size());
    EXPECT_LT(warm.scanned, cold.scanned);
    ExpectSameResult(Execute(spec, *first, nullptr), warm, "warm");

    append(2);
    append(3);
    auto second = store.Snapshot();
    const std::set<uint64_t> second_ids = segment_ids(*second);
    ASSERT_FALSE(second_ids.empty());
    for (uint64_t id : second_ids)
      EXPECT_EQ(first_ids.count(id), 0u) << "compaction made segment " << id;
    const QueryResult after = Execute(spec, *second, &cache);
    EXPECT_EQ(after.cache_hits, 0u);
    ExpectSameResult(Execute(spec, *second, nullptr), after, "after compaction");
    store.Close();
  }
  std::filesystem::remove_all(dir);
}

TEST(UniqCombineTest, WiderBitmapAbsorbsSetValuesOnce) {
  using aggregate::Uniq;
  Uniq::State narrow;  // bitmap over ids < 64·2, then id 200 in the set
  Uniq::ToBitmap(narrow, 64);
  Uniq::UpdateId(narrow, 5, 64);
  Uniq::UpdateId(narrow, 200, 64);
  Uniq::State wide;  // bitmap over ids < 512 holding 200 and 7
  Uniq::ToBitmap(wide, 512);
  Uniq::UpdateId(wide, 200, 512);
  Uniq::UpdateId(wide, 7, 512);
  Uniq::Combine(narrow, wide);
  EXPECT_EQ(Uniq::Finalize(narrow), 3);
}

}  // namespace
}  // namespace mltrack::query
