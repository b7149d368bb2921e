#pragma once
// A filter of a QuerySpec compiled against one snapshot: narrows a selection vector of rows.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/status.h"
#include "query/column_source.h"
#include "query/query_spec.h"
#include "store/table_snapshot.h"

namespace mltrack::query {

// Semantics (docs/query.md): ne and not_in are the negation of eq and in, so they also keep
// rows where the field is absent; every other comparison needs a present value; exists tests
// presence. Dimension filters (strings, tags, enums, booleans, http_status) are resolved once per
// query to a table indexed by dictionary id / code, so the scan is one lookup per row.
// Thread-safe after construction (Apply is const and uses only caller scratch).
class RowFilter {
 public:
  static Result<RowFilter> Compile(const Filter& filter, const store::TableSnapshot& snapshot);

  // Keeps the rows of rows[0, count) that match, in order, compacting in place; returns how
  // many remain.
  size_t Apply(const store::ColumnBlock& block, uint32_t* rows, size_t count) const;

 private:
  enum class Mode : uint8_t { kCodeTable, kNumeric };

  size_t ApplyNumeric(const store::ColumnBlock& block, uint32_t* rows, size_t count) const;

  Mode mode_ = Mode::kCodeTable;
  ColumnSource source_;
  std::vector<uint8_t> match_;  // kCodeTable: 1 = keep rows whose code is this index
  FilterOp op_ = FilterOp::kEq;
  std::vector<double> numbers_;  // kNumeric literals (money in nano-USD)
  bool exists_ = true;
};

}  // namespace mltrack::query
