#include "store/block_hour_slices.h"

#include <algorithm>

#include "core/field.h"
#include "store/local_strings.h"

namespace mltrack::store {
namespace {

int64_t HourOf(int64_t ts) { return ts >= 0 ? ts / kHourSliceMs : -((-ts + kHourSliceMs - 1) / kHourSliceMs); }

std::vector<int64_t> IdsOf(const ColumnData& column, size_t rows) {
  std::vector<int64_t> ids(rows);
  for (size_t row = 0; row < rows; ++row) {
    const uint32_t id = IdAt(column, row);
    ids[row] = id == kAbsentId ? kNullInt : int64_t{id};
  }
  return ids;
}

}  // namespace

ColumnData Densified(const ColumnData& column, size_t rows, std::vector<uint32_t>* buffer) {
  if (!column.sparse()) return column;
  buffer->assign(rows, 0);
  for (uint32_t idx = 0; idx < column.sparse_count; ++idx) {
    const uint16_t row = column.sparse_rows[idx];
    switch (column.width) {
      case 1: (*buffer)[row] = column.as<uint8_t>()[idx]; break;
      case 2: (*buffer)[row] = column.as<uint16_t>()[idx]; break;
      default: (*buffer)[row] = column.as<uint32_t>()[idx]; break;
    }
  }
  ColumnData dense = column;
  dense.data = buffer->data();
  dense.width = 4;
  dense.sparse_rows = nullptr;
  dense.sparse_count = 0;
  return dense;
}

bool SummarizedPerHour(FieldId field) {
  if (field == FieldId::kTs || field == FieldId::kId || IsDerivedField(field) || field == FieldId::kTag ||
      field == FieldId::kScore) {
    return false;
  }
  return GetFieldInfo(field).kind != FieldKind::kString;
}

BlockValues BlockValuesOf(const ColumnBlock& block, SummarizedColumns which) {
  const BlockSummary& summary = *block.summary;
  BlockValues values;
  const size_t rows = block.rows;
  const bool all = which == SummarizedColumns::kAll;
  std::vector<uint32_t> dense;  // a sparse column's values, spread (Densified)
  for (const FieldInfo& info : AllFields()) {
    const FieldId id = info.id;
    if (id == FieldId::kTs || id == FieldId::kId || IsDerivedField(id) || id == FieldId::kTag ||
        id == FieldId::kScore || IsLocalStringField(id) || summary.field(id).type == ColumnSummary::Type::kAbsent ||
        (!all && !SummarizedPerHour(id))) {
      continue;
    }
    const ColumnData column = Densified(block.column(id), rows, &dense);
    BlockValues::Column kept;
    kept.field = id;
    switch (info.kind) {
      case FieldKind::kString:
        kept.kind = BlockValues::Kind::kIds;
        kept.ints = IdsOf(column, rows);
        break;
      case FieldKind::kEnum:
      case FieldKind::kBool:
        kept.kind = info.kind == FieldKind::kEnum ? BlockValues::Kind::kEnum : BlockValues::Kind::kBytes;
        kept.bytes.resize(rows);
        for (size_t row = 0; row < rows; ++row) kept.bytes[row] = ByteAt(column, row);
        break;
      case FieldKind::kInt:
      case FieldKind::kMoney:
        kept.kind = id == FieldId::kHttpStatus ? BlockValues::Kind::kIds : BlockValues::Kind::kInts;
        kept.ints.resize(rows);
        for (size_t row = 0; row < rows; ++row) kept.ints[row] = IntAt(column, row);
        break;
      case FieldKind::kDouble:
        kept.kind = BlockValues::Kind::kDoubles;
        kept.doubles.resize(rows);
        for (size_t row = 0; row < rows; ++row) kept.doubles[row] = DoubleAt(column, row);
        break;
      case FieldKind::kTime:
        continue;
    }
    values.fields.push_back(std::move(kept));
  }
  if (!all) return values;
  for (const auto& [key_index, column] : summary.tags) {
    values.tags.emplace_back(key_index, IdsOf(Densified(block.tag(key_index), rows, &dense), rows));
  }
  return values;
}

std::vector<HourSlice> SliceBlockByHour(const ColumnBlock& block) {
  std::vector<HourSlice> slices;
  if (block.summary == nullptr || block.rows == 0) return slices;
  const int64_t first = HourOf(block.min_ts);
  const int64_t hours = HourOf(block.max_ts) - first + 1;
  if (hours < 2 || hours > static_cast<int64_t>(kMaxHourSlices) ||
      block.rows < static_cast<size_t>(hours) * kMinHourSliceRows) {
    return slices;
  }
  std::vector<std::vector<uint32_t>> rows(static_cast<size_t>(hours));
  for (uint32_t row = 0; row < block.rows; ++row) rows[static_cast<size_t>(HourOf(block.Ts(row)) - first)].push_back(row);
  const BlockValues values = BlockValuesOf(block, SummarizedColumns::kMeasures);
  for (const std::vector<uint32_t>& hour : rows) {
    if (hour.empty()) continue;
    HourSlice& slice = slices.emplace_back();
    slice.min_ts = slice.max_ts = block.Ts(hour.front());
    for (const uint32_t row : hour) {
      slice.min_ts = std::min(slice.min_ts, block.Ts(row));
      slice.max_ts = std::max(slice.max_ts, block.Ts(row));
    }
    slice.summary = SummarizeRows(values, hour);
  }
  return slices;
}

std::shared_ptr<const std::vector<HourSlice>> HourSlicesOf(const ColumnBlock& block) {
  const auto& lazy = block.summary->hour_slices;
  if (std::shared_ptr<const std::vector<HourSlice>> made = lazy.Get()) return made;
  return lazy.Keep(std::make_shared<const std::vector<HourSlice>>(SliceBlockByHour(block)));
}

}  // namespace mltrack::store
