#include "store/block_moments.h"

#include <algorithm>
#include <cmath>

#include "store/block_slices.h"
#include "store/block_summary.h"
#include "store/footer_doubles.h"

namespace mltrack::store {
namespace {

using segment::GetDouble;
using segment::PutDouble;

// Whether the field's summary holds a count and sum a spread can go with.
bool IsMeasure(FieldId field) {
  if (field == FieldId::kHttpStatus) return false;  // summarized as codes
  const FieldKind kind = GetFieldInfo(field).kind;
  return kind == FieldKind::kInt || kind == FieldKind::kMoney || kind == FieldKind::kDouble;
}

// The values of `column` at `rows` (null = every row) as doubles, NaN = absent, read in place.
struct MeasureValues {
  const BlockValues::Column& column;
  const std::vector<uint32_t>* rows;
  size_t size() const {
    if (rows) return rows->size();
    return column.kind == BlockValues::Kind::kDoubles ? column.doubles.size() : column.ints.size();
  }
  double operator[](size_t idx) const {
    const size_t row = rows ? (*rows)[idx] : idx;
    if (column.kind == BlockValues::Kind::kDoubles) return column.doubles[row];
    return column.ints[row] == kNullInt ? NAN : static_cast<double>(column.ints[row]);
  }
};

// A score's values at `rows` (null = every row), NaN = absent.
struct ScoreValues {
  const std::vector<double>& dense;
  const std::vector<uint32_t>* rows;
  size_t size() const { return rows ? rows->size() : dense.size(); }
  double operator[](size_t idx) const { return dense[rows ? (*rows)[idx] : idx]; }
};

// Count, sum and M2 of the non-NaN values (two-pass, corrected); SpreadOf for any sequence.
template <typename Values>
Spread SpreadOfValues(const Values& values) {
  Spread out;
  double shift = 0;
  double shifted_sum = 0;
  for (size_t idx = 0; idx < values.size(); ++idx) {
    const double value = values[idx];
    if (std::isnan(value)) continue;
    if (out.present == 0) shift = value;
    ++out.present;
    out.sum += value;
    shifted_sum += value - shift;
  }
  if (out.present == 0) return out;
  const double n = static_cast<double>(out.present);
  const double mean = shifted_sum / n;
  double squares = 0;
  double residual = 0;
  for (size_t idx = 0; idx < values.size(); ++idx) {
    const double value = values[idx];
    if (std::isnan(value)) continue;
    const double deviation = value - shift - mean;
    squares += deviation * deviation;
    residual += deviation;
  }
  out.m2 = std::max(0.0, squares - residual * residual / n);
  return out;
}

void Encode(const BlockMoments& moments, std::string* out) {
  segment::PutVarint(out, moments.field_m2.size());
  for (const auto& [field, m2] : moments.field_m2) {
    out->push_back(static_cast<char>(field));
    PutDouble(out, m2);
  }
  segment::PutVarint(out, moments.scores.size());
  for (const BlockMoments::Score& score : moments.scores) {
    segment::PutVarint(out, score.index);
    segment::PutVarint(out, score.present);
    PutDouble(out, score.sum);
    PutDouble(out, score.m2);
  }
}

bool Decode(segment::FooterReader& reader, size_t score_names, BlockSummary* summary) {
  auto moments = std::make_shared<BlockMoments>();
  uint64_t fields = 0;
  if (!reader.GetVarint(&fields) || fields > kFieldIdCount) return false;
  for (uint64_t idx = 0; idx < fields; ++idx) {
    uint8_t field = 0;
    double m2 = 0;
    if (!reader.GetByte(&field) || field >= kFieldIdCount || !GetDouble(reader, &m2) || !(m2 >= 0)) return false;
    const FieldId id = static_cast<FieldId>(field);
    const ColumnSummary& column = summary->field(id);
    if (!IsMeasure(id) || column.present == 0 ||
        (column.type != ColumnSummary::Type::kInts && column.type != ColumnSummary::Type::kDoubles)) {
      return false;
    }
    if (!moments->field_m2.empty() && moments->field_m2.back().first >= id) return false;
    moments->field_m2.emplace_back(id, m2);
  }
  uint64_t scores = 0;
  if (!reader.GetVarint(&scores) || scores > score_names) return false;
  for (uint64_t idx = 0; idx < scores; ++idx) {
    uint64_t index = 0;
    uint64_t present = 0;
    BlockMoments::Score score;
    if (!reader.GetVarint(&index) || index >= score_names || !reader.GetVarint(&present) || present == 0 ||
        present > summary->rows || !GetDouble(reader, &score.sum) || !GetDouble(reader, &score.m2) ||
        !(score.m2 >= 0) || std::isnan(score.sum)) {
      return false;
    }
    score.index = static_cast<uint32_t>(index);
    score.present = static_cast<uint32_t>(present);
    if (!moments->scores.empty() && moments->scores.back().index >= score.index) return false;
    moments->scores.push_back(score);
  }
  summary->moments = std::move(moments);
  return true;
}

}  // namespace

const double* BlockMoments::FieldM2(FieldId field) const {
  for (const auto& [listed, m2] : field_m2) {
    if (listed == field) return &m2;
  }
  return nullptr;
}

const BlockMoments::Score* BlockMoments::ScoreOf(uint32_t index) const {
  const auto found = std::lower_bound(scores.begin(), scores.end(), index,
                                      [](const Score& score, uint32_t wanted) { return score.index < wanted; });
  return found != scores.end() && found->index == index ? &*found : nullptr;
}

size_t BlockMoments::MemoryBytes() const {
  return sizeof(BlockMoments) + field_m2.capacity() * sizeof(field_m2[0]) + scores.capacity() * sizeof(Score);
}

Spread SpreadOf(const std::vector<double>& values) { return SpreadOfValues(ScoreValues{values, nullptr}); }

BlockMoments MomentsOf(const BlockValues& values, const std::vector<uint32_t>* rows) {
  BlockMoments moments;
  for (const BlockValues::Column& column : values.fields) {  // ascending by field
    if (!IsMeasure(column.field)) continue;
    if (column.kind != BlockValues::Kind::kInts && column.kind != BlockValues::Kind::kDoubles) continue;
    const Spread spread = SpreadOfValues(MeasureValues{column, rows});
    if (spread.present > 0) moments.field_m2.emplace_back(column.field, spread.m2);
  }
  for (const auto& [index, dense] : values.scores) {  // ascending by index
    const Spread spread = SpreadOfValues(ScoreValues{dense, rows});
    if (spread.present > 0) moments.scores.push_back({index, spread.present, spread.sum, spread.m2});
  }
  return moments;
}

namespace {

// Spread accumulators of one slice: SpreadOfValues' two passes, kept per slot.
struct SlotSpread {
  uint32_t present = 0;
  double sum = 0;
  double shift = 0;
  double shifted_sum = 0;
  double mean = 0;
  double squares = 0;
  double residual = 0;
};

// The spreads of one column's values (`value(row)`, NaN = absent) in each slot of a partition of
// the block's rows (`slot_of[row]`): per slot the same additions in the same (row) order as
// SpreadOfValues over that slot's rows, so the same doubles. `present_rows` lists the rows with a
// value, ascending, once per column for every sliced field.
template <typename Value>
void SpreadsBySlot(const std::vector<uint32_t>& present_rows, Value value, const std::vector<uint8_t>& slot_of,
                   std::vector<SlotSpread>* slots) {
  for (const uint32_t row : present_rows) {
    const double sample = value(row);
    SlotSpread& slot = (*slots)[slot_of[row]];
    if (slot.present == 0) slot.shift = sample;
    ++slot.present;
    slot.sum += sample;
    slot.shifted_sum += sample - slot.shift;
  }
  for (SlotSpread& slot : *slots) {
    if (slot.present > 0) slot.mean = slot.shifted_sum / static_cast<double>(slot.present);
  }
  for (const uint32_t row : present_rows) {
    SlotSpread& slot = (*slots)[slot_of[row]];
    const double deviation = value(row) - slot.shift - slot.mean;
    slot.squares += deviation * deviation;
    slot.residual += deviation;
  }
}

Spread SpreadOfSlot(const SlotSpread& slot) {
  Spread out;
  out.present = slot.present;
  out.sum = slot.sum;
  if (slot.present == 0) return out;
  const double n = static_cast<double>(slot.present);
  out.m2 = std::max(0.0, slot.squares - slot.residual * slot.residual / n);
  return out;
}

}  // namespace

void EncodeBlockMoments(const BlockValues& values, const std::vector<ValueSlice>& slices,
                        const std::vector<std::vector<uint32_t>>& slice_rows, std::string* out) {
  Encode(MomentsOf(values, nullptr), out);
  // The slices of one field partition the block's rows: each column is read once per sliced
  // field, its values added into their row's slice, instead of once per slice through its rows.
  std::vector<BlockMoments> moments(slices.size());
  std::vector<uint8_t> slot_of(values.ts.size());
  std::vector<SlotSpread> slots;
  struct Column {
    FieldId field;
    const BlockValues::Column* measure;
    uint32_t score_index;
    const std::vector<double>* score;
    std::vector<uint32_t> present_rows;
    double At(uint32_t row) const { return measure ? MeasureValues{*measure, nullptr}[row] : (*score)[row]; }
  };
  std::vector<Column> columns;
  for (const BlockValues::Column& column : values.fields) {  // ascending by field, as MomentsOf
    if (!IsMeasure(column.field)) continue;
    if (column.kind != BlockValues::Kind::kInts && column.kind != BlockValues::Kind::kDoubles) continue;
    columns.push_back({column.field, &column, 0, nullptr, {}});
  }
  for (const auto& [index, dense] : values.scores) columns.push_back({FieldId::kTs, nullptr, index, &dense, {}});
  for (Column& column : columns) {
    for (uint32_t row = 0; row < slot_of.size(); ++row) {
      if (!std::isnan(column.At(row))) column.present_rows.push_back(row);
    }
  }
  for (size_t begin = 0; begin < slices.size();) {
    size_t end = begin;
    while (end < slices.size() && slices[end].field == slices[begin].field) ++end;
    for (size_t slice_idx = begin; slice_idx < end; ++slice_idx) {
      for (const uint32_t row : slice_rows[slice_idx]) slot_of[row] = static_cast<uint8_t>(slice_idx - begin);
    }
    for (const Column& column : columns) {
      slots.assign(end - begin, SlotSpread{});
      if (column.measure) {
        const MeasureValues measure{*column.measure, nullptr};
        SpreadsBySlot(column.present_rows, [&](uint32_t row) { return measure[row]; }, slot_of, &slots);
      } else {
        const std::vector<double>& dense = *column.score;
        SpreadsBySlot(column.present_rows, [&](uint32_t row) { return dense[row]; }, slot_of, &slots);
      }
      for (size_t slot = 0; slot < slots.size(); ++slot) {
        const Spread spread = SpreadOfSlot(slots[slot]);
        if (spread.present == 0) continue;
        BlockMoments& slice = moments[begin + slot];
        if (column.measure) {
          slice.field_m2.emplace_back(column.field, spread.m2);
        } else {
          slice.scores.push_back({column.score_index, spread.present, spread.sum, spread.m2});
        }
      }
    }
    begin = end;
  }
  for (const BlockMoments& slice : moments) Encode(slice, out);
}

bool DecodeBlockMoments(segment::FooterReader& reader, size_t score_names, BlockSummary* parent) {
  if (!Decode(reader, score_names, parent)) return false;
  for (ValueSlice& slice : parent->slices) {
    if (!Decode(reader, score_names, &slice.summary)) return false;
  }
  return true;
}

}  // namespace mltrack::store
