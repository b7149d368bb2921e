// Batches (query_batch.h): every answer of a random batch equals the answer of its spec run
// alone, whether the batch's specs share a scan or not, on one thread or two, with a cache.
#include "query/query_batch.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "query/query_cache.h"
#include "query/query_parser.h"
#include "random_query_test_util.h"
#include "store/memtable.h"

namespace mltrack::query {
namespace {

using namespace test_data;  // NOLINT: test file

// Memtable blocks (no summaries), few rows: one scanning thread.
TEST(QueryBatchTest, RandomBatchesMatchQueriesRunAloneSmall) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 2048, .first_block_rows = 1024});
  std::mt19937_64 rng(31);
  Fill(memtable, rng, 0, 20'000, 300);
  const std::shared_ptr<const store::TableSnapshot> owned = memtable.Snapshot();
  const store::TableSnapshot& snapshot = *owned;
  EXPECT_GT(CompareRandomBatches(snapshot, rng, 300, nullptr), 100);
}

// Enough rows for two scanning threads (kParallelMinRows): partials merge per spec.
TEST(QueryBatchTest, RandomBatchesMatchQueriesRunAloneParallel) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 16384, .first_block_rows = 4096});
  std::mt19937_64 rng(32);
  Fill(memtable, rng, 0, 300'000, 5000);
  const std::shared_ptr<const store::TableSnapshot> owned = memtable.Snapshot();
  const store::TableSnapshot& snapshot = *owned;
  EXPECT_GT(CompareRandomBatches(snapshot, rng, 40, nullptr), 10);
}

// With an enabled cache the specs run one by one through it: the same answers.
TEST(QueryBatchTest, RandomBatchesThroughACacheMatch) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 2048, .first_block_rows = 1024});
  std::mt19937_64 rng(33);
  Fill(memtable, rng, 0, 10'000, 100);
  const std::shared_ptr<const store::TableSnapshot> owned = memtable.Snapshot();
  const store::TableSnapshot& snapshot = *owned;
  QueryCache cache(64 << 20);
  CompareRandomBatches(snapshot, rng, 60, &cache);
}

// A spec the executor refuses fails alone; the others of its scan are answered.
TEST(QueryBatchTest, ARefusedSpecDoesNotFailItsNeighbours) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 2048, .first_block_rows = 1024});
  std::mt19937_64 rng(34);
  Fill(memtable, rng, 0, 5'000, 50);
  const std::shared_ptr<const store::TableSnapshot> owned = memtable.Snapshot();
  const store::TableSnapshot& snapshot = *owned;
  const std::string range = R"("from": 1767225600000, "to": 1770000000000)";
  Result<QuerySpec> good = ParseQuerySpec("{" + range + R"(, "metrics": ["count", "sum:cost_usd"]})", kStart);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  QuerySpec empty = *good;
  empty.metrics.clear();
  const std::vector<QuerySpec> specs = {*good, empty, *good};
  const std::vector<Result<QueryResult>> batch = ExecuteBatch(specs, snapshot, nullptr);
  ASSERT_EQ(batch.size(), 3u);
  ASSERT_TRUE(batch[0].ok()) << batch[0].status().ToString();
  EXPECT_FALSE(batch[1].ok());
  EXPECT_NE(batch[1].status().ToString().find("metrics"), std::string::npos) << batch[1].status().ToString();
  ASSERT_TRUE(batch[2].ok());
  const Result<QueryResult> alone = ExecuteQuery(*good, snapshot, nullptr);
  ASSERT_TRUE(alone.ok());
  ExpectSameResult(*alone, *batch[0], "first");
  ExpectSameResult(*alone, *batch[2], "third");
  EXPECT_GT(std::get<int64_t>(alone->rows.at(0).at(0)), 0);
}

}  // namespace
}  // namespace mltrack::query
