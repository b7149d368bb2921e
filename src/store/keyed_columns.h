#pragma once
// The tag or score columns of one memtable block. A store may hold thousands of tag keys and
// score names (a client that puts an id in a key), most of them carried by a few rows, so a
// column starts sparse — the rows that have a value and their values, growing by doubling — and
// becomes a dense array of the block's capacity only once it holds enough values that the dense
// array is the smaller: a key costs bytes per row that carries it, not kilobytes per block.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "store/table_snapshot.h"

namespace mltrack::store {

// Thread-safety: the memtable's writer calls Set*; Collect and MemoryBytes run under the same
// lock as the writer (Memtable::Impl::mutex). What Collect hands out stays valid and unchanged
// while the keep-alive pointers it adds are held: sparse arrays are replaced, never resized,
// and a dense array is only written at rows past those already collected.
class KeyedColumns {
 public:
  enum class Kind : uint8_t {
    kTagIds,  // uint32 dictionary ids, 0 = absent (ColumnData width 4, base 0)
    kScores,  // doubles, NaN = absent
  };
  // `capacity`: the block's rows (at most 65536, so a row fits the uint16 of sparse layouts).
  KeyedColumns(Kind kind, size_t capacity);
  ~KeyedColumns();
  KeyedColumns(const KeyedColumns&) = delete;
  KeyedColumns& operator=(const KeyedColumns&) = delete;

  // Row `row` of the column of `index` (tag key index / score index) takes `value`. Rows of one
  // column are set in ascending order; setting the last row set again replaces its value.
  void SetId(uint32_t index, uint32_t row, uint32_t id);
  void SetScore(uint32_t index, uint32_t row, double value);

  // Appends a view of every column with a value, ascending by index (table_snapshot.h layouts:
  // a dense tag column is width 4; a sparse one lists its rows with width-4 values; a dense score
  // column is width 8; a sparse one is the scaled layout with every value an exception), and
  // the owners of sparse arrays to `keep_alive`.
  void Collect(std::vector<KeyedColumn>* out, std::vector<std::shared_ptr<const void>>* keep_alive) const;

  size_t MemoryBytes() const;

 private:
  struct Sparse;
  struct Column {
    uint32_t index = 0;
    std::unique_ptr<std::byte[]> dense;  // capacity values once dense
    std::shared_ptr<Sparse> sparse;      // while sparse
    uint32_t count = 0;                  // values in `sparse`
  };

  Column& ColumnOf(uint32_t index);
  // Makes room for one more sparse value, or turns the column dense; returns whether it is sparse.
  bool MakeRoom(Column& column);
  size_t ValueBytes() const { return kind_ == Kind::kTagIds ? sizeof(uint32_t) : sizeof(double); }

  const Kind kind_;
  const size_t capacity_;
  std::vector<Column> columns_;     // in order of first appearance
  std::vector<uint32_t> slot_of_;   // by index: position in columns_ + 1; 0 = no column
};

}  // namespace mltrack::store
