#include "query/chunk_gathers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "store/memtable.h"

namespace mltrack::query {
namespace {

// Values of `count` doubles compared bit for bit (NaN = absent equals NaN).
void ExpectSameDoubles(const double* got, const std::vector<double>& want) {
  for (size_t idx = 0; idx < want.size(); ++idx) {
    if (std::isnan(want[idx])) {
      EXPECT_TRUE(std::isnan(got[idx])) << idx;
    } else {
      EXPECT_EQ(got[idx], want[idx]) << idx;
    }
  }
}

class ChunkGathersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<Event> events;
    for (size_t idx = 0; idx < 5000; ++idx) {
      Event event;
      event.id = "id-" + std::to_string(idx);
      event.ts_ms = 1'700'000'000'000 + static_cast<int64_t>(idx);
      event.model = "gpt-4o";
      event.latency_ms = static_cast<double>(idx) / 4.0;
      if (idx % 11 == 0) event.latency_ms.reset();
      event.output_tokens = static_cast<int64_t>(idx * 3);
      events.push_back(std::move(event));
    }
    memtable_.Append(events);
    snapshot_ = memtable_.Snapshot();
    latency_ = ResolveColumn(*snapshot_, FieldRef{FieldId::kLatencyMs, {}});
    tokens_ = ResolveColumn(*snapshot_, FieldRef{FieldId::kOutputTokens, {}});
  }
  const store::ColumnBlock& block() const { return snapshot_->blocks().front(); }

  std::vector<double> Doubles(const ColumnSource& source, const std::vector<uint32_t>& rows) const {
    std::vector<double> out(rows.size());
    GatherDouble(source, block(), rows.data(), rows.size(), out.data());
    return out;
  }

  store::Memtable memtable_;
  std::shared_ptr<const store::TableSnapshot> snapshot_;
  ColumnSource latency_;
  ColumnSource tokens_;
};

TEST_F(ChunkGathersTest, WithoutScopeGathersIntoScratch) {
  const std::vector<uint32_t> rows = {0, 3, 11, 12, 400};
  std::vector<double> scratch;
  const double* values = GatherDoubleOnce(latency_, block(), rows.data(), rows.size(), &scratch);
  EXPECT_EQ(values, scratch.data());
  ExpectSameDoubles(values, Doubles(latency_, rows));
}

TEST_F(ChunkGathersTest, OneGatherPerSourceWithinAChunk) {
  const std::vector<uint32_t> rows = {1, 2, 22, 23, 999, 1000};
  std::vector<double> scratch;
  std::vector<int64_t> int_scratch;
  const ChunkGathers::Scope scope;
  const double* first = GatherDoubleOnce(latency_, block(), rows.data(), rows.size(), &scratch);
  const double* again = GatherDoubleOnce(latency_, block(), rows.data(), rows.size(), &scratch);
  EXPECT_EQ(first, again);  // reused, not gathered again
  EXPECT_TRUE(scratch.empty());
  ExpectSameDoubles(again, Doubles(latency_, rows));
  // Another source, kind or row count is its own gather.
  const double* tokens = GatherDoubleOnce(tokens_, block(), rows.data(), rows.size(), &scratch);
  EXPECT_NE(tokens, first);
  ExpectSameDoubles(tokens, Doubles(tokens_, rows));
  const int64_t* ints = GatherIntOnce(tokens_, block(), rows.data(), rows.size(), &int_scratch);
  for (size_t idx = 0; idx < rows.size(); ++idx) EXPECT_EQ(ints[idx], static_cast<int64_t>(rows[idx] * 3));
  const double* shorter = GatherDoubleOnce(latency_, block(), rows.data(), 3, &scratch);
  EXPECT_NE(shorter, first);
}

TEST_F(ChunkGathersTest, NextChunkAndForgetDropTheValues) {
  std::vector<uint32_t> rows = {5, 6, 7, 8};
  std::vector<double> scratch;
  const ChunkGathers::Scope scope;
  ExpectSameDoubles(GatherDoubleOnce(latency_, block(), rows.data(), rows.size(), &scratch), Doubles(latency_, rows));
  // The same buffer holds the next chunk's rows: its values are gathered anew.
  rows = {100, 200, 300, 400};
  ChunkGathers::NextChunk();
  ExpectSameDoubles(GatherDoubleOnce(latency_, block(), rows.data(), rows.size(), &scratch), Doubles(latency_, rows));
  // Rows rewritten within the chunk (a spec's narrowed rows), announced by Forget.
  rows = {1, 2, 3, 4};
  ChunkGathers::Forget(rows.data());
  ExpectSameDoubles(GatherDoubleOnce(latency_, block(), rows.data(), rows.size(), &scratch), Doubles(latency_, rows));
}

TEST_F(ChunkGathersTest, MoreSourcesThanEntriesStayCorrect) {
  std::vector<std::vector<uint32_t>> selections;
  for (uint32_t first = 0; first < 20; ++first) selections.push_back({first, first + 50, first + 2000});
  std::vector<double> scratch;
  const ChunkGathers::Scope scope;
  for (int round = 0; round < 2; ++round) {
    for (const std::vector<uint32_t>& rows : selections) {
      ExpectSameDoubles(GatherDoubleOnce(latency_, block(), rows.data(), rows.size(), &scratch),
                        Doubles(latency_, rows));
    }
  }
}

}  // namespace
}  // namespace mltrack::query
