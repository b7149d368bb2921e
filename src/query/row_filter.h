#pragma once
// A filter of a QuerySpec compiled against one snapshot: narrows a selection vector of rows.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/status.h"
#include "query/column_source.h"
#include "query/query_spec.h"
#include "store/table_snapshot.h"

namespace mltrack::query {

// What a block summary proves about a filter over the rows of its block.
enum class FilterVerdict : uint8_t {
  kNone,  // no row passes
  kSome,  // not known: the rows must be read
  kAll,   // every row passes
};

// Semantics (docs/query.md): ne and not_in are the negation of eq and in, so they also keep
// rows where the field is absent; every other comparison needs a present value; exists tests
// presence. Dimension filters (strings, tags, enums, booleans, http_status) are resolved once per
// query to a table indexed by dictionary id / code, so the scan is one lookup per row; so are
// per-key bounds on ts (Filter::by): a table of bounds by dictionary id of the key.
// Thread-safe after construction (Apply is const and uses only caller scratch).
class RowFilter {
 public:
  static Result<RowFilter> Compile(const Filter& filter, const store::TableSnapshot& snapshot);
  // Bytes of the compiled lookup tables (a code table holds a byte per dictionary entry).
  size_t MemoryBytes() const;

  // Keeps the rows of rows[0, count) that match, in order, compacting in place; returns how
  // many remain.
  size_t Apply(const store::ColumnBlock& block, uint32_t* rows, size_t count) const;

  // Zone-map pruning: what `summary` (store/block_summary.h) proves about every row of its
  // block — from the exact code list or the id range of a dimension, from min / max and the
  // present count of a measure.
  FilterVerdict Judge(const store::BlockSummary& summary) const;

  // The static string field (user, team, model, …) whose value alone decides a row; nullopt for
  // filters of tags, enums, numbers and per-key time bounds.
  std::optional<FieldId> StringField() const;
  // The static int or money measure (tokens, cost_usd) whose value alone decides a row; nullopt
  // for every other filter.
  std::optional<FieldId> IntField() const;
  // The tag key index of tags.<key> when the key's value alone decides a row (eq, in, ne, not_in,
  // exists on a tag some row carries); nullopt for every other filter.
  std::optional<size_t> TagKey() const;

 private:
  enum class Mode : uint8_t { kCodeTable, kNumeric, kKeyedBound };

  size_t ApplyNumeric(const store::ColumnBlock& block, uint32_t* rows, size_t count) const;
  size_t ApplyKeyedBound(const store::ColumnBlock& block, uint32_t* rows, size_t count) const;
  FilterVerdict JudgeCodes(const store::ColumnSummary& column, uint32_t rows) const;
  FilterVerdict JudgeNumbers(const store::ColumnSummary& column, uint32_t rows) const;

  Mode mode_ = Mode::kCodeTable;
  ColumnSource source_;
  std::vector<uint8_t> match_;  // kCodeTable: 1 = keep rows whose code is this index
  // Strings and tags under eq / in / ne / not_in: the literals' ids, ascending; every other
  // present id matches as `unlisted_match_` (what an id range without a listed id proves).
  std::vector<uint32_t> listed_ids_;
  bool listed_ = false;
  bool unlisted_match_ = false;
  // exists on a string or tag: match_ is {absent, present} instead of a table by id.
  bool presence_ = false;
  FilterOp op_ = FilterOp::kEq;
  std::vector<double> numbers_;  // kNumeric literals (money in nano-USD)
  // kKeyedBound: ts bound by dictionary id of the `by` field (index 0: absent, never passes).
  std::vector<int64_t> bounds_;
  bool exists_ = true;
};

}  // namespace mltrack::query
