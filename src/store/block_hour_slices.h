#pragma once
// Hour slices: the summary of each UTC hour's rows of a block (not stored in segments). A block
// of a 10M-event store spans about nine hours, so its own summary cannot answer hourly buckets
// (the anomaly detector's default request reads 58 days of hourly cost, calls, error rate and
// p95 latency); its hour slices can, as whole-block answers per hour (query/block_answer.h,
// AnswerFromHourSlices). They are made from the block's decoded columns the first time a query
// asks for them and kept with the block's summary for the segment's life.

#include <cstdint>
#include <memory>
#include <vector>

#include "store/block_slices.h"
#include "store/block_summary.h"
#include "store/table_snapshot.h"

namespace mltrack::store {

inline constexpr int64_t kHourSliceMs = 3'600'000;
// A block gets hour slices only when its rows average at least this many per hour of its
// range (a summary costs a few KiB: sparse blocks spanning days would pay more for their slices
// than their rows cost), and it spans at most kMaxHourSlices hours.
inline constexpr uint32_t kMinHourSliceRows = 1024;
inline constexpr size_t kMaxHourSlices = 64;

struct HourSlice {
  int64_t min_ts = 0;  // over the slice's rows, all within one UTC hour
  int64_t max_ts = 0;
  // Of the slice's rows, exactly as the writer summarizes a block's, for the fields
  // SummarizedPerHour names; the others are absent.
  BlockSummary summary;
};

// Which of a block's columns BlockValuesOf reads.
enum class SummarizedColumns {
  kAll,       // every static field and tag column the block's summary lists
  kMeasures,  // only numbers (ints, money, doubles, http_status), enums and bools: no string ids, no tags
};

// The values of `block` (its summary non-null) as the segment writer summarized them, of the
// columns `which` names (local string fields have no summary).
BlockValues BlockValuesOf(const ColumnBlock& block, SummarizedColumns which = SummarizedColumns::kAll);

// `column` with its sparse values spread over `rows` rows of width 4 in *buffer (the other rows
// 0: absent), so that IdAt / IntAt find a row's value without a binary search of the sparse row
// list; a dense column as it is. Valid while *buffer is unchanged.
ColumnData Densified(const ColumnData& column, size_t rows, std::vector<uint32_t>* buffer);

// Whether an hour slice's summary has `field`'s column as the block's summary has it: numbers,
// enums and bools. String fields and tags are not summarized per hour (their code lists are
// most of the cost of making slices, and hourly queries rarely group or count by them), so a
// slice's summary shows them absent: a query must not read them from a slice.
bool SummarizedPerHour(FieldId field);

// The hour slices of `block` (summary non-null), ascending by hour; empty when the block lies
// within one hour or is too sparse for slices (kMinHourSliceRows, kMaxHourSlices).
std::vector<HourSlice> SliceBlockByHour(const ColumnBlock& block);

// SliceBlockByHour(block), made once per block summary and kept in it (thread-safe).
std::shared_ptr<const std::vector<HourSlice>> HourSlicesOf(const ColumnBlock& block);

}  // namespace mltrack::store
