#pragma once
// Packed forms of a decoded segment column (ColumnData::packed(), table_snapshot.h): a dense
// narrow column (width 1/2/4) keeps each row's stored value u in fewer bits than its width,
//   - palette: the block's distinct u values (at most 256) in a table, each row a 0-, 1-, 2-, 4-
//     or 8-bit index into it. The demo's enums and low-cardinality strings (status, operation,
//     provider, model, team, ...) hold at most 16 values per block: 4 bits or less a row instead
//     of a byte; http_status (2 bytes) 2 bits;
//   - bits: u itself in code_bits = bit width of the block's largest u (latency_ms in 0.1 ms up
//     to 60 s: 20 bits instead of 4 bytes).
// The reader packs a column after decoding its chunk when a form takes at most 7/8 of the dense
// bytes; the segment file is unchanged. Queries read a column of codes of at most 8 bits
// through a table with an entry per code (MapCodes: a filter's verdict, a group code or a
// value per entry, built once per read), and expand the rows they select of a wider bits
// column (query::SelectColumn), as for a sparse column.

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "store/table_snapshot.h"

namespace mltrack::store {

// Bytes the palette form of `rows` rows of `distinct` values takes (codes padded to 4 bytes,
// the uint32 count of values, then the table of uint32 values).
size_t PaletteBytes(size_t rows, size_t distinct);
// Bytes the bits form of `rows` rows of `bits` bits takes (codes, then 7 bytes of padding so
// that every code is read with one 8-byte load, rounded up to 8).
size_t BitsBytes(size_t rows, unsigned bits);

// Packs the dense narrow column `*column` (width 1/2/4, `rows` values at `buffer`, where the
// decoder put them; exception lists, if any, lie after the values) in place into the smaller of
// its two packed forms, when that takes at most 7/8 of the values' bytes, and moves the
// exception lists down after the codes. Returns the bytes the column now takes from `buffer`
// (exception lists included), or 0 when it was left as it was (sparse, not narrow, or no form
// small enough).
size_t PackColumn(ColumnData* column, size_t rows, char* buffer);

// The entries of a palette column's table (column.palette != nullptr), 1 to 256: every code is
// below it. Kept just before the table.
inline size_t PaletteSize(const ColumnData& column) { return column.palette[-1]; }

// Code tables: a packed column whose codes take at most 8 bits (every palette column, and a
// bits column of u < 256) is read through a table with one entry per code, which the caller
// fills from the stored value u of each code (a filter's verdict, a group code, a value).
// The number of codes (0 for other columns: dense, sparse, or bits wider than 8):
inline size_t CodeCount(const ColumnData& column) {
  if (column.palette != nullptr) return PaletteSize(column);
  return column.code_bits != 0 && column.code_bits <= 8 ? size_t{1} << column.code_bits : 0;
}
// The stored value u of code `code` (below CodeCount).
inline uint32_t CodeValue(const ColumnData& column, size_t code) {
  return column.palette != nullptr ? column.palette[code] : static_cast<uint32_t>(code);
}

// Whether rows[0, count) is the run rows[0], rows[0] + 1, ... (a whole block or a chunk of one:
// the common case, which readers serve from contiguous words); false when count is 0. Every row
// is checked (a selection need not be ascending), eight at a time: a filter of a chunk of 2048
// rows of 2-bit codes costs about as much as this check did one row at a time.
inline bool IsRowRun(const uint32_t* rows, size_t count) {
  if (count == 0 || rows[count - 1] - rows[0] + 1 != count) return false;
  const uint32_t first = rows[0];
  size_t idx = 0;
#if defined(__SSE2__)
  __m128i expected_low = _mm_add_epi32(_mm_set1_epi32(static_cast<int>(first)), _mm_setr_epi32(0, 1, 2, 3));
  __m128i expected_high = _mm_add_epi32(expected_low, _mm_set1_epi32(4));
  const __m128i eight = _mm_set1_epi32(8);
  __m128i diff = _mm_setzero_si128();
  for (; idx + 8 <= count; idx += 8) {
    const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows + idx));
    const __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows + idx + 4));
    diff = _mm_or_si128(diff, _mm_or_si128(_mm_xor_si128(low, expected_low), _mm_xor_si128(high, expected_high)));
    expected_low = _mm_add_epi32(expected_low, eight);
    expected_high = _mm_add_epi32(expected_high, eight);
  }
  if (_mm_movemask_epi8(_mm_cmpeq_epi32(diff, _mm_setzero_si128())) != 0xFFFF) return false;
#endif
  bool run = true;
  for (; idx < count; ++idx) run &= rows[idx] == first + idx;
  return run;
}

// The stored value u of `row` of a packed column.
inline uint32_t PackedOffset(const ColumnData& column, size_t row) {
  const unsigned bits = column.code_bits;
  const auto* codes = static_cast<const uint8_t*>(column.data);
  if (column.palette == nullptr) {
    const uint64_t bit = uint64_t{row} * bits;
    uint64_t word;
    std::memcpy(&word, codes + (bit >> 3), sizeof word);
    return static_cast<uint32_t>((word >> (bit & 7)) & ((uint64_t{1} << bits) - 1));
  }
  if (bits == 0) return column.palette[0];
  const size_t bit = row * bits;
  return column.palette[(codes[bit >> 3] >> (bit & 7)) & ((1u << bits) - 1)];
}

// Calls fn(idx, u of rows[idx]) for every idx of a column of the bits form (palette null,
// code_bits > 0): one unaligned 8-byte load a row, inlined into the caller's loop so that a
// gather of a wide bits column (ids of 10 bits, latencies of 20) forms its values straight
// from the packed words.
template <typename Fn>
inline void ForEachBitsValue(const ColumnData& column, const uint32_t* rows, size_t count, Fn&& fn) {
  const auto* codes = static_cast<const uint8_t*>(column.data);
  const unsigned bits = column.code_bits;
  const uint64_t mask = (uint64_t{1} << bits) - 1;
  for (size_t idx = 0; idx < count; ++idx) {
    const uint64_t bit = uint64_t{rows[idx]} * bits;
    uint64_t word;
    std::memcpy(&word, codes + (bit >> 3), sizeof word);
    fn(idx, static_cast<uint32_t>((word >> (bit & 7)) & mask));
  }
}

// out[idx] = u of rows[idx] for a packed column, T = the column's width (uint8_t/16/32).
template <typename T>
void UnpackColumn(const ColumnData& column, const uint32_t* rows, size_t count, T* out);

// out[idx] = table[code of rows[idx]] for a column with CodeCount(column) > 0, where the
// caller's `table` holds CodeCount(column) entries. A run of rows (a block or a chunk of one)
// reads each code byte once. V: uint8_t, uint16_t, uint32_t, uint64_t, int64_t or double.
template <typename V>
void MapCodes(const ColumnData& column, const V* table, const uint32_t* rows, size_t count, V* out);

}  // namespace mltrack::store
