#pragma once
// Sparse rows: lists of the few rows of a block that a query needs, so that it reads those rows
// instead of a column of every row to find them. Not stored in segments: made from the block's
// columns the first time a query asks and kept with the block's summary for the segment's life.
//   - Slice lists: for a block's value slices (block_slices.h) whose measure has too few values
//     for a sketch (at most ValueSketch::kMinValues), the rows that hold them. A percentile over
//     such a slice must read its values; without the lists the block scan finds them by reading
//     the sliced field's code of every row (the Performance dashboard's per-model TTFT
//     percentiles read ~50 rows of a 65,536-row block that way). Made one slice field at a time
//     (query/sparse_slice_scan.h).
//   - Code lists: the rows of a rare code of an enum field (`status = error`: 1–2 % of a demo
//     block's rows), the candidates of an `eq` filter of it (query/rare_code_rows.h); and the rows
//     where a local string field is present (`exists input_hash`: ~9 % of a demo block's rows),
//     code kPresentCode, listed only when few (`few`).

#include <cstdint>
#include <memory>
#include <vector>

#include "core/field.h"

namespace mltrack::store {

struct SparseRows {
  struct List {
    uint32_t code = 0;            // the slice's code of `field`
    FieldId measure = FieldId::kLatencyMs;
    std::vector<uint16_t> rows;   // ascending; every row of the slice where `measure` is present
  };
  struct Field {
    FieldId field = FieldId::kModel;
    std::vector<List> lists;  // ascending by (code, measure); only slices of 1..kMinValues values
  };
  std::vector<Field> fields;  // the slice fields asked for so far
  struct CodeRows {
    FieldId field = FieldId::kStatus;
    uint32_t code = 0;
    std::vector<uint16_t> rows;  // ascending: every row of the block with this code
    // False: the code is not rare in the block, and `rows` is left empty (a presence list is
    // made before its size is known: local string fields have no summary counts).
    bool few = true;
  };
  // The code of a presence list: the rows where `field` holds a value.
  static constexpr uint32_t kPresentCode = UINT32_MAX;
  std::vector<CodeRows> codes;  // the codes asked for so far

  const Field* Find(FieldId field) const;
  const CodeRows* FindCode(FieldId field, uint32_t code) const;
  // The list of (code, measure) of `field`'s slices; null when not kept (too many values, none,
  // or not a slice of the block).
  static const List* Find(const Field& field, uint32_t code, FieldId measure);
  size_t MemoryBytes() const;
};

}  // namespace mltrack::store
