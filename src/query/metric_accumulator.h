#pragma once
// One metric of a query over many groups: the glue between a column and an aggregate of
// src/query/aggregate/ (which own State / Update / Combine / Finalize).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "query/column_source.h"
#include "query/query_result.h"
#include "query/query_spec.h"
#include "query/time_bucket.h"
#include "store/table_snapshot.h"

namespace mltrack::query {

// The days of days:ts: 1-day buckets in the query's zone, exact for instants in [from_ms, to_ms)
// (block time ranges are clamped to it before they are bucketed).
struct DayGrid {
  TimeBucketer bucketer;
  int64_t from_ms = INT64_MIN;
  int64_t to_ms = INT64_MAX;
};

// Per-group states of one metric. Not thread-safe: one per scanning thread, merged afterwards.
class MetricAccumulator {
 public:
  virtual ~MetricAccumulator() = default;

  // Makes room for groups [0, groups).
  virtual void Resize(size_t groups) = 0;
  // Adds the selected rows of `block`; row rows[i] belongs to group groups[i] (or to group 0
  // when `groups` is null).
  virtual void Update(const store::ColumnBlock& block, const uint32_t* rows, size_t count,
                      const uint32_t* groups) = 0;
  // Combines `other` (same metric) into this: other's group g goes into group_map[g]. Only
  // reads `other`, so one cached accumulator (query_cache.h) may be merged by many queries.
  virtual void Merge(const MetricAccumulator& other, const uint32_t* group_map) = 0;
  // Whole-block answers (query/block_answer.h): whether this metric's state over every row of
  // a block follows from the block's summary (`*block.summary`, non-null) and time range alone
  // (count, sum, avg, min, max, min:ts / max:ts, count:<field>, rate, uniq of a dimension whose
  // codes the summary lists, percentiles of a double field with a block sketch), and adding it
  // to `group`.
  virtual bool CanAddSummary(const store::ColumnBlock& block) const {
    (void)block;
    return false;
  }
  virtual void AddSummary(const store::ColumnBlock& block, uint32_t group) {
    (void)block;
    (void)group;
  }
  // True only for `count`, whose AddRows adds `rows` rows to `group` (a block's counts per
  // value of a dimension).
  virtual bool counts_rows() const { return false; }
  virtual void AddRows(uint32_t group, uint64_t rows) {
    (void)group;
    (void)rows;
  }
  // Whether `rows` rows of `block` (in range, passing the filters) follow from their number and
  // the block alone — `count`, and `days:ts` when the block lies within one day — and adding
  // them to `group`: whole-block answers per value of a dimension.
  virtual bool AddsBlockRows(const store::ColumnBlock& block) const {
    (void)block;
    return counts_rows();
  }
  virtual void AddBlockRows(const store::ColumnBlock& block, uint32_t group, uint64_t rows) {
    (void)block;
    AddRows(group, rows);
  }
  // User rollups (store/block_user_rollup.h; query/block_scan.cc): whether this metric over each
  // entry's rows follows from the entry — count, count:cost_usd, sums of input, output and
  // total tokens and of cost, rate:error, min:ts / max:ts, days:ts of a block within two days,
  // uniq of user, team or experiment — and adding entries entries[0, count) of `block`'s
  // rollup, entry entries[i] into group groups[i]; rows[i] is that entry's row (UserRollup::row).
  virtual bool AddsRollup(const store::ColumnBlock& block) const {
    (void)block;
    return false;
  }
  virtual void AddRollup(const store::ColumnBlock& block, const uint32_t* entries, size_t count, const uint32_t* rows,
                         const uint32_t* groups) {
    (void)block;
    (void)entries;
    (void)count;
    (void)rows;
    (void)groups;
  }
  // Whether Subtract is exact for this metric (count, count:<field>, rate, integer and money
  // sums), and removing `other`'s (the same metric's) group 0 from `group`: a block's summary
  // minus the rows of it that belong to another group (block_answer.h, AnswerAcrossBucketEdge).
  virtual bool Subtracts() const { return false; }
  virtual void Subtract(const MetricAccumulator& other, uint32_t group) {
    (void)other;
    (void)group;
  }
  // The group's final value (may reorder internal state, e.g. percentiles).
  virtual Cell Finalize(size_t group) = 0;
  // Frees the per-chunk scratch buffers (the states stay): before an accumulator is cached.
  virtual void ReleaseScratch() = 0;
  // Bytes held by the states (and any scratch still held), for the cache's memory bound.
  virtual size_t MemoryBytes() const = 0;
};

// Whether a column summary's 64-bit int sum is exact: absent, or ints whose every partial sum
// stays within int64 (otherwise the stored sum wrapped and the rows are read).
bool IntSumFits(const store::ColumnSummary& column);

// Empty accumulators for `metrics`, in order. Percentiles of one field share one state (the
// later ones read the first's), so the result must be used as a whole. `days` is the day grid of
// days:ts (Plan::days; UTC days when null).
std::vector<std::unique_ptr<MetricAccumulator>> MakeAccumulators(const std::vector<MetricSpec>& metrics,
                                                                 const store::TableSnapshot& snapshot,
                                                                 const DayGrid* days = nullptr);

// An empty accumulator for `metric`, reading `source` (ignored for count and rate).
std::unique_ptr<MetricAccumulator> MakeAccumulator(const MetricSpec& metric,
                                                   const store::TableSnapshot& snapshot,
                                                   const DayGrid* days = nullptr);

}  // namespace mltrack::query
