#pragma once
// How the query engine reads one field of a block: resolution of a FieldRef against a snapshot
// (tag keys and score names become column indexes) and typed gathers of selected rows.

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/field.h"
#include "store/block_summary.h"
#include "store/table_snapshot.h"

namespace mltrack::query {

struct ColumnSource {
  enum class Type : uint8_t {
    kNone,         // a tag key or score no row carries: every value absent
    kTs,           // the event time, epoch ms (int64, always present; only min:ts / max:ts read it)
    kString,       // uint32 dictionary ids of a static string field
    kTag,          // uint32 dictionary ids of tags.<key> (index = tag key index)
    kEnum,         // uint8 operation / status
    kBool,         // uint8 kBoolAbsent / kBoolFalse / kBoolTrue
    kInt,          // int64 ints and money (kNullInt = absent)
    kHttpStatus,   // uint16, 0 = absent
    kTotalTokens,  // derived: input + output tokens (absent when both are)
    kTokensPerS,   // derived: output_tokens / ((latency_ms − ttft_ms) / 1000), a double
    kDouble,       // double, NaN = absent
    kScore,        // double scores.<name> (index = score index)
  };
  Type type = Type::kNone;
  FieldId field = FieldId::kTs;
  size_t index = 0;
  const store::Dictionary* dictionary = nullptr;  // kString / kTag

  // True when values are doubles (GatherDouble is exact); false for the int64 domain.
  bool is_double() const { return type == Type::kDouble || type == Type::kScore || type == Type::kTokensPerS; }
};

ColumnSource ResolveColumn(const store::TableSnapshot& snapshot, const FieldRef& field);

// The summary of `source`'s column in a block summary: kCodes for dimensions, kInts for ints
// and money, kDoubles for doubles, kAbsent for a tag key no row carries; null when summaries
// do not cover the source (scores, derived measures, local string fields such as trace_id).
const store::ColumnSummary* SummaryOf(const ColumnSource& source, const store::BlockSummary& summary);

// Reading a sparse or packed column (store::ColumnData::sparse(), packed()): a dense column over
// positions 0..count-1 of the stored values of rows[0..count) (0 for unlisted sparse rows), with
// *positions at the identity 0..count-1; a dense column is returned as it is, *positions = rows.
// Either way rows[idx]'s value is at positions[idx]. Lives in thread-local scratch until the next
// call on this thread; `rows` ascending is the fast path, any order is correct. Gathers and
// filters skip it for packed columns where they can: codes of at most 8 bits through a table per
// code (store::MapCodes), wider bits straight from the packed words (store::ForEachBitsValue).
store::ColumnData SelectColumn(const store::ColumnData& column, const uint32_t* rows, size_t count,
                               const uint32_t** positions);

// Values of `rows` in the int64 domain: ints and money as stored, ts in epoch ms, http_status
// and total_tokens widened, dictionary ids / enum values / bool codes as integers; kNullInt = absent (string id 0
// and bool kBoolAbsent become kNullInt). Not for double sources.
void GatherInt(const ColumnSource& source, const store::ColumnBlock& block, const uint32_t* rows,
               size_t count, int64_t* out);

// Values of `rows` as doubles, NaN = absent (int sources are converted; tokens_per_s is
// computed).
void GatherDouble(const ColumnSource& source, const store::ColumnBlock& block, const uint32_t* rows,
                  size_t count, double* out);

// Dimension codes of `rows` for grouping: dictionary id, enum value, bool code or http status
// (0 = absent except for enums, whose 0 is a real value). Only for dimension sources.
void GatherCode(const ColumnSource& source, const store::ColumnBlock& block, const uint32_t* rows,
                size_t count, uint64_t* out);

// Whether `source`'s column in `block` stores codes of at most 8 bits (store::CodeCount); if so,
// that column is *stored and keys[code] = what GatherCode gives for a row of that code.
bool GatherCodeTable(const ColumnSource& source, const store::ColumnBlock& block, std::array<uint64_t, 256>& keys,
                     store::ColumnData* stored);

}  // namespace mltrack::query
