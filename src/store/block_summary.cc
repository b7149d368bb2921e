#include "store/block_summary.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>

#include "store/block_moments.h"
#include "store/block_hour_cells.h"
#include "store/block_score_cells.h"
#include "store/block_tag_cells.h"
#include "store/block_hour_slices.h"
#include "store/block_slices.h"
#include "store/derived_sketch.h"
#include "store/footer_doubles.h"
#include "store/picked_summaries.h"
#include "store/segment_format.h"

namespace mltrack::store {
namespace {

using segment::GetDouble;
using segment::PutDouble;

// Which summary type a static field's column has, or kAbsent when it has none.
ColumnSummary::Type TypeOfField(FieldId id) {
  if (id == FieldId::kTs || id == FieldId::kId || IsDerivedField(id) || id == FieldId::kTag ||
      id == FieldId::kScore) {
    return ColumnSummary::Type::kAbsent;
  }
  if (id == FieldId::kHttpStatus) return ColumnSummary::Type::kCodes;
  switch (GetFieldInfo(id).kind) {
    case FieldKind::kString:
    case FieldKind::kEnum:
    case FieldKind::kBool: return ColumnSummary::Type::kCodes;
    case FieldKind::kInt:
    case FieldKind::kMoney: return ColumnSummary::Type::kInts;
    case FieldKind::kDouble: return ColumnSummary::Type::kDoubles;
    default: return ColumnSummary::Type::kAbsent;
  }
}

void EncodeColumn(uint8_t kind, size_t index, const ColumnSummary& column, std::string* out) {
  out->push_back(static_cast<char>(kind));
  segment::PutVarint(out, index);
  segment::PutVarint(out, column.present);
  switch (column.type) {
    case ColumnSummary::Type::kCodes:
      if (column.exact) {
        segment::PutVarint(out, column.codes.size());
        uint32_t previous = 0;
        for (const auto& [code, rows] : column.codes) {
          segment::PutVarint(out, code - previous);
          segment::PutVarint(out, rows);
          previous = code;
        }
      } else {
        segment::PutVarint(out, 0);
        segment::PutVarint(out, column.min_code);
        segment::PutVarint(out, column.max_code - column.min_code);
        segment::PutVarint(out, column.distinct);
      }
      break;
    case ColumnSummary::Type::kInts:
      segment::PutSigned(out, column.int_min);
      segment::PutSigned(out, column.int_max);
      segment::PutFixed64(out, static_cast<uint64_t>(column.int_sum));
      break;
    case ColumnSummary::Type::kDoubles:
      PutDouble(out, column.double_min);
      PutDouble(out, column.double_max);
      PutDouble(out, column.double_sum);
      out->push_back(column.sketch ? 1 : 0);
      if (column.sketch) column.sketch->Encode(out);
      break;
    case ColumnSummary::Type::kAbsent:
      break;
  }
}

bool DecodeColumn(segment::FooterReader& reader, ColumnSummary::Type type, uint32_t rows, ColumnSummary* column) {
  uint64_t present = 0;
  if (!reader.GetVarint(&present) || present > rows) return false;
  column->type = type;
  column->present = static_cast<uint32_t>(present);
  switch (type) {
    case ColumnSummary::Type::kCodes: {
      uint64_t distinct = 0;
      if (!reader.GetVarint(&distinct) || distinct > kMaxSummaryCodes) return false;
      if (distinct == 0) {
        uint64_t min = 0;
        uint64_t span = 0;
        uint64_t distinct = 0;
        if (!reader.GetVarint(&min) || !reader.GetVarint(&span) || !reader.GetVarint(&distinct) ||
            min + span > UINT32_MAX || distinct > present || distinct > span + 1 ||
            (present > 0 && (min == 0 || distinct <= kMaxSummaryCodes - 1))) {
          return false;
        }
        column->min_code = static_cast<uint32_t>(min);
        column->max_code = static_cast<uint32_t>(min + span);
        column->distinct = static_cast<uint32_t>(distinct);
        return true;
      }
      column->exact = true;
      column->codes.reserve(distinct);
      uint64_t code = 0;
      uint64_t total = 0;
      uint64_t nonzero = 0;
      for (uint64_t idx = 0; idx < distinct; ++idx) {
        uint64_t delta = 0;
        uint64_t count = 0;
        if (!reader.GetVarint(&delta) || !reader.GetVarint(&count)) return false;
        if ((idx > 0 && delta == 0) || count == 0 || count > rows) return false;
        code += delta;
        if (code > UINT32_MAX) return false;
        total += count;
        if (code != 0) nonzero += count;
        column->codes.emplace_back(static_cast<uint32_t>(code), static_cast<uint32_t>(count));
      }
      if (total != rows || nonzero > present) return false;
      column->min_code = column->codes.front().first;
      column->max_code = column->codes.back().first;
      return true;
    }
    case ColumnSummary::Type::kInts: {
      uint32_t low = 0;
      uint32_t high = 0;
      if (!reader.GetSigned(&column->int_min) || !reader.GetSigned(&column->int_max) || !reader.GetFixed32(&low) ||
          !reader.GetFixed32(&high)) {
        return false;
      }
      column->int_sum = static_cast<int64_t>(uint64_t{low} | uint64_t{high} << 32);
      return present == 0 || column->int_min <= column->int_max;
    }
    case ColumnSummary::Type::kDoubles: {
      uint8_t has_sketch = 0;
      if (!GetDouble(reader, &column->double_min) || !GetDouble(reader, &column->double_max) ||
          !GetDouble(reader, &column->double_sum) || !reader.GetByte(&has_sketch) || has_sketch > 1 ||
          (has_sketch == 1) != (present > ValueSketch::kMinValues)) {
        return false;
      }
      if (has_sketch == 1) {
        auto sketch = std::make_shared<ValueSketch>();
        if (!ValueSketch::Decode(reader, column->present, sketch.get())) return false;
        column->sketch = std::move(sketch);
      }
      return present == 0 || column->double_min <= column->double_max;
    }
    case ColumnSummary::Type::kAbsent:
      return false;
  }
  return false;
}

// Every distinct code of `codes` with its row count, ascending. Counted in an array indexed by
// code when the codes are small next to their number (dictionary ids of teams, models, users;
// enums and bools): one pass, no sort. Sorted otherwise (ids of sessions, handed out in time
// order across the whole store).
std::vector<std::pair<uint32_t, uint32_t>> CountCodes(std::vector<uint32_t> codes) {
  std::vector<std::pair<uint32_t, uint32_t>> runs;
  if (codes.empty()) return runs;
  const uint32_t max_code = *std::max_element(codes.begin(), codes.end());
  if (max_code <= 4 * codes.size() + 1024) {
    std::vector<uint32_t> counts(size_t{max_code} + 1, 0);
    for (const uint32_t code : codes) ++counts[code];
    for (uint32_t code = 0; code <= max_code; ++code) {
      if (counts[code] != 0) runs.emplace_back(code, counts[code]);
    }
    return runs;
  }
  std::sort(codes.begin(), codes.end());
  for (const uint32_t code : codes) {
    if (runs.empty() || runs.back().first != code) runs.emplace_back(code, 0);
    ++runs.back().second;
  }
  return runs;
}

// The summary of a column of `rows` rows whose codes and their counts are `runs` (ascending).
ColumnSummary SummarizeRuns(std::vector<std::pair<uint32_t, uint32_t>> runs, size_t rows, bool is_enum) {
  ColumnSummary summary;
  summary.type = ColumnSummary::Type::kCodes;
  const bool has_absent = !runs.empty() && runs.front().first == 0;
  summary.exact = runs.size() <= kMaxSummaryCodes;
  summary.present = static_cast<uint32_t>(is_enum || !has_absent ? rows : rows - runs.front().second);
  if (summary.exact) {
    summary.codes = std::move(runs);
    if (!summary.codes.empty()) {
      summary.min_code = summary.codes.front().first;
      summary.max_code = summary.codes.back().first;
    }
  } else if (runs.back().first != 0) {
    summary.min_code = runs[has_absent ? 1 : 0].first;
    summary.max_code = runs.back().first;
    summary.distinct = static_cast<uint32_t>(runs.size() - (has_absent ? 1 : 0));
  }
  return summary;
}

ColumnSummary SummarizeCodes(std::vector<uint32_t> codes, bool is_enum) {
  const size_t rows = codes.size();
  return SummarizeRuns(CountCodes(std::move(codes)), rows, is_enum);
}

}  // namespace

bool ColumnSummary::SingleCode(size_t rows, uint32_t* code) const {
  if (type == Type::kAbsent) {
    *code = 0;
    return true;
  }
  if (type != Type::kCodes) return false;
  if (exact) {
    if (codes.size() != 1) return false;
    *code = codes.front().first;
    return true;
  }
  if (present != rows || min_code != max_code) return false;
  *code = min_code;
  return true;
}

bool ColumnSummary::DenseRange() const {
  return type == Type::kCodes && !exact && present > 0 && distinct == uint64_t{max_code} - min_code + 1;
}

bool ColumnSummary::RowsWithCode(size_t rows, uint32_t code, uint64_t* count) const {
  if (type == Type::kAbsent) {
    *count = code == 0 ? rows : 0;
    return true;
  }
  if (type != Type::kCodes || !exact) return false;
  *count = 0;
  for (const auto& [listed, listed_rows] : codes) {
    if (listed == code) *count = listed_rows;
  }
  return true;
}

const ColumnSummary& BlockSummary::tag(size_t key_index) const {
  static const ColumnSummary kAbsent;
  const auto found = std::lower_bound(tags.begin(), tags.end(), key_index,
                                      [](const auto& entry, size_t index) { return entry.first < index; });
  return found != tags.end() && found->first == key_index ? found->second : kAbsent;
}

size_t BlockSummary::MemoryBytes() const {
  size_t bytes = sizeof(BlockSummary) + tags.capacity() * sizeof(tags[0]);
  auto codes_bytes = [](const ColumnSummary& column) {
    return column.codes.capacity() * sizeof(column.codes[0]) + (column.sketch ? column.sketch->MemoryBytes() : 0);
  };
  for (const ColumnSummary& column : fields) bytes += codes_bytes(column);
  for (const auto& [key_index, column] : tags) bytes += codes_bytes(column);
  bytes += slices.capacity() * sizeof(ValueSlice) - slices.size() * sizeof(BlockSummary);
  for (const ValueSlice& slice : slices) bytes += slice.summary.MemoryBytes();
  bytes += string_filters.capacity() * sizeof(string_filters[0]);
  for (const auto& [field, filter] : string_filters) bytes += filter.MemoryBytes();
  if (tokens_per_s) bytes += tokens_per_s->MemoryBytes();
  if (moments) bytes += moments->MemoryBytes();
  if (const auto made = hour_slices.Get()) {
    bytes += sizeof(*made) + made->capacity() * sizeof(HourSlice) - made->size() * sizeof(BlockSummary);
    for (const HourSlice& slice : *made) bytes += slice.summary.MemoryBytes();
  }
  if (const auto made = hour_cells.Get()) bytes += made->MemoryBytes();
  if (const auto made = tag_cells.Get()) bytes += made->MemoryBytes();
  if (const auto made = score_cells.Get()) bytes += made->MemoryBytes();
  if (const auto made = sparse_rows.Get()) bytes += made->MemoryBytes();
  return bytes;
}

namespace {

// Every value of a column, or only those at some rows (ascending): what the summaries read. The
// picked form reads the rows in place, so a slice's summary needs no copy of its values.
template <typename T>
struct AllValues {
  const std::vector<T>& values;
  size_t size() const { return values.size(); }
  T operator[](size_t idx) const { return values[idx]; }
};
template <typename T>
struct PickedValues {
  const std::vector<T>& values;
  std::span<const uint32_t> rows;
  size_t size() const { return rows.size(); }
  T operator[](size_t idx) const { return values[rows[idx]]; }
};

template <typename Values>
ColumnSummary IdsSummary(const Values& ids) {
  std::vector<uint32_t> codes(ids.size());
  for (size_t idx = 0; idx < ids.size(); ++idx) {
    const int64_t id = ids[idx];
    codes[idx] = id == kNullInt ? 0 : static_cast<uint32_t>(id);
  }
  return SummarizeCodes(std::move(codes), false);
}

// Byte codes are counted in a 256-entry array: CountCodes' array case, without widening them.
template <typename Values>
ColumnSummary BytesSummary(const Values& codes, bool is_enum) {
  std::array<uint32_t, 256> counts{};
  for (size_t idx = 0; idx < codes.size(); ++idx) ++counts[codes[idx]];
  std::vector<std::pair<uint32_t, uint32_t>> runs;
  for (uint32_t code = 0; code < counts.size(); ++code) {
    if (counts[code] != 0) runs.emplace_back(code, counts[code]);
  }
  return SummarizeRuns(std::move(runs), codes.size(), is_enum);
}

template <typename Values>
ColumnSummary IntsSummary(const Values& values) {
  ColumnSummary summary;
  summary.type = ColumnSummary::Type::kInts;
  summary.int_min = std::numeric_limits<int64_t>::max();
  summary.int_max = std::numeric_limits<int64_t>::min();
  uint64_t sum = 0;
  for (size_t idx = 0; idx < values.size(); ++idx) {
    const int64_t value = values[idx];
    if (value == kNullInt) continue;
    ++summary.present;
    summary.int_min = std::min(summary.int_min, value);
    summary.int_max = std::max(summary.int_max, value);
    sum += static_cast<uint64_t>(value);
  }
  summary.int_sum = static_cast<int64_t>(sum);
  if (summary.present == 0) summary.int_min = summary.int_max = 0;
  return summary;
}

// `sketch_of()` gives the values' ValueSketch; called only when the summary keeps one.
template <typename Values, typename SketchOf>
ColumnSummary DoublesSummary(const Values& values, SketchOf sketch_of) {
  ColumnSummary summary;
  summary.type = ColumnSummary::Type::kDoubles;
  summary.double_min = std::numeric_limits<double>::infinity();
  summary.double_max = -std::numeric_limits<double>::infinity();
  for (size_t idx = 0; idx < values.size(); ++idx) {
    const double value = values[idx];
    if (std::isnan(value)) continue;
    ++summary.present;
    summary.double_min = std::min(summary.double_min, value);
    summary.double_max = std::max(summary.double_max, value);
    summary.double_sum += value;
  }
  if (summary.present == 0) summary.double_min = summary.double_max = 0;
  if (summary.present > ValueSketch::kMinValues) summary.sketch = std::make_shared<ValueSketch>(sketch_of());
  return summary;
}

}  // namespace

ColumnSummary SummarizeIds(const std::vector<int64_t>& ids) { return IdsSummary(AllValues<int64_t>{ids}); }

ColumnSummary SummarizeIdsAt(const std::vector<int64_t>& ids, std::span<const uint32_t> rows) {
  return IdsSummary(PickedValues<int64_t>{ids, rows});
}

ColumnSummary SummarizeSparseIds(std::vector<uint32_t> present_ids, size_t rows) {
  const size_t absent = rows - present_ids.size();
  std::vector<std::pair<uint32_t, uint32_t>> runs = CountCodes(std::move(present_ids));
  if (absent > 0) runs.insert(runs.begin(), {0, static_cast<uint32_t>(absent)});
  return SummarizeRuns(std::move(runs), rows, false);
}

ColumnSummary SummarizeBytes(const std::vector<uint8_t>& codes, bool is_enum) {
  return BytesSummary(AllValues<uint8_t>{codes}, is_enum);
}

ColumnSummary SummarizeBytesAt(const std::vector<uint8_t>& codes, std::span<const uint32_t> rows, bool is_enum) {
  return BytesSummary(PickedValues<uint8_t>{codes, rows}, is_enum);
}

ColumnSummary SummarizeInts(const std::vector<int64_t>& values) { return IntsSummary(AllValues<int64_t>{values}); }

ColumnSummary SummarizeIntsAt(const std::vector<int64_t>& values, std::span<const uint32_t> rows) {
  return IntsSummary(PickedValues<int64_t>{values, rows});
}

ColumnSummary SummarizeDoubles(const std::vector<double>& values) {
  return DoublesSummary(AllValues<double>{values}, [&] { return ValueSketch::Of(values); });
}

ColumnSummary SummarizeDoublesAt(const std::vector<double>& values, std::span<const uint32_t> rows) {
  return DoublesSummary(PickedValues<double>{values, rows}, [&] {
    std::vector<double> picked(rows.size());
    for (size_t idx = 0; idx < rows.size(); ++idx) picked[idx] = values[rows[idx]];
    return ValueSketch::Of(picked);
  });
}

void EncodeBlockSummary(const BlockSummary& summary, std::string* out) {
  size_t columns = 0;
  for (const ColumnSummary& column : summary.fields) columns += column.type != ColumnSummary::Type::kAbsent;
  for (const auto& [key_index, column] : summary.tags) columns += column.type != ColumnSummary::Type::kAbsent;
  segment::PutVarint(out, columns);
  for (size_t field = 0; field < summary.fields.size(); ++field) {
    if (summary.fields[field].type == ColumnSummary::Type::kAbsent) continue;
    EncodeColumn(static_cast<uint8_t>(segment::ChunkKind::kField), field, summary.fields[field], out);
  }
  for (const auto& [key_index, column] : summary.tags) {
    if (column.type == ColumnSummary::Type::kAbsent) continue;
    EncodeColumn(static_cast<uint8_t>(segment::ChunkKind::kTag), key_index, column, out);
  }
}

bool DecodeBlockSummary(segment::FooterReader& reader, uint32_t rows, size_t tag_keys, BlockSummary* out) {
  BlockSummary& summary = *out;
  summary.rows = rows;
  uint64_t columns = 0;
  if (!reader.GetVarint(&columns) || columns > kFieldIdCount + tag_keys) return false;
  for (uint64_t column_idx = 0; column_idx < columns; ++column_idx) {
    uint8_t kind = 0;
    uint64_t index = 0;
    if (!reader.GetByte(&kind) || !reader.GetVarint(&index)) return false;
    ColumnSummary* column = nullptr;
    ColumnSummary::Type type = ColumnSummary::Type::kCodes;
    if (kind == static_cast<uint8_t>(segment::ChunkKind::kField) && index < kFieldIdCount) {
      type = TypeOfField(static_cast<FieldId>(index));
      column = &summary.fields[index];
    } else if (kind == static_cast<uint8_t>(segment::ChunkKind::kTag) && index < tag_keys) {
      // The writer lists tag columns ascending; anything else is damage (or a duplicate).
      if (!summary.tags.empty() && summary.tags.back().first >= index) return false;
      column = &summary.tags.emplace_back(static_cast<uint32_t>(index), ColumnSummary{}).second;
    }
    if (column == nullptr || column->type != ColumnSummary::Type::kAbsent) return false;
    if (!DecodeColumn(reader, type, summary.rows, column)) return false;
  }
  return true;
}

bool DecodeBlockSummaries(std::string_view bytes, const std::vector<uint32_t>& block_rows, size_t tag_keys,
                          std::vector<BlockSummary>* out) {
  segment::FooterReader reader(bytes);
  out->assign(block_rows.size(), BlockSummary{});
  for (size_t block_idx = 0; block_idx < block_rows.size(); ++block_idx) {
    if (!DecodeBlockSummary(reader, block_rows[block_idx], tag_keys, &(*out)[block_idx])) return false;
  }
  return reader.at_end();
}

bool SummaryMatchesBlock(const BlockSummary& summary, const ColumnBlock& block) {
  if (summary.rows != block.rows) return false;
  for (size_t field = 0; field < summary.fields.size(); ++field) {
    const FieldId id = static_cast<FieldId>(field);
    if (TypeOfField(id) == ColumnSummary::Type::kAbsent) continue;
    if (block.column(id).present() != (summary.fields[field].type != ColumnSummary::Type::kAbsent)) return false;
  }
  size_t listed = 0;
  for (const auto& [key_index, column] : summary.tags) {
    if (column.type == ColumnSummary::Type::kAbsent) continue;
    if (!block.tag(key_index).present()) return false;
    ++listed;
  }
  size_t stored = 0;
  for (const KeyedColumn& column : block.tags) stored += column.data.present();
  return listed == stored;
}

}  // namespace mltrack::store
