#pragma once
// Column summaries of only some rows of a block (a value slice's), read in place: the same
// summaries SummarizeIds / SummarizeBytes / SummarizeInts / SummarizeDoubles (block_summary.h)
// give for the picked values, without copying them first. The segment writer summarizes ~5
// slices' worth of rows per block this way (block_slices.h).

#include <cstdint>
#include <span>
#include <vector>

#include "store/block_summary.h"

namespace mltrack::store {

// `rows` ascending, each < the column's size.
ColumnSummary SummarizeIdsAt(const std::vector<int64_t>& ids, std::span<const uint32_t> rows);
ColumnSummary SummarizeBytesAt(const std::vector<uint8_t>& codes, std::span<const uint32_t> rows, bool is_enum);
ColumnSummary SummarizeIntsAt(const std::vector<int64_t>& values, std::span<const uint32_t> rows);
ColumnSummary SummarizeDoublesAt(const std::vector<double>& values, std::span<const uint32_t> rows);

}  // namespace mltrack::store
