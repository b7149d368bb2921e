#include "query/column_source.h"

#include <bit>
#include <cstring>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "store/packed_column.h"

namespace mltrack::query {
namespace {

using Type = ColumnSource::Type;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Calls fn(const uintN_t* offsets) for a narrow (width 1/2/4) column.
template <typename Fn>
void ForNarrow(const store::ColumnData& column, Fn&& fn) {
  switch (column.width) {
    case 1: return fn(column.as<uint8_t>());
    case 2: return fn(column.as<uint16_t>());
    default: return fn(column.as<uint32_t>());
  }
}

// For a column of codes of at most 8 bits (store::CodeCount, packed_column.h): out[idx] =
// value(u of rows[idx]), `value` evaluated once per code into a table the codes index, without
// expanding u.
template <typename V, typename Value>
void MapCodes(const store::ColumnData& column, const uint32_t* rows, size_t count, V* out, Value&& value) {
  std::array<V, 256> table;
  const size_t codes = store::CodeCount(column);
  for (size_t code = 0; code < codes; ++code) table[code] = value(store::CodeValue(column, code));
  store::MapCodes(column, table.data(), rows, count, out);
}

// Offset layouts (ids, narrow ints): u == 0 is absent, otherwise base + u.
void GatherOffsets(const store::ColumnData& column, const uint32_t* rows, size_t count,
                   int64_t absent, int64_t* out) {
  const int64_t base = column.base;
  if (store::CodeCount(column) > 0) {
    return MapCodes(column, rows, count, out, [&](uint32_t offset) { return offset == 0 ? absent : base + offset; });
  }
  if (column.packed()) {
    return store::ForEachBitsValue(column, rows, count, [&](size_t idx, uint32_t offset) {
      out[idx] = offset == 0 ? absent : base + offset;
    });
  }
  ForNarrow(column, [&](const auto* data) {
    for (size_t idx = 0; idx < count; ++idx) {
      const int64_t offset = data[rows[idx]];
      out[idx] = offset == 0 ? absent : base + offset;
    }
  });
}

void GatherBytes(const uint8_t* data, const uint32_t* rows, size_t count, int64_t absent_code,
                 int64_t absent, int64_t* out) {
  for (size_t idx = 0; idx < count; ++idx) {
    const int64_t code = data[rows[idx]];
    out[idx] = code == absent_code ? absent : code;
  }
}

// The [begin, end) range of an ascending row list that falls in the run [first, first + count).
std::pair<size_t, size_t> ListRange(const uint16_t* listed, size_t listed_count, uint32_t first, size_t count) {
  const uint16_t* end = listed + listed_count;
  const uint16_t* lower = std::lower_bound(listed, end, first);
  const uint16_t* upper = std::lower_bound(lower, end, first + count);
  return {static_cast<size_t>(lower - listed), static_cast<size_t>(upper - listed)};
}

// Rows spanning fewer than this many row numbers take GatherSparse's dense window.
constexpr uint32_t kSparseWindow = 8192;

template <typename T>
void GatherSparse(const store::ColumnData& column, const uint32_t* rows, size_t count, T* out) {
  const T* values = column.as<T>();
  const uint16_t* listed = column.sparse_rows;
  const size_t listed_count = column.sparse_count;
  if (count == 0) return;
  if (store::IsRowRun(rows, count)) {
    std::fill_n(out, count, T{0});
    const uint32_t first = rows[0];
    const auto [begin, end] = ListRange(listed, listed_count, first, count);
    for (size_t next = begin; next < end; ++next) out[listed[next] - first] = values[next];
    return;
  }
  // Rows within a short window (a chunk's selection): the listed values of the window are spread
  // into a dense copy of it, from which each row is read without a branch.
  uint32_t low = rows[0];
  uint32_t high = rows[0];
  for (size_t idx = 1; idx < count; ++idx) {
    low = std::min(low, rows[idx]);
    high = std::max(high, rows[idx]);
  }
  if (high - low < kSparseWindow) {
    thread_local std::vector<T> window;
    window.assign(high - low + 1, T{0});
    const auto [begin, end] = ListRange(listed, listed_count, low, high - low + 1);
    for (size_t next = begin; next < end; ++next) window[listed[next] - low] = values[next];
    for (size_t idx = 0; idx < count; ++idx) out[idx] = window[rows[idx] - low];
    return;
  }
  size_t next = static_cast<size_t>(std::lower_bound(listed, listed + listed_count, low) - listed);
  uint32_t previous = rows[0];
  for (size_t idx = 0; idx < count; ++idx) {
    const uint32_t row = rows[idx];
    if (row < previous) next = static_cast<size_t>(std::lower_bound(listed, listed + listed_count, row) - listed);
    previous = row;
    while (next < listed_count && listed[next] < row) ++next;
    out[idx] = next < listed_count && listed[next] == row ? values[next] : T{0};
  }
}

// out[idx] = (base + offsets[idx]) / scale, NaN where the offset is 0 (absent), two values per
// step in one SSE register (GCC vector extensions; -O2 does not vectorize this loop by itself).
// base + offset is formed in doubles: every term is an integer below 2^53 (the writer's bound
// on scaled values), so the sums are exact and each quotient is bit for bit the writer's
// double(base + offset) / scale.
void ScaleOffsets(const uint32_t* offsets, size_t count, int64_t base, double scale, double* out) {
  using Int2 = int32_t __attribute__((vector_size(8)));
  using Long2 = int64_t __attribute__((vector_size(16)));
  using Double2 = double __attribute__((vector_size(16)));
  const double shifted_base = static_cast<double>(base) + 2147483648.0;
  const int64_t nan_bits = std::bit_cast<int64_t>(kNaN);
  size_t idx = 0;
  for (; idx + 2 <= count; idx += 2) {
    Int2 raw;
    std::memcpy(&raw, offsets + idx, sizeof raw);
    // offset as a double through a signed conversion: (offset − 2^31) + 2^31.
    const Double2 signed_offset = __builtin_convertvector(raw ^ static_cast<int32_t>(0x80000000u), Double2);
    const Double2 value = (signed_offset + shifted_base) / scale;
    const Long2 absent = signed_offset == -2147483648.0;  // all ones where the offset is 0
    const Long2 bits = (std::bit_cast<Long2>(value) & ~absent) | (absent & nan_bits);
    std::memcpy(out + idx, &bits, sizeof bits);
  }
  for (; idx < count; ++idx) {
    const uint32_t offset = offsets[idx];
    out[idx] = offset == 0 ? kNaN : (static_cast<double>(offset) + (shifted_base - 2147483648.0)) / scale;
  }
}

// Overwrites out[idx] with the exact value of rows[idx] when that row is an exception of a
// scaled double column (ColumnData::exception_rows), whose value `out` holds as NaN (u == 0).
// Ascending rows within a short span (the chunks of a scan) read a dense window of the span's
// exceptions, without a branch per row or per exception; other selections merge the two sorted
// lists.
void PatchExceptions(const store::ColumnData& column, const uint32_t* rows, size_t count, double* out) {
  constexpr uint32_t kMapRows = 8192;
  const uint16_t* listed = column.exception_rows;
  const size_t listed_count = column.exception_count;
  if (count == 0) return;
  const uint32_t first = rows[0];
  const uint32_t last = rows[count - 1];
  if (store::IsRowRun(rows, count)) {
    const auto [begin, end] = ListRange(listed, listed_count, first, count);
    for (size_t next = begin; next < end; ++next) out[listed[next] - first] = column.exception_values[next];
    return;
  }
  bool ascending = true;
  for (size_t idx = 1; idx < count; ++idx) ascending &= rows[idx] > rows[idx - 1];
  if (ascending && last - first < kMapRows) {
    // The exceptions of the span are spread into a dense window of it (NaN elsewhere), and each
    // row whose value is NaN (u == 0: absent or an exception) takes the window's value, without
    // a branch per row.
    thread_local std::vector<double> window(kMapRows, kNaN);
    double* dense = window.data();
    const uint16_t* begin = std::lower_bound(listed, listed + listed_count, first);
    const uint16_t* end = std::upper_bound(begin, listed + listed_count, last);
    for (const uint16_t* next = begin; next < end; ++next) dense[*next - first] = column.exception_values[next - listed];
    for (size_t idx = 0; idx < count; ++idx) {
      // A blend of bits: a branch on NaN-ness is mispredicted at random.
      const double value = out[idx];
      const uint64_t use_window = -static_cast<uint64_t>(std::isnan(value));
      const uint64_t bits = (std::bit_cast<uint64_t>(dense[rows[idx] - first]) & use_window) |
                            (std::bit_cast<uint64_t>(value) & ~use_window);
      out[idx] = std::bit_cast<double>(bits);
    }
    for (const uint16_t* next = begin; next < end; ++next) dense[*next - first] = kNaN;
    return;
  }
  size_t next = 0;
  uint32_t previous = 0;
  for (size_t idx = 0; idx < count; ++idx) {
    const uint32_t row = rows[idx];
    if (row < previous) next = static_cast<size_t>(std::lower_bound(listed, listed + listed_count, row) - listed);
    previous = row;
    while (next < listed_count && listed[next] < row) ++next;
    if (next < listed_count && listed[next] == row) out[idx] = column.exception_values[next];
  }
}

store::ColumnData IdColumn(const ColumnSource& source, const store::ColumnBlock& block) {
  return source.type == Type::kTag ? block.tag(source.index) : block.column(source.field);
}

// tokens_per_s = output_tokens / ((latency_ms − ttft_ms) / 1000), evaluated exactly as written;
// NaN (absent) unless all three are present and latency_ms > ttft_ms. Each input through its
// own typed gather (scaled doubles and exceptions included).
void GatherTokensPerSecond(const store::ColumnBlock& block, const uint32_t* rows, size_t count, double* out) {
  thread_local std::vector<double> latency_buffer;
  thread_local std::vector<double> ttft_buffer;
  latency_buffer.resize(count);
  ttft_buffer.resize(count);
  GatherDouble(ColumnSource{Type::kInt, FieldId::kOutputTokens}, block, rows, count, out);
  GatherDouble(ColumnSource{Type::kDouble, FieldId::kLatencyMs}, block, rows, count, latency_buffer.data());
  GatherDouble(ColumnSource{Type::kDouble, FieldId::kTtftMs}, block, rows, count, ttft_buffer.data());
  const double* latency = latency_buffer.data();
  const double* ttft = ttft_buffer.data();
  for (size_t idx = 0; idx < count; ++idx) {
    // NaN in any input fails the comparison, so it covers the absent cases too.
    out[idx] = latency[idx] > ttft[idx] ? out[idx] / ((latency[idx] - ttft[idx]) / 1000.0) : kNaN;
  }
}

}  // namespace

store::ColumnData SelectColumn(const store::ColumnData& column, const uint32_t* rows, size_t count,
                               const uint32_t** positions) {
  if (!column.sparse() && !column.packed()) {
    *positions = rows;
    return column;
  }
  thread_local std::vector<uint32_t> identity;
  thread_local std::vector<uint32_t> scratch;  // 4-byte words: room for any width up to 4
  if (identity.size() < count) {
    const size_t old_size = identity.size();
    identity.resize(count);
    for (size_t idx = old_size; idx < count; ++idx) identity[idx] = static_cast<uint32_t>(idx);
  }
  scratch.resize(std::max<size_t>(count, 1));
  store::ColumnData dense = column;
  dense.sparse_rows = nullptr;
  dense.sparse_count = 0;
  dense.palette = nullptr;
  dense.code_bits = 0;
  dense.data = scratch.data();
  if (column.packed()) {
    switch (column.width) {
      case 1: store::UnpackColumn(column, rows, count, reinterpret_cast<uint8_t*>(scratch.data())); break;
      case 2: store::UnpackColumn(column, rows, count, reinterpret_cast<uint16_t*>(scratch.data())); break;
      default: store::UnpackColumn(column, rows, count, scratch.data()); break;
    }
  } else {
    switch (column.width) {
      case 1: GatherSparse(column, rows, count, reinterpret_cast<uint8_t*>(scratch.data())); break;
      case 2: GatherSparse(column, rows, count, reinterpret_cast<uint16_t*>(scratch.data())); break;
      default: GatherSparse(column, rows, count, scratch.data()); break;
    }
  }
  *positions = identity.data();
  return dense;
}

ColumnSource ResolveColumn(const store::TableSnapshot& snapshot, const FieldRef& field) {
  ColumnSource source;
  source.field = field.id;
  if (field.id == FieldId::kTag) {
    std::optional<size_t> index = snapshot.FindTagKey(field.key);
    if (!index) return source;
    source.type = Type::kTag;
    source.index = *index;
    source.dictionary = &snapshot.tag_dictionary(*index);
    return source;
  }
  if (field.id == FieldId::kScore) {
    std::optional<size_t> index = snapshot.FindScore(field.key);
    if (!index) return source;
    source.type = Type::kScore;
    source.index = *index;
    return source;
  }
  if (field.id == FieldId::kHttpStatus) {
    source.type = Type::kHttpStatus;
  } else if (field.id == FieldId::kTotalTokens) {
    source.type = Type::kTotalTokens;
  } else if (field.id == FieldId::kTokensPerS) {
    source.type = Type::kTokensPerS;
  } else {
    switch (field.kind()) {
      case FieldKind::kString:
        source.type = Type::kString;
        // A local string field's columns are armed by the query's plan, for its range only
        // (ArmLocalFields in scan_plan.cc): resolving it interns nothing.
        source.dictionary = store::IsLocalStringField(field.id) ? snapshot.ArmedDictionary(field.id)
                                                                : snapshot.dictionary(field.id);
        break;
      case FieldKind::kEnum: source.type = Type::kEnum; break;
      case FieldKind::kBool: source.type = Type::kBool; break;
      case FieldKind::kInt:
      case FieldKind::kMoney: source.type = Type::kInt; break;
      case FieldKind::kDouble: source.type = Type::kDouble; break;
      case FieldKind::kTime: source.type = Type::kTs; break;
    }
  }
  return source;
}

void GatherInt(const ColumnSource& source, const store::ColumnBlock& block, const uint32_t* rows,
               size_t count, int64_t* out) {
  auto fill = [&](int64_t value) { std::fill_n(out, count, value); };
  switch (source.type) {
    case Type::kNone:
    case Type::kDouble:
    case Type::kScore:
    case Type::kTokensPerS: return fill(kNullInt);
    case Type::kString:
    case Type::kTag:
    case Type::kHttpStatus: {
      const store::ColumnData column = source.type == Type::kHttpStatus
                                           ? block.column(FieldId::kHttpStatus)
                                           : IdColumn(source, block);
      if (!column.present()) return fill(kNullInt);
      if (column.packed()) return GatherOffsets(column, rows, count, kNullInt, out);
      const uint32_t* positions = nullptr;
      const store::ColumnData dense = SelectColumn(column, rows, count, &positions);
      return GatherOffsets(dense, positions, count, kNullInt, out);
    }
    case Type::kEnum: {
      const store::ColumnData& column = block.column(source.field);
      if (!column.present()) return fill(0);
      if (store::CodeCount(column) > 0) {
        return MapCodes(column, rows, count, out, [](uint32_t code) { return int64_t{code}; });
      }
      const uint32_t* positions = nullptr;
      const store::ColumnData dense = SelectColumn(column, rows, count, &positions);
      return GatherBytes(dense.as<uint8_t>(), positions, count, -1, 0, out);
    }
    case Type::kBool: {
      const store::ColumnData& column = block.column(source.field);
      if (!column.present()) return fill(kNullInt);
      if (store::CodeCount(column) > 0) {
        return MapCodes(column, rows, count, out,
                          [](uint32_t code) { return code == kBoolAbsent ? kNullInt : int64_t{code}; });
      }
      const uint32_t* positions = nullptr;
      const store::ColumnData dense = SelectColumn(column, rows, count, &positions);
      return GatherBytes(dense.as<uint8_t>(), positions, count, kBoolAbsent, kNullInt, out);
    }
    case Type::kTs:
      if (block.ts != nullptr) {
        for (size_t idx = 0; idx < count; ++idx) out[idx] = block.ts[rows[idx]];
      } else {
        const int64_t min_ts = block.min_ts;
        for (size_t idx = 0; idx < count; ++idx) out[idx] = min_ts + int64_t{block.ts_offsets[rows[idx]]};
      }
      return;
    case Type::kInt: {
      const store::ColumnData& column = block.column(source.field);
      if (!column.present()) return fill(kNullInt);
      if (column.width == 8) {
        const int64_t* data = column.as<int64_t>();
        for (size_t idx = 0; idx < count; ++idx) out[idx] = data[rows[idx]];
        return;
      }
      if (column.packed()) return GatherOffsets(column, rows, count, kNullInt, out);
      const uint32_t* positions = nullptr;
      const store::ColumnData dense = SelectColumn(column, rows, count, &positions);
      return GatherOffsets(dense, positions, count, kNullInt, out);
    }
    case Type::kTotalTokens: {
      ColumnSource input_source{Type::kInt, FieldId::kInputTokens};
      ColumnSource output_source{Type::kInt, FieldId::kOutputTokens};
      thread_local std::vector<int64_t> output_buffer;
      output_buffer.resize(count);
      GatherInt(input_source, block, rows, count, out);
      GatherInt(output_source, block, rows, count, output_buffer.data());
      for (size_t idx = 0; idx < count; ++idx) {
        const int64_t in = out[idx];
        const int64_t outv = output_buffer[idx];
        out[idx] = (in == kNullInt && outv == kNullInt)
                       ? kNullInt
                       : (in == kNullInt ? 0 : in) + (outv == kNullInt ? 0 : outv);
      }
      return;
    }
  }
}

void GatherDouble(const ColumnSource& source, const store::ColumnBlock& block, const uint32_t* rows,
                  size_t count, double* out) {
  if (source.type == Type::kDouble || source.type == Type::kScore) {
    const store::ColumnData& stored = source.type == Type::kDouble ? block.column(source.field) : block.score(source.index);
    if (store::CodeCount(stored) > 0) {
      // Scaled integers of few values: each code's value scaled once.
      const size_t codes = store::CodeCount(stored);
      std::array<uint32_t, 256> offsets;
      for (size_t code = 0; code < codes; ++code) offsets[code] = store::CodeValue(stored, code);
      std::array<double, 256> table;
      ScaleOffsets(offsets.data(), codes, stored.base, stored.scale, table.data());
      store::MapCodes(stored, table.data(), rows, count, out);
      if (stored.exception_count > 0) PatchExceptions(stored, rows, count, out);
      return;
    }
    if (stored.packed()) {
      // u in more than 8 bits: the offsets straight from the packed words.
      thread_local std::vector<uint32_t> buffer;
      buffer.resize(count);
      uint32_t* offsets = buffer.data();
      store::ForEachBitsValue(stored, rows, count, [&](size_t idx, uint32_t offset) { offsets[idx] = offset; });
      ScaleOffsets(offsets, count, stored.base, stored.scale, out);
      if (stored.exception_count > 0) PatchExceptions(stored, rows, count, out);
      return;
    }
    const uint32_t* positions = nullptr;
    const store::ColumnData column = SelectColumn(stored, rows, count, &positions);
    if (!column.present()) {
      std::fill_n(out, count, kNaN);
      return;
    }
    if (column.width == 8) {
      const double* data = column.as<double>();
      for (size_t idx = 0; idx < count; ++idx) out[idx] = data[positions[idx]];
      return;
    }
    // Scaled integers: the writer checked that this division reproduces each value exactly.
    thread_local std::vector<uint32_t> buffer;
    buffer.resize(count);
    uint32_t* offsets = buffer.data();
    ForNarrow(column, [&](const auto* data) {
      for (size_t idx = 0; idx < count; ++idx) offsets[idx] = data[positions[idx]];
    });
    ScaleOffsets(offsets, count, column.base, column.scale, out);
    if (column.exception_count > 0) PatchExceptions(column, rows, count, out);
    return;
  }
  if (source.type == Type::kTokensPerS) return GatherTokensPerSecond(block, rows, count, out);
  thread_local std::vector<int64_t> buffer;
  buffer.resize(count);
  int64_t* ints = buffer.data();
  GatherInt(source, block, rows, count, ints);
  for (size_t idx = 0; idx < count; ++idx) {
    int64_t value = ints[idx];
    out[idx] = value == kNullInt ? kNaN : static_cast<double>(value);
  }
}

void GatherCode(const ColumnSource& source, const store::ColumnBlock& block, const uint32_t* rows,
                size_t count, uint64_t* out) {
  switch (source.type) {
    case Type::kString:
    case Type::kTag:
    case Type::kHttpStatus: {
      const store::ColumnData stored =
          source.type == Type::kHttpStatus ? block.column(FieldId::kHttpStatus) : IdColumn(source, block);
      if (!stored.present()) break;
      const uint64_t base = static_cast<uint64_t>(stored.base);
      if (store::CodeCount(stored) > 0) {
        return MapCodes(stored, rows, count, out, [&](uint32_t offset) { return offset == 0 ? 0 : base + offset; });
      }
      if (stored.packed()) {
        return store::ForEachBitsValue(stored, rows, count, [&](size_t idx, uint32_t offset) {
          out[idx] = offset == 0 ? 0 : base + offset;
        });
      }
      const uint32_t* positions = nullptr;
      const store::ColumnData column = SelectColumn(stored, rows, count, &positions);
      ForNarrow(column, [&](const auto* data) {
        for (size_t idx = 0; idx < count; ++idx) {
          const uint64_t offset = data[positions[idx]];
          out[idx] = offset == 0 ? 0 : base + offset;
        }
      });
      return;
    }
    case Type::kEnum:
    case Type::kBool: {
      const store::ColumnData& stored = block.column(source.field);
      if (!stored.present()) break;
      if (store::CodeCount(stored) > 0) {
        return MapCodes(stored, rows, count, out, [](uint32_t code) { return uint64_t{code}; });
      }
      const uint32_t* positions = nullptr;
      const store::ColumnData column = SelectColumn(stored, rows, count, &positions);
      const uint8_t* data = column.as<uint8_t>();
      for (size_t idx = 0; idx < count; ++idx) out[idx] = data[positions[idx]];
      return;
    }
    default:
      break;
  }
  std::fill_n(out, count, uint64_t{0});
}

bool GatherCodeTable(const ColumnSource& source, const store::ColumnBlock& block, std::array<uint64_t, 256>& keys,
                     store::ColumnData* stored) {
  switch (source.type) {
    case Type::kString:
    case Type::kTag: *stored = IdColumn(source, block); break;
    case Type::kHttpStatus:
    case Type::kEnum:
    case Type::kBool: *stored = block.column(source.field); break;
    default: return false;
  }
  const size_t codes = store::CodeCount(*stored);
  if (!stored->present() || codes == 0) return false;
  const bool offsets = source.type != Type::kEnum && source.type != Type::kBool;
  const uint64_t base = static_cast<uint64_t>(stored->base);
  for (size_t code = 0; code < codes; ++code) {
    const uint32_t value = store::CodeValue(*stored, code);
    keys[code] = !offsets ? uint64_t{value} : value == 0 ? 0 : base + value;
  }
  return true;
}

const store::ColumnSummary* SummaryOf(const ColumnSource& source, const store::BlockSummary& summary) {
  static const store::ColumnSummary kAbsent;
  switch (source.type) {
    case ColumnSource::Type::kNone:
      return source.field == FieldId::kTag || source.field == FieldId::kScore ? &kAbsent : nullptr;
    case ColumnSource::Type::kTag: return &summary.tag(source.index);
    case ColumnSource::Type::kString:
      // A local string field's column is translated into table ids per snapshot; the segment
      // stores no summary of it (docs/segment_format.md).
      if (store::IsLocalStringField(source.field)) return nullptr;
      return &summary.field(source.field);
    case ColumnSource::Type::kEnum:
    case ColumnSource::Type::kBool:
    case ColumnSource::Type::kHttpStatus:
    case ColumnSource::Type::kInt:
    case ColumnSource::Type::kDouble: return &summary.field(source.field);
    default: return nullptr;
  }
}

}  // namespace mltrack::query
