#include "store/column_encoding.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/field.h"

namespace mltrack::store {

// Appends a column's exceptions to its raw bytes (segment_format.h).
void AppendExceptions(EncodedColumn* column) {
  if (column->exceptions.empty()) return;
  column->raw.resize((column->raw.size() + 7) / 8 * 8, '\0');
  for (const auto& [row, value] : column->exceptions) {
    column->raw.append(reinterpret_cast<const char*>(&value), sizeof(double));
  }
  for (const auto& [row, value] : column->exceptions) {
    column->raw.push_back(static_cast<char>(row & 0xFF));
    column->raw.push_back(static_cast<char>(row >> 8));
  }
}

namespace {

template <typename T>
size_t CountNonZeroOf(const char* data, size_t rows) {
  size_t count = 0;
  for (size_t row = 0; row < rows; ++row) {
    T stored;
    std::memcpy(&stored, data + row * sizeof(T), sizeof(T));
    count += stored != 0;
  }
  return count;
}

// How many of the `rows` values of `width` bytes at `data` are not 0 (one loop per width, which
// the compiler vectorizes).
size_t CountNonZero(const char* data, uint8_t width, size_t rows) {
  switch (width) {
    case 1: return CountNonZeroOf<uint8_t>(data, rows);
    case 2: return CountNonZeroOf<uint16_t>(data, rows);
    case 4: return CountNonZeroOf<uint32_t>(data, rows);
    default: return CountNonZeroOf<uint64_t>(data, rows);
  }
}

}  // namespace

// Rewrites a narrow column whose stored values are mostly 0 (absent) as a sparse chunk
// (segment_format.h) when that at least halves its decoded size: the reader keeps chunks
// decoded in memory, so this is what makes mostly-absent columns (scores, cache tokens,
// error_type) nearly free.
void MaybeSparsify(EncodedColumn* column, size_t rows) {
  if (column->kind == segment::ChunkKind::kTs || column->width == 8) return;
  const uint8_t width = column->width;
  auto stored_at = [&](size_t row) {
    uint32_t stored = 0;
    std::memcpy(&stored, column->raw.data() + row * width, width);
    return stored;
  };
  // Counted first, so that a dense column costs no copying.
  const size_t count = CountNonZero(column->raw.data(), width, rows);
  if (segment::SparseChunkSize(count, width) * 2 > column->raw.size()) return;
  std::string values;
  std::string listed;
  values.reserve(count * width + 1 + count * 2);
  listed.reserve(count * 2);
  for (size_t row = 0; row < rows; ++row) {
    if (stored_at(row) == 0) continue;
    values.append(column->raw.data() + row * width, width);
    listed.push_back(static_cast<char>(row & 0xFF));
    listed.push_back(static_cast<char>(row >> 8));
  }
  if (values.size() % 2 != 0) values.push_back('\0');
  values.append(listed);
  column->raw = std::move(values);
  column->sparse = true;
  column->sparse_count = static_cast<uint32_t>(count);
}

uint8_t WidthFor(uint64_t max_offset) {
  if (max_offset <= 0xFF) return 1;
  if (max_offset <= 0xFFFF) return 2;
  if (max_offset <= 0xFFFFFFFFull) return 4;
  return 8;
}

// Frame of reference over present values: offset = value − (min − 1), 0 = absent. Returns
// false when every value is absent (no column is written). Values wider than 32 bits of range
// stay raw int64 (width 8, kNullInt = absent).
bool EncodeInts(const std::vector<int64_t>& values, EncodedColumn* column) {
  int64_t min = std::numeric_limits<int64_t>::max();
  int64_t max = std::numeric_limits<int64_t>::min();
  for (int64_t value : values) {
    if (value == kNullInt) continue;
    min = std::min(min, value);
    max = std::max(max, value);
  }
  if (min > max) return false;
  const unsigned __int128 range = static_cast<unsigned __int128>(static_cast<__int128>(max) - min) + 1;
  if (range > 0xFFFFFFFFull) {
    column->width = 8;
    column->base = 0;
    AppendAllNarrow<uint64_t>(&column->raw, values.size(),
                              [&](size_t idx) { return static_cast<uint64_t>(values[idx]); });
    return true;
  }
  column->width = WidthFor(static_cast<uint64_t>(range));
  column->base = min - 1;
  const int64_t base = column->base;
  AppendAllWidth(&column->raw, column->width, values.size(), [&](size_t idx) {
    return values[idx] == kNullInt ? uint64_t{0} : static_cast<uint64_t>(values[idx] - base);
  });
  return true;
}

bool EncodeBytes(const std::vector<uint8_t>& values, EncodedColumn* column) {
  if (std::all_of(values.begin(), values.end(), [](uint8_t value) { return value == 0; })) return false;
  column->width = 1;
  column->raw.assign(reinterpret_cast<const char*>(values.data()), values.size());
  return true;
}

namespace {

bool SameBits(double left, double right) { return std::memcmp(&left, &right, sizeof(double)) == 0; }

// Whether double(k) / scale gives back `value` bit for bit for k = round(value · scale) (set
// in *scaled), with k well inside int64.
bool ScalesExactly(double value, double scale, int64_t* scaled) {
  const double product = value * scale;
  if (!(std::fabs(product) < 9.0e15)) return false;
  *scaled = std::llround(product);
  return SameBits(static_cast<double>(*scaled) / scale, value);
}

}  // namespace

// Doubles that are decimals with few digits (latencies in 0.1 ms, scores in 0.001) become
// scaled integers where double(k) / 10^d gives back the value bit for bit; the values for
// which no such k exists (at most a quarter: unrounded latencies of errors and cache hits)
// become exceptions kept exactly. The cheapest such layout wins; otherwise raw doubles.
bool EncodeDoubles(const std::vector<double>& values, EncodedColumn* column) {
  const size_t present = static_cast<size_t>(
      std::count_if(values.begin(), values.end(), [](double value) { return !std::isnan(value); }));
  if (present == 0) return false;
  size_t best_cost = values.size() * sizeof(double);
  bool found = false;
  double scale = 1;
  std::vector<int64_t> scaled(values.size());
  std::vector<std::pair<uint16_t, double>> misses;
  for (uint8_t digits = 0; digits <= segment::kMaxScaleDigits; ++digits, scale *= 10) {
    // Count the misses first, giving up past a quarter: most digit counts fail that way
    // (unrounded latencies), and then nothing is written.
    size_t miss_count = 0;
    int64_t rounded = 0;
    for (size_t idx = 0; idx < values.size() && miss_count * 4 <= present; ++idx) {
      miss_count += !std::isnan(values[idx]) && !ScalesExactly(values[idx], scale, &rounded);
    }
    if (miss_count * 4 > present || miss_count == present) continue;
    misses.clear();
    for (size_t idx = 0; idx < values.size(); ++idx) {
      const double value = values[idx];
      scaled[idx] = kNullInt;
      if (std::isnan(value)) continue;
      if (ScalesExactly(value, scale, &rounded)) {
        scaled[idx] = rounded;
      } else {
        misses.emplace_back(static_cast<uint16_t>(idx), value);
      }
    }
    EncodedColumn candidate;
    EncodeInts(scaled, &candidate);
    if (candidate.width == 8) break;
    const size_t cost = values.size() * candidate.width + misses.size() * 10;
    if (found && cost >= best_cost) continue;
    found = true;
    best_cost = cost;
    column->width = candidate.width;
    column->base = candidate.base;
    column->scale_digits = digits;
    column->raw = std::move(candidate.raw);
    column->exceptions = std::move(misses);
  }
  if (found) return true;
  column->width = 8;
  column->scale_digits = segment::kRawDoubles;
  column->raw.assign(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(double));
  return true;
}

namespace {

void PutRow(std::string* out, uint16_t row) {
  out->push_back(static_cast<char>(row & 0xFF));
  out->push_back(static_cast<char>(row >> 8));
}

}  // namespace

bool EncodeSparseIds(const std::vector<uint16_t>& rows_present, const std::vector<uint32_t>& ids, size_t rows,
                     EncodedColumn* column) {
  if (ids.empty()) return false;
  const auto [min_id, max_id] = std::minmax_element(ids.begin(), ids.end());
  const uint8_t width = WidthFor(uint64_t{*max_id} - *min_id + 1);
  // MaybeSparsify's rule: sparse when that at least halves the decoded size.
  if (segment::SparseChunkSize(ids.size(), width) * 2 > rows * width) return false;
  const int64_t base = int64_t{*min_id} - 1;
  column->width = width;
  column->base = base;
  column->raw.clear();
  AppendAllWidth(&column->raw, width, ids.size(), [&](size_t idx) { return static_cast<uint64_t>(ids[idx] - base); });
  if (column->raw.size() % 2 != 0) column->raw.push_back('\0');
  for (const uint16_t row : rows_present) PutRow(&column->raw, row);
  column->sparse = true;
  column->sparse_count = static_cast<uint32_t>(ids.size());
  return true;
}

size_t EncodeSparseDoubles(const std::vector<uint16_t>& rows_present, const std::vector<double>& values, size_t rows,
                           EncodedColumn* column) {
  EncodedColumn compact;
  EncodeDoubles(values, &compact);
  column->sparse = true;
  column->raw.clear();
  column->exceptions.clear();
  if (compact.width == 8) {
    // No scaled layout fits: every value is an exception of a column that lists no row.
    column->width = 1;
    column->base = 0;
    column->scale_digits = 0;
    column->sparse_count = 0;
    for (size_t idx = 0; idx < values.size(); ++idx) column->exceptions.emplace_back(rows_present[idx], values[idx]);
    AppendExceptions(column);
    return rows * sizeof(double);
  }
  column->width = compact.width;
  column->base = compact.base;
  column->scale_digits = compact.scale_digits;
  std::string listed;
  uint32_t count = 0;
  for (size_t idx = 0; idx < values.size(); ++idx) {
    uint32_t stored = 0;
    std::memcpy(&stored, compact.raw.data() + idx * compact.width, compact.width);
    if (stored == 0) continue;  // an exception of the compact encoding
    column->raw.append(compact.raw.data() + idx * compact.width, compact.width);
    PutRow(&listed, rows_present[idx]);
    ++count;
  }
  if (column->raw.size() % 2 != 0) column->raw.push_back('\0');
  column->raw.append(listed);
  column->sparse_count = count;
  for (const auto& [idx, value] : compact.exceptions) column->exceptions.emplace_back(rows_present[idx], value);
  AppendExceptions(column);
  return rows * compact.width + compact.exceptions.size() * (sizeof(double) + sizeof(uint16_t));
}

}  // namespace mltrack::store
