#include "store/packed_column.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <vector>

namespace mltrack::store {
namespace {

// A dense narrow column of `values` (width sizeof(T)) in an 8-byte aligned buffer, as the
// segment reader decodes it, packed in place by PackColumn.
template <typename T>
struct Packed {
  explicit Packed(const std::vector<T>& values) : buffer((values.size() * sizeof(T) + 7) / 8 + 1, 0) {
    std::memcpy(buffer.data(), values.data(), values.size() * sizeof(T));
    column.data = buffer.data();
    column.width = sizeof(T);
    column.base = 7;
    bytes = PackColumn(&column, values.size(), reinterpret_cast<char*>(buffer.data()));
  }
  std::vector<uint64_t> buffer;
  ColumnData column;
  size_t bytes = 0;
};

template <typename T>
std::vector<T> Cycle(size_t rows, std::vector<T> distinct) {
  std::vector<T> values(rows);
  for (size_t row = 0; row < rows; ++row) values[row] = distinct[(row * 7 + row / 3) % distinct.size()];
  return values;
}

// Every row read back through PackedOffset, UnpackColumn (all rows, a stride, backwards, an inner run) and
// IdAt equals the value packed.
template <typename T>
void ExpectReadsBack(const Packed<T>& packed, const std::vector<T>& values) {
  ASSERT_TRUE(packed.column.packed());
  std::vector<uint32_t> all(values.size());
  for (uint32_t row = 0; row < values.size(); ++row) all[row] = row;
  std::vector<uint32_t> strided;
  for (uint32_t row = 1; row < values.size(); row += 5) strided.push_back(row);
  std::vector<uint32_t> backwards(all.rbegin(), all.rend());
  // A run that starts and ends inside a code byte.
  std::vector<uint32_t> inner;
  for (uint32_t row = 3; row + 2 < values.size(); ++row) inner.push_back(row);
  for (const std::vector<uint32_t>* rows : {&all, &strided, &backwards, &inner}) {
    std::vector<T> out(rows->size());
    UnpackColumn(packed.column, rows->data(), rows->size(), out.data());
    for (size_t idx = 0; idx < rows->size(); ++idx) ASSERT_EQ(out[idx], values[(*rows)[idx]]) << "row " << (*rows)[idx];
  }
  if (packed.column.palette != nullptr) {
    // The palette holds each distinct value once, ascending.
    const std::set<T> distinct(values.begin(), values.end());
    ASSERT_EQ(PaletteSize(packed.column), distinct.size());
    ASSERT_TRUE(std::equal(distinct.begin(), distinct.end(), packed.column.palette));
  }
  if (const size_t codes = CodeCount(packed.column); codes > 0) {
    // A table over the codes maps the codes of any selection to the entry of each row's value.
    ASSERT_LE(codes, 256u);
    std::vector<uint64_t> table(codes);
    for (size_t code = 0; code < codes; ++code) table[code] = uint64_t{CodeValue(packed.column, code)} * 3 + 1;
    for (const std::vector<uint32_t>* rows : {&all, &strided, &backwards, &inner}) {
      std::vector<uint64_t> out(rows->size());
      MapCodes(packed.column, table.data(), rows->data(), rows->size(), out.data());
      for (size_t idx = 0; idx < rows->size(); ++idx) {
        ASSERT_EQ(out[idx], uint64_t{values[(*rows)[idx]]} * 3 + 1) << "row " << (*rows)[idx];
      }
    }
  } else {
    ASSERT_GT(packed.column.code_bits, 8);
  }
  for (size_t row = 0; row < values.size(); ++row) {
    ASSERT_EQ(PackedOffset(packed.column, row), uint32_t{values[row]}) << "row " << row;
    ASSERT_EQ(IdAt(packed.column, row), values[row] == 0 ? kAbsentId : static_cast<uint32_t>(7 + values[row])) << "row " << row;
  }
}

TEST(PackedColumnTest, CodesOfEveryWidthReadBack) {
  struct Case {
    std::vector<uint32_t> distinct;
    bool palette;   // of the byte column, once rows are many
    unsigned bits;
  };
  const std::vector<Case> cases = {
      {{5}, true, 0},
      {{0, 9}, true, 1},
      {{0, 1, 2}, false, 2},  // u itself in 2 bits beats a palette of 2-bit codes
      {{3, 1, 4, 15}, true, 2},
      {{1, 2, 3, 4, 5}, false, 3},
      {{0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30}, true, 4},
  };
  for (const size_t rows : {1, 7, 8, 4099, 65536}) {
    for (const Case& test_case : cases) {
      SCOPED_TRACE(::testing::Message() << rows << " rows, " << test_case.distinct.size() << " values");
      std::vector<uint8_t> narrow;
      for (uint32_t value : test_case.distinct) narrow.push_back(static_cast<uint8_t>(value));
      const std::vector<uint8_t> bytes = Cycle(rows, narrow);
      const Packed<uint8_t> packed_bytes(bytes);
      if (rows < 100) {
        // Few rows: a palette table (after its 4-byte count) or the 7 bytes of padding outweigh
        // the values.
        EXPECT_FALSE(packed_bytes.column.packed());
        continue;
      }
      EXPECT_EQ(packed_bytes.column.palette != nullptr, test_case.palette);
      EXPECT_EQ(packed_bytes.column.code_bits, test_case.bits);
      EXPECT_EQ(packed_bytes.bytes, test_case.palette ? PaletteBytes(rows, test_case.distinct.size())
                                                       : BitsBytes(rows, test_case.bits));
      ExpectReadsBack(packed_bytes, bytes);

      // Wider values of as few distinct: palettes.
      std::vector<uint16_t> wide;
      for (uint32_t value : test_case.distinct) wide.push_back(static_cast<uint16_t>(value * 1000));
      const std::vector<uint16_t> shorts = Cycle(rows, wide);
      const Packed<uint16_t> packed_shorts(shorts);
      EXPECT_NE(packed_shorts.column.palette, nullptr);
      ExpectReadsBack(packed_shorts, shorts);

      std::vector<uint32_t> widest;
      for (uint32_t value : test_case.distinct) widest.push_back(value * 100'000);
      const std::vector<uint32_t> words = Cycle(rows, widest);
      ExpectReadsBack(Packed<uint32_t>(words), words);
    }
  }
}

TEST(PackedColumnTest, ManyValuesKeepTheirBits) {
  // 256 distinct 16-bit values: a palette of byte codes (no bit of u is always 0).
  std::vector<uint16_t> distinct;
  for (uint16_t value = 0; value < 256; ++value) distinct.push_back(static_cast<uint16_t>(value * 257));
  const std::vector<uint16_t> shorts = Cycle<uint16_t>(10'000, distinct);
  const Packed<uint16_t> palette(shorts);
  EXPECT_NE(palette.column.palette, nullptr);
  EXPECT_EQ(palette.column.code_bits, 8);
  EXPECT_EQ(palette.bytes, 10'000u + 4 + 256 * 4);
  ExpectReadsBack(palette, shorts);

  // 17 byte values: 5 bits each.
  std::vector<uint8_t> bytes(10'000);
  for (size_t row = 0; row < bytes.size(); ++row) bytes[row] = static_cast<uint8_t>(row % 17);
  const Packed<uint8_t> five_bits(bytes);
  EXPECT_EQ(five_bits.column.palette, nullptr);
  EXPECT_EQ(five_bits.column.code_bits, 5);
  ExpectReadsBack(five_bits, bytes);
  // 40 and 100 values in 16-bit words: 6 and 7 bits, codes straddling bytes.
  for (const unsigned modulus : {40u, 100u}) {
    std::vector<uint16_t> few(10'001);
    for (size_t row = 0; row < few.size(); ++row) few[row] = static_cast<uint16_t>((row * 7) % modulus);
    const Packed<uint16_t> odd_bits(few);
    EXPECT_EQ(odd_bits.column.palette, nullptr);
    EXPECT_EQ(odd_bits.column.code_bits, modulus == 40 ? 6 : 7);
    ExpectReadsBack(odd_bits, few);
  }

  // Thousands of values below 2^20 in 32-bit words (latencies in 0.1 ms): 20 bits each,
  // straddling bytes.
  std::vector<uint32_t> words(70'001);
  for (size_t row = 0; row < words.size(); ++row) words[row] = static_cast<uint32_t>((row * 2654435761u) % (1u << 20));
  const Packed<uint32_t> twenty_bits(words);
  EXPECT_EQ(twenty_bits.column.palette, nullptr);
  EXPECT_EQ(twenty_bits.column.code_bits, 20);
  EXPECT_EQ(twenty_bits.bytes, BitsBytes(words.size(), 20));
  ExpectReadsBack(twenty_bits, words);
}

TEST(PackedColumnTest, ExceptionListsFollowTheCodes) {
  // A scaled double column as the decoder lays it out: 1000 u32 values (u = 0 at the
  // exceptions), padded to 8 bytes, 3 exact values, their 3 rows.
  const size_t rows = 1000;
  std::vector<uint64_t> buffer((rows * 4 + 7) / 8 + 3 + 1);
  auto* values = reinterpret_cast<uint32_t*>(buffer.data());
  for (size_t row = 0; row < rows; ++row) values[row] = static_cast<uint32_t>(1 + row % 3000);
  const uint16_t excepted_rows[] = {4, 500, 999};
  const double exact[] = {0.123456789, 1e300, -2.5};
  for (const uint16_t row : excepted_rows) values[row] = 0;
  char* lists = reinterpret_cast<char*>(buffer.data()) + rows * 4;
  std::memcpy(lists, exact, sizeof exact);
  std::memcpy(lists + sizeof exact, excepted_rows, sizeof excepted_rows);
  ColumnData column;
  column.data = buffer.data();
  column.width = 4;
  column.scale = 10;
  column.base = -1;
  column.exception_count = 3;
  column.exception_values = reinterpret_cast<const double*>(lists);
  column.exception_rows = reinterpret_cast<const uint16_t*>(lists + sizeof exact);
  const size_t used = PackColumn(&column, rows, reinterpret_cast<char*>(buffer.data()));
  ASSERT_TRUE(column.packed());
  EXPECT_EQ(column.code_bits, 10);  // u ≤ 1000
  EXPECT_EQ(used, (BitsBytes(rows, 10) + 7) / 8 * 8 + 3 * 10);
  // Both lists now lie in the first `used` bytes, after the codes.
  EXPECT_LE(reinterpret_cast<const char*>(column.exception_rows + 3), reinterpret_cast<const char*>(buffer.data()) + used);
  for (size_t row = 0; row < rows; ++row) {
    const double got = DoubleAt(column, row);
    double want = static_cast<double>(-1 + static_cast<int64_t>(1 + row % 3000)) / 10;
    for (size_t idx = 0; idx < 3; ++idx) {
      if (excepted_rows[idx] == row) want = exact[idx];
    }
    ASSERT_EQ(got, want) << "row " << row;
  }
}

TEST(PackedColumnTest, LeavesColumnsItCannotShrink) {
  // More than 256 values using all 16 bits.
  std::vector<uint16_t> many(10'000);
  for (size_t row = 0; row < many.size(); ++row) many[row] = static_cast<uint16_t>(row * 40'503);
  EXPECT_FALSE(Packed<uint16_t>(many).column.packed());
  // 15 of 16 bits: an eighth would not be saved.
  for (size_t row = 0; row < many.size(); ++row) many[row] = static_cast<uint16_t>((row * 40'503) & 0x7FFF);
  EXPECT_FALSE(Packed<uint16_t>(many).column.packed());

  std::vector<uint64_t> buffer(200, 0x0303030303030303ull);
  const uint16_t rows[] = {1, 2};
  ColumnData sparse;
  sparse.data = buffer.data();
  sparse.width = 1;
  sparse.sparse_rows = rows;
  sparse.sparse_count = 2;
  EXPECT_EQ(PackColumn(&sparse, 1000, reinterpret_cast<char*>(buffer.data())), 0u);
  EXPECT_FALSE(sparse.packed());

  ColumnData raw;
  raw.data = buffer.data();
  raw.width = 8;
  EXPECT_EQ(PackColumn(&raw, 100, reinterpret_cast<char*>(buffer.data())), 0u);
  EXPECT_FALSE(raw.packed());
}

// A run is every row first, first + 1, … in order: a selection with the run's first and last rows
// and count but two rows swapped, one row repeated, or one row past the run is not one, at every
// position of runs of every length up to 40 (checked eight rows at a time, then one by one).
TEST(PackedColumnTest, RowRunsAreCheckedRowByRow) {
  EXPECT_FALSE(IsRowRun(nullptr, 0));
  for (uint32_t count = 1; count <= 40; ++count) {
    std::vector<uint32_t> run(count);
    for (uint32_t idx = 0; idx < count; ++idx) run[idx] = 1000 + idx;
    EXPECT_TRUE(IsRowRun(run.data(), count)) << count;
    for (uint32_t idx = 1; idx + 1 < count; ++idx) {
      std::vector<uint32_t> swapped = run;
      std::swap(swapped[idx], swapped[idx + 1]);
      EXPECT_FALSE(IsRowRun(swapped.data(), count)) << count << " swap at " << idx;
      std::vector<uint32_t> repeated = run;
      repeated[idx] = repeated[idx - 1];
      EXPECT_FALSE(IsRowRun(repeated.data(), count)) << count << " repeat at " << idx;
      std::vector<uint32_t> past = run;
      past[idx] += 1u << 20;
      EXPECT_FALSE(IsRowRun(past.data(), count)) << count << " past at " << idx;
    }
  }
}

}  // namespace
}  // namespace mltrack::store
