// Block summaries (zone maps) in queries: over the same segment blocks, answers with the
// summaries (pruning, dropped filters, whole-block answers) must equal answers that read every
// row, for any spec and wherever block boundaries and the range's edges fall.
#include "query/block_answer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/crc32c.h"
#include "query/query_cache.h"
#include "query/query_parser.h"
#include "random_query_test_util.h"
#include "store/block_bin_cells.h"
#include "store/block_hour_cells.h"
#include "store/block_hour_slices.h"
#include "store/block_moments.h"
#include "store/block_slices.h"
#include "store/block_score_cells.h"
#include "store/block_tag_cells.h"
#include "store/block_user_rollup.h"
#include "store/derived_sketch.h"
#include "store/memtable.h"
#include "store/segment.h"
#include "store/segment_format.h"
#include "store/segment_writer.h"
#include "store/sparse_rows.h"
#include "store/value_sketch.h"

namespace mltrack::query {
namespace {

using namespace test_data;  // NOLINT: test file

// Rewrites the footer version byte of the segment at `path` (and the footer's CRC): a segment of
// this version read as an older one whose layout it shares (version 7 as 6: rollups keyed by
// (user, team, experiment) only).
void SetFooterVersion(const std::filesystem::path& path, uint8_t version) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const size_t trailer = bytes.size() - store::segment::kTrailerSize;
  uint64_t footer_offset = 0;
  uint32_t footer_size = 0;
  std::memcpy(&footer_offset, bytes.data() + trailer, 8);
  std::memcpy(&footer_size, bytes.data() + trailer + 8, 4);
  bytes[footer_offset] = static_cast<char>(version);
  const uint32_t crc = crc32c::Mask(crc32c::Value(std::string_view(bytes).substr(footer_offset, footer_size)));
  std::memcpy(bytes.data() + trailer + 12, &crc, 4);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// 40,000 events over a day from 00:05 on 1 Jan 2026 with few teams, experiments and providers,
// so that a block's (hour, team, experiment, model, provider, priced) cells average more than
// kMinHourCellRows rows; some carry cached input tokens.
std::vector<Event> HourCellEvents(std::mt19937_64& rng) {
  std::vector<Event> events;
  for (int row = 0; row < 40'000; ++row) {
    const int64_t jitter = static_cast<int64_t>(rng() % 60'000);
    events.push_back(RandomEvent(rng, kStart + 5 * 60'000 + row * int64_t{1'200} + jitter, 40));
    events.back().team = "t" + std::to_string(1 + rng() % 3);
    events.back().provider = events.back().model.starts_with("gpt") ? "openai" : "other";
    if (rng() % 5) events.back().experiment = "e" + std::to_string(1 + rng() % 2);
    if (rng() % 7 == 0) events.back().cached_input_tokens = static_cast<int64_t>(rng() % 900);
  }
  return events;
}

class BlockAnswerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mltrack_block_answer_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Events in time order in which the team changes only every `team_run` rows (so that some
  // blocks hold one team and team filters can prune), with `users` random users or, when
  // `users` is 0, a new user every 10 rows (ids grow with time: blocks hold disjoint id ranges),
  // everything else as RandomEvent makes it.
  static void FillRuns(store::Memtable& memtable, std::mt19937_64& rng, int rows, int users, int team_run) {
    std::vector<Event> events;
    const int64_t step = kDays * 24 * kHourMs / 60'000;
    for (int row = 0; row < rows; ++row) {
      const int64_t jitter = static_cast<int64_t>(rng() % (2 * kHourMs));
      events.push_back(RandomEvent(rng, kStart + row * step + jitter, users > 0 ? users : 1));
      events.back().team = "t" + std::to_string((row / team_run) % 7);
      if (users == 0) events.back().user = "u" + std::to_string(row / 10);
    }
    memtable.Append(events);
  }

  // Writes the memtable's blocks into segments of 1–3 blocks each and reopens them: `with` holds
  // the segments' blocks as read (with summaries), `without` the same blocks without summaries.
  void MakeViews(const store::Memtable& memtable, std::mt19937_64& rng,
                 uint8_t footer_version = store::segment::kFooterVersion) {
    store::TableSnapshot::Parts blocks;
    memtable.CollectBlocks(&blocks);
    store::TableSnapshot::Parts with;
    store::TableSnapshot::Parts without;
    memtable.dictionaries()->FillSnapshot(&with);
    memtable.dictionaries()->FillSnapshot(&without);
    uint64_t seq = 1;
    for (size_t begin = 0; begin < blocks.blocks.size(); ++seq) {
      const size_t end = std::min(blocks.blocks.size(), begin + 1 + rng() % 3);
      const std::filesystem::path path = dir_ / store::segment::FileName(seq);
      std::span<const store::ColumnBlock> span(blocks.blocks.data() + begin, end - begin);
      ASSERT_TRUE(store::WriteSegment(path, span, {}, {}, {}).ok());  // no trace_id: local columns left out
      if (footer_version != store::segment::kFooterVersion) SetFooterVersion(path, footer_version);
      Result<std::shared_ptr<store::Segment>> segment = store::Segment::OpenUnchecked(path);
      ASSERT_TRUE(segment.ok()) << segment.status().ToString();
      for (const store::ColumnBlock& block : (*segment)->blocks()) {
        ASSERT_NE(block.summary, nullptr);
        with.blocks.push_back(block);
        without.blocks.push_back(block);
        without.blocks.back().summary = nullptr;
      }
      with.keep_alive.push_back(*segment);
      without.keep_alive.push_back(*segment);
      begin = end;
    }
    with_ = std::make_shared<const store::TableSnapshot>(std::move(with));
    without_ = std::make_shared<const store::TableSnapshot>(std::move(without));
  }

  // Runs `rounds` random specs on both views; returns how many the summaries changed the work of
  // (fewer rows scanned).
  int CompareRandomSpecs(std::mt19937_64& rng, int rounds) {
    int helped = 0;
    for (int round = 0; round < rounds; ++round) {
      const std::string json = RandomSpec(rng);
      Result<QuerySpec> spec = ParseQuerySpec(json, kStart);
      EXPECT_TRUE(spec.ok()) << json << " " << spec.status().ToString();
      if (!spec.ok()) break;
      const QueryResult scanned = Execute(*spec, *without_, nullptr);
      const QueryResult summarized = Execute(*spec, *with_, nullptr);
      ExpectSameResult(scanned, summarized, json);
      EXPECT_LE(summarized.scanned, scanned.scanned) << json;
      helped += summarized.scanned < scanned.scanned;
      if (HasFailure()) break;
    }
    return helped;
  }

  void CheckUserRollups(bool by_model);

  std::filesystem::path dir_;
  std::shared_ptr<const store::TableSnapshot> with_;
  std::shared_ptr<const store::TableSnapshot> without_;
};

// Few users: every dimension's codes are listed exactly (whole-block answers, counts per code,
// exact pruning).
TEST_F(BlockAnswerTest, RandomSpecsAgreeWithScansExactCodes) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 2048, .first_block_rows = 2048});
  std::mt19937_64 rng(21);
  FillRuns(memtable, rng, 40'000, 40, 3000);
  MakeViews(memtable, rng);
  EXPECT_GT(CompareRandomSpecs(rng, 400), 25);
}

// Thousands of users: blocks keep only the range of user ids (pruning by range).
TEST_F(BlockAnswerTest, RandomSpecsAgreeWithScansIdRanges) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 4096, .first_block_rows = 1024});
  std::mt19937_64 rng(22);
  FillRuns(memtable, rng, 30'000, 0, 700);
  MakeViews(memtable, rng);
  EXPECT_GT(CompareRandomSpecs(rng, 300), 10);
}

// The same with random users: many users per block, ranges that prune nothing.
TEST_F(BlockAnswerTest, RandomSpecsAgreeWithScansManyUsers) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 4096, .first_block_rows = 1024});
  std::mt19937_64 rng(25);
  FillRuns(memtable, rng, 30'000, 5000, 700);
  MakeViews(memtable, rng);
  CompareRandomSpecs(rng, 200);
}

// Batches over segment blocks: a shared scan answers whole blocks from their summaries per spec
// and scans the rest once; every answer equals the spec's alone.
TEST_F(BlockAnswerTest, RandomBatchesOverSummariesMatchQueriesRunAlone) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 2048, .first_block_rows = 2048});
  std::mt19937_64 rng(26);
  FillRuns(memtable, rng, 40'000, 40, 3000);
  MakeViews(memtable, rng);
  EXPECT_GT(CompareRandomBatches(*with_, rng, 200, nullptr), 50);
}

// A range that covers whole blocks: ungrouped counts, sums and rates read no row at all.
TEST_F(BlockAnswerTest, WholeBlocksAreAnsweredWithoutReadingRows) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 2048, .first_block_rows = 2048});
  std::mt19937_64 rng(23);
  FillRuns(memtable, rng, 20'000, 40, 3000);
  MakeViews(memtable, rng);
  const std::string json =
      R"({"from": 946684800000, "to": 4000000000000, "metrics": ["count", "sum:cost_usd", "avg:latency_ms", "rate:error",
          "min:input_tokens", "max:cost_usd", "count:cost_usd", "uniq:user", "rate:cache_hit", "min:ts", "max:ts",
          "var:cache_write_tokens", "stddev:reasoning_tokens"]})";
  const QuerySpec spec = *ParseQuerySpec(json, kStart);
  const QueryResult summarized = Execute(spec, *with_, nullptr);
  const QueryResult scanned = Execute(spec, *without_, nullptr);
  ExpectSameResult(scanned, summarized, json);
  EXPECT_EQ(summarized.scanned, 0u);
  EXPECT_EQ(scanned.scanned, 20'000u);
  // Weekly buckets: the blocks inside one week are answered (counts per status code), those
  // spanning a Monday are read.
  const QuerySpec daily = *ParseQuerySpec(
      R"({"from": 946684800000, "to": 4000000000000, "bucket": "1w", "group_by": ["status"], "metrics": ["count"]})", kStart);
  const QueryResult daily_summarized = Execute(daily, *with_, nullptr);
  ExpectSameResult(Execute(daily, *without_, nullptr), daily_summarized, "daily");
  EXPECT_LT(daily_summarized.scanned, 20'000u);
  // First and last event per week come from the time ranges of the blocks that lie in one week.
  const QuerySpec first_last = *ParseQuerySpec(
      R"({"from": 946684800000, "to": 4000000000000, "bucket": "1w", "metrics": ["min:ts", "max:ts", "count"]})", kStart);
  const QueryResult first_last_summarized = Execute(first_last, *with_, nullptr);
  ExpectSameResult(Execute(first_last, *without_, nullptr), first_last_summarized, "first_last");
  EXPECT_LT(first_last_summarized.scanned, 20'000u);
}

// A filter on a value that only some blocks hold skips the others unread.
TEST_F(BlockAnswerTest, FiltersPruneBlocksByTheirCodes) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 2048, .first_block_rows = 2048});
  std::mt19937_64 rng(24);
  FillRuns(memtable, rng, 21'000, 40, 3000);  // team t3 holds rows 9000..11999
  MakeViews(memtable, rng);
  const QuerySpec spec = *ParseQuerySpec(
      R"({"from": 946684800000, "to": 4000000000000, "filters": [{"field": "team", "op": "eq", "value": "t3"}],
          "group_by": ["model"], "metrics": ["count", "p50:latency_ms"]})",
      kStart);
  const QueryResult summarized = Execute(spec, *with_, nullptr);
  ExpectSameResult(Execute(spec, *without_, nullptr), summarized, "t3");
  EXPECT_LT(summarized.scanned, 9'000u);  // only blocks that hold t3 rows and others are read
}

// Daily buckets over blocks that span midnight: counts, rates and integer sums read only the rows
// on the smaller side of the edge (the other side is the summary minus them); a metric that does
// not subtract (min:ts) reads the whole block. Answers equal the scans' in any zone.
TEST_F(BlockAnswerTest, BlocksAcrossOneBucketEdgeReadOnlyTheSmallerSide) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 512, .first_block_rows = 512});
  std::mt19937_64 rng(31);
  FillRuns(memtable, rng, 30'000, 40, 3000);  // 512 rows ≈ 8 hours: blocks in one or two days
  MakeViews(memtable, rng);
  const std::string range = R"({"from": 946684800000, "to": 4000000000000, "limit": 100000, "bucket": "1d", )";
  for (const char* zone : {"UTC", "Asia/Kathmandu", "America/New_York"}) {
    for (const char* rest : {R"("metrics": ["count", "sum:cost_usd", "count:cost_usd", "rate:error", "sum:input_tokens"])",
                             R"("group_by": ["team"], "metrics": ["count", "sum:cost_usd"])"}) {
      const std::string what = std::string(zone) + " " + rest;
      const QuerySpec spec = *ParseQuerySpec(range + "\"tz\": \"" + zone + "\", " + rest + "}", kStart);
      const QueryResult summarized = Execute(spec, *with_, nullptr);
      ExpectSameResult(Execute(spec, *without_, nullptr), summarized, what);
      QueryCache cache;
      ExpectSameResult(Execute(spec, *without_, nullptr), Execute(spec, *with_, &cache), what + " (cache)");
      // The same spec with min:ts, which does not subtract: blocks across midnight are read whole.
      QuerySpec whole = spec;
      whole.metrics.push_back(*ParseMetric("min:ts"));
      const QueryResult read_whole = Execute(whole, *with_, nullptr);
      EXPECT_GT(summarized.scanned, 0u) << what;
      EXPECT_LT(summarized.scanned, read_whole.scanned) << what;
      // Ungrouped, every block across midnight qualifies: at most half of its rows are read.
      if (spec.group_by.empty()) EXPECT_LE(summarized.scanned * 2, read_whole.scanned) << what;
    }
  }
}

// Hour slices (store/block_hour_slices.h): dense blocks (about 3,000 rows an hour, blocks of
// about three hours) answer buckets of whole hours per slice — from the slices' summaries, and
// from a slice's rows for a percentile where the slice has too few values for a sketch. Answers
// equal the scans' at hourly, 3-hour and daily buckets, in zones with whole-hour and half-hour
// offsets, at 30-minute buckets (not answered) and for random specs.
TEST_F(BlockAnswerTest, HourSlicesAnswerBucketsOfWholeHoursAsScansDo) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 8192, .first_block_rows = 8192});
  std::mt19937_64 rng(41);
  std::vector<Event> events;
  for (int row = 0; row < 40'000; ++row) {
    const int64_t jitter = static_cast<int64_t>(rng() % 60'000);
    events.push_back(RandomEvent(rng, kStart + 5 * 60'000 + row * int64_t{1'200} + jitter, 40));
  }
  memtable.Append(events);
  MakeViews(memtable, rng);
  const std::string head = R"({"from": 1767225600000, "to": 1767312000000, "limit": 100000, )";  // 1 Jan 2026
  const std::string metrics =
      R"("metrics": ["count", "sum:cost_usd", "rate:error", "p95:latency_ms", "avg:ttft_ms", "min:ts", "max:ts",
                     "max:input_tokens", "count:cost_usd"]})";
  std::map<std::string, uint64_t> scanned;
  for (const char* bucket : {R"("bucket": "1h", )", R"("bucket": "1h", "tz": "America/New_York", )",
                             R"("bucket": "3h", )", R"("bucket": "1d", )", R"("bucket": "1h", "tz": "Asia/Kolkata", )",
                             R"("bucket": "30m", )", R"("bucket": "1h", "group_by": ["model"], )"}) {
    const std::string json = head + bucket + metrics;
    const QuerySpec spec = *ParseQuerySpec(json, kStart);
    const QueryResult summarized = Execute(spec, *with_, nullptr);
    const QueryResult read = Execute(spec, *without_, nullptr);
    ExpectSameResult(read, summarized, json);
    EXPECT_EQ(read.scanned, 40'000u) << json;
    scanned[bucket] = summarized.scanned;
  }
  // Whole hours in UTC or New York (−5 h): only the percentile of slices of ≤ 1,024 latencies
  // (the partial hours at the blocks' edges) reads rows.
  EXPECT_LT(scanned[R"("bucket": "1h", )"], 20'000u);
  EXPECT_LT(scanned[R"("bucket": "1h", "tz": "America/New_York", )"], 20'000u);
  EXPECT_LT(scanned[R"("bucket": "3h", )"], 20'000u);
  // Hours that straddle a bucket (Kolkata's half hour, 30-minute buckets) and a varying model:
  // every row is read.
  EXPECT_EQ(scanned[R"("bucket": "1h", "tz": "Asia/Kolkata", )"], 40'000u);
  EXPECT_EQ(scanned[R"("bucket": "30m", )"], 40'000u);
  EXPECT_EQ(scanned[R"("bucket": "1h", "group_by": ["model"], )"], 40'000u);
  // Without the percentile, whole-hour buckets read no row.
  const QuerySpec sums = *ParseQuerySpec(head + R"("bucket": "1h", "metrics": ["count", "sum:cost_usd", "rate:error"]})", kStart);
  const QueryResult sums_summarized = Execute(sums, *with_, nullptr);
  ExpectSameResult(Execute(sums, *without_, nullptr), sums_summarized, "sums");
  EXPECT_EQ(sums_summarized.scanned, 0u);
  // String fields are not summarized per hour: a uniq of users reads every row (a uniq of
  // models is answered by the hour cells, HourCellsAnswerSpendQueriesAsScansDo).
  const QuerySpec strings = *ParseQuerySpec(head + R"("bucket": "1h", "metrics": ["count", "uniq:user"]})", kStart);
  const QueryResult strings_read = Execute(strings, *with_, nullptr);
  ExpectSameResult(Execute(strings, *without_, nullptr), strings_read, "strings");
  EXPECT_EQ(strings_read.scanned, 40'000u);
  CompareRandomSpecs(rng, 150);
}

// Hour cells (store/block_hour_cells.h): time buckets of whole hours grouped by any of team,
// experiment, model and provider, filtered by them, with counts, token and cost sums, are
// answered from each block's cells without reading a row; buckets a cell straddles, other
// fields and other metrics read rows as before. Random specs of that shape equal the scans'.
// A group part that an eq / in filter restricts to a few values keys groups by dense codes
// (scan_plan.h, DenseIds): the filtered query's rows are exactly the unfiltered query's rows of
// the listed values, with summaries and without, by hour and not, for users and a tag, with
// listed values that do not exist and with the query cache.
TEST_F(BlockAnswerTest, GroupsOfAFilteredFewAreTheUnfilteredGroupsOfThoseValues) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 4096, .first_block_rows = 4096});
  std::mt19937_64 rng(29);
  FillRuns(memtable, rng, 60'000, 3'000, 5'000);
  MakeViews(memtable, rng);
  QueryCache cache(64 << 20);
  const std::string head = R"({"from": 1767225600000, "to": 1767830400000, "limit": 100000, )";
  const char* shapes[] = {
      R"("bucket": "1h", "group_by": ["user"], "metrics": ["count", "sum:cost_usd", "avg:latency_ms", "rate:error"])",
      R"("group_by": ["user"], "metrics": ["count", "sum:cost_usd", "days:ts"])",
      R"("bucket": "1d", "group_by": ["team", "user"], "metrics": ["count", "p95:latency_ms"])",
      R"("bucket": "1h", "group_by": ["tags.env"], "metrics": ["count", "sum:input_tokens"])"};
  for (int round = 0; round < 24; ++round) {
    const std::string shape = shapes[round % 4];
    const bool tag = shape.find("tags.env") != std::string::npos;
    std::set<std::string> listed;
    const size_t wanted = tag ? 1 + rng() % 2 : 1 + rng() % 150;
    while (listed.size() < wanted) {
      listed.insert(tag ? (rng() % 2 ? "prod" : "dev") : "u" + std::to_string(rng() % 3'200));  // some unknown
    }
    std::string values;
    for (const std::string& value : listed) values += (values.empty() ? "\"" : ", \"") + value + "\"";
    const std::string field = tag ? "tags.env" : "user";
    const std::string filter = listed.size() == 1 && round % 2 == 0
                                   ? R"({"field": ")" + field + R"(", "op": "eq", "value": )" + values + "}"
                                   : R"({"field": ")" + field + R"(", "op": "in", "values": [)" + values + "]}";
    const QuerySpec filtered = *ParseQuerySpec(head + R"("filters": [)" + filter + "], " + shape + "}", kStart);
    const QuerySpec all = *ParseQuerySpec(head + shape + "}", kStart);
    const QueryResult everything = Execute(all, *without_, nullptr);
    const size_t column = std::find(everything.columns.begin(), everything.columns.end(), field) - everything.columns.begin();
    ASSERT_LT(column, everything.columns.size());
    QueryResult expected = everything;
    expected.rows.clear();
    for (const auto& row : everything.rows) {
      const auto* value = std::get_if<std::string>(&row[column]);
      if (value != nullptr && listed.count(*value) > 0) expected.rows.push_back(row);
    }
    expected.total_groups = expected.rows.size();
    ExpectSameResult(expected, Execute(filtered, *without_, nullptr), shape + " rows");
    ExpectSameResult(expected, Execute(filtered, *with_, nullptr), shape + " summaries");
    ExpectSameResult(expected, Execute(filtered, *with_, &cache), shape + " cache");
    ExpectSameResult(expected, Execute(filtered, *with_, &cache), shape + " cache again");
  }
}

TEST_F(BlockAnswerTest, HourCellsAnswerSpendQueriesAsScansDo) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 8192, .first_block_rows = 8192});
  std::mt19937_64 rng(27);
  memtable.Append(HourCellEvents(rng));
  MakeViews(memtable, rng);
  for (const store::ColumnBlock& block : with_->blocks()) {
    const std::vector<store::HourCell> cells = store::CellBlockByHour(block).cells;
    ASSERT_FALSE(cells.empty());
    uint32_t rows = 0;
    for (const store::HourCell& cell : cells) {
      rows += cell.rows;
      EXPECT_EQ(cell.min_ts / store::kHourSliceMs, cell.max_ts / store::kHourSliceMs);
    }
    EXPECT_EQ(rows, block.rows);
  }
  const std::string head = R"({"from": 1767225600000, "to": 1767312000000, "limit": 100000, )";  // 1 Jan 2026
  const char* unread[] = {
      R"("bucket": "1h", "group_by": ["model"], "metrics": ["sum:cost_usd", "count"])",
      R"("bucket": "1d", "tz": "America/New_York", "group_by": ["provider", "model"], "metrics": ["count", "sum:cost_usd"])",
      R"("filters": [{"field": "team", "op": "eq", "value": "t3"}], "group_by": ["team", "experiment", "model", "provider"],
         "metrics": ["count", "sum:cost_usd", "sum:input_tokens", "sum:output_tokens", "count:cost_usd",
                     "sum:cached_input_tokens"])",
      R"("filters": [{"field": "experiment", "op": "in", "values": ["e1", "e2"]}], "bucket": "3h",
         "group_by": ["team"], "metrics": ["avg:cost_usd", "min:input_tokens", "max:output_tokens", "uniq:model",
                                           "sum:total_tokens", "min:ts", "max:ts", "days:ts", "count:experiment"])",
      R"("filters": [{"field": "model", "op": "ne", "value": "claude"}], "group_by": ["team", "experiment", "model"],
         "metrics": ["count", "sum:cost_usd"])",
      // The cost report's unpriced calls: each cell's cost is present in all its rows or none.
      R"("filters": [{"field": "cost_usd", "op": "exists", "value": false}], "group_by": ["model", "provider"],
         "metrics": ["count", "sum:input_tokens", "sum:output_tokens"])",
      // The bench's hourly_by_provider_7d, and latency_ms's other metrics.
      R"("bucket": "1h", "group_by": ["provider"], "metrics": ["count", "sum:cost_usd", "avg:latency_ms"])",
      R"("filters": [{"field": "team", "op": "ne", "value": "t2"}], "bucket": "2h", "group_by": ["model", "team"],
         "metrics": ["sum:latency_ms", "count:latency_ms", "min:latency_ms", "max:latency_ms"])"};
  for (const char* rest : unread) {
    const QuerySpec spec = *ParseQuerySpec(head + rest + "}", kStart);
    const QueryResult summarized = Execute(spec, *with_, nullptr);
    const QueryResult read = Execute(spec, *without_, nullptr);
    ExpectSameResult(read, summarized, rest);
    EXPECT_EQ(read.scanned, 40'000u) << rest;
    EXPECT_EQ(summarized.scanned, 0u) << rest;
  }
  // Kolkata's half hours split UTC hours, 30-minute buckets too; a rate, a percentile, a user
  // group or filter and a filter on a measure are not in the cells: rows are read.
  const char* read_rows[] = {
      R"("bucket": "1h", "tz": "Asia/Kolkata", "group_by": ["model"], "metrics": ["sum:cost_usd", "count"])",
      R"("bucket": "30m", "group_by": ["model"], "metrics": ["sum:cost_usd", "count"])",
      R"("bucket": "1h", "group_by": ["model"], "metrics": ["sum:cost_usd", "rate:error"])",
      R"("bucket": "1h", "group_by": ["model"], "metrics": ["p50:latency_ms"])",
      R"("bucket": "1h", "group_by": ["model", "user"], "metrics": ["count"])",
      R"("bucket": "1h", "filters": [{"field": "user", "op": "eq", "value": "u3"}], "group_by": ["model"],
         "metrics": ["count"])",
      R"("bucket": "1h", "filters": [{"field": "cost_usd", "op": "gt", "value": 0.01}], "group_by": ["model"],
         "metrics": ["count"])"};
  for (const char* rest : read_rows) {
    const QuerySpec spec = *ParseQuerySpec(head + rest + "}", kStart);
    const QueryResult summarized = Execute(spec, *with_, nullptr);
    ExpectSameResult(Execute(spec, *without_, nullptr), summarized, rest);
    EXPECT_GT(summarized.scanned, 0u) << rest;
  }
  // Random specs of the cells' shape, over ranges that cut blocks too.
  const std::vector<std::string> fields = {"team", "experiment", "model", "provider"};
  const std::vector<std::string> filters = {
      R"({"field": "team", "op": "in", "values": ["t1", "t2"]})", R"({"field": "model", "op": "eq", "value": "gpt-4o"})",
      R"({"field": "experiment", "op": "exists", "value": false})", R"({"field": "team", "op": "ne", "value": "t3"})",
      R"({"field": "provider", "op": "ne", "value": "openai"})", R"({"field": "experiment", "op": "contains", "value": "1"})",
      R"({"field": "cost_usd", "op": "exists"})", R"({"field": "cost_usd", "op": "exists", "value": false})",
      R"({"field": "input_tokens", "op": "gte", "value": 0})",
      R"({"field": "tags.env", "op": "eq", "value": "prod"})"};
  const std::vector<std::string> buckets = {"", "", R"("bucket": "1h", )", R"("bucket": "2h", )", R"("bucket": "1d", )",
                                            R"("bucket": "1h", "tz": "Europe/Berlin", )", R"("bucket": "1M", )",
                                            R"("bucket": "15m", )"};
  const std::vector<std::string> metrics = {"count", "sum:cost_usd", "count:cost_usd", "sum:input_tokens",
                                            "avg:output_tokens", "max:cached_input_tokens", "min:cost_usd",
                                            "uniq:team", "sum:total_tokens", "min:ts", "max:ts", "days:ts",
                                            "count:model", "avg:latency_ms"};
  int unread_specs = 0;
  for (int round = 0; round < 120; ++round) {
    const int64_t from = rng() % 3 ? int64_t{1767225600000} : kStart + static_cast<int64_t>(rng() % (12 * kHourMs));
    const int64_t to = rng() % 3 ? int64_t{1767312000000} : from + static_cast<int64_t>(rng() % (14 * kHourMs));
    std::string json = R"({"from": )" + std::to_string(from) + R"(, "to": )" + std::to_string(to) +
                       R"(, "limit": 100000, )" + buckets[rng() % buckets.size()];
    std::string chosen_filters;
    for (const std::string& filter : filters) {
      if (rng() % 4 == 0) chosen_filters += (chosen_filters.empty() ? "" : ", ") + filter;
    }
    json += R"("filters": [)" + chosen_filters + "], ";
    json += R"("group_by": [)" + Pick(rng, fields, 3) + "], ";
    std::string chosen = Pick(rng, metrics, 4);
    json += R"("metrics": [)" + (chosen.empty() ? std::string(R"("count")") : chosen) + "]}";
    Result<QuerySpec> spec = ParseQuerySpec(json, kStart);
    ASSERT_TRUE(spec.ok()) << json << " " << spec.status().ToString();
    const QueryResult summarized = Execute(*spec, *with_, nullptr);
    const QueryResult read = Execute(*spec, *without_, nullptr);
    ExpectSameResult(read, summarized, json);
    unread_specs += summarized.scanned == 0 && read.scanned > 0;
    if (HasFailure()) break;
  }
  EXPECT_GT(unread_specs, 10);
}

// A query the hour cells give only some metrics of (hourly count and cost by provider beside a
// mean TTFT): the cells add count and cost, the rows are read for the rest only, into the same
// groups in the same order, so every answer equals a full read's to the last bit.
TEST_F(BlockAnswerTest, HourCellsGiveTheirMetricsAndRowsTheRestToTheLastBit) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 8192, .first_block_rows = 8192});
  std::mt19937_64 rng(29);
  memtable.Append(HourCellEvents(rng));
  MakeViews(memtable, rng);
  const std::string head = R"({"from": 1767225600000, "to": 1767312000000, "limit": 100000, )";  // 1 Jan 2026
  const char* split[] = {
      R"("bucket": "1h", "group_by": ["provider"], "metrics": ["count", "sum:cost_usd", "avg:ttft_ms"])",
      R"("bucket": "2h", "filters": [{"field": "team", "op": "in", "values": ["t1", "t2"]}],
         "group_by": ["model", "team"], "metrics": ["sum:input_tokens", "p95:latency_ms", "count", "avg:ttft_ms",
                                                    "p50:latency_ms"])",
      R"("bucket": "1h", "group_by": ["experiment", "team"], "metrics": ["avg:ttft_ms", "count", "rate:error", "uniq:model",
                                                  "max:ttft_ms", "avg:cost_usd"])",
      // var: shares its state with count: and avg: of its field: read whole.
      R"("bucket": "1h", "group_by": ["model"], "metrics": ["count:latency_ms", "var:latency_ms", "sum:cost_usd"])"};
  for (const char* rest : split) {
    const QuerySpec spec = *ParseQuerySpec(head + rest + "}", kStart);
    const QueryResult read = Execute(spec, *without_, nullptr);
    const QueryResult summarized = Execute(spec, *with_, nullptr);
    ASSERT_EQ(read.columns, summarized.columns) << rest;
    ASSERT_EQ(read.rows.size(), summarized.rows.size()) << rest;
    ASSERT_GT(read.rows.size(), 1u) << rest;
    for (size_t row = 0; row < read.rows.size(); ++row) {
      for (size_t column = 0; column < read.columns.size(); ++column) {
        EXPECT_TRUE(read.rows[row][column] == summarized.rows[row][column])
            << rest << " row " << row << " column " << read.columns[column];
      }
    }
  }
  // The cells give count and cost of every block and list mean TTFT as unanswered; without a
  // list to return it in, they refuse the block.
  const QuerySpec spec = *ParseQuerySpec(head + split[0] + "}", kStart);
  const Result<Plan> plan = MakePlan(spec, *with_);
  ASSERT_TRUE(plan.ok());
  for (const store::ColumnBlock& block : with_->blocks()) {
    Partial partial(*plan);
    std::vector<size_t> unanswered;
    EXPECT_FALSE(AnswerFromHourCells(*plan, block, {}, partial));
    EXPECT_EQ(partial.table.size(), 0u);
    ASSERT_TRUE(AnswerFromHourCells(*plan, block, {}, partial, &unanswered));
    EXPECT_EQ(unanswered, std::vector<size_t>{2});
    EXPECT_GT(partial.table.size(), 0u);
  }
}

// An unfiltered hourly query of latency_ms whose other group parts are constant over a block
// (here: none) is answered from the block's hour slices (~9 a block, as before hour cells carried
// latency_ms) rather than its hour cells (~220): the slices are made, the cells are not. A
// group-by that varies within the block takes the cells.
TEST_F(BlockAnswerTest, UngroupedHourlyLatencyTakesHourSlicesBeforeCells) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 8192, .first_block_rows = 8192});
  std::mt19937_64 rng(43);
  memtable.Append(HourCellEvents(rng));
  MakeViews(memtable, rng);
  const std::string head = R"({"from": 1767225600000, "to": 1767312000000, "limit": 100000, "bucket": "1h", )";
  const QuerySpec total = *ParseQuerySpec(head + R"("metrics": ["count", "avg:latency_ms", "max:latency_ms"]})", kStart);
  const QueryResult summarized = Execute(total, *with_, nullptr);
  ExpectSameResult(Execute(total, *without_, nullptr), summarized, "total");
  EXPECT_EQ(summarized.scanned, 0u);
  for (const store::ColumnBlock& block : with_->blocks()) {
    EXPECT_NE(block.summary->hour_slices.Get(), nullptr);
    EXPECT_EQ(block.summary->hour_cells.Get(), nullptr);
  }
  const QuerySpec by_provider =
      *ParseQuerySpec(head + R"("group_by": ["provider"], "metrics": ["count", "avg:latency_ms"]})", kStart);
  const QueryResult cells = Execute(by_provider, *with_, nullptr);
  ExpectSameResult(Execute(by_provider, *without_, nullptr), cells, "by provider");
  EXPECT_EQ(cells.scanned, 0u);
  for (const store::ColumnBlock& block : with_->blocks()) EXPECT_NE(block.summary->hour_cells.Get(), nullptr);
}

// Tag cells (store/block_tag_cells.h): the bench's `prod_by_experiment_30d` shape — a filter on a
// tag, a group-by of spend dimensions (or of the tag), count, cost, mean latency and the
// cache-hit rate — is answered from each whole block's cells without reading a row; counts,
// integer sums and rates equal the scan's exactly, double sums within 1e-9 (cells add their
// sums, not rows).
TEST_F(BlockAnswerTest, TagCellsAnswerTagFilteredGroupsAsScansDo) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 8192, .first_block_rows = 8192});
  std::mt19937_64 rng(31);
  memtable.Append(HourCellEvents(rng));
  MakeViews(memtable, rng);
  const ColumnSource env = ResolveColumn(*with_, FieldRef{FieldId::kTag, "env"});
  ASSERT_EQ(env.type, ColumnSource::Type::kTag);
  const uint32_t env_key = static_cast<uint32_t>(env.index);
  for (const store::ColumnBlock& block : with_->blocks()) {
    const std::vector<store::TagCell> cells = store::CellBlockByTag(block, store::CellDimension::Tag(env_key)).cells;
    ASSERT_FALSE(cells.empty());
    // Every row in one cell: the cells' rows, latency values, cache-hit and status codes add up
    // to the block's summary.
    uint32_t rows = 0;
    uint32_t latencies = 0;
    uint32_t hits = 0;
    uint32_t errors = 0;
    std::set<uint32_t> tags;
    for (const store::TagCell& cell : cells) {
      rows += cell.base.rows;
      latencies += cell.base.latency_present;
      hits += cell.cache_hit[kBoolTrue];
      errors += cell.status[static_cast<size_t>(EventStatus::kError)];
      EXPECT_EQ(cell.cache_hit[0] + cell.cache_hit[1] + cell.cache_hit[2], cell.base.rows);
      EXPECT_EQ(cell.status[0] + cell.status[1], cell.base.rows);
      tags.insert(cell.tag_code);
    }
    EXPECT_EQ(rows, block.rows);
    EXPECT_EQ(latencies, block.summary->field(FieldId::kLatencyMs).present);
    uint64_t block_hits = 0;
    ASSERT_TRUE(block.summary->field(FieldId::kCacheHit).RowsWithCode(block.rows, kBoolTrue, &block_hits));
    EXPECT_EQ(hits, block_hits);
    uint64_t block_errors = 0;
    ASSERT_TRUE(block.summary->field(FieldId::kStatus).RowsWithCode(
        block.rows, static_cast<uint32_t>(EventStatus::kError), &block_errors));
    EXPECT_EQ(errors, block_errors);
    EXPECT_GT(errors, 0u);
    EXPECT_EQ(tags.size(), 3u);  // prod, dev, absent
    // Made once per key and kept.
    const store::CellDimension env_cells = store::CellDimension::Tag(env_key);
    EXPECT_EQ(store::TagCellsOf(block, env_cells), store::TagCellsOf(block, env_cells));
  }
  const std::string head = R"({"from": 1767225600000, "to": 1767312000000, "limit": 100000, )";  // 1 Jan 2026
  const char* unread[] = {
      R"("filters": [{"field": "tags.env", "op": "eq", "value": "prod"}], "group_by": ["experiment"],
         "metrics": ["count", "sum:cost_usd", "avg:latency_ms", "rate:cache_hit"])",
      R"("group_by": ["tags.env", "model"], "metrics": ["count", "sum:latency_ms", "min:latency_ms", "max:latency_ms",
                                                        "count:latency_ms", "rate:cache_hit"])",
      R"("filters": [{"field": "tags.env", "op": "ne", "value": "dev"}, {"field": "team", "op": "in", "values": ["t1", "t2"]}],
         "bucket": "1d", "group_by": ["provider", "tags.env"], "metrics": ["avg:latency_ms", "sum:input_tokens", "days:ts"])",
      R"("filters": [{"field": "tags.env", "op": "exists", "value": false}, {"field": "cost_usd", "op": "exists"}],
         "metrics": ["count", "avg:cost_usd", "min:ts", "max:ts", "uniq:team"])",
      R"("filters": [{"field": "tags.env", "op": "eq", "value": "prod"}], "group_by": ["provider"],
         "metrics": ["count", "rate:error"])"};
  for (const char* rest : unread) {
    const QuerySpec spec = *ParseQuerySpec(head + rest + "}", kStart);
    const QueryResult summarized = Execute(spec, *with_, nullptr);
    const QueryResult read = Execute(spec, *without_, nullptr);
    ASSERT_GT(read.rows.size(), 0u) << rest;
    ExpectSameResult(read, summarized, rest);
    EXPECT_EQ(read.scanned, 40'000u) << rest;
    EXPECT_EQ(summarized.scanned, 0u) << rest;
  }
  // Not in the cells: a second tag key, a percentile, rate:streaming, a user, a measure's range, a
  // bucket a cell straddles (1h: cells span the block's hours), another double measure, a tag key
  // beside error_type: rows are read, answers the same.
  const char* read_rows[] = {
      R"("filters": [{"field": "tags.env", "op": "eq", "value": "prod"}], "group_by": ["tags.region"],
         "metrics": ["count"])",
      R"("filters": [{"field": "tags.env", "op": "eq", "value": "prod"}], "metrics": ["p50:latency_ms"])",
      R"("filters": [{"field": "tags.env", "op": "eq", "value": "prod"}], "metrics": ["rate:streaming"])",
      R"("filters": [{"field": "tags.env", "op": "eq", "value": "prod"}], "group_by": ["error_type"],
         "metrics": ["count"])",
      R"("filters": [{"field": "tags.env", "op": "eq", "value": "prod"}], "group_by": ["user"], "metrics": ["count"])",
      R"("filters": [{"field": "tags.env", "op": "eq", "value": "prod"}, {"field": "cost_usd", "op": "gt", "value": 0.01}],
         "metrics": ["count"])",
      R"("filters": [{"field": "tags.env", "op": "eq", "value": "prod"}], "bucket": "1h", "metrics": ["avg:latency_ms"])",
      R"("filters": [{"field": "tags.env", "op": "eq", "value": "prod"}], "group_by": ["experiment"],
         "metrics": ["count", "avg:ttft_ms"])"};
  for (const char* rest : read_rows) {
    const QuerySpec spec = *ParseQuerySpec(head + rest + "}", kStart);
    const QueryResult summarized = Execute(spec, *with_, nullptr);
    ExpectSameResult(Execute(spec, *without_, nullptr), summarized, rest);
    EXPECT_GT(summarized.scanned, 0u) << rest;
  }
  // The answer path itself: every whole block answered; a refused block leaves the partial empty.
  {
    const QuerySpec spec = *ParseQuerySpec(head + unread[0] + "}", kStart);
    const Result<Plan> plan = MakePlan(spec, *with_);
    ASSERT_TRUE(plan.ok());
    const RowFilter& filter = plan->filters.front();
    const RowFilter* filters[] = {&filter};
    for (const store::ColumnBlock& block : with_->blocks()) {
      Partial partial(*plan);
      ASSERT_TRUE(AnswerFromTagCells(*plan, block, filters, partial));
      EXPECT_GT(partial.table.size(), 0u);
      Partial refused(*plan);
      EXPECT_FALSE(AnswerFromTagCells(*plan, block, {}, refused));  // no tag key read: not for tag cells
      EXPECT_EQ(refused.table.size(), 0u);
    }
  }
  // Random specs of the cells' shape, over ranges that cut blocks too.
  const std::vector<std::string> fields = {"team", "experiment", "model", "provider", "tags.env"};
  const std::vector<std::string> filters = {
      R"({"field": "tags.env", "op": "eq", "value": "prod"})", R"({"field": "tags.env", "op": "in", "values": ["dev", "x"]})",
      R"({"field": "tags.env", "op": "exists"})", R"({"field": "team", "op": "ne", "value": "t3"})",
      R"({"field": "model", "op": "eq", "value": "gpt-4o"})", R"({"field": "cost_usd", "op": "exists", "value": false})",
      R"({"field": "experiment", "op": "exists", "value": false})"};
  const std::vector<std::string> buckets = {"", "", "", R"("bucket": "1d", )", R"("bucket": "1M", )",
                                            R"("bucket": "1h", )"};
  const std::vector<std::string> metrics = {"count", "sum:cost_usd", "avg:latency_ms", "rate:cache_hit",
                                            "sum:latency_ms", "max:latency_ms", "count:latency_ms",
                                            "avg:output_tokens", "min:ts", "uniq:model"};
  int unread_specs = 0;
  for (int round = 0; round < 120; ++round) {
    const int64_t from = rng() % 3 ? int64_t{1767225600000} : kStart + static_cast<int64_t>(rng() % (12 * kHourMs));
    const int64_t to = rng() % 3 ? int64_t{1767312000000} : from + static_cast<int64_t>(rng() % (14 * kHourMs));
    std::string json = R"({"from": )" + std::to_string(from) + R"(, "to": )" + std::to_string(to) +
                       R"(, "limit": 100000, )" + buckets[rng() % buckets.size()];
    std::string chosen_filters;
    for (const std::string& filter : filters) {
      if (rng() % 3 == 0) chosen_filters += (chosen_filters.empty() ? "" : ", ") + filter;
    }
    json += R"("filters": [)" + chosen_filters + "], ";
    json += R"("group_by": [)" + Pick(rng, fields, 3) + "], ";
    std::string chosen = Pick(rng, metrics, 4);
    json += R"("metrics": [)" + (chosen.empty() ? std::string(R"("count")") : chosen) + "]}";
    Result<QuerySpec> spec = ParseQuerySpec(json, kStart);
    ASSERT_TRUE(spec.ok()) << json << " " << spec.status().ToString();
    const QueryResult summarized = Execute(*spec, *with_, nullptr);
    const QueryResult read = Execute(*spec, *without_, nullptr);
    ExpectSameResult(read, summarized, json);
    unread_specs += summarized.scanned == 0 && read.scanned > 0;
    if (HasFailure()) break;
  }
  EXPECT_GT(unread_specs, 10);
}

// A tag key with a value per row (a request id) gets no tag cells: its queries read rows, with
// the scan's answers, and another key's cells of the same blocks are unaffected.
TEST_F(BlockAnswerTest, TagCellsSkipKeysOfManyValuesPerBlock) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 8192, .first_block_rows = 8192});
  std::mt19937_64 rng(37);
  std::vector<Event> events = HourCellEvents(rng);
  for (size_t row = 0; row < events.size(); ++row) events[row].tags.emplace_back("req", "r" + std::to_string(row));
  memtable.Append(events);
  MakeViews(memtable, rng);
  const ColumnSource req = ResolveColumn(*with_, FieldRef{FieldId::kTag, "req"});
  const ColumnSource env = ResolveColumn(*with_, FieldRef{FieldId::kTag, "env"});
  ASSERT_EQ(req.type, ColumnSource::Type::kTag);
  for (const store::ColumnBlock& block : with_->blocks()) {
    EXPECT_TRUE(store::TagCellsOf(block, store::CellDimension::Tag(static_cast<uint32_t>(req.index)))->cells.empty());
    EXPECT_FALSE(store::TagCellsOf(block, store::CellDimension::Tag(static_cast<uint32_t>(env.index)))->cells.empty());
  }
  const std::string head = R"({"from": 1767225600000, "to": 1767312000000, "limit": 100000, )";
  const char* specs[] = {
      R"("filters": [{"field": "tags.req", "op": "in", "values": ["r5", "r20000"]}], "group_by": ["model"],
         "metrics": ["count", "avg:latency_ms"])",
      R"("filters": [{"field": "tags.env", "op": "eq", "value": "dev"}], "group_by": ["team"],
         "metrics": ["count", "sum:cost_usd", "rate:cache_hit"])"};
  for (const char* rest : specs) {
    const QuerySpec spec = *ParseQuerySpec(head + rest + "}", kStart);
    ExpectSameResult(Execute(spec, *without_, nullptr), Execute(spec, *with_, nullptr), rest);
  }
  EXPECT_EQ(Execute(*ParseQuerySpec(head + specs[1] + "}", kStart), *with_, nullptr).scanned, 0u);
}

// HourCellEvents with error types: most errors typed (two types), some not, and a few ok calls
// typed too (a retried call's note), so that neither a type nor its absence decides the status.
std::vector<Event> ErrorTypeEvents(std::mt19937_64& rng) {
  std::vector<Event> events = HourCellEvents(rng);
  for (Event& event : events) {
    if (event.status == EventStatus::kError) {
      if (rng() % 8) event.error_type = rng() % 3 ? "rate_limit" : "timeout";
    } else if (rng() % 100 == 0) {
      event.error_type = "retried";
    }
  }
  return events;
}

// Tag cells keyed by the field error_type: the bench's `errors_by_provider_type_30d` shape —
// count and error rate by provider and error_type — and other filters and group-bys of
// error_type with the spend dimensions read no row of a whole block; counts, rates and integer
// sums equal the scan's exactly, double sums within 1e-9.
TEST_F(BlockAnswerTest, ErrorTypeCellsAnswerErrorsByTypeAsScansDo) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 16384, .first_block_rows = 16384});
  std::mt19937_64 rng(41);
  memtable.Append(ErrorTypeEvents(rng));
  MakeViews(memtable, rng);
  const store::CellDimension error_types = store::CellDimension::Field(FieldId::kErrorType);
  for (const store::ColumnBlock& block : with_->blocks()) {
    const std::vector<store::TagCell> cells = store::CellBlockByTag(block, error_types).cells;
    ASSERT_FALSE(cells.empty());
    // Every row in one cell of one error type; the cells' errors are the block's.
    uint32_t rows = 0;
    uint32_t errors = 0;
    std::set<uint32_t> types;
    for (const store::TagCell& cell : cells) {
      rows += cell.base.rows;
      errors += cell.status[static_cast<size_t>(EventStatus::kError)];
      EXPECT_EQ(cell.status[0] + cell.status[1], cell.base.rows);
      types.insert(cell.tag_code);
    }
    EXPECT_EQ(rows, block.rows);
    uint64_t block_errors = 0;
    ASSERT_TRUE(block.summary->field(FieldId::kStatus).RowsWithCode(
        block.rows, static_cast<uint32_t>(EventStatus::kError), &block_errors));
    EXPECT_EQ(errors, block_errors);
    EXPECT_EQ(types.size(), 4u);  // rate_limit, timeout, retried, absent
    EXPECT_EQ(store::TagCellsOf(block, error_types), store::TagCellsOf(block, error_types));
  }
  const std::string head = R"({"from": 1767225600000, "to": 1767312000000, "limit": 100000, )";  // 1 Jan 2026
  const char* unread[] = {
      R"("group_by": ["provider", "error_type"], "metrics": ["count", "rate:error"])",
      R"("filters": [{"field": "error_type", "op": "in", "values": ["rate_limit", "retried"]}], "group_by": ["model"],
         "metrics": ["count", "rate:error", "sum:cost_usd", "avg:latency_ms", "rate:cache_hit"])",
      R"("filters": [{"field": "error_type", "op": "exists", "value": false}, {"field": "team", "op": "ne", "value": "t1"}],
         "group_by": ["team", "experiment"], "metrics": ["count", "rate:error", "min:ts", "sum:input_tokens"])",
      R"("bucket": "1d", "group_by": ["error_type"], "metrics": ["count", "uniq:provider", "max:latency_ms"])"};
  for (const char* rest : unread) {
    const QuerySpec spec = *ParseQuerySpec(head + rest + "}", kStart);
    const QueryResult summarized = Execute(spec, *with_, nullptr);
    const QueryResult read = Execute(spec, *without_, nullptr);
    ASSERT_GT(read.rows.size(), 1u) << rest;
    ExpectSameResult(read, summarized, rest);
    EXPECT_EQ(read.scanned, 40'000u) << rest;
    EXPECT_EQ(summarized.scanned, 0u) << rest;
  }
  // Not in the cells: error_type beside a tag key, a percentile, a user, a status filter, an
  // hourly bucket (cells span the block's hours): rows are read, answers the same.
  const char* read_rows[] = {
      R"("group_by": ["error_type", "tags.env"], "metrics": ["count"])",
      R"("group_by": ["error_type"], "metrics": ["p95:latency_ms"])",
      R"("filters": [{"field": "error_type", "op": "eq", "value": "timeout"}], "group_by": ["user"], "metrics": ["count"])",
      R"("filters": [{"field": "status", "op": "eq", "value": "error"}], "group_by": ["error_type"], "metrics": ["count"])",
      R"("bucket": "1h", "group_by": ["provider", "error_type"], "metrics": ["count", "rate:error"])"};
  for (const char* rest : read_rows) {
    const QuerySpec spec = *ParseQuerySpec(head + rest + "}", kStart);
    const QueryResult summarized = Execute(spec, *with_, nullptr);
    ExpectSameResult(Execute(spec, *without_, nullptr), summarized, rest);
    EXPECT_GT(summarized.scanned, 0u) << rest;
  }
  // The answer path itself: every whole block answered from its error-type cells.
  {
    const QuerySpec spec = *ParseQuerySpec(head + unread[0] + "}", kStart);
    const Result<Plan> plan = MakePlan(spec, *with_);
    ASSERT_TRUE(plan.ok());
    for (const store::ColumnBlock& block : with_->blocks()) {
      Partial partial(*plan);
      ASSERT_TRUE(AnswerFromTagCells(*plan, block, {}, partial));
      EXPECT_GT(partial.table.size(), 4u);
    }
  }
  // Random specs of the cells' shape, over ranges that cut blocks too, some beside a tag key's
  // cells of the same blocks (the views of both dimensions in turn).
  const std::vector<std::string> fields = {"team", "experiment", "model", "provider", "error_type"};
  const std::vector<std::string> filters = {
      R"({"field": "error_type", "op": "eq", "value": "timeout"})",
      R"({"field": "error_type", "op": "in", "values": ["rate_limit", "x"]})",
      R"({"field": "error_type", "op": "exists"})", R"({"field": "error_type", "op": "ne", "value": "retried"})",
      R"({"field": "team", "op": "ne", "value": "t3"})", R"({"field": "model", "op": "eq", "value": "gpt-4o"})",
      R"({"field": "cost_usd", "op": "exists", "value": false})"};
  const std::vector<std::string> buckets = {"", "", "", R"("bucket": "1d", )", R"("bucket": "1M", )",
                                            R"("bucket": "1h", )"};
  const std::vector<std::string> metrics = {"count", "rate:error", "sum:cost_usd", "avg:latency_ms",
                                            "rate:cache_hit", "max:latency_ms", "count:error_type",
                                            "avg:output_tokens", "min:ts", "uniq:model"};
  const QuerySpec env_spec = *ParseQuerySpec(
      head + R"("filters": [{"field": "tags.env", "op": "eq", "value": "prod"}], "group_by": ["provider"],
                "metrics": ["count", "rate:error", "avg:latency_ms"]})",
      kStart);
  int unread_specs = 0;
  for (int round = 0; round < 120; ++round) {
    const int64_t from = rng() % 3 ? int64_t{1767225600000} : kStart + static_cast<int64_t>(rng() % (12 * kHourMs));
    const int64_t to = rng() % 3 ? int64_t{1767312000000} : from + static_cast<int64_t>(rng() % (14 * kHourMs));
    std::string json = R"({"from": )" + std::to_string(from) + R"(, "to": )" + std::to_string(to) +
                       R"(, "limit": 100000, )" + buckets[rng() % buckets.size()];
    std::string chosen_filters;
    for (const std::string& filter : filters) {
      if (rng() % 3 == 0) chosen_filters += (chosen_filters.empty() ? "" : ", ") + filter;
    }
    json += R"("filters": [)" + chosen_filters + "], ";
    json += R"("group_by": [)" + Pick(rng, fields, 3) + "], ";
    std::string chosen = Pick(rng, metrics, 4);
    json += R"("metrics": [)" + (chosen.empty() ? std::string(R"("count")") : chosen) + "]}";
    Result<QuerySpec> spec = ParseQuerySpec(json, kStart);
    ASSERT_TRUE(spec.ok()) << json << " " << spec.status().ToString();
    const QueryResult summarized = Execute(*spec, *with_, nullptr);
    const QueryResult read = Execute(*spec, *without_, nullptr);
    ExpectSameResult(read, summarized, json);
    unread_specs += summarized.scanned == 0 && read.scanned > 0;
    if (round % 4 == 0) ExpectSameResult(Execute(env_spec, *without_, nullptr), Execute(env_spec, *with_, nullptr), "env");
    if (HasFailure()) break;
  }
  EXPECT_GT(unread_specs, 10);
  EXPECT_EQ(Execute(env_spec, *with_, nullptr).scanned, 0u);
}

// Value slices (store/block_slices.h): a filter on a sliced field (model, team, ...) and a group-by
// of one answer whole blocks from the slices' summaries; answers equal the scans', and queries
// that only need sums read no row.
TEST_F(BlockAnswerTest, SlicedFiltersAndGroupsAreAnsweredFromSlices) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 8192, .first_block_rows = 8192});
  std::mt19937_64 rng(30);
  FillRuns(memtable, rng, 49'152, 40, 3000);
  MakeViews(memtable, rng);
  ASSERT_FALSE(with_->blocks().front().summary->slices.empty());
  const std::string range = R"({"from": 946684800000, "to": 4000000000000, "limit": 100000, )";
  const char* unread[] = {
      R"("filters": [{"field": "model", "op": "eq", "value": "gpt-4o"}],
         "metrics": ["count", "sum:cost_usd", "avg:latency_ms", "rate:error", "min:ts", "max:ts", "uniq:team",
                     "uniq:user", "sum:input_tokens", "count:cost_usd"])",
      R"("group_by": ["model"], "metrics": ["count", "sum:cost_usd", "sum:output_tokens", "avg:latency_ms", "sum:total_tokens"])",
      R"("filters": [{"field": "team", "op": "in", "values": ["t1", "t2"]}], "group_by": ["team"],
         "metrics": ["count", "sum:cost_usd", "max:latency_ms"])",
      R"("filters": [{"field": "provider", "op": "ne", "value": "openai"}], "metrics": ["count", "avg:ttft_ms"])"};
  for (const char* rest : unread) {
    const QuerySpec spec = *ParseQuerySpec(range + rest + "}", kStart);
    const QueryResult summarized = Execute(spec, *with_, nullptr);
    ExpectSameResult(Execute(spec, *without_, nullptr), summarized, rest);
    EXPECT_EQ(summarized.scanned, 0u) << rest;
  }
  // Percentiles (slices of more than 1,024 values carry a sketch), grouped and filtered ranges
  // that cut blocks, a filter on a field that is not sliced next to one that is: the rows the
  // slices cannot give are read; answers still equal the scans'.
  const char* mixed[] = {
      R"("filters": [{"field": "model", "op": "in", "values": ["gpt-4o", "claude"]}],
         "metrics": ["count", "p50:latency_ms", "p99:latency_ms", "uniq:session_id"])",
      R"("group_by": ["model"], "metrics": ["p90:latency_ms", "count"])",
      // Here a model's rows have several providers: (model, provider) is not constant on a slice.
      R"("group_by": ["model", "provider"], "metrics": ["count", "sum:cost_usd", "avg:latency_ms"])",
      R"("bucket": "1d", "filters": [{"field": "model", "op": "eq", "value": "gpt-4o"}], "metrics": ["count", "sum:cost_usd"])",
      R"("filters": [{"field": "model", "op": "eq", "value": "gpt-4o"}, {"field": "latency_ms", "op": "gt", "value": 800}],
         "metrics": ["count", "sum:cost_usd"])"};
  for (const char* rest : mixed) {
    const QuerySpec spec = *ParseQuerySpec(range + rest + "}", kStart);
    ExpectSameResult(Execute(spec, *without_, nullptr), Execute(spec, *with_, nullptr), rest);
    QueryCache cache;
    ExpectSameResult(Execute(spec, *without_, nullptr), Execute(spec, *with_, &cache), std::string(rest) + " (cache)");
  }
}

// Bins of scaled doubles are computed from the stored integers in segments; the memtable keeps
// raw doubles and takes the double path. Both must put every value in the same bin, also the
// unrounded values a segment keeps as exceptions and values on bin edges; sums agree too.
TEST_F(BlockAnswerTest, ScaledDoubleBinsAndSumsMatchTheDoublePath) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 2048, .first_block_rows = 2048});
  std::mt19937_64 rng(26);
  std::vector<Event> events;
  for (int row = 0; row < 20'000; ++row) {
    Event event = RandomEvent(rng, kStart + row * 60'000, 40);
    switch (rng() % 4) {
      case 0: event.latency_ms = static_cast<double>(rng() % 2000) * 2.5; break;  // on edges of 2.5-wide bins
      case 1: event.latency_ms = static_cast<double>(rng() % 100000) / 7.0; break;  // unrounded: exceptions
      case 2:
        if (rng() % 3 == 0) event.latency_ms.reset();
        break;
      default: break;
    }
    event.ttft_ms = static_cast<double>(rng() % 300000) / 1000.0;
    events.push_back(std::move(event));
  }
  memtable.Append(events);
  MakeViews(memtable, rng);
  const auto raw = memtable.Snapshot();
  for (const char* bin : {"bin:1:latency_ms", "bin:5:latency_ms", "bin:7:latency_ms", "bin:2500:latency_ms",
                          "bin:3:ttft_ms", "bin:0.5:latency_ms", "bin:100000:ttft_ms"}) {
    const std::string json = std::string(R"({"from": 946684800000, "to": 4000000000000, "group_by": [")") + bin +
                             R"("], "metrics": ["count"], "limit": 100000})";
    const QuerySpec spec = *ParseQuerySpec(json, kStart);
    ExpectSameResult(Execute(spec, *raw, nullptr), Execute(spec, *without_, nullptr), json);
  }
  // Sums and averages of scaled doubles (decoded two at a time, exceptions patched): equal to the
  // memtable's double sums up to rounding, with absent values, grouped or not, over whole blocks
  // and filtered selections.
  for (const char* query :
       {R"("metrics": ["avg:latency_ms", "sum:ttft_ms", "sum:latency_ms", "count"])",
        R"("group_by": ["model"], "metrics": ["avg:latency_ms", "sum:ttft_ms", "count:latency_ms"])",
        R"("filters": [{"field": "latency_ms", "op": "lt", "value": 3000}], "group_by": ["user"], "bucket": "1d",
           "metrics": ["avg:latency_ms", "sum:latency_ms", "avg:ttft_ms"])"}) {
    const std::string json = std::string(R"({"from": 946684800000, "to": 4000000000000, "limit": 100000, )") + query + "}";
    const QuerySpec spec = *ParseQuerySpec(json, kStart);
    ExpectSameResult(Execute(spec, *raw, nullptr), Execute(spec, *without_, nullptr), json);
  }
}

// Percentiles of double fields over whole blocks merge the blocks' bucket counts
// (store/value_sketch.h): the same state as adding the values, so the same answers, without
// reading a row; with buckets, filters and range edges the rest is read and merged.
TEST_F(BlockAnswerTest, PercentilesFromBlockSketchesEqualScannedOnes) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 4096, .first_block_rows = 4096});
  std::mt19937_64 rng(28);
  std::lognormal_distribution<double> latency(6.0, 1.2);
  std::vector<Event> events;
  for (int row = 0; row < 40'000; ++row) {
    Event event = RandomEvent(rng, kStart + int64_t{row} * 60'000, 40);
    event.latency_ms = row % 50 == 0 ? 0.0 : std::round(latency(rng) * 10) / 10;
    if (row % 13 == 0) event.latency_ms = latency(rng);  // unrounded: exceptions
    if (row % 11 == 0) event.latency_ms.reset();
    event.ttft_ms = row % 3 == 0 ? -latency(rng) : latency(rng);  // both signs
    events.push_back(std::move(event));
  }
  memtable.Append(events);
  MakeViews(memtable, rng);
  const std::string metrics = R"("metrics": ["p50:latency_ms", "p90:latency_ms", "p99:latency_ms", "p0:latency_ms",
                                  "p100:ttft_ms", "p25:ttft_ms", "p75:ttft_ms", "count"])";
  const QuerySpec whole = *ParseQuerySpec(R"({"from": 946684800000, "to": 4000000000000, )" + metrics + "}", kStart);
  const QueryResult summarized = Execute(whole, *with_, nullptr);
  ExpectSameResult(Execute(whole, *without_, nullptr), summarized, "whole");
  EXPECT_EQ(summarized.scanned, 0u);
  for (const char* rest : {R"("from": 1767300000000, "to": 1768900000000, "bucket": "1d")",
                           R"("from": 946684800000, "to": 4000000000000, "group_by": ["status"])",
                           R"("from": 946684800000, "to": 4000000000000, "filters": [{"field": "model", "op": "eq", "value": "gpt-4o"}])"}) {
    const QuerySpec spec = *ParseQuerySpec(std::string("{") + rest + ", " + metrics + "}", kStart);
    ExpectSameResult(Execute(spec, *without_, nullptr), Execute(spec, *with_, nullptr), rest);
  }
}

// Slices of one block differ: a frequent model's slice has latency and TTFT sketches, a rare
// one's has neither, a model without TTFT has no tokens_per_s. Each metric is added from the
// slices that give it and reads only the rows of the others; answers equal the scans'.
TEST_F(BlockAnswerTest, UnevenSlicesReadOnlyTheRowsTheirSummariesLack) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 8192, .first_block_rows = 8192});
  std::mt19937_64 rng(31);
  std::lognormal_distribution<double> latency(6.0, 1.2);
  std::vector<Event> events;
  for (int row = 0; row < 40'000; ++row) {
    Event event = RandomEvent(rng, kStart + int64_t{row} * 60'000, 40);
    const uint64_t pick = rng() % 100;
    event.model = pick < 70 ? "gpt-4o-mini" : pick < 75 ? "claude" : pick < 95 ? "embed" : "gpt-4o";
    event.provider = event.model == "claude" ? "anthropic" : "openai";
    event.team = "t" + std::to_string((row / 5000) % 3);
    event.latency_ms = std::round(latency(rng) * 10) / 10;
    event.ttft_ms = event.model == "embed" ? std::nullopt : std::optional<double>(*event.latency_ms * 0.3);
    if (event.model == "claude" && row % 7 != 0) event.ttft_ms.reset();
    events.push_back(std::move(event));
  }
  memtable.Append(events);
  MakeViews(memtable, rng);
  ASSERT_FALSE(with_->blocks().front().summary->slices.empty());
  const std::string range = R"({"from": 946684800000, "to": 4000000000000, "limit": 100000, )";
  const char* specs[] = {
      R"("group_by": ["provider", "model"], "metrics": ["count", "p50:latency_ms", "p99:latency_ms", "p50:ttft_ms",
         "p95:ttft_ms", "p50:tokens_per_s", "p90:tokens_per_s", "sum:cost_usd", "sum:total_tokens"])",
      R"("group_by": ["model"], "filters": [{"field": "team", "op": "eq", "value": "t1"}],
         "metrics": ["p90:latency_ms", "p50:tokens_per_s", "count"])",
      R"("filters": [{"field": "model", "op": "in", "values": ["gpt-4o-mini", "claude", "embed"]}],
         "metrics": ["count", "p50:latency_ms", "p99:ttft_ms", "p90:tokens_per_s"])",
      R"("group_by": ["team"], "metrics": ["p50:latency_ms", "p50:ttft_ms", "avg:ttft_ms"])"};
  for (const char* rest : specs) {
    const QuerySpec spec = *ParseQuerySpec(range + rest + "}", kStart);
    ExpectSameResult(Execute(spec, *without_, nullptr), Execute(spec, *with_, nullptr), rest);
    QueryCache cache;
    ExpectSameResult(Execute(spec, *without_, nullptr), Execute(spec, *with_, &cache), std::string(rest) + " (cache)");
  }
}

// tokens_per_s has its own sketch per block and slice (segment format 5, store/derived_sketch.h):
// its percentiles over whole blocks and over slices with more than ValueSketch::kMinValues
// values read no row, and equal the scans' — with absent inputs, latency ≤ TTFT (absent speed),
// unrounded values and one rare model whose slices hold too few values for a sketch (read).
TEST_F(BlockAnswerTest, TokensPerSecondPercentilesFromDerivedSketchesEqualScannedOnes) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 8192, .first_block_rows = 8192});
  std::mt19937_64 rng(37);
  std::lognormal_distribution<double> latency(7.0, 0.8);
  std::vector<Event> events;
  for (int row = 0; row < 6 * 8192; ++row) {  // whole blocks: each has a sketch
    Event event = RandomEvent(rng, kStart + int64_t{row} * 60'000, 40);
    const uint64_t pick = rng() % 100;
    event.model = pick < 60 ? "gpt-4o-mini" : pick < 97 ? "gpt-4o" : "rare";
    event.latency_ms = row % 17 == 0 ? latency(rng) : std::round(latency(rng) * 10) / 10;
    event.ttft_ms = row % 5 == 0 ? std::nullopt : std::optional<double>(std::round(*event.latency_ms * 0.25));
    if (row % 23 == 0) event.ttft_ms = *event.latency_ms + 1;  // no speed: latency ≤ TTFT
    event.output_tokens = row % 19 == 0 ? std::nullopt : std::optional<int64_t>(static_cast<int64_t>(rng() % 3000));
    events.push_back(std::move(event));
  }
  memtable.Append(events);
  MakeViews(memtable, rng);
  const store::BlockSummary& first = *with_->blocks().front().summary;
  ASSERT_NE(first.tokens_per_s, nullptr);
  ASSERT_NE(first.tokens_per_s->sketch, nullptr);
  const std::string range = R"({"from": 946684800000, "to": 4000000000000, "limit": 100000, )";
  const std::string metrics = R"("metrics": ["p0:tokens_per_s", "p50:tokens_per_s", "p90:tokens_per_s",
                                             "p100:tokens_per_s", "count"])";
  const QuerySpec whole = *ParseQuerySpec(range + metrics + "}", kStart);
  const QueryResult summarized = Execute(whole, *with_, nullptr);
  ExpectSameResult(Execute(whole, *without_, nullptr), summarized, "whole");
  EXPECT_EQ(summarized.scanned, 0u);
  const QuerySpec frequent =
      *ParseQuerySpec(range + R"("filters": [{"field": "model", "op": "in", "values": ["gpt-4o", "gpt-4o-mini"]}], )" +
                          metrics + "}",
                      kStart);
  const QueryResult sliced = Execute(frequent, *with_, nullptr);
  ExpectSameResult(Execute(frequent, *without_, nullptr), sliced, "frequent models");
  EXPECT_EQ(sliced.scanned, 0u);
  for (const char* rest : {R"("group_by": ["provider", "model"], )", R"("group_by": ["team"], "bucket": "1d", )",
                           R"("filters": [{"field": "model", "op": "eq", "value": "rare"}], )"}) {
    const QuerySpec spec = *ParseQuerySpec(range + rest + metrics + "}", kStart);
    const QueryResult scanned = Execute(spec, *without_, nullptr);
    ExpectSameResult(scanned, Execute(spec, *with_, nullptr), rest);
    QueryCache cache;
    ExpectSameResult(scanned, Execute(spec, *with_, &cache), std::string(rest) + " (cache)");
  }
}

// An A/B test's spec (segment format 6, store/block_moments.h): count, avg and var of measures
// and scores per prompt_version, two versions of four kept, versions mixed in every block. Whole
// blocks and prompt_version slices add their moments, so nothing is read, and every answer equals
// the scan's to rounding — also grouped by model (model slices), ungrouped, filtered by model,
// by team and day (read: teams vary within blocks) and with the partial-result cache. The same blocks as format 5 (no moments,
// no prompt_version slices) read their rows and give the same answers.
TEST_F(BlockAnswerTest, MomentsFromSummariesEqualScannedOnes) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 8192, .first_block_rows = 8192});
  std::mt19937_64 rng(41);
  std::vector<Event> events;
  for (int row = 0; row < 6 * 8192; ++row) {
    Event event = RandomEvent(rng, kStart + int64_t{row} * 30'000, 40);
    event.prompt_version = row % 89 == 0 ? "bench" : "v" + std::to_string(1 + rng() % 4);
    event.latency_ms = 1e6 + static_cast<double>(rng() % 100'000) / 10.0;  // far from zero: M2 must not cancel
    if (row % 3 == 0) event.scores.push_back({"helpfulness", static_cast<double>(rng() % 1001) / 1000.0});
    if (row % 5 == 0) event.cost_nano_usd = 7'000;  // constant runs in some slices
    events.push_back(std::move(event));
  }
  memtable.Append(events);
  MakeViews(memtable, rng);
  ASSERT_NE(with_->blocks().front().summary->moments, nullptr);
  const std::string range = R"({"from": 946684800000, "to": 4000000000000, "limit": 100000, )";
  std::string moments;
  for (const char* field : {"cost_usd", "latency_ms", "ttft_ms", "output_tokens", "scores.quality",
                            "scores.helpfulness"}) {
    for (const char* aggregate : {"count:", "avg:", "var:"}) moments += std::string(", \"") + aggregate + field + "\"";
  }
  moments += R"(, "stddev:latency_ms"])";
  const std::string ab = R"("group_by": ["prompt_version"],
      "filters": [{"field": "prompt_version", "op": "in", "values": ["v2", "v3"]}],
      "metrics": ["count", "sum:cost_usd", "rate:error", "rate:cache_hit")";
  const QuerySpec spec = *ParseQuerySpec(range + ab + moments + "}", kStart);
  const QueryResult summarized = Execute(spec, *with_, nullptr);
  ExpectSameResult(Execute(spec, *without_, nullptr), summarized, "ab");
  ASSERT_EQ(summarized.rows.size(), 2u);
  EXPECT_EQ(summarized.scanned, 0u);
  for (const char* rest : {R"("group_by": ["model"], "metrics": ["count")",
                           R"("metrics": ["count")",
                           R"("group_by": ["team"], "bucket": "1d", "metrics": ["count")",
                           R"("filters": [{"field": "model", "op": "eq", "value": "llama"}], "metrics": ["count")"}) {
    const QuerySpec other = *ParseQuerySpec(range + rest + moments + "}", kStart);
    const QueryResult scanned = Execute(other, *without_, nullptr);
    const QueryResult answered = Execute(other, *with_, nullptr);
    ExpectSameResult(scanned, answered, rest);
    // Teams vary within every block and a block spans days: those read every row.
    if (std::string_view(rest).find("team") == std::string_view::npos) EXPECT_LT(answered.scanned, scanned.scanned / 2) << rest;
    QueryCache cache;
    ExpectSameResult(scanned, Execute(other, *with_, &cache), std::string(rest) + " (cache)");
  }

  // Format 5: the same summaries without moments and without prompt_version slices.
  std::vector<std::unique_ptr<store::BlockSummary>> older;
  store::TableSnapshot::Parts parts;
  memtable.dictionaries()->FillSnapshot(&parts);
  for (const store::ColumnBlock& block : with_->blocks()) {
    auto summary = std::make_unique<store::BlockSummary>(*block.summary);
    summary->moments = nullptr;
    std::erase_if(summary->slices, [](const store::ValueSlice& slice) { return slice.field == FieldId::kPromptVersion; });
    for (store::ValueSlice& slice : summary->slices) slice.summary.moments = nullptr;
    parts.blocks.push_back(block);
    parts.blocks.back().summary = summary.get();
    older.push_back(std::move(summary));
  }
  parts.keep_alive.push_back(with_);
  const store::TableSnapshot format5(std::move(parts));
  const QueryResult old = Execute(spec, format5, nullptr);
  ExpectSameResult(summarized, old, "ab, format 5");
  EXPECT_GT(old.scanned, events.size() / 2);
}

// A score's count and mean without its variance (the insights' cheaper-model rule asks only
// those) come from the moments of whole blocks and value slices too: the same answers as a row
// scan, random specs over scores, and a model's scores grouped by model read no row.
TEST_F(BlockAnswerTest, ScoreCountsAndMeansComeFromMoments) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 8192, .first_block_rows = 8192});
  std::mt19937_64 rng(53);
  std::vector<Event> events;
  for (int row = 0; row < 6 * 8192; ++row) {
    Event event = RandomEvent(rng, kStart + int64_t{row} * 30'000, 40);
    event.scores.clear();
    if (row % 3 == 0) event.scores.push_back({"quality", 1e6 + static_cast<double>(rng() % 1001) / 1000.0});
    if (row % 7 == 0) event.scores.push_back({"helpfulness", static_cast<double>(rng() % 11) / 10.0});
    events.push_back(std::move(event));
  }
  memtable.Append(events);
  MakeViews(memtable, rng);
  ASSERT_NE(with_->blocks().front().summary->moments, nullptr);
  const std::string range = R"({"from": 946684800000, "to": 4000000000000, "limit": 100000, )";
  const char* kMetrics[] = {R"("avg:scores.quality", "count:scores.quality")", R"("count:scores.helpfulness")",
                            R"("avg:scores.helpfulness", "count", "sum:cost_usd")", R"("avg:scores.missing")"};
  const char* kShapes[] = {R"("group_by": ["model"], )", "", R"("group_by": ["experiment", "model"], )",
                           R"("group_by": ["model"], "filters": [{"field": "model", "op": "in", "values": ["llama", "gpt-4o"]}], )",
                           R"("group_by": ["team"], "bucket": "1d", )"};
  for (int round = 0; round < 20; ++round) {
    const std::string shape = kShapes[rng() % std::size(kShapes)];
    const std::string metrics = kMetrics[rng() % std::size(kMetrics)];
    const std::string text = range + shape + R"("metrics": [)" + metrics + "]}";
    const QuerySpec spec = *ParseQuerySpec(text, kStart);
    const QueryResult scanned = Execute(spec, *without_, nullptr);
    const QueryResult answered = Execute(spec, *with_, nullptr);
    ExpectSameResult(scanned, answered, text);
    if (shape.find("\"model\"]") != std::string::npos && shape.find("experiment") == std::string::npos &&
        metrics.find("missing") == std::string::npos) {
      EXPECT_EQ(answered.scanned, 0u) << text;  // every block from its model slices' moments
    }
  }
}

// Score cells: a score's count, mean and spread by experiment × model (the insights' scores of
// models that several experiments use, which value slices cannot give: a model slice holds
// several experiments) come from per-block cells of the spend dimensions, without reading a row,
// and agree with the row scan; a query of two scores, or a score's percentile, still reads rows.
TEST_F(BlockAnswerTest, ScoreCellsAnswerScoreMomentsByExperimentAndModel) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 8192, .first_block_rows = 8192});
  std::mt19937_64 rng(61);
  std::vector<Event> events = HourCellEvents(rng);
  for (Event& event : events) {
    event.scores.clear();
    if (rng() % 3 != 0) event.scores.push_back({"quality", 1e3 + static_cast<double>(rng() % 1001) / 1000.0});
    if (rng() % 7 == 0) event.scores.push_back({"helpfulness", static_cast<double>(rng() % 11) / 10.0});
  }
  memtable.Append(events);
  MakeViews(memtable, rng);
  const ColumnSource quality = ResolveColumn(*with_, FieldRef{FieldId::kScore, "quality"});
  ASSERT_EQ(quality.type, ColumnSource::Type::kScore);
  for (const store::ColumnBlock& block : with_->blocks()) {
    const std::vector<store::ScoreCell> cells = store::CellBlockByScore(block, static_cast<uint32_t>(quality.index)).cells;
    ASSERT_FALSE(cells.empty());
    uint32_t rows = 0, present = 0;
    for (const store::ScoreCell& cell : cells) {
      rows += cell.base.rows;
      present += cell.score.present;
    }
    EXPECT_EQ(rows, block.rows);
    EXPECT_EQ(present, block.summary->moments->ScoreOf(static_cast<uint32_t>(quality.index))->present);
  }
  const std::string range = R"({"from": 946684800000, "to": 4000000000000, "limit": 100000, )";
  struct Case {
    const char* shape;
    const char* metrics;
    bool from_cells;
  };
  const Case cases[] = {
      {R"("group_by": ["experiment", "model"], "filters": [{"field": "model", "op": "in", "values": ["llama", "gpt-4o"]}], )",
       R"("avg:scores.quality", "count:scores.quality")", true},
      {R"("group_by": ["experiment", "model"], )", R"("avg:scores.quality", "count:scores.quality")", true},
      {R"("group_by": ["team", "model"], )", R"("var:scores.quality", "stddev:scores.quality", "avg:scores.quality", "count", "sum:cost_usd")", true},
      {R"("group_by": ["experiment", "model"], "bucket": "1d", )", R"("count:scores.helpfulness", "avg:scores.helpfulness")", true},
      {R"("filters": [{"field": "experiment", "op": "eq", "value": "e1"}], )", R"("avg:scores.quality", "max:input_tokens")", true},
      {R"("group_by": ["experiment", "model"], )", R"("avg:scores.quality", "avg:scores.helpfulness")", false},
      {R"("group_by": ["experiment", "model"], )", R"("p90:scores.quality", "count:scores.quality")", false},
      {R"("group_by": ["experiment", "user"], )", R"("avg:scores.quality")", false},
  };
  for (const Case& test : cases) {
    const std::string text = range + test.shape + R"("metrics": [)" + test.metrics + "]}";
    const QuerySpec spec = *ParseQuerySpec(text, kStart);
    const QueryResult scanned = Execute(spec, *without_, nullptr);
    const QueryResult answered = Execute(spec, *with_, nullptr);
    ExpectSameResult(scanned, answered, text);
    if (test.from_cells) {
      EXPECT_EQ(answered.scanned, 0u) << text;
    } else {
      EXPECT_GT(answered.scanned, 0u) << text;
    }
  }
}

// Queries whose metrics only count rows and whose key is small (one bin, or packed keys of a
// direct table: status per day, a dimension) tally rows per key; the same counts must come out
// of the general path, which a second metric forces. Ranges cut blocks, filters select rows,
// far bins and negative values fall outside the tally.
TEST_F(BlockAnswerTest, CountsPerSmallKeyMatchTheGeneralPath) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 4096, .first_block_rows = 1024});
  std::mt19937_64 rng(27);
  std::vector<Event> events;
  for (int row = 0; row < 30'000; ++row) {
    Event event = RandomEvent(rng, kStart + int64_t{row} * 170'000, 40);
    if (row % 97 == 0) event.latency_ms = 1e9 + row;  // a bin code past the tally
    if (row % 101 == 0) event.ttft_ms = -static_cast<double>(row);
    events.push_back(std::move(event));
  }
  memtable.Append(events);
  MakeViews(memtable, rng);
  const auto raw = memtable.Snapshot();
  const char* ranges[] = {R"("from": 946684800000, "to": 4000000000000)", R"("from": 1767300000000, "to": 1771000000000)"};
  const char* filters[] = {"", R"(, "filters": [{"field": "model", "op": "ne", "value": "gpt-4o"}])"};
  const char* keys[] = {R"("group_by": ["bin:250:latency_ms"])", R"("group_by": ["bin:0.5:ttft_ms"])",
                        R"("group_by": ["status"], "bucket": "1d")", R"("group_by": ["model"])",
                        R"("group_by": ["status", "cache_hit"], "bucket": "1w")"};
  for (const char* range : ranges) {
    for (const char* filter : filters) {
      for (const char* key : keys) {
        const std::string base = std::string("{") + range + filter + ", " + key + R"(, "limit": 100000, "metrics": ["count")";
        const QuerySpec counts = *ParseQuerySpec(base + "]}", kStart);
        const QuerySpec general = *ParseQuerySpec(base + R"(, "max:input_tokens"]})", kStart);
        for (const store::TableSnapshot* snapshot : {raw.get(), with_.get(), without_.get()}) {
          QueryResult expected = Execute(general, *snapshot, nullptr);
          expected.columns.pop_back();
          for (auto& row : expected.rows) row.pop_back();
          ExpectSameResult(expected, Execute(counts, *snapshot, nullptr), base);
        }
      }
    }
  }
}

// Buckets in local time across DST changes (Berlin and New York in March, Lord Howe's half-hour
// and Santiago's change in April) and in half- and quarter-hour zones: blocks that fall in one
// bucket, blocks mapped linearly on their span's clock, blocks that straddle a change, whole
// blocks answered from summaries and cached segment runs must all give the counts that
// TimeBucketer assigns event by event (itself checked against the zones' definition in
// zoned_buckets_test.cc).
TEST_F(BlockAnswerTest, LocalTimeBucketsAgreeEverywhere) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 2048, .first_block_rows = 2048});
  std::mt19937_64 rng(29);
  constexpr int64_t kMarch1 = 1'772'323'200'000;  // 2026-03-01T00:00:00Z
  std::vector<Event> events;
  for (int row = 0; row < 60'000; ++row) {
    events.push_back(RandomEvent(rng, kMarch1 + int64_t{row} * 58'000 + static_cast<int64_t>(rng() % 40'000), 40));
  }
  memtable.Append(events);
  MakeViews(memtable, rng);
  QueryCache cache;
  const char* zones[] = {"Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Santiago",
                         "Asia/Kolkata", "Asia/Kathmandu"};
  const char* buckets[] = {"15m", "1h", "6h", "1d", "1w", "1M"};
  // All of 2026 (every block whole; within the 100,000 buckets of 15m), and a range cutting blocks.
  const std::pair<int64_t, int64_t> ranges[] = {{1'767'225'600'000, 1'798'761'600'000},
                                                {kMarch1 + 7'777'777, kMarch1 + 3'000'000'000}};
  for (const char* zone_name : zones) {
    const std::shared_ptr<const TimeZone> zone = *TimeZone::Load(zone_name);
    for (const char* bucket : buckets) {
      for (const auto& [from, to] : ranges) {
        const std::string json = "{\"from\": " + std::to_string(from) + ", \"to\": " + std::to_string(to) +
                                 ", \"bucket\": \"" + bucket + "\", \"tz\": \"" + zone_name +
                                 "\", \"metrics\": [\"count\", \"min:ts\", \"sum:cost_usd\"], \"limit\": 100000}";
        const QuerySpec spec = *ParseQuerySpec(json, kStart);
        const QueryResult scanned = Execute(spec, *without_, nullptr);
        ExpectSameResult(scanned, Execute(spec, *with_, nullptr), json);
        ExpectSameResult(scanned, Execute(spec, *with_, &cache), json + " (cold cache)");
        ExpectSameResult(scanned, Execute(spec, *with_, &cache), json + " (warm cache)");
        const TimeBucketer bucketer(BucketWidth{spec.bucket_ms, spec.bucket_months}, from, to, zone.get());
        std::map<int64_t, int64_t> expected;
        for (const Event& event : events) {
          if (event.ts_ms >= from && event.ts_ms < to) ++expected[bucketer.Start(bucketer.Index(event.ts_ms))];
        }
        std::map<int64_t, int64_t> got;
        for (const auto& row : scanned.rows) got[std::get<int64_t>(row[0])] = std::get<int64_t>(row[1]);
        EXPECT_EQ(got, expected) << json;
        if (HasFailure()) return;
      }
    }
  }
}

// User rollups (store/block_user_rollup.h): the users and cost dashboards' group-bys by user, team
// and experiment read no rows of a whole block when every metric follows from the rollup, read
// only the others' rows when some do not, and agree with full scans in any zone and range.
// Rollups of version 7 (`by_model`: keyed by model and provider too) or as version 6 read them
// (keyed by user, team and experiment), against full scans of the same blocks.
void BlockAnswerTest::CheckUserRollups(bool by_model) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 2048, .first_block_rows = 2048});
  std::mt19937_64 rng(33);
  std::vector<Event> events;
  constexpr int64_t kDayMs = 24 * kHourMs;
  const int64_t step = 2 * kDayMs / 30'000;  // 2 days: a segment's block (1–3 × 2,048 rows) holds 3–10 hours
  for (int row = 0; row < 30'000; ++row) {
    events.push_back(RandomEvent(rng, kStart + row * step + static_cast<int64_t>(rng() % (kHourMs / 6)), 20));
    events.back().team = "t" + std::to_string((row / 1500) % 5);
    if (rng() % 4) events.back().experiment = "e" + std::to_string(rng() % 2);
    // Two models, one of them by two providers: ≤ 20 users × 2 teams × 3 experiments × 3 entries
    // a block of ≥ 2,048 rows, few enough for a rollup (≤ 1 entry per 4 rows).
    events.back().model = rng() % 3 ? "gpt-4o-mini" : "claude";
    events.back().provider = events.back().model == "claude" ? "anthropic" : rng() % 4 ? "openai" : "azure";
  }
  memtable.Append(events);
  MakeViews(memtable, rng, by_model ? store::segment::kFooterVersion : 6);
  for (const store::ColumnBlock& block : with_->blocks()) {
    ASSERT_NE(block.summary->user_rollup, nullptr);
    ASSERT_EQ(block.summary->user_rollup->Keys(FieldId::kModel), by_model);
  }
  const std::vector<std::string> groups = {R"("user")", R"("user", "team")", R"("user", "team", "experiment")",
                                           R"("experiment", "user")", R"("team", "experiment")", "",
                                           R"("team", "experiment", "model", "provider")", R"("user", "model")"};
  const std::vector<std::string> rolled = {
      R"("days:ts", "count", "sum:total_tokens", "sum:cost_usd", "count:cost_usd", "rate:error")",
      R"("count", "count:cost_usd", "sum:cost_usd", "sum:input_tokens", "sum:output_tokens")",
      R"("min:ts", "max:ts", "uniq:user", "uniq:experiment")"};
  const std::vector<std::string> zones = {"UTC", "America/New_York", "Asia/Kathmandu"};
  // Over the whole history (no block at an edge of the range), the users dashboard's query reads
  // no row at all.
  const std::string whole = R"({"from": )" + std::to_string(kStart - kDayMs) + R"(, "to": )" +
                            std::to_string(kStart + 3 * kDayMs) + R"(, "group_by": ["user", "team", "experiment"],
      "metrics": ["days:ts", "count", "sum:total_tokens", "sum:cost_usd", "count:cost_usd", "rate:error"],
      "tz": "America/New_York", "limit": 100000})";
  Result<QuerySpec> whole_spec = ParseQuerySpec(whole, kStart);
  ASSERT_TRUE(whole_spec.ok()) << whole_spec.status().ToString();
  const QueryResult whole_result = Execute(*whole_spec, *with_, nullptr);
  ExpectSameResult(Execute(*whole_spec, *without_, nullptr), whole_result, whole);
  EXPECT_EQ(whole_result.scanned, 0u);
  EXPECT_GT(whole_result.rows.size(), 100u);
  // ... and the overview's distinct users (ungrouped: the rest from the block summaries) neither.
  const std::string users = R"({"from": )" + std::to_string(kStart - kDayMs) + R"(, "to": )" +
                            std::to_string(kStart + 3 * kDayMs) +
                            R"(, "metrics": ["count", "uniq:user", "sum:cost_usd", "max:ts"], "limit": 100000})";
  Result<QuerySpec> users_spec = ParseQuerySpec(users, kStart);
  ASSERT_TRUE(users_spec.ok()) << users_spec.status().ToString();
  const QueryResult users_result = Execute(*users_spec, *with_, nullptr);
  ExpectSameResult(Execute(*users_spec, *without_, nullptr), users_result, users);
  EXPECT_EQ(users_result.scanned, 0u);
  // Filters of the rollup's key fields keep or drop whole entries: a filtered users query over
  // the whole history reads no row either; filters of other fields read the rows they keep.
  std::vector<std::string> key_filters = {
      R"({"field": "team", "op": "eq", "value": "t2"})", R"({"field": "experiment", "op": "in", "values": ["e1"]})",
      R"({"field": "user", "op": "ne", "value": "u3"})", R"({"field": "experiment", "op": "ne", "value": "e0"})",
      R"({"field": "team", "op": "not_in", "values": ["t0", "t4"]})"};
  std::vector<std::string> row_filters = {R"({"field": "status", "op": "eq", "value": "error"})",
                                          R"({"field": "latency_ms", "op": "gt", "value": 5000})"};
  const std::vector<std::string> model_filters = {R"({"field": "model", "op": "eq", "value": "gpt-4o-mini"})",
                                                  R"({"field": "provider", "op": "ne", "value": "azure"})"};
  for (const std::string& filter : model_filters) (by_model ? key_filters : row_filters).push_back(filter);
  for (const std::string& filter : key_filters) {
    const std::string json = whole.substr(0, whole.size() - 1) + R"(, "filters": [)" + filter + "]}";
    Result<QuerySpec> spec = ParseQuerySpec(json, kStart);
    ASSERT_TRUE(spec.ok()) << json << " " << spec.status().ToString();
    const QueryResult filtered = Execute(*spec, *with_, nullptr);
    ExpectSameResult(Execute(*spec, *without_, nullptr), filtered, json);
    EXPECT_EQ(filtered.scanned, 0u) << json;
    EXPECT_GT(filtered.rows.size(), 10u) << json;
  }
  uint64_t rows_read = 0;  // by the specs whose every metric follows from rollups
  uint64_t rows_in_range = 0;
  for (int round = 0; round < 240; ++round) {
    const int64_t from = kStart + static_cast<int64_t>(rng() % (kDayMs / 2));
    const int64_t to = from + static_cast<int64_t>(12 + rng() % 36) * kHourMs;
    const bool mixed = round % 3 == 2;  // a metric the rollup cannot give: its rows are read
    std::string filters;
    switch (rng() % 4) {
      case 0: break;
      case 1: filters = key_filters[rng() % key_filters.size()]; break;
      case 2: filters = key_filters[rng() % key_filters.size()] + ", " + key_filters[rng() % key_filters.size()]; break;
      default: filters = key_filters[rng() % key_filters.size()] + ", " + row_filters[rng() % row_filters.size()];
    }
    std::string json = "{\"from\": " + std::to_string(from) + ", \"to\": " + std::to_string(to) +
                       ", \"group_by\": [" + groups[rng() % groups.size()] + "], \"metrics\": [" +
                       rolled[rng() % rolled.size()] + (mixed ? R"(, "p50:latency_ms", "uniq:model")" : "") + "]" +
                       (filters.empty() ? "" : ", \"filters\": [" + filters + "]") +
                       (round % 4 == 0 ? R"(, "bucket": "1d")" : "") + ", \"tz\": \"" + zones[rng() % zones.size()] +
                       "\", \"limit\": 100000}";
    Result<QuerySpec> spec = ParseQuerySpec(json, kStart);
    ASSERT_TRUE(spec.ok()) << json << " " << spec.status().ToString();
    const QueryResult scanned = Execute(*spec, *without_, nullptr);
    const QueryResult rolled_result = Execute(*spec, *with_, nullptr);
    ExpectSameResult(scanned, rolled_result, json);
    EXPECT_LE(rolled_result.scanned, scanned.scanned) << json;
    if (!mixed) {
      rows_read += rolled_result.scanned;
      rows_in_range += scanned.scanned;
    }
    if (HasFailure()) break;
  }
  // Only blocks at the range's edges or across a bucket edge read rows.
  EXPECT_LT(rows_read, rows_in_range);
  // Version 5's rollups do not split by model: a model filter reads the rows it keeps.
  const std::string by_model_json = whole.substr(0, whole.size() - 1) + R"(, "filters": [)" + model_filters[0] + "]}";
  Result<QuerySpec> model_spec = ParseQuerySpec(by_model_json, kStart);
  ASSERT_TRUE(model_spec.ok());
  const QueryResult model_result = Execute(*model_spec, *with_, nullptr);
  ExpectSameResult(Execute(*model_spec, *without_, nullptr), model_result, by_model_json);
  EXPECT_EQ(model_result.scanned == 0, by_model) << model_result.scanned;
}

TEST_F(BlockAnswerTest, UserRollupsAnswerGroupsAndFiltersOfTheirKeys) { CheckUserRollups(/*by_model=*/true); }

TEST_F(BlockAnswerTest, VersionSixUserRollupsAnswerOnlyUserTeamAndExperiment) { CheckUserRollups(/*by_model=*/false); }

// Percentiles of slices with too few values for a sketch (store/sparse_rows.h) read only the
// rows that hold those values, found from lists kept with the block summary instead of every
// row's code: random specs (groups by provider, model, team, day; model filters; percentiles of
// latency, TTFT and speed at random levels) give the scans' answers, with the partial-result
// cache too, and read fewer rows than the slices' own. The lists are made once per block and slice
// field, counted in the summary's memory, and a model between sparse and sketched (some blocks
// above ValueSketch::kMinValues values, some below) is read through them or the scan per block.
TEST_F(BlockAnswerTest, SparseSlicesReadOnlyTheRowsWithTheirValues) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 8192, .first_block_rows = 8192});
  std::mt19937_64 rng(41);
  std::lognormal_distribution<double> latency(6.5, 1.0);
  std::vector<Event> events;
  const char* models[] = {"big", "mid", "rare", "tiny", "embed"};
  for (int row = 0; row < 8 * 8192; ++row) {
    Event event = RandomEvent(rng, kStart + int64_t{row} * 60'000, 40);
    const uint64_t pick = rng() % 1000;
    // "mid" is 10–16 % of a block's rows (800–1,300 of 8,192: around the sketch threshold).
    const uint64_t mid_share = 100 + (row / 8192) * 10;
    event.model = pick < 600 ? models[0] : pick < 600 + mid_share ? models[1] : pick < 750 ? models[4]
                : pick < 980 ? models[2] : models[3];
    event.provider = event.model == std::string("rare") ? "anthropic" : "openai";
    event.team = "t" + std::to_string(rng() % 3);
    event.latency_ms = row % 13 == 0 ? latency(rng) : std::round(latency(rng) * 10) / 10;
    event.ttft_ms = event.model == std::string("embed") || row % 4 == 0
                        ? std::nullopt
                        : std::optional<double>(std::round(*event.latency_ms * 0.3));
    if (row % 29 == 0 && event.ttft_ms) event.ttft_ms = *event.latency_ms + 2;  // no speed
    event.output_tokens = row % 11 == 0 ? std::nullopt : std::optional<int64_t>(static_cast<int64_t>(rng() % 2000));
    events.push_back(std::move(event));
  }
  memtable.Append(events);
  MakeViews(memtable, rng);
  ASSERT_FALSE(with_->blocks().front().summary->slices.empty());
  const size_t memory_before = with_->blocks().front().summary->MemoryBytes();

  const char* groups[] = {R"("group_by": ["provider", "model"], )", R"("group_by": ["model"], )", "",
                          R"("group_by": ["model"], "bucket": "1d", )", R"("group_by": ["team"], )"};
  const char* filters[] = {
      "", R"("filters": [{"field": "model", "op": "eq", "value": "rare"}], )",
      R"("filters": [{"field": "model", "op": "in", "values": ["big", "mid", "tiny"]}], )",
      R"("filters": [{"field": "model", "op": "not_in", "values": ["rare"]}], )",
      R"("filters": [{"field": "provider", "op": "eq", "value": "openai"}], )"};
  const char* fields[] = {"latency_ms", "ttft_ms", "tokens_per_s"};
  const double levels[] = {0, 1, 25, 50, 90, 99, 99.9, 100};
  int read_less = 0;
  for (int round = 0; round < 60; ++round) {
    std::set<std::string> names;
    for (int metric = 0; metric < 1 + static_cast<int>(rng() % 4); ++metric) {
      std::ostringstream name;
      name << ", \"p" << levels[rng() % std::size(levels)] << ":" << fields[rng() % std::size(fields)] << "\"";
      names.insert(name.str());
    }
    std::string metrics = R"("metrics": ["count")";
    for (const std::string& name : names) metrics += name;
    metrics += "]";
    const std::string json = std::string(R"({"from": 946684800000, "to": 4000000000000, "limit": 100000, )") +
                             groups[rng() % std::size(groups)] + filters[rng() % std::size(filters)] + metrics + "}";
    Result<QuerySpec> spec = ParseQuerySpec(json, kStart);
    ASSERT_TRUE(spec.ok()) << json << " " << spec.status().ToString();
    const QueryResult scanned = Execute(*spec, *without_, nullptr);
    const QueryResult summarized = Execute(*spec, *with_, nullptr);
    ExpectSameResult(scanned, summarized, json);
    QueryCache cache;
    ExpectSameResult(scanned, Execute(*spec, *with_, &cache), json + " (cache)");
    read_less += summarized.scanned < scanned.scanned;
    if (HasFailure()) break;
  }
  EXPECT_GT(read_less, 30);

  // Every block's rare slices: the TTFT of "rare" (~2.3 % of 8,192 rows) and "tiny" read only
  // their own rows with a TTFT, not the block.
  const QuerySpec per_model = *ParseQuerySpec(
      R"({"from": 946684800000, "to": 4000000000000, "group_by": ["model"], "metrics": ["p50:ttft_ms"]})", kStart);
  const QueryResult sliced = Execute(per_model, *with_, nullptr);
  ExpectSameResult(Execute(per_model, *without_, nullptr), sliced, "p50:ttft_ms by model");
  EXPECT_LT(sliced.scanned, 8u * 8192 * 6 / 100);
  const store::BlockSummary& first = *with_->blocks().front().summary;
  const std::shared_ptr<const store::SparseRows> sparse = first.sparse_rows.Get();
  ASSERT_NE(sparse, nullptr);
  const store::SparseRows::Field* model = sparse->Find(FieldId::kModel);
  ASSERT_NE(model, nullptr);
  EXPECT_FALSE(model->lists.empty());
  for (const store::SparseRows::List& list : model->lists) {
    EXPECT_LE(list.rows.size(), store::ValueSketch::kMinValues);
    EXPECT_TRUE(std::is_sorted(list.rows.begin(), list.rows.end()));
  }
  EXPECT_GT(first.MemoryBytes(), memory_before);
}

// A `status = error` filter keeping few rows of a block (query/rare_code_rows.h) reads only the
// block's error rows, from a list kept with its summary: random specs (groups by error type,
// HTTP status, endpoint, model, day or hour; another filter beside it; ranges that cut blocks)
// give the scans' answers alone, in batches sharing a scan and with the partial-result cache,
// and read only the error rows of blocks where errors are rare — a block where they are not is
// read as before.
TEST_F(BlockAnswerTest, RareStatusFiltersReadOnlyTheRowsWithThatStatus) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 8192, .first_block_rows = 8192});
  std::mt19937_64 rng(43);
  std::vector<Event> events;
  const int rows = 6 * 8192;
  for (int row = 0; row < rows; ++row) {
    Event event = RandomEvent(rng, kStart + int64_t{row} * 60'000, 40);
    const bool busy_block = row / 8192 == 3;  // 30 % errors: not rare
    const bool error = rng() % 1000 < (busy_block ? 300u : 25u);
    event.status = error ? EventStatus::kError : EventStatus::kOk;
    event.error_type = error && row % 5 != 0 ? (row % 3 ? "timeout" : "rate_limit") : "";
    event.http_status = error ? (row % 2 ? 500 : 429) : 200;
    event.endpoint = row % 4 ? "chat" : "embed";
    events.push_back(std::move(event));
  }
  memtable.Append(events);
  MakeViews(memtable, rng);
  const char* groups[] = {R"("group_by": ["error_type", "http_status", "endpoint"], "bucket": "1d", )",
                          R"("group_by": ["error_type"], )", R"("group_by": ["model"], "bucket": "1h", )", ""};
  const char* extra[] = {"", R"(, {"field": "model", "op": "eq", "value": "gpt-4o"})",
                         R"(, {"field": "latency_ms", "op": "gt", "value": 500})"};
  const int64_t span = int64_t{rows} * 60'000;
  for (int round = 0; round < 40; ++round) {
    const int64_t from = kStart + (round % 2 ? 0 : static_cast<int64_t>(rng() % (span / 2)));
    const int64_t to = round % 3 ? kStart + span + kHourMs : from + static_cast<int64_t>(rng() % span) + 1;
    const std::string filters = std::string(R"("filters": [{"field": "status", "op": "eq", "value": "error"})") +
                                extra[rng() % std::size(extra)] + "], ";
    const std::string json = "{\"from\": " + std::to_string(from) + ", \"to\": " + std::to_string(to) +
                             R"(, "limit": 100000, )" + groups[rng() % std::size(groups)] + filters +
                             R"("metrics": ["count", "sum:cost_usd", "p50:latency_ms"]})";
    Result<QuerySpec> spec = ParseQuerySpec(json, kStart);
    ASSERT_TRUE(spec.ok()) << json << " " << spec.status().ToString();
    const QueryResult scanned = Execute(*spec, *without_, nullptr);
    const QueryResult candidates = Execute(*spec, *with_, nullptr);
    ExpectSameResult(scanned, candidates, json);
    QueryCache cache;
    ExpectSameResult(scanned, Execute(*spec, *with_, &cache), json + " (cache)");
    // The previous period beside it, as the Performance dashboard asks: one shared scan.
    QuerySpec previous = *spec;
    previous.to_ms = spec->from_ms;
    previous.from_ms = spec->from_ms - (spec->to_ms - spec->from_ms);
    const std::vector<QuerySpec> pair = {*spec, previous};
    const std::vector<Result<QueryResult>> batch = ExecuteBatch(pair, *with_, nullptr);
    ASSERT_EQ(batch.size(), 2u);
    ASSERT_TRUE(batch[0].ok() && batch[1].ok());
    ExpectSameResult(scanned, *batch[0], json + " (batch)");
    ExpectSameResult(Execute(previous, *without_, nullptr), *batch[1], json + " (batch, previous)");
    if (HasFailure()) break;
  }
  // The whole range: the busy block's rows and the other blocks' error rows.
  const QuerySpec all = *ParseQuerySpec(
      R"({"from": 946684800000, "to": 4000000000000, "group_by": ["error_type"],
          "filters": [{"field": "status", "op": "eq", "value": "error"}], "metrics": ["count"]})", kStart);
  const QueryResult read = Execute(all, *with_, nullptr);
  ExpectSameResult(Execute(all, *without_, nullptr), read, "whole range");
  // Segments join memtable blocks: the busy rows are in one block with others, where errors are
  // not rare (read whole); every other block reads its error rows only.
  uint64_t expected = 0;
  int rare_blocks = 0;
  for (const store::ColumnBlock& block : with_->blocks()) {
    const int64_t first_row = (block.min_ts - kStart) / 60'000;
    const bool busy = first_row <= 4 * 8192 - 1 && first_row + static_cast<int64_t>(block.rows) > 3 * 8192;
    uint64_t block_errors = 0;
    for (size_t row = 0; row < block.rows; ++row) block_errors += store::ByteAt(block.column(FieldId::kStatus), row) == 1;
    expected += busy ? block.rows : block_errors;
    rare_blocks += !busy;
  }
  EXPECT_GT(rare_blocks, 0);
  EXPECT_EQ(read.scanned, expected);
}

// Hour slices count each hour's rows per enum or bool code: a count per time bucket of whole
// hours and status (the overview's status per day) reads no row of a block that spans several
// buckets, in UTC and in a zone of whole-hour offset; other metrics, a second varying part and
// half-hour buckets read rows as before. Answers equal the scans'.
TEST_F(BlockAnswerTest, HourSlicesCountRowsPerCodeOfAVaryingEnum) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 8192, .first_block_rows = 8192});
  std::mt19937_64 rng(43);
  std::vector<Event> events;
  for (int row = 0; row < 40'000; ++row) {
    const int64_t jitter = static_cast<int64_t>(rng() % 60'000);
    events.push_back(RandomEvent(rng, kStart + 5 * 60'000 + row * int64_t{1'200} + jitter, 40));
  }
  memtable.Append(events);
  MakeViews(memtable, rng);
  const std::string head = R"({"from": 1767225600000, "to": 1767312000000, "limit": 100000, )";  // 1 Jan 2026
  const char* unread[] = {
      R"("bucket": "1h", "group_by": ["status"], "metrics": ["count"])",
      R"("bucket": "3h", "group_by": ["status"], "metrics": ["count"])",
      R"("bucket": "1d", "tz": "America/New_York", "group_by": ["status"], "metrics": ["count"])",
      R"("bucket": "2h", "group_by": ["cache_hit"], "metrics": ["count"])",
      R"("bucket": "1h", "group_by": ["operation"], "metrics": ["count"])"};
  for (const char* rest : unread) {
    const QuerySpec spec = *ParseQuerySpec(head + rest + "}", kStart);
    const QueryResult summarized = Execute(spec, *with_, nullptr);
    const QueryResult read = Execute(spec, *without_, nullptr);
    ExpectSameResult(read, summarized, rest);
    EXPECT_EQ(read.scanned, 40'000u) << rest;
    EXPECT_EQ(summarized.scanned, 0u) << rest;
    QueryCache cache;
    ExpectSameResult(read, Execute(spec, *with_, &cache), std::string(rest) + " (cache)");
  }
  const char* read_rows[] = {
      R"("bucket": "1h", "group_by": ["status"], "metrics": ["count", "sum:cost_usd"])",
      R"("bucket": "1h", "group_by": ["status", "cache_hit"], "metrics": ["count"])",
      R"("bucket": "1h", "tz": "Asia/Kolkata", "group_by": ["status"], "metrics": ["count"])",
      R"("bucket": "30m", "group_by": ["status"], "metrics": ["count"])"};
  for (const char* rest : read_rows) {
    const QuerySpec spec = *ParseQuerySpec(head + rest + "}", kStart);
    const QueryResult summarized = Execute(spec, *with_, nullptr);
    ExpectSameResult(Execute(spec, *without_, nullptr), summarized, rest);
    EXPECT_GT(summarized.scanned, 0u) << rest;
  }
}

// Bin cells (store/block_bin_cells.h): a count per bin of a measure (the overview's latency
// histogram), grouped or filtered by any of team, experiment, model and provider, is answered
// from each block's cells of that width without reading a row, as the scans count it (under a
// filter that keeps one value slice, from cells of that slice's rows); other metrics, other
// filters and buckets a block straddles read rows. A block keeps the cells of kMaxBinCellSets
// keys; a further key reads rows, with the same answers.
TEST_F(BlockAnswerTest, BinCellsCountRowsPerBinAsScansDo) {
  store::Memtable memtable(store::MemtableOptions{.block_rows = 16384, .first_block_rows = 16384});
  std::mt19937_64 rng(47);
  memtable.Append(HourCellEvents(rng));
  MakeViews(memtable, rng);
  const std::string head = R"({"from": 1767225600000, "to": 1767312000000, "limit": 100000, )";  // 1 Jan 2026
  const char* unread[] = {
      R"("group_by": ["bin:4000:latency_ms"], "metrics": ["count"])",
      R"("filters": [{"field": "model", "op": "eq", "value": "claude"}], "group_by": ["bin:4000:latency_ms"],
         "metrics": ["count"])",
      R"("filters": [{"field": "team", "op": "in", "values": ["t1", "t3"]}], "group_by": ["bin:4000:latency_ms", "team"],
         "metrics": ["count"])",
      R"("filters": [{"field": "provider", "op": "ne", "value": "openai"}], "bucket": "1d",
         "group_by": ["model", "bin:4000:latency_ms"], "metrics": ["count"])",
      R"("group_by": ["bin:5000:latency_ms", "experiment"], "metrics": ["count"])"};
  for (const char* rest : unread) {
    const QuerySpec spec = *ParseQuerySpec(head + rest + "}", kStart);
    const QueryResult summarized = Execute(spec, *with_, nullptr);
    const QueryResult read = Execute(spec, *without_, nullptr);
    ExpectSameResult(read, summarized, rest);
    EXPECT_EQ(read.scanned, 40'000u) << rest;
    EXPECT_EQ(summarized.scanned, 0u) << rest;
  }
  // Every block keeps cells of the two widths over all its rows, and of the width 4000 over the
  // rows of model claude and of provider other (the filters that keep one value slice), together
  // every row (of the slice) once.
  for (const store::ColumnBlock& block : with_->blocks()) {
    const std::shared_ptr<const store::TagCellSet> made = block.summary->tag_cells.Get();
    ASSERT_NE(made, nullptr);
    ASSERT_EQ(made->bins.size(), 4u);
    int sliced = 0;
    for (const auto& cells : made->bins) {
      ASSERT_FALSE(cells->cells.empty());
      uint32_t rows = 0;
      for (const store::BinCell& cell : cells->cells) rows += cell.rows;
      uint32_t expected = block.rows;
      if (cells->key.sliced) {
        ++sliced;
        expected = 0;
        for (const store::ValueSlice& slice :
             store::SlicesOf(*block.summary, static_cast<FieldId>(cells->key.slice_field))) {
          if (slice.code == cells->key.slice_code) expected = slice.summary.rows;
        }
      }
      EXPECT_GT(expected, 0u);
      EXPECT_EQ(rows, expected);
    }
    EXPECT_EQ(sliced, 2);
  }
  const char* read_rows[] = {
      R"("group_by": ["bin:4000:latency_ms"], "metrics": ["count", "sum:cost_usd"])",
      R"("group_by": ["bin:4000:latency_ms"], "metrics": ["count:cost_usd"])",
      R"("filters": [{"field": "user", "op": "eq", "value": "u3"}], "group_by": ["bin:4000:latency_ms"],
         "metrics": ["count"])",
      R"("filters": [{"field": "latency_ms", "op": "lt", "value": 9000}], "group_by": ["bin:4000:latency_ms"],
         "metrics": ["count"])",
      R"("bucket": "1h", "group_by": ["bin:4000:latency_ms"], "metrics": ["count"])",
      R"("group_by": ["bin:4000:latency_ms", "user"], "metrics": ["count"])"};
  for (const char* rest : read_rows) {
    const QuerySpec spec = *ParseQuerySpec(head + rest + "}", kStart);
    const QueryResult summarized = Execute(spec, *with_, nullptr);
    ExpectSameResult(Execute(spec, *without_, nullptr), summarized, rest);
    EXPECT_GT(summarized.scanned, 0u) << rest;
  }
  // Four more widths fill the blocks' sets; a ninth key reads rows.
  for (const char* width : {"6000", "8000", "10000", "20000", "7000"}) {
    const std::string rest = std::string(R"("group_by": ["bin:)") + width + R"(:latency_ms"], "metrics": ["count"])";
    const QuerySpec spec = *ParseQuerySpec(head + rest + "}", kStart);
    const QueryResult summarized = Execute(spec, *with_, nullptr);
    ExpectSameResult(Execute(spec, *without_, nullptr), summarized, rest);
    if (std::string_view(width) == "7000") {
      EXPECT_EQ(summarized.scanned, 40'000u) << rest;
    } else {
      EXPECT_EQ(summarized.scanned, 0u) << rest;
    }
  }
  CompareRandomSpecs(rng, 100);
}

}  // namespace
}  // namespace mltrack::query
