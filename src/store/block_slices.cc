#include "store/block_slices.h"

#include <algorithm>
#include <limits>

#include "store/picked_summaries.h"
#include "store/segment_format.h"

namespace mltrack::store {

BlockSummary SummarizeRows(const BlockValues& values, const std::vector<uint32_t>& rows) {
  BlockSummary summary;
  summary.rows = static_cast<uint32_t>(rows.size());
  for (const BlockValues::Column& column : values.fields) {
    ColumnSummary& out = summary.fields[static_cast<size_t>(column.field)];
    switch (column.kind) {
      case BlockValues::Kind::kIds: out = SummarizeIdsAt(column.ints, rows); break;
      case BlockValues::Kind::kInts: out = SummarizeIntsAt(column.ints, rows); break;
      case BlockValues::Kind::kBytes: out = SummarizeBytesAt(column.bytes, rows, false); break;
      case BlockValues::Kind::kEnum: out = SummarizeBytesAt(column.bytes, rows, true); break;
      case BlockValues::Kind::kDoubles: out = SummarizeDoublesAt(column.doubles, rows); break;
    }
  }
  for (const auto& [key_index, ids] : values.tags) summary.tags.emplace_back(key_index, SummarizeIdsAt(ids, rows));
  return summary;
}

namespace {

bool IsSliceField(uint8_t field) {
  return std::any_of(kSliceFields.begin(), kSliceFields.end(),
                     [field](FieldId id) { return static_cast<uint8_t>(id) == field; });
}

// The parent's row count of `code` of a sliced field; false when the field cannot be sliced or
// the code is not listed.
bool SlicedRows(const BlockSummary& parent, FieldId field, uint32_t code, uint32_t* rows) {
  const ColumnSummary& column = parent.field(field);
  if (column.type != ColumnSummary::Type::kCodes || !column.exact || column.codes.size() < 2 ||
      column.codes.size() > kMaxSliceCodes) {
    return false;
  }
  const auto found = std::lower_bound(column.codes.begin(), column.codes.end(), code,
                                      [](const auto& entry, uint32_t wanted) { return entry.first < wanted; });
  if (found == column.codes.end() || found->first != code) return false;
  *rows = found->second;
  return true;
}

// Whether every column the slice lists is one the parent lists, of the same type.
bool ColumnsWithin(const BlockSummary& slice, const BlockSummary& parent) {
  for (size_t field = 0; field < slice.fields.size(); ++field) {
    const ColumnSummary::Type type = slice.fields[field].type;
    if (type != ColumnSummary::Type::kAbsent && parent.fields[field].type != type) return false;
  }
  for (const auto& [key_index, column] : slice.tags) {
    if (parent.tag(key_index).type != column.type) return false;
  }
  return true;
}

}  // namespace

std::span<const ValueSlice> SlicesOf(const BlockSummary& summary, FieldId field) {
  const auto begin = std::lower_bound(summary.slices.begin(), summary.slices.end(), field,
                                      [](const ValueSlice& slice, FieldId wanted) { return slice.field < wanted; });
  auto end = begin;
  while (end != summary.slices.end() && end->field == field) ++end;
  return {summary.slices.data() + (begin - summary.slices.begin()), static_cast<size_t>(end - begin)};
}

std::vector<ValueSlice> SliceBlock(const BlockValues& values, const BlockSummary& summary,
                                   std::vector<std::vector<uint32_t>>* slice_rows) {
  std::vector<ValueSlice> slices;
  if (slice_rows) slice_rows->clear();
  for (const FieldId field : kSliceFields) {  // ascending FieldIds
    const ColumnSummary& column = summary.field(field);
    if (column.type != ColumnSummary::Type::kCodes || !column.exact || column.codes.size() < 2 ||
        column.codes.size() > kMaxSliceCodes) {
      continue;
    }
    const BlockValues::Column* sliced = values.column(field);
    if (sliced == nullptr || sliced->kind != BlockValues::Kind::kIds) continue;
    std::vector<std::vector<uint32_t>> rows_of(column.codes.size());
    for (size_t slot = 0; slot < rows_of.size(); ++slot) rows_of[slot].reserve(column.codes[slot].second);
    for (size_t row = 0; row < sliced->ints.size(); ++row) {
      const int64_t id = sliced->ints[row];
      const uint32_t code = id == kNullInt ? 0 : static_cast<uint32_t>(id);
      const auto found = std::lower_bound(column.codes.begin(), column.codes.end(), code,
                                          [](const auto& entry, uint32_t wanted) { return entry.first < wanted; });
      rows_of[static_cast<size_t>(found - column.codes.begin())].push_back(static_cast<uint32_t>(row));
    }
    for (size_t slot = 0; slot < rows_of.size(); ++slot) {
      ValueSlice& slice = slices.emplace_back();
      slice.field = field;
      slice.code = column.codes[slot].first;
      slice.min_ts = std::numeric_limits<int64_t>::max();
      slice.max_ts = std::numeric_limits<int64_t>::min();
      for (const uint32_t row : rows_of[slot]) {
        slice.min_ts = std::min(slice.min_ts, values.ts[row]);
        slice.max_ts = std::max(slice.max_ts, values.ts[row]);
      }
      slice.summary = SummarizeRows(values, rows_of[slot]);
      if (slice_rows) slice_rows->push_back(std::move(rows_of[slot]));
    }
  }
  return slices;
}

void EncodeSlices(const std::vector<ValueSlice>& slices, std::string* out) {
  segment::PutVarint(out, slices.size());
  for (const ValueSlice& slice : slices) {
    out->push_back(static_cast<char>(slice.field));
    segment::PutVarint(out, slice.code);
    segment::PutSigned(out, slice.min_ts);
    segment::PutSigned(out, slice.max_ts);
    EncodeBlockSummary(slice.summary, out);
  }
}

bool DecodeSlices(segment::FooterReader& reader, size_t tag_keys, int64_t block_min_ts, int64_t block_max_ts,
                  BlockSummary* parent) {
  uint64_t count = 0;
  if (!reader.GetVarint(&count) || count > kSliceFields.size() * kMaxSliceCodes) return false;
  std::vector<ValueSlice>& slices = parent->slices;
  slices.clear();
  slices.reserve(count);
  for (uint64_t idx = 0; idx < count; ++idx) {
    uint8_t field = 0;
    uint64_t code = 0;
    ValueSlice slice;
    if (!reader.GetByte(&field) || !IsSliceField(field) || !reader.GetVarint(&code) || code > UINT32_MAX ||
        !reader.GetSigned(&slice.min_ts) || !reader.GetSigned(&slice.max_ts)) {
      return false;
    }
    slice.field = static_cast<FieldId>(field);
    slice.code = static_cast<uint32_t>(code);
    if (!slices.empty() && std::pair(slices.back().field, slices.back().code) >= std::pair(slice.field, slice.code)) {
      return false;
    }
    uint32_t rows = 0;
    uint32_t single = 0;
    if (slice.min_ts > slice.max_ts || slice.min_ts < block_min_ts || slice.max_ts > block_max_ts ||
        !SlicedRows(*parent, slice.field, slice.code, &rows) ||
        !DecodeBlockSummary(reader, rows, tag_keys, &slice.summary) ||
        !slice.summary.field(slice.field).SingleCode(rows, &single) || single != slice.code ||
        !ColumnsWithin(slice.summary, *parent)) {
      return false;
    }
    slices.push_back(std::move(slice));
  }
  // A sliced field has a slice for every code the block lists.
  for (const FieldId field : kSliceFields) {
    const size_t listed = SlicesOf(*parent, field).size();
    if (listed != 0 && listed != parent->field(field).codes.size()) return false;
  }
  return true;
}

}  // namespace mltrack::store
