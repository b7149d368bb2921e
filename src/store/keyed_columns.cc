#include "store/keyed_columns.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace mltrack::store {
namespace {

constexpr uint32_t kFirstSparseCapacity = 4;
// A present ColumnData needs a non-null `data`; a sparse score column lists no row (every value
// is an exception), so its values point here.
constexpr uint8_t kNoValues[8] = {};

}  // namespace

// `capacity` values (uint32 or double) followed by `capacity` uint16 rows, in one allocation.
struct KeyedColumns::Sparse {
  Sparse(uint32_t capacity_in, size_t value_bytes)
      : capacity(capacity_in), bytes(std::make_unique<std::byte[]>(capacity_in * (value_bytes + sizeof(uint16_t)))),
        rows(reinterpret_cast<uint16_t*>(bytes.get() + capacity_in * value_bytes)) {}
  template <typename T>
  T* values() {
    return reinterpret_cast<T*>(bytes.get());
  }

  uint32_t capacity;
  std::unique_ptr<std::byte[]> bytes;
  uint16_t* rows;
};

KeyedColumns::KeyedColumns(Kind kind, size_t capacity) : kind_(kind), capacity_(capacity) {}
KeyedColumns::~KeyedColumns() = default;

KeyedColumns::Column& KeyedColumns::ColumnOf(uint32_t index) {
  if (slot_of_.size() <= index) slot_of_.resize(size_t{index} + 1, 0);
  uint32_t& slot = slot_of_[index];
  if (slot == 0) {
    columns_.emplace_back().index = index;
    slot = static_cast<uint32_t>(columns_.size());
  }
  return columns_[slot - 1];
}

bool KeyedColumns::MakeRoom(Column& column) {
  if (column.dense) return false;
  if (column.sparse && column.count < column.sparse->capacity) return true;
  const size_t value_bytes = ValueBytes();
  const uint32_t next_capacity = column.sparse ? column.sparse->capacity * 2 : kFirstSparseCapacity;
  // Sparse while its arrays stay under half the dense array's size.
  if (size_t{next_capacity} * (value_bytes + sizeof(uint16_t)) * 2 <= capacity_ * value_bytes) {
    auto grown = std::make_shared<Sparse>(next_capacity, value_bytes);
    if (column.sparse) {
      std::memcpy(grown->bytes.get(), column.sparse->bytes.get(), column.count * value_bytes);
      std::memcpy(grown->rows, column.sparse->rows, column.count * sizeof(uint16_t));
    }
    column.sparse = std::move(grown);  // a snapshot holding the old arrays keeps them
    return true;
  }
  column.dense = std::make_unique<std::byte[]>(capacity_ * value_bytes);  // zeroed: absent ids
  if (kind_ == Kind::kTagIds) {
    auto* ids = reinterpret_cast<uint32_t*>(column.dense.get());
    for (uint32_t idx = 0; idx < column.count; ++idx) ids[column.sparse->rows[idx]] = column.sparse->values<uint32_t>()[idx];
  } else {
    auto* values = reinterpret_cast<double*>(column.dense.get());
    std::fill_n(values, capacity_, std::numeric_limits<double>::quiet_NaN());
    for (uint32_t idx = 0; idx < column.count; ++idx) values[column.sparse->rows[idx]] = column.sparse->values<double>()[idx];
  }
  column.sparse.reset();
  column.count = 0;
  return false;
}

void KeyedColumns::SetId(uint32_t index, uint32_t row, uint32_t id) {
  Column& column = ColumnOf(index);
  if (!column.dense && column.count > 0 && column.sparse->rows[column.count - 1] == row) {
    column.sparse->values<uint32_t>()[column.count - 1] = id;
    return;
  }
  if (MakeRoom(column)) {
    column.sparse->values<uint32_t>()[column.count] = id;
    column.sparse->rows[column.count] = static_cast<uint16_t>(row);
    ++column.count;
    return;
  }
  reinterpret_cast<uint32_t*>(column.dense.get())[row] = id;
}

void KeyedColumns::SetScore(uint32_t index, uint32_t row, double value) {
  Column& column = ColumnOf(index);
  if (!column.dense && column.count > 0 && column.sparse->rows[column.count - 1] == row) {
    column.sparse->values<double>()[column.count - 1] = value;
    return;
  }
  if (MakeRoom(column)) {
    column.sparse->values<double>()[column.count] = value;
    column.sparse->rows[column.count] = static_cast<uint16_t>(row);
    ++column.count;
    return;
  }
  reinterpret_cast<double*>(column.dense.get())[row] = value;
}

void KeyedColumns::Collect(std::vector<KeyedColumn>* out, std::vector<std::shared_ptr<const void>>* keep_alive) const {
  out->reserve(out->size() + columns_.size());
  for (const uint32_t slot : slot_of_) {
    if (slot == 0) continue;
    const Column& column = columns_[slot - 1];
    ColumnData data;
    if (column.dense) {
      data.data = column.dense.get();
      data.width = static_cast<uint8_t>(ValueBytes());
    } else if (kind_ == Kind::kTagIds) {
      data.data = column.sparse->bytes.get();
      data.width = sizeof(uint32_t);
      data.sparse_rows = column.sparse->rows;
      data.sparse_count = column.count;
    } else {
      data.data = kNoValues;
      data.width = 1;
      data.scale = 1;
      data.sparse_rows = column.sparse->rows;
      data.sparse_count = 0;
      data.exception_count = column.count;
      data.exception_rows = column.sparse->rows;
      data.exception_values = column.sparse->values<double>();
    }
    out->push_back({column.index, data});
    if (column.sparse) keep_alive->push_back(column.sparse);
  }
}

size_t KeyedColumns::MemoryBytes() const {
  size_t bytes = slot_of_.capacity() * sizeof(uint32_t) + columns_.capacity() * sizeof(Column);
  for (const Column& column : columns_) {
    if (column.dense) bytes += capacity_ * ValueBytes();
    if (column.sparse) bytes += sizeof(Sparse) + column.sparse->capacity * (ValueBytes() + sizeof(uint16_t));
  }
  return bytes;
}

}  // namespace mltrack::store
