#pragma once
// How the segment writer lays out one column of one output block before compression: frame of
// reference integers, scaled doubles with exceptions, sparse chunks (segment_format.h,
// docs/segment_format.md). Used by segment_writer.cc only.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "store/segment_format.h"

namespace mltrack::store {

// One column of one output block before compression.
struct EncodedColumn {
  segment::ChunkKind kind = segment::ChunkKind::kField;
  uint32_t index = 0;
  uint8_t width = 0;
  int64_t base = 0;
  uint8_t scale_digits = segment::kRawDoubles;
  bool sparse = false;
  uint32_t sparse_count = 0;
  std::vector<std::pair<uint16_t, double>> exceptions;  // scaled doubles: (row, exact value)
  std::string raw;
};

// Appends value_of(0) … value_of(count − 1), each cut to `width` bytes (little-endian), with
// one resize and no per-value branch on the width.
template <typename T, typename ValueOf>
void AppendAllNarrow(std::string* out, size_t count, ValueOf value_of) {
  const size_t start = out->size();
  out->resize(start + count * sizeof(T));
  char* at = out->data() + start;
  for (size_t idx = 0; idx < count; ++idx, at += sizeof(T)) {
    const T narrow = static_cast<T>(value_of(idx));
    std::memcpy(at, &narrow, sizeof(T));
  }
}

template <typename ValueOf>
void AppendAllWidth(std::string* out, uint8_t width, size_t count, ValueOf value_of) {
  switch (width) {
    case 1: return AppendAllNarrow<uint8_t>(out, count, value_of);
    case 2: return AppendAllNarrow<uint16_t>(out, count, value_of);
    case 4: return AppendAllNarrow<uint32_t>(out, count, value_of);
    default: return AppendAllNarrow<uint64_t>(out, count, value_of);
  }
}

// The narrowest of widths 1, 2, 4 and 8 that holds `max_offset`.
uint8_t WidthFor(uint64_t max_offset);

// Appends a column's exceptions to its raw bytes (segment_format.h).
void AppendExceptions(EncodedColumn* column);

// Rewrites a narrow column whose stored values are mostly 0 (absent) as a sparse chunk when
// that at least halves its decoded size.
void MaybeSparsify(EncodedColumn* column, size_t rows);

// Frame of reference over present values (kNullInt = absent); false when every value is absent.
bool EncodeInts(const std::vector<int64_t>& values, EncodedColumn* column);
// Enum and bool codes, width 1; false when every code is 0.
bool EncodeBytes(const std::vector<uint8_t>& values, EncodedColumn* column);
// Doubles (NaN = absent) as scaled integers with exceptions, or raw; false when all are absent.
bool EncodeDoubles(const std::vector<double>& values, EncodedColumn* column);

// The ids of a column of `rows` rows of which only `rows_present` (ascending) carry a value,
// `ids[i]` (≥ 1) in row rows_present[i]: byte for byte what EncodeInts then MaybeSparsify give
// for the same column, without a value per row. False (nothing written) when that would not be
// a sparse chunk; the caller then encodes the column densely.
bool EncodeSparseIds(const std::vector<uint16_t>& rows_present, const std::vector<uint32_t>& ids, size_t rows,
                     EncodedColumn* column);

// The doubles of a column of which only `rows_present` (ascending) carry a value (not NaN),
// `values[i]` in row rows_present[i], as a sparse chunk: the present values are encoded as
// EncodeDoubles would encode them alone, the rows whose scaled integer is not 0 are listed, and
// the others (and every value when no scaled layout fits) become exceptions. Exceptions
// appended (AppendExceptions is not to be called again). Returns the decoded size the same
// layout would have as a dense column of `rows` rows, for the caller to choose.
size_t EncodeSparseDoubles(const std::vector<uint16_t>& rows_present, const std::vector<double>& values, size_t rows,
                           EncodedColumn* column);

}  // namespace mltrack::store
