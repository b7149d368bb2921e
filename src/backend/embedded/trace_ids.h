#pragma once
// Reading a local string field (trace_id, input_hash) the way it is stored: local to each block's owner (store/local_strings.h),
// never interned. Asking the snapshot for trace_id's table dictionary would translate every row
// of every block (≈ 60 ms per million events, again for each new snapshot); a search needs the
// ids of a page's rows, and at most one pass over the strings for a text or equality match.
//
// Not thread-safe (it caches decoded columns, table pieces and match tables): one per search.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/table_snapshot.h"

namespace mltrack::backend {

class TraceIds {
 public:
  // Reads `field`, which must be a local string field (store::IsLocalStringField).
  explicit TraceIds(const store::TableSnapshot& snapshot, FieldId field = FieldId::kTraceId);

  // The trace id (or other local field's value) of `row` of block `block_index`; "" when absent.
  std::string_view Get(size_t block_index, uint32_t row);

  // Keeps the rows of rows[0, count) of block `block_index` whose trace id satisfies `match`
  // (called once per distinct string of the block's owner, then cached under `key`, which names
  // the predicate); returns how many remain.
  size_t Keep(size_t block_index, uint32_t* rows, size_t count, int key,
              const std::function<bool(std::string_view)>& match);

  // Whether the row's trace id satisfies the predicate cached under `key` (see Keep).
  bool Matches(size_t block_index, uint32_t row, int key, const std::function<bool(std::string_view)>& match);

 private:
  const store::LocalColumn* ColumnOf(size_t block_index) const;
  const store::ColumnData& Ids(size_t block_index, const store::LocalColumn& column);
  const std::vector<uint8_t>& Table(const store::LocalColumn& column, int key,
                                    const std::function<bool(std::string_view)>& match);

  std::unordered_map<size_t, const store::LocalColumn*> by_block_;
  std::unordered_map<size_t, std::vector<uint64_t>> buffers_;  // decoded packed ids by block
  std::unordered_map<size_t, store::ColumnData> ids_;
  // The table pieces Get decoded (a page's strings; the segments keep nothing decoded).
  store::StringPieces pieces_;
  // Match tables by (owner's strings, predicate key): 1 = the local id matches.
  std::unordered_map<const void*, std::unordered_map<int, std::vector<uint8_t>>> tables_;
};

}  // namespace mltrack::backend
