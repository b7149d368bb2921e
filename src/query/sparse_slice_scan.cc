#include "query/sparse_slice_scan.h"

#include <algorithm>
#include <cmath>

#include "query/column_source.h"
#include "store/value_sketch.h"

namespace mltrack::query {
namespace {

constexpr FieldId kMeasures[] = {FieldId::kLatencyMs, FieldId::kTtftMs, FieldId::kTokensPerS};
constexpr size_t kMeasureCount = std::size(kMeasures);
constexpr size_t kMaxListRows = store::ValueSketch::kMinValues;

// One pass over the block: the rows of each slice of `field` with each measure present, kept for
// the (slice, measure) pairs of 1..kMaxListRows values (those a slice summary has no sketch of).
store::SparseRows::Field MakeField(const Plan& plan, const store::ColumnBlock& block, FieldId field) {
  store::SparseRows::Field made;
  made.field = field;
  std::vector<uint32_t> codes;
  for (const store::ValueSlice& slice : block.summary->slices) {
    if (slice.field == field) codes.push_back(slice.code);
  }
  std::sort(codes.begin(), codes.end());
  if (codes.empty() || block.rows > size_t{UINT16_MAX} + 1) return made;
  constexpr uint32_t kNoSlice = UINT32_MAX;
  std::vector<std::vector<uint16_t>> lists(codes.size() * kMeasureCount);
  std::vector<uint8_t> too_many(lists.size(), 0);
  const ColumnSource code_source = ResolveColumn(*plan.snapshot, FieldRef{field, {}});
  std::vector<uint32_t> rows(kChunkRows), slice_of(kChunkRows);
  std::vector<uint64_t> row_codes(kChunkRows);
  std::vector<double> values(kChunkRows);
  for (size_t begin = 0; begin < block.rows; begin += kChunkRows) {
    const size_t count = std::min(kChunkRows, block.rows - begin);
    for (size_t idx = 0; idx < count; ++idx) rows[idx] = static_cast<uint32_t>(begin + idx);
    GatherCode(code_source, block, rows.data(), count, row_codes.data());
    for (size_t idx = 0; idx < count; ++idx) {
      auto found = std::lower_bound(codes.begin(), codes.end(), row_codes[idx]);
      slice_of[idx] = found != codes.end() && *found == row_codes[idx] ? static_cast<uint32_t>(found - codes.begin())
                                                                       : kNoSlice;
    }
    for (size_t measure = 0; measure < kMeasureCount; ++measure) {
      GatherDouble(ResolveColumn(*plan.snapshot, FieldRef{kMeasures[measure], {}}), block, rows.data(), count,
                   values.data());
      for (size_t idx = 0; idx < count; ++idx) {
        if (slice_of[idx] == kNoSlice || std::isnan(values[idx])) continue;
        const size_t list = slice_of[idx] * kMeasureCount + measure;
        if (too_many[list]) continue;
        if (lists[list].size() == kMaxListRows) {
          too_many[list] = 1;
          std::vector<uint16_t>().swap(lists[list]);
          continue;
        }
        lists[list].push_back(static_cast<uint16_t>(rows[idx]));
      }
    }
  }
  for (size_t slice = 0; slice < codes.size(); ++slice) {
    for (size_t measure = 0; measure < kMeasureCount; ++measure) {
      std::vector<uint16_t>& list = lists[slice * kMeasureCount + measure];
      if (too_many[slice * kMeasureCount + measure] || list.empty()) continue;
      list.shrink_to_fit();
      made.lists.push_back({codes[slice], kMeasures[measure], std::move(list)});
    }
  }
  std::sort(made.lists.begin(), made.lists.end(), [](const auto& a, const auto& b) {
    return std::pair(a.code, a.measure) < std::pair(b.code, b.measure);
  });
  return made;
}

}  // namespace

bool HasSparseSliceRows(FieldId measure) {
  return std::find(std::begin(kMeasures), std::end(kMeasures), measure) != std::end(kMeasures);
}

std::shared_ptr<const store::SparseRows> SparseSliceRowsOf(const Plan& plan, const store::ColumnBlock& block,
                                                                FieldId field) {
  const store::LazyPart<store::SparseRows>& lazy = block.summary->sparse_rows;
  std::shared_ptr<const store::SparseRows> seen = lazy.Get();
  if (seen && seen->Find(field)) return seen;
  store::SparseRows::Field made = MakeField(plan, block, field);
  for (;;) {
    auto rows = std::make_shared<store::SparseRows>(seen ? *seen : store::SparseRows{});
    rows->fields.push_back(made);
    if (lazy.Replace(seen, rows)) return rows;
    seen = lazy.Get();  // another thread added a field first
    if (seen && seen->Find(field)) return seen;
  }
}

bool SparseSliceMetricRows(const Plan& plan, const store::ColumnBlock& block, const std::vector<size_t>& rest,
                           const SliceRows& slice_rows, SparseMetricRows* out) {
  if (block.summary == nullptr || rest.empty() || rest.size() != slice_rows.codes.size()) return false;
  for (size_t idx = 0; idx < rest.size(); ++idx) {
    const MetricSpec& metric = plan.spec->metrics[rest[idx]];
    if (metric.kind != AggregateKind::kPercentile || !HasSparseSliceRows(metric.field.id)) return false;
    if (slice_rows.codes[idx].empty()) return false;  // every kept row: no list to take them from
  }
  const std::shared_ptr<const store::SparseRows> sparse = SparseSliceRowsOf(plan, block, slice_rows.field);
  const store::SparseRows::Field* field = sparse->Find(slice_rows.field);
  if (field == nullptr) return false;
  out->list_of.assign(rest.size(), 0);
  size_t lists = 0;
  for (size_t idx = 0; idx < rest.size(); ++idx) {
    const FieldId measure = plan.spec->metrics[rest[idx]].field.id;
    // Percentiles of one field (one shared state) read the same slices: one list for all of them.
    if (idx > 0 && measure == plan.spec->metrics[rest[idx - 1]].field.id &&
        slice_rows.codes[idx] == slice_rows.codes[idx - 1]) {
      out->list_of[idx] = out->list_of[idx - 1];
      continue;
    }
    if (out->rows.size() <= lists) out->rows.resize(lists + 1);
    std::vector<uint32_t>& rows = out->rows[lists];
    rows.clear();
    for (uint32_t code : slice_rows.codes[idx]) {
      const store::SparseRows::List* list = store::SparseRows::Find(*field, code, measure);
      if (list == nullptr) return false;
      rows.insert(rows.end(), list->rows.begin(), list->rows.end());
    }
    out->list_of[idx] = lists++;
  }
  return true;
}

}  // namespace mltrack::query
