// The partial-result cache: answers with a cold cache, a warm cache and no cache must agree for
// any spec, over snapshots made of several "sealed segments" (blocks with a segment_id) and
// memtable blocks; entries are bounded in bytes; segment ids keep stale states out.
#include "query/query_cache.h"

#include <gtest/gtest.h>

#include <cmath>
#include <chrono>
#include <filesystem>
#include <map>
#include <tuple>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "query/aggregate/uniq.h"
#include "random_query_test_util.h"
#include "query/query_executor.h"
#include "query/query_parser.h"
#include "store/embedded_store.h"
#include "store/memtable.h"
#include "store/string_filter.h"
#include "query/row_filter.h"

namespace mltrack::query {
namespace {

using namespace test_data;  // NOLINT: test file

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
  specs.push_back(R"({"from": 946684800000, "to": 4000000000000, "metrics": ["uniq:user", "count"]})");
  specs.push_back(
      R"({"from": 946684800000, "to": 4000000000000, "group_by": ["team"], "metrics": ["uniq:user"]})");
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
      R"({"from": 946684800000, "to": 946684800010, "group_by": ["model"], "metrics": ["count", "p50:latency_ms"]})");
  EXPECT_EQ(
      base,
      key(R"({"from": 946684800005, "to": 946684800099, "group_by": ["model"], "metrics": ["count", "p99:latency_ms"],
                          "order_by": [{"metric": "count", "dir": "desc"}], "limit": 3})"));
  EXPECT_NE(
      base,
      key(R"({"from": 946684800000, "to": 946684800010, "group_by": ["provider"], "metrics": ["count", "p50:latency_ms"]})"));
  EXPECT_NE(
      base,
      key(R"({"from": 946684800000, "to": 946684800010, "group_by": ["model"], "metrics": ["count", "p50:ttft_ms"]})"));
  EXPECT_NE(
      base,
      key(R"({"from": 946684800000, "to": 946684800010, "group_by": ["model"], "bucket": "1h", "metrics": ["count", "p50:latency_ms"]})"));
  EXPECT_NE(
      base,
      key(R"({"from": 946684800000, "to": 946684800010, "group_by": ["model"], "metrics": ["count", "p50:latency_ms"],
                          "filters": [{"field": "model", "op": "eq", "value": "a"}]})"));
  // The zone moves bucket boundaries; without buckets it changes nothing, and UTC is no zone.
  const std::string daily = key(R"({"from": 946684800000, "to": 946684800010, "bucket": "1d", "metrics": ["count"]})");
  EXPECT_NE(daily, key(R"({"from": 946684800000, "to": 946684800010, "bucket": "1d", "tz": "Europe/Berlin", "metrics": ["count"]})"));
  EXPECT_NE(key(R"({"from": 946684800000, "to": 946684800010, "bucket": "1d", "tz": "Asia/Kolkata", "metrics": ["count"]})"),
            key(R"({"from": 946684800000, "to": 946684800010, "bucket": "1d", "tz": "Europe/Berlin", "metrics": ["count"]})"));
  EXPECT_EQ(daily, key(R"({"from": 946684800000, "to": 946684800010, "bucket": "1d", "tz": "UTC", "metrics": ["count"]})"));
  EXPECT_EQ(key(R"({"from": 946684800000, "to": 946684800010, "metrics": ["count"]})"),
            key(R"({"from": 946684800000, "to": 946684800010, "tz": "Europe/Berlin", "metrics": ["count"]})"));
  // var, stddev and avg of one field are different metrics.
  const std::string var = key(R"({"from": 946684800000, "to": 946684800010, "metrics": ["var:latency_ms"]})");
  EXPECT_NE(var, key(R"({"from": 946684800000, "to": 946684800010, "metrics": ["stddev:latency_ms"]})"));
  EXPECT_NE(var, key(R"({"from": 946684800000, "to": 946684800010, "metrics": ["avg:latency_ms"]})"));
  EXPECT_NE(var, key(R"({"from": 946684800000, "to": 946684800010, "metrics": ["var:ttft_ms"]})"));
  // min:ts, max:ts and min of a measure are three different states.
  const std::string first = key(R"({"from": 946684800000, "to": 946684800010, "metrics": ["min:ts"]})");
  EXPECT_NE(first, key(R"({"from": 946684800000, "to": 946684800010, "metrics": ["max:ts"]})"));
  EXPECT_NE(first, key(R"({"from": 946684800000, "to": 946684800010, "metrics": ["min:latency_ms"]})"));
  EXPECT_NE(first, key(R"({"from": 946684800000, "to": 946684800010, "metrics": ["count"]})"));
  EXPECT_NE(
      key(R"({"from": 946684800000, "to": 946684800010, "metrics": ["count"], "filters": [{"field": "model", "op": "eq", "value": "a"}]})"),
      key(R"({"from": 946684800000, "to": 946684800010, "metrics": ["count"], "filters": [{"field": "model", "op": "eq", "value": "b"}]})"));
}

// A store in `dir` that seals every 500 rows and merges runs of segments up to
// `compact_target_rows`.
Result<std::unique_ptr<store::EmbeddedStore>> OpenSealingStore(const std::filesystem::path& dir,
                                                               size_t compact_target_rows) {
  store::StoreOptions options;
  options.dir = dir;
  options.seal_rows = 500;
  options.compact_target_rows = compact_target_rows;
  return store::EmbeddedStore::Open(options);
}

// The real store labels sealed blocks; compaction gives the merged segment a new id, so the
// cache never answers from states of the segments it replaced.
TEST(QueryCacheTest, StoreSegmentsAreCachedAndCompactionChangesTheirId) {
  char tmpl[] = "/tmp/mltrack_qcache_XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::filesystem::path dir = tmpl;
  {
    // Every run of small segments merges.
    Result<std::unique_ptr<store::EmbeddedStore>> opened = OpenSealingStore(dir, 100'000);
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
        R"({"from": 1767225600000, "to": 1798761600000, "group_by": ["model"], "bucket": "1h",
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

// trace_id and input_hash are local string fields (store/local_strings.h): a query interns the
// strings of the segments its range covers (and, for an eq filter, only of the blocks whose
// string filter may hold the literal), not every trace of the table (issue 17) — and answers as
// when every string was interned first.
TEST(LocalStringQueryTest, QueriesInternOnlyTheSegmentsTheyRead) {
  char tmpl[] = "/tmp/mltrack_qlocal_XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::filesystem::path dir = tmpl;
  {
    // Segments of 500 rows stay as they are.
    Result<std::unique_ptr<store::EmbeddedStore>> opened = OpenSealingStore(dir, 500);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store::EmbeddedStore& store = **opened;
    constexpr int kBatches = 6, kRows = 500;
    for (int batch = 0; batch < kBatches; ++batch) {
      EventBatch events;
      for (int row = 0; row < kRows; ++row) {
        Event event;
        event.ts_ms = kStart + (int64_t{batch} * kRows + row) * 60'000;
        event.model = row % 3 ? "m-a" : "m-b";
        event.status = row % 5 == 0 ? EventStatus::kError : EventStatus::kOk;
        event.cost_nano_usd = 1000 + row;
        event.trace_id = "t" + std::to_string(batch) + "-" + std::to_string(row / 2);  // two calls each
        if (row % 4 != 0) event.input_hash = "h" + std::to_string(batch) + "-" + std::to_string(row % 40);
        events.push_back(std::move(event));
      }
      ASSERT_TRUE(store.Append(std::move(events)).ok());
      ASSERT_TRUE(store.WaitForMaintenance(10'000));
    }
    auto snapshot = store.Snapshot();
    std::set<uint64_t> segments;
    for (const store::ColumnBlock& block : snapshot->blocks()) {
      if (block.segment_id != 0) segments.insert(block.segment_id);
    }
    ASSERT_GE(segments.size(), 5u);
    const store::Dictionary* traces = snapshot->ArmedDictionary(FieldId::kTraceId);
    const store::Dictionary* hashes = snapshot->ArmedDictionary(FieldId::kInputHash);
    const size_t traces_before = traces->size(), hashes_before = hashes->size();
    auto range = [](int first_batch, int end_batch) {
      return "\"from\": " + std::to_string(kStart + int64_t{first_batch} * kRows * 60'000) +
             ", \"to\": " + std::to_string(kStart + int64_t{end_batch} * kRows * 60'000);
    };
    // What the insights' retry and exact-cache rules ask, over the last batch's range; a lookup
    // of one trace over everything.
    const std::vector<std::string> queries = {
        "{" + range(5, 6) + R"(, "filters": [{"field": "status", "op": "eq", "value": "error"},
            {"field": "trace_id", "op": "exists"}], "group_by": ["trace_id"], "metrics": ["count"],
            "order_by": [{"metric": "count", "dir": "desc"}, {"field": "trace_id", "dir": "asc"}], "limit": 1000})",
        "{" + range(5, 6) + R"(, "group_by": ["model"], "metrics": ["count", "uniq:input_hash", "uniq:trace_id"]})",
        "{" + range(5, 6) + R"(, "filters": [{"field": "input_hash", "op": "in", "values": ["h5-1", "h5-2", "h0-1"]}],
            "group_by": ["model", "input_hash"], "bucket": "1h", "metrics": ["count", "sum:cost_usd"],
            "order_by": ["t", "model", "input_hash"], "limit": 100000})",
        "{" + range(0, 6) + R"(, "filters": [{"field": "trace_id", "op": "eq", "value": "t2-17"}],
            "metrics": ["count", "sum:cost_usd", "min:ts"]})",
    };
    std::vector<QueryResult> lazy;
    for (const std::string& json : queries) {
      const QuerySpec spec = *ParseQuerySpec(json, kStart);
      lazy.push_back(Execute(spec, *snapshot, nullptr));
    }
    ASSERT_EQ(lazy[3].rows.size(), 1u);
    EXPECT_EQ(std::get<int64_t>(lazy[3].rows[0][0]), 2);
    EXPECT_FALSE(lazy[0].rows.empty());
    // The last batch's traces (250) and at most the one segment of t2-17 (its string filter may
    // let a block of another segment through, ~1 % a block): far from the 1,500 of the table.
    EXPECT_LE(traces->size() - traces_before, 250u + 2 * 250u) << "every trace id was interned";
    EXPECT_LE(hashes->size() - hashes_before, 40u) << "every input hash was interned";

    // A block the lookup left un-interned (its string filter excludes the literal) is one its
    // filter judges empty: it is never read row by row, so ids another query interns into it
    // meanwhile (past the filter's table) are never looked up.
    Filter lookup;
    lookup.field = FieldRef{FieldId::kTraceId, ""};
    lookup.op = FilterOp::kEq;
    lookup.values = {std::string("t2-17")};
    Result<RowFilter> compiled = RowFilter::Compile(lookup, *snapshot);
    ASSERT_TRUE(compiled.ok());
    size_t judged_empty = 0;
    for (const store::ColumnBlock& block : snapshot->blocks()) {
      if (block.summary == nullptr || !block.summary->string_filtered) continue;
      const bool may = store::BlockMayContain(block, FieldId::kTraceId, "t2-17");
      EXPECT_EQ(compiled->Judge(*block.summary) == FilterVerdict::kNone, !may);
      judged_empty += !may;
    }
    EXPECT_GE(judged_empty, 3u);

    // The same answers once every string of both fields is interned (the old path).
    auto whole = store.Snapshot();
    ASSERT_NE(whole->dictionary(FieldId::kTraceId), nullptr);
    ASSERT_NE(whole->dictionary(FieldId::kInputHash), nullptr);
    EXPECT_EQ(traces->size() - traces_before, kBatches * kRows / 2);
    for (size_t idx = 0; idx < queries.size(); ++idx) {
      const QuerySpec spec = *ParseQuerySpec(queries[idx], kStart);
      ExpectSameResult(Execute(spec, *whole, nullptr), lazy[idx], "query " + std::to_string(idx));
    }
    store.Close();
  }
  std::filesystem::remove_all(dir);
}

// `exists` of a local string field (input_hash: no summary counts it) keeping few rows of a
// sealed block reads only the rows where it is present (query/rare_code_rows.h), listed from the
// block's local ids; a block where most rows carry it is read whole. The answers are those the
// events give, alone, beside `status = error` (the fewer rows of the two give the candidates),
// and on a second snapshot that finds the lists already made.
TEST(LocalStringQueryTest, ExistsOfALocalFieldReadsOnlyTheRowsThatCarryIt) {
  char tmpl[] = "/tmp/mltrack_qpresent_XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::filesystem::path dir = tmpl;
  {
    Result<std::unique_ptr<store::EmbeddedStore>> opened = OpenSealingStore(dir, 500);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store::EmbeddedStore& store = **opened;
    constexpr int kBatches = 6, kRows = 500;
    std::vector<Event> all;
    for (int batch = 0; batch < kBatches; ++batch) {
      EventBatch events;
      for (int row = 0; row < kRows; ++row) {
        Event event;
        event.ts_ms = kStart + (int64_t{batch} * kRows + row) * 60'000;
        event.model = row % 3 ? "m-a" : "m-b";
        event.status = row % 7 == 0 ? EventStatus::kError : EventStatus::kOk;
        event.cost_nano_usd = 1000 + row;
        event.trace_id = "t" + std::to_string(batch) + "-" + std::to_string(row);
        // Batch 3: half the rows carry a hash (not few); the others: one row in 25 (few).
        if (batch == 3 ? row % 2 == 0 : row % 25 == 1) event.input_hash = "h" + std::to_string(row % 9);
        all.push_back(event);
        events.push_back(std::move(event));
      }
      ASSERT_TRUE(store.Append(std::move(events)).ok());
      ASSERT_TRUE(store.WaitForMaintenance(10'000));
    }
    const std::string range = "\"from\": " + std::to_string(kStart) + ", \"to\": " +
                              std::to_string(kStart + int64_t{kBatches} * kRows * 60'000);
    // Count, cost and distinct hashes by model of the events with a hash (and, when `error`, failed).
    auto expected = [&](bool error) {
      std::map<std::string, std::tuple<int64_t, int64_t, std::set<std::string>>> by_model;
      for (const Event& event : all) {
        if (event.input_hash.empty() || (error && event.status != EventStatus::kError)) continue;
        auto& [count, cost, hashes] = by_model[event.model];
        ++count;
        cost += event.cost_nano_usd.value_or(0);
        hashes.insert(event.input_hash);
      }
      return by_model;
    };
    auto check = [&](const QueryResult& result, bool error, const std::string& what) {
      const auto want = expected(error);
      ASSERT_EQ(result.rows.size(), want.size()) << what;
      for (const auto& row : result.rows) {
        const auto found = want.find(std::get<std::string>(row[0]));
        ASSERT_NE(found, want.end()) << what;
        EXPECT_EQ(std::get<int64_t>(row[1]), std::get<0>(found->second)) << what;
        EXPECT_EQ(std::get<MoneyValue>(row[2]).nano_usd, std::get<1>(found->second)) << what;
        EXPECT_EQ(std::get<int64_t>(row[3]), static_cast<int64_t>(std::get<2>(found->second).size())) << what;
      }
    };
    const std::string metrics = R"("group_by": ["model"], "metrics": ["count", "sum:cost_usd", "uniq:input_hash"]})";
    const QuerySpec present = *ParseQuerySpec(
        "{" + range + R"(, "filters": [{"field": "input_hash", "op": "exists"}], )" + metrics, kStart);
    const QuerySpec failed = *ParseQuerySpec(
        "{" + range + R"(, "filters": [{"field": "input_hash", "op": "exists"},
            {"field": "status", "op": "eq", "value": "error"}], )" + metrics, kStart);
    for (int round = 0; round < 2; ++round) {  // the second snapshot finds the lists made
      auto snapshot = store.Snapshot();
      const QueryResult read = Execute(present, *snapshot, nullptr);
      check(read, false, "exists, round " + std::to_string(round));
      check(Execute(failed, *snapshot, nullptr), true, "exists and error, round " + std::to_string(round));
      // Rows read: a sealed block's rows with a hash when they are few (at most 1/8), else all.
      uint64_t rows_read = 0;
      int few_blocks = 0;
      for (const store::ColumnBlock& block : snapshot->blocks()) {
        uint64_t carry = 0;
        for (const Event& event : all) {
          carry += event.ts_ms >= block.min_ts && event.ts_ms <= block.max_ts && !event.input_hash.empty();
        }
        const bool few = block.summary != nullptr && carry * 8 <= block.rows;
        rows_read += few ? carry : block.rows;
        few_blocks += few;
      }
      EXPECT_GE(few_blocks, 4);
      EXPECT_EQ(read.scanned, rows_read) << "round " << round;
    }
    store.Close();
  }
  std::filesystem::remove_all(dir);
}

// Interning a local field's strings counts against the query's deadline: a query past it stops
// before interning (at 100M the first uniq:trace_id interned for two minutes past a 10 s limit),
// and a later query interns and answers.
TEST(LocalStringQueryTest, InterningStopsAtTheDeadline) {
  char tmpl[] = "/tmp/mltrack_qlocal_XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::filesystem::path dir = tmpl;
  {
    Result<std::unique_ptr<store::EmbeddedStore>> opened = OpenSealingStore(dir, 500);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store::EmbeddedStore& store = **opened;
    for (int batch = 0; batch < 4; ++batch) {
      EventBatch events;
      for (int row = 0; row < 500; ++row) {
        Event event;
        event.ts_ms = kStart + (int64_t{batch} * 500 + row) * 60'000;
        event.model = "m";
        event.trace_id = "t" + std::to_string(batch) + "-" + std::to_string(row / 2);
        events.push_back(std::move(event));
      }
      ASSERT_TRUE(store.Append(std::move(events)).ok());
      ASSERT_TRUE(store.WaitForMaintenance(10'000));
    }
    auto snapshot = store.Snapshot();
    const size_t traces_before = snapshot->ArmedDictionary(FieldId::kTraceId)->size();
    QuerySpec spec = *ParseQuerySpec(R"({"from": 1767225600000, "to": 1767398400000, "metrics": ["uniq:trace_id"]})", kStart);
    spec.limits = QueryLimits::FromNow(1, 0);
    spec.limits.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
    Result<QueryResult> late = ExecuteQuery(spec, *snapshot);
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.status().code(), StatusCode::kDeadlineExceeded);
    EXPECT_EQ(snapshot->ArmedDictionary(FieldId::kTraceId)->size(), traces_before);  // nothing interned
    spec.limits = QueryLimits{};
    Result<QueryResult> answered = ExecuteQuery(spec, *snapshot);
    ASSERT_TRUE(answered.ok()) << answered.status().ToString();
    EXPECT_EQ(QueryResultToJson(*answered).find("[[1000]]") != std::string::npos, true) << QueryResultToJson(*answered);
    store.Close();
  }
  std::filesystem::remove_all(dir);
}

TEST(UniqCombineTest, WiderBitmapAbsorbsSetValuesOnce) {
  using aggregate::Uniq;
  Uniq::State narrow;  // bitmap over ids < 64·2, then id 200 in the set
  Uniq::ToBitmap(narrow, 0, 127);
  Uniq::UpdateId(narrow, 5, 64);
  Uniq::UpdateId(narrow, 200, 64);
  Uniq::State wide;  // bitmap over ids < 512 holding 200 and 7
  Uniq::ToBitmap(wide, 0, 511);
  Uniq::UpdateId(wide, 200, 512);
  Uniq::UpdateId(wide, 7, 512);
  Uniq::Combine(narrow, wide);
  EXPECT_EQ(Uniq::Finalize(narrow), 3);
}

}  // namespace
}  // namespace mltrack::query
