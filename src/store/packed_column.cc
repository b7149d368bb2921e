#include "store/packed_column.h"

#include <algorithm>
#include <array>
#include <bit>
#include <limits>
#include <type_traits>
#include <vector>

namespace mltrack::store {
namespace {

constexpr size_t kMaxDistinct = 256;
constexpr size_t kNoForm = std::numeric_limits<size_t>::max();

unsigned PaletteBitsFor(size_t distinct) {
  if (distinct <= 1) return 0;
  if (distinct <= 2) return 1;
  if (distinct <= 4) return 2;
  if (distinct <= 16) return 4;
  return 8;
}

template <typename T>
T Load(const char* values, size_t idx) {
  T value;
  std::memcpy(&value, values + idx * sizeof(T), sizeof(T));
  return value;
}

// The distinct values of `rows` values of type T, ascending; false once there are more than 256.
// Bytes and 16-bit values are marked in a bitmap; 32-bit ones probe a small open-addressing set.
template <typename T>
bool CollectDistinct(const char* values, size_t rows, std::vector<uint32_t>* distinct) {
  distinct->clear();
  if constexpr (sizeof(T) <= 2) {
    thread_local std::vector<uint64_t> seen(size_t{1} << (8 * sizeof(T) - 6), 0);
    bool few = true;
    for (size_t row = 0; row < rows; ++row) {
      const uint32_t value = Load<T>(values, row);
      uint64_t& word = seen[value >> 6];
      const uint64_t bit = uint64_t{1} << (value & 63);
      if ((word & bit) != 0) continue;
      word |= bit;
      distinct->push_back(value);
      if (distinct->size() > kMaxDistinct) {
        few = false;
        break;
      }
    }
    for (const uint32_t value : *distinct) seen[value >> 6] = 0;
    if (!few) return false;
  } else {
    constexpr size_t kSlots = 4 * kMaxDistinct;  // a power of two
    std::array<uint32_t, kSlots> keys;
    std::array<bool, kSlots> used{};
    for (size_t row = 0; row < rows; ++row) {
      const uint32_t value = Load<T>(values, row);
      size_t slot = (value * 0x9E3779B1u) >> 22;
      while (used[slot] && keys[slot] != value) slot = (slot + 1) & (kSlots - 1);
      if (used[slot]) continue;
      used[slot] = true;
      keys[slot] = value;
      distinct->push_back(value);
      if (distinct->size() > kMaxDistinct) return false;
    }
  }
  std::sort(distinct->begin(), distinct->end());
  return true;
}

template <typename T>
uint32_t MaxOf(const char* values, size_t rows) {
  T max = 0;
  for (size_t row = 0; row < rows; ++row) max = std::max(max, Load<T>(values, row));
  return max;
}

// Writes code(value of row) for every row as `bits`-bit codes from the start of `buffer`, over
// the values it reads: byte j of the codes is written only once the codes it holds were formed,
// from values at bytes below (j + 1)·sizeof(T)·8/bits; every value read later lies at or past
// byte j + 1 because bits < 8·sizeof(T). Returns the code bytes written.
template <typename T, typename Code>
size_t WriteCodes(char* buffer, size_t rows, unsigned bits, Code code) {
  auto* codes = reinterpret_cast<uint8_t*>(buffer);
  uint64_t pending = 0;
  unsigned filled = 0;
  size_t out = 0;
  for (size_t row = 0; row < rows; ++row) {
    pending |= uint64_t{code(Load<T>(buffer, row))} << filled;
    filled += bits;
    while (filled >= 8) {
      codes[out++] = static_cast<uint8_t>(pending);
      pending >>= 8;
      filled -= 8;
    }
  }
  if (filled > 0) codes[out++] = static_cast<uint8_t>(pending);
  return out;
}

template <typename T>
size_t Pack(ColumnData* column, size_t rows, char* buffer) {
  const size_t dense = rows * sizeof(T);
  thread_local std::vector<uint32_t> palette;
  const bool few = CollectDistinct<T>(buffer, rows, &palette);
  const uint32_t max = few ? palette.back() : MaxOf<T>(buffer, rows);
  const unsigned value_bits = std::max<unsigned>(std::bit_width(max), 1);
  const size_t palette_bytes = few ? PaletteBytes(rows, palette.size()) : kNoForm;
  const size_t bits_bytes = value_bits < 8 * sizeof(T) ? BitsBytes(rows, value_bits) : kNoForm;
  const size_t bytes = std::min(palette_bytes, bits_bytes);
  if (bytes == kNoForm || bytes * 8 > dense * 7) return 0;
  const size_t exception_count = column->exception_count;
  if (palette_bytes <= bits_bytes) {
    const unsigned bits = PaletteBitsFor(palette.size());
    size_t written = 0;
    if (bits > 0) {
      if constexpr (sizeof(T) == 1) {
        std::array<uint8_t, 256> code_of{};
        for (size_t idx = 0; idx < palette.size(); ++idx) code_of[palette[idx]] = static_cast<uint8_t>(idx);
        written = WriteCodes<T>(buffer, rows, bits, [&](T value) { return code_of[value]; });
      } else {
        written = WriteCodes<T>(buffer, rows, bits, [&](T value) {
          return static_cast<uint32_t>(std::lower_bound(palette.begin(), palette.end(), value) - palette.begin());
        });
      }
    }
    // The codes padded to 4 bytes, the entry count, then the entries.
    const size_t count_offset = (written + 3) / 4 * 4;
    const size_t table_offset = count_offset + sizeof(uint32_t);
    std::memset(buffer + written, 0, count_offset - written);
    const uint32_t distinct = static_cast<uint32_t>(palette.size());
    std::memcpy(buffer + count_offset, &distinct, sizeof distinct);
    std::memcpy(buffer + table_offset, palette.data(), palette.size() * sizeof(uint32_t));
    column->palette = reinterpret_cast<const uint32_t*>(buffer + table_offset);
    column->code_bits = static_cast<uint8_t>(bits);
    column->data = bits == 0 ? static_cast<const void*>(column->palette) : static_cast<const void*>(buffer);
  } else {
    const size_t written = WriteCodes<T>(buffer, rows, value_bits, [](T value) { return uint32_t{value}; });
    std::memset(buffer + written, 0, bytes - written);
    column->code_bits = static_cast<uint8_t>(value_bits);
    column->data = buffer;
  }
  if (exception_count == 0) return bytes;
  // The exception lists (exact values, then rows) follow the dense values: moved down to follow
  // the codes.
  const size_t values_at = (bytes + 7) / 8 * 8;
  std::memmove(buffer + values_at, column->exception_values, exception_count * sizeof(double));
  std::memmove(buffer + values_at + exception_count * sizeof(double), column->exception_rows,
               exception_count * sizeof(uint16_t));
  column->exception_values = reinterpret_cast<const double*>(buffer + values_at);
  column->exception_rows = reinterpret_cast<const uint16_t*>(buffer + values_at + exception_count * sizeof(double));
  return values_at + exception_count * (sizeof(double) + sizeof(uint16_t));
}

// table[code] for the codes (of 1, 2, 4 or 8 bits) of the run first, first + 1, ... (a block or a chunk of
// one: what most selections are): one code byte read per 8 / kBits rows.
template <typename V, unsigned kBits>
void MapCodeRun(const uint8_t* codes, const V* table, uint32_t first, size_t count, V* out) {
  constexpr unsigned kPerByte = 8 / kBits;
  constexpr unsigned kMask = (1u << kBits) - 1;
  auto one = [&](uint32_t row) { return table[(codes[row / kPerByte] >> ((row % kPerByte) * kBits)) & kMask]; };
  size_t idx = 0;
  uint32_t row = first;
  for (; idx < count && row % kPerByte != 0; ++idx, ++row) out[idx] = one(row);
  const uint8_t* byte = codes + row / kPerByte;
  for (; idx + kPerByte <= count; idx += kPerByte, row += kPerByte) {
    const unsigned packed = *byte++;
    for (unsigned k = 0; k < kPerByte; ++k) out[idx + k] = table[(packed >> (k * kBits)) & kMask];
  }
  for (; idx < count; ++idx, ++row) out[idx] = one(row);
}

// table[code] for the codes of any rows.
template <typename V, unsigned kBits>
void MapCodeRows(const uint8_t* codes, const V* table, const uint32_t* rows, size_t count, V* out) {
  constexpr unsigned kPerByte = 8 / kBits;
  constexpr unsigned kMask = (1u << kBits) - 1;
  for (size_t idx = 0; idx < count; ++idx) {
    const uint32_t row = rows[idx];
    out[idx] = table[(codes[row / kPerByte] >> ((row % kPerByte) * kBits)) & kMask];
  }
}

// Codes of 3, 5, 6 or 7 bits (the bits form), which straddle bytes: eight codes in kBits
// bytes, read with one 8-byte load (the codes are followed by 7 bytes of padding).
template <unsigned kBits>
uint64_t LoadCodeGroup(const uint8_t* codes, uint32_t group) {
  uint64_t word;
  std::memcpy(&word, codes + size_t{group} * kBits, sizeof word);
  return word;
}

template <typename V, unsigned kBits>
void MapOddCodeRows(const uint8_t* codes, const V* table, const uint32_t* rows, size_t count, V* out) {
  constexpr uint64_t kMask = (uint64_t{1} << kBits) - 1;
  for (size_t idx = 0; idx < count; ++idx) {
    const uint32_t row = rows[idx];
    out[idx] = table[(LoadCodeGroup<kBits>(codes, row / 8) >> ((row % 8) * kBits)) & kMask];
  }
}

template <typename V, unsigned kBits>
void MapOddCodeRun(const uint8_t* codes, const V* table, uint32_t first, size_t count, V* out) {
  constexpr uint64_t kMask = (uint64_t{1} << kBits) - 1;
  auto one = [&](uint32_t row) {
    return table[(LoadCodeGroup<kBits>(codes, row / 8) >> ((row % 8) * kBits)) & kMask];
  };
  size_t idx = 0;
  uint32_t row = first;
  for (; idx < count && row % 8 != 0; ++idx, ++row) out[idx] = one(row);
  for (; idx + 8 <= count; idx += 8, row += 8) {
    const uint64_t word = LoadCodeGroup<kBits>(codes, row / 8);
    for (unsigned k = 0; k < 8; ++k) out[idx + k] = table[(word >> (k * kBits)) & kMask];
  }
  for (; idx < count; ++idx, ++row) out[idx] = one(row);
}

}  // namespace

size_t PaletteBytes(size_t rows, size_t distinct) {
  return (rows * PaletteBitsFor(distinct) + 31) / 32 * 4 + (1 + distinct) * sizeof(uint32_t);
}

size_t BitsBytes(size_t rows, unsigned bits) { return (rows * bits + 7) / 8 + 7; }

size_t PackColumn(ColumnData* column, size_t rows, char* buffer) {
  if (!column->present() || column->sparse() || column->packed() || rows == 0 || column->data != buffer) return 0;
  switch (column->width) {
    case 1: return Pack<uint8_t>(column, rows, buffer);
    case 2: return Pack<uint16_t>(column, rows, buffer);
    case 4: return Pack<uint32_t>(column, rows, buffer);
    default: return 0;
  }
}

template <typename T>
void UnpackColumn(const ColumnData& column, const uint32_t* rows, size_t count, T* out) {
  const size_t codes = CodeCount(column);
  if (codes == 0) {  // u itself in more than 8 bits
    ForEachBitsValue(column, rows, count, [&](size_t idx, uint32_t value) { out[idx] = static_cast<T>(value); });
    return;
  }
  std::array<T, kMaxDistinct> table;
  for (size_t code = 0; code < codes; ++code) table[code] = static_cast<T>(CodeValue(column, code));
  MapCodes(column, table.data(), rows, count, out);
}

template <typename V>
void MapCodes(const ColumnData& column, const V* table, const uint32_t* rows, size_t count, V* out) {
  const auto* codes = static_cast<const uint8_t*>(column.data);
  if (column.code_bits == 0 || count == 0) {
    std::fill_n(out, count, table[0]);
    return;
  }
  if (IsRowRun(rows, count)) {
    const uint32_t first = rows[0];
    switch (column.code_bits) {
      case 1: return MapCodeRun<V, 1>(codes, table, first, count, out);
      case 2: return MapCodeRun<V, 2>(codes, table, first, count, out);
      case 3: return MapOddCodeRun<V, 3>(codes, table, first, count, out);
      case 4: return MapCodeRun<V, 4>(codes, table, first, count, out);
      case 5: return MapOddCodeRun<V, 5>(codes, table, first, count, out);
      case 6: return MapOddCodeRun<V, 6>(codes, table, first, count, out);
      case 7: return MapOddCodeRun<V, 7>(codes, table, first, count, out);
      default: return MapCodeRun<V, 8>(codes, table, first, count, out);
    }
  }
  switch (column.code_bits) {
    case 1: return MapCodeRows<V, 1>(codes, table, rows, count, out);
    case 2: return MapCodeRows<V, 2>(codes, table, rows, count, out);
    case 3: return MapOddCodeRows<V, 3>(codes, table, rows, count, out);
    case 4: return MapCodeRows<V, 4>(codes, table, rows, count, out);
    case 5: return MapOddCodeRows<V, 5>(codes, table, rows, count, out);
    case 6: return MapOddCodeRows<V, 6>(codes, table, rows, count, out);
    case 7: return MapOddCodeRows<V, 7>(codes, table, rows, count, out);
    default: return MapCodeRows<V, 8>(codes, table, rows, count, out);
  }
}

template void MapCodes<uint8_t>(const ColumnData&, const uint8_t*, const uint32_t*, size_t, uint8_t*);
template void MapCodes<uint16_t>(const ColumnData&, const uint16_t*, const uint32_t*, size_t, uint16_t*);
template void MapCodes<uint32_t>(const ColumnData&, const uint32_t*, const uint32_t*, size_t, uint32_t*);
template void MapCodes<uint64_t>(const ColumnData&, const uint64_t*, const uint32_t*, size_t, uint64_t*);
template void MapCodes<int64_t>(const ColumnData&, const int64_t*, const uint32_t*, size_t, int64_t*);
template void MapCodes<double>(const ColumnData&, const double*, const uint32_t*, size_t, double*);
template void UnpackColumn<uint8_t>(const ColumnData&, const uint32_t*, size_t, uint8_t*);
template void UnpackColumn<uint16_t>(const ColumnData&, const uint32_t*, size_t, uint16_t*);
template void UnpackColumn<uint32_t>(const ColumnData&, const uint32_t*, size_t, uint32_t*);

}  // namespace mltrack::store
