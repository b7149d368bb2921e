#include "store/derived_sketch.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "store/block_slices.h"
#include "store/footer_doubles.h"

namespace mltrack::store {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using segment::GetDouble;
using segment::PutDouble;

void Encode(const DerivedSketch& sketch, std::string* out) {
  segment::PutVarint(out, sketch.present);
  if (!sketch.sketch) return;
  PutDouble(out, sketch.min);
  PutDouble(out, sketch.max);
  sketch.sketch->Encode(out);
}

bool Decode(segment::FooterReader& reader, uint32_t rows, std::shared_ptr<const DerivedSketch>* out) {
  uint64_t present = 0;
  if (!reader.GetVarint(&present) || present > rows) return false;
  auto sketch = std::make_shared<DerivedSketch>();
  sketch->present = static_cast<uint32_t>(present);
  if (present > ValueSketch::kMinValues) {
    auto counts = std::make_shared<ValueSketch>();
    if (!GetDouble(reader, &sketch->min) || !GetDouble(reader, &sketch->max) || !(sketch->min <= sketch->max) ||
        !ValueSketch::Decode(reader, sketch->present, counts.get())) {
      return false;
    }
    sketch->sketch = std::move(counts);
  }
  *out = std::move(sketch);
  return true;
}

}  // namespace

DerivedSketch DerivedSketch::Of(const std::vector<double>& values) {
  DerivedSketch out;
  out.min = std::numeric_limits<double>::infinity();
  out.max = -std::numeric_limits<double>::infinity();
  for (const double value : values) {
    if (std::isnan(value)) continue;
    ++out.present;
    out.min = std::min(out.min, value);
    out.max = std::max(out.max, value);
  }
  if (out.present > ValueSketch::kMinValues) {
    out.sketch = std::make_shared<ValueSketch>(ValueSketch::Of(values));
  } else {
    out.min = out.max = 0;
  }
  return out;
}

size_t DerivedSketch::MemoryBytes() const { return sizeof(DerivedSketch) + (sketch ? sketch->MemoryBytes() : 0); }

std::vector<double> TokensPerSecondOf(const BlockValues& values) {
  std::vector<double> out(values.ts.size(), kNaN);
  const BlockValues::Column* tokens = values.column(FieldId::kOutputTokens);
  const BlockValues::Column* latency = values.column(FieldId::kLatencyMs);
  const BlockValues::Column* ttft = values.column(FieldId::kTtftMs);
  if (!tokens || !latency || !ttft || tokens->kind != BlockValues::Kind::kInts ||
      latency->kind != BlockValues::Kind::kDoubles || ttft->kind != BlockValues::Kind::kDoubles) {
    return out;
  }
  for (size_t row = 0; row < out.size(); ++row) {
    const double output = tokens->ints[row] == kNullInt ? kNaN : static_cast<double>(tokens->ints[row]);
    // As query::GatherTokensPerSecond: NaN in any input fails the comparison.
    out[row] = latency->doubles[row] > ttft->doubles[row] ? output / ((latency->doubles[row] - ttft->doubles[row]) / 1000.0)
                                                          : kNaN;
  }
  return out;
}

void EncodeDerivedSketches(const BlockValues& values, const std::vector<std::vector<uint32_t>>& slice_rows,
                           std::string* out) {
  const std::vector<double> speeds = TokensPerSecondOf(values);
  Encode(DerivedSketch::Of(speeds), out);
  std::vector<double> picked;
  for (const std::vector<uint32_t>& rows : slice_rows) {
    picked.clear();
    for (const uint32_t row : rows) picked.push_back(speeds[row]);
    Encode(DerivedSketch::Of(picked), out);
  }
}

bool DecodeDerivedSketches(segment::FooterReader& reader, BlockSummary* parent) {
  if (!Decode(reader, parent->rows, &parent->tokens_per_s)) return false;
  for (ValueSlice& slice : parent->slices) {
    if (!Decode(reader, slice.summary.rows, &slice.summary.tokens_per_s)) return false;
  }
  return true;
}

}  // namespace mltrack::store
