#include "query/block_answer.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "query/chunk_gathers.h"
#include "store/block_hour_cells.h"
#include "store/block_hour_slices.h"
#include "store/block_score_cells.h"
#include "store/block_slices.h"
#include "store/block_summary.h"
#include "store/block_tag_cells.h"

namespace mltrack::query {
namespace {

// A value slice or an hour slice seen as a block of its own: its rows, time range and summary, no
// columns (only summaries are read from it). One per thread and slice kind, rewritten for each slice.
template <typename Slice>
const store::ColumnBlock& SliceView(const store::ColumnBlock& block, const Slice& slice) {
  thread_local store::ColumnBlock view;
  view.rows = slice.summary.rows;
  view.min_ts = slice.min_ts;
  view.max_ts = slice.max_ts;
  view.segment_id = block.segment_id;
  view.summary = &slice.summary;
  return view;
}

// A cell (an hour cell, or a tag or score cell's hour-cell part) seen as a block of its own whose
// summary is `summary` (the cell's, written by the caller). One per thread, rewritten for each cell.
const store::ColumnBlock& CellView(const store::ColumnBlock& block, const store::HourCell& cell,
                                   const store::BlockSummary& summary) {
  thread_local store::ColumnBlock view;
  view.rows = cell.rows;
  view.min_ts = cell.min_ts;
  view.max_ts = cell.max_ts;
  view.segment_id = block.segment_id;
  view.summary = &summary;
  return view;
}

// The group key of `block` with bucket code `bucket` for the plan's one bucket part and the
// block's single code for every other part; false when a part is not constant or does not fit.
bool KeyWithBucket(const Plan& plan, const store::ColumnBlock& block, uint64_t bucket, uint64_t* key) {
  std::fill(key, key + plan.key_words, uint64_t{0});
  for (size_t part_idx = 0; part_idx < plan.parts.size(); ++part_idx) {
    const KeyPart& part = plan.parts[part_idx];
    if (part.bin) return false;
    uint64_t code = bucket;
    if (!part.is_bucket) {
      const store::ColumnSummary* column = SummaryOf(part.source, *block.summary);
      uint32_t single = 0;
      if (column == nullptr || !column->SingleCode(block.summary->rows, &single)) return false;
      code = single;
    }
    if (!FitsPart(plan, part_idx, code)) return false;
    SetPartCode(plan, part_idx, code, key);
  }
  return true;
}

// The group key (plan.key_words words) of a block every part of which is constant; false when
// one is not.
bool ConstantKey(const Plan& plan, const store::ColumnBlock& block, uint64_t* key) {
  uint64_t bucket = 0;
  for (const KeyPart& part : plan.parts) {
    if (!part.is_bucket) continue;
    const int64_t first = plan.bucketer->Index(block.min_ts);
    if (plan.bucketer->Index(block.max_ts) != first) return false;
    bucket = static_cast<uint64_t>(first);
  }
  return KeyWithBucket(plan, block, bucket, key);
}

// AnswerFromSlices over the slices of one field.
bool AnswerFromFieldSlices(const Plan& plan, const store::ColumnBlock& block, std::span<const store::ValueSlice> slices,
                           std::span<const RowFilter* const> filters, Partial& partial,
                           std::vector<size_t>* unanswered, uint32_t* group, SliceRows* slice_rows) {
  thread_local std::vector<const store::ValueSlice*> kept;
  thread_local std::vector<uint64_t> keys;
  thread_local std::vector<uint8_t> from_summary;  // by kept slice × metric: 1 = added from the slice
  kept.clear();
  keys.clear();
  const size_t words = plan.key_words;
  bool one_group = true;
  for (const store::ValueSlice& slice : slices) {
    bool keep = true;
    for (const RowFilter* filter : filters) {
      const FilterVerdict verdict = filter->Judge(slice.summary);
      if (verdict == FilterVerdict::kSome) return false;
      keep &= verdict == FilterVerdict::kAll;
    }
    if (!keep) continue;
    keys.resize(keys.size() + words);
    uint64_t* key = keys.data() + keys.size() - words;
    if (!ConstantKey(plan, SliceView(block, slice), key)) return false;
    one_group &= std::equal(key, key + words, keys.data());
    kept.push_back(&slice);
  }
  const size_t metrics = partial.metrics.size();
  from_summary.assign(kept.size() * metrics, 0);
  bool any_from_summary = false;
  for (size_t slice_idx = 0; slice_idx < kept.size(); ++slice_idx) {
    const store::ColumnBlock& view = SliceView(block, *kept[slice_idx]);
    for (size_t metric_idx = 0; metric_idx < metrics; ++metric_idx) {
      const bool can = partial.metrics[metric_idx]->CanAddSummary(view);
      from_summary[slice_idx * metrics + metric_idx] = can;
      any_from_summary |= can;
    }
  }
  // Nothing to take from the slices: the block is scanned as it would be without them.
  if (!one_group && !any_from_summary) return false;
  unanswered->clear();
  slice_rows->field = slices.front().field;
  slice_rows->codes.clear();
  for (size_t metric_idx = 0; metric_idx < metrics; ++metric_idx) {
    std::vector<uint32_t> codes;
    bool some_from_summary = false;
    for (size_t slice_idx = 0; slice_idx < kept.size(); ++slice_idx) {
      if (from_summary[slice_idx * metrics + metric_idx]) {
        some_from_summary = true;
      } else {
        codes.push_back(kept[slice_idx]->code);
      }
    }
    if (codes.empty()) continue;
    unanswered->push_back(metric_idx);
    if (!some_from_summary) codes.clear();  // every kept row
    slice_rows->codes.push_back(std::move(codes));
  }
  for (size_t slice_idx = 0; slice_idx < kept.size(); ++slice_idx) {
    const store::ColumnBlock& view = SliceView(block, *kept[slice_idx]);
    *group = partial.table.FindOrInsert(keys.data() + slice_idx * words);
    for (size_t metric_idx = 0; metric_idx < metrics; ++metric_idx) {
      MetricAccumulator& metric = *partial.metrics[metric_idx];
      metric.Resize(partial.table.size());
      if (from_summary[slice_idx * metrics + metric_idx]) metric.AddSummary(view, *group);
    }
  }
  if (kept.empty()) {  // no row passes the filters
    unanswered->clear();
    slice_rows->codes.clear();
  }
  if (!one_group) *group = kSeveralGroups;
  return true;
}

// The rows of `block` on the smaller side of `edge` (ts < edge, or ts ≥ edge), ascending, into
// `out`; *late is whether they are the ts ≥ edge side. min_ts < edge ≤ max_ts.
void SmallerSide(const store::ColumnBlock& block, int64_t edge, std::vector<uint32_t>& out, bool* late) {
  out.resize(block.rows);
  uint32_t* early = out.data();
  size_t early_count = 0;
  if (block.ts_offsets != nullptr) {
    const uint32_t threshold = static_cast<uint32_t>(edge - block.min_ts);  // < 2^32: offsets fit
    for (uint32_t row = 0; row < block.rows; ++row) {
      early[early_count] = row;
      early_count += block.ts_offsets[row] < threshold;
    }
  } else {
    for (uint32_t row = 0; row < block.rows; ++row) {
      early[early_count] = row;
      early_count += block.ts[row] < edge;
    }
  }
  *late = early_count * 2 > block.rows;
  if (!*late) {
    out.resize(early_count);
    return;
  }
  size_t late_count = 0;
  for (uint32_t row = 0; row < block.rows; ++row) {
    out[late_count] = row;
    late_count += block.Ts(row) >= edge;
  }
  out.resize(late_count);
}

// AnswerFromHourSlices for a block over which one group part varies: an enum or bool, which hour
// slices summarize with exact codes (the overview's status per day, blocks across midnight). Each
// slice adds its rows of each code to the group of its bucket and that code, when every metric
// adds a count of rows (AddsBlockRows). The block's other parts must be constant over it; the
// caller checked that each of its whole hours lies within one bucket.
bool AnswerFromHourSlicesPerCode(const Plan& plan, const store::ColumnBlock& block, Partial& partial) {
  size_t varying_idx = plan.parts.size();
  for (size_t part_idx = 0; part_idx < plan.parts.size(); ++part_idx) {
    const KeyPart& part = plan.parts[part_idx];
    if (part.bin) return false;
    if (part.is_bucket) continue;
    const store::ColumnSummary* column = SummaryOf(part.source, *block.summary);
    uint32_t code = 0;
    if (column == nullptr) return false;
    if (column->SingleCode(block.summary->rows, &code)) continue;
    const bool byte_codes = part.source.type == ColumnSource::Type::kEnum || part.source.type == ColumnSource::Type::kBool;
    if (varying_idx != plan.parts.size() || !byte_codes || !store::SummarizedPerHour(part.source.field)) return false;
    varying_idx = part_idx;
  }
  if (varying_idx == plan.parts.size()) return false;
  for (const auto& metric : partial.metrics) {
    if (!metric->AddsBlockRows(block)) return false;
  }
  const std::shared_ptr<const std::vector<store::HourSlice>> slices = store::HourSlicesOf(block);
  if (slices->empty()) return false;
  // Every slice is checked and keyed first, so that a refusal leaves `partial` as it was.
  const size_t words = plan.key_words;
  const KeyPart& varying = plan.parts[varying_idx];
  thread_local std::vector<uint64_t> keys;
  thread_local std::vector<std::pair<size_t, uint64_t>> cells;  // (slice, rows) per key
  keys.clear();
  cells.clear();
  for (size_t slice_idx = 0; slice_idx < slices->size(); ++slice_idx) {
    const store::HourSlice& slice = (*slices)[slice_idx];
    const store::ColumnBlock& view = SliceView(block, slice);
    const int64_t bucket = plan.bucketer->Index(slice.min_ts);
    if (plan.bucketer->Index(slice.max_ts) != bucket) return false;
    for (const auto& metric : partial.metrics) {
      if (!metric->AddsBlockRows(view)) return false;
    }
    const store::ColumnSummary* column = SummaryOf(varying.source, slice.summary);
    if (column == nullptr || column->type != store::ColumnSummary::Type::kCodes || !column->exact) return false;
    for (const auto& [code, rows] : column->codes) {
      if (rows == 0) continue;
      if (!FitsPart(plan, varying_idx, code)) return false;
      keys.resize(keys.size() + words, 0);
      uint64_t* key = keys.data() + keys.size() - words;
      // The constant parts' codes come from the block's summary (a slice's has no strings).
      for (size_t part_idx = 0; part_idx < plan.parts.size(); ++part_idx) {
        const KeyPart& part = plan.parts[part_idx];
        uint64_t part_code = code;
        if (part.is_bucket) {
          part_code = static_cast<uint64_t>(bucket);
        } else if (part_idx != varying_idx) {
          uint32_t single = 0;
          SummaryOf(part.source, *block.summary)->SingleCode(block.summary->rows, &single);
          part_code = single;
        }
        if (!FitsPart(plan, part_idx, part_code)) return false;
        SetPartCode(plan, part_idx, part_code, key);
      }
      cells.emplace_back(slice_idx, rows);
    }
  }
  for (size_t cell_idx = 0; cell_idx < cells.size(); ++cell_idx) {
    const auto [slice_idx, rows] = cells[cell_idx];
    const store::ColumnBlock& view = SliceView(block, (*slices)[slice_idx]);
    const uint32_t group = partial.table.FindOrInsert(keys.data() + cell_idx * words);
    for (auto& metric : partial.metrics) {
      metric->Resize(partial.table.size());
      metric->AddBlockRows(view, group, rows);
    }
  }
  return true;
}

}  // namespace

bool AnswerAcrossBucketEdge(const Plan& plan, const store::ColumnBlock& block, Partial& partial) {
  if (!plan.bucketer || block.summary == nullptr || block.rows == 0) return false;
  const int64_t first = plan.bucketer->Index(block.min_ts);
  if (plan.bucketer->Index(block.max_ts) != first + 1) return false;
  for (const auto& metric : partial.metrics) {
    if (!metric->Subtracts() || !metric->CanAddSummary(block)) return false;
  }
  std::vector<uint64_t> early_key(plan.key_words);
  std::vector<uint64_t> late_key(plan.key_words);
  if (!KeyWithBucket(plan, block, static_cast<uint64_t>(first), early_key.data()) ||
      !KeyWithBucket(plan, block, static_cast<uint64_t>(first + 1), late_key.data())) {
    return false;
  }
  // Rows at or after the start of the second bucket belong to it (BlockBuckets' kStarts rule).
  const int64_t edge = plan.bucketer->Start(first + 1);
  thread_local std::vector<uint32_t> side;
  bool late = false;
  SmallerSide(block, edge, side, &late);

  if (partial.scratch.empty()) {
    partial.scratch = MakeAccumulators(plan.spec->metrics, *plan.snapshot, plan.days ? &*plan.days : nullptr);
  }
  for (auto& metric : partial.scratch) {
    metric->Resize(0);
    metric->Resize(1);
  }
  {
    const ChunkGathers::Scope gathers;
    for (size_t begin = 0; begin < side.size(); begin += kChunkRows) {
      ChunkGathers::NextChunk();
      const size_t count = std::min(kChunkRows, side.size() - begin);
      for (auto& metric : partial.scratch) metric->Update(block, side.data() + begin, count, nullptr);
    }
  }
  partial.scanned += side.size();
  const uint32_t read_group = partial.table.FindOrInsert(late ? late_key.data() : early_key.data());
  const uint32_t summed_group = partial.table.FindOrInsert(late ? early_key.data() : late_key.data());
  for (size_t metric_idx = 0; metric_idx < partial.metrics.size(); ++metric_idx) {
    MetricAccumulator& metric = *partial.metrics[metric_idx];
    metric.Resize(partial.table.size());
    metric.Merge(*partial.scratch[metric_idx], &read_group);
    metric.AddSummary(block, summed_group);
    metric.Subtract(*partial.scratch[metric_idx], summed_group);
  }
  return true;
}

bool AnswerFromHourSlices(const Plan& plan, const store::ColumnBlock& block, Partial& partial) {
  if (!plan.bucketer || block.summary == nullptr || block.rows == 0) return false;
  const QuerySpec& spec = *plan.spec;
  if (spec.bucket_months == 0 && (spec.bucket_ms <= 0 || spec.bucket_ms % store::kHourSliceMs != 0)) return false;
  // The other parts must be constant over the block (then over each slice), and every metric
  // must follow from a block's summary: checked before the slices are made.
  std::vector<uint64_t> key(plan.key_words);
  const bool constant = KeyWithBucket(plan, block, 0, key.data());
  for (size_t metric_idx = 0; constant && metric_idx < partial.metrics.size(); ++metric_idx) {
    const MetricSpec& metric = spec.metrics[metric_idx];
    const bool reads_field = metric.kind != AggregateKind::kCount && metric.kind != AggregateKind::kRate;
    if (reads_field && metric.field.id != FieldId::kTs && !store::SummarizedPerHour(metric.field.id) &&
        !IsDerivedField(metric.field.id)) {
      return false;  // a string or tag field, which slices do not summarize
    }
    if (!partial.metrics[metric_idx]->CanAddSummary(block)) return false;
  }
  // Each whole hour the block touches must lie in one bucket (not so in a zone with a half-hour
  // offset): checked before the slices are made, and again per slice below.
  const int64_t first_hour = block.min_ts / store::kHourSliceMs;
  const int64_t last_hour = block.max_ts / store::kHourSliceMs;
  if (block.min_ts < 0 || last_hour - first_hour >= static_cast<int64_t>(store::kMaxHourSlices)) return false;
  for (int64_t hour = first_hour; hour <= last_hour; ++hour) {
    const int64_t start = hour * store::kHourSliceMs;
    if (plan.bucketer->Index(start) != plan.bucketer->Index(start + store::kHourSliceMs - 1)) return false;
  }
  if (!constant) return AnswerFromHourSlicesPerCode(plan, block, partial);
  const std::shared_ptr<const std::vector<store::HourSlice>> slices = store::HourSlicesOf(block);
  if (slices->empty()) return false;
  const size_t words = plan.key_words;
  thread_local std::vector<uint64_t> keys;
  keys.assign(slices->size() * words, 0);
  for (size_t slice_idx = 0; slice_idx < slices->size(); ++slice_idx) {
    // The other parts' codes come from the block's summary (slices do not summarize strings).
    const store::HourSlice& slice = (*slices)[slice_idx];
    const int64_t bucket = plan.bucketer->Index(slice.min_ts);
    if (plan.bucketer->Index(slice.max_ts) != bucket ||
        !KeyWithBucket(plan, block, static_cast<uint64_t>(bucket), keys.data() + slice_idx * words)) {
      return false;
    }
  }
  // Per slice: its group, and the metrics its summary does not give (read from its rows below).
  thread_local std::vector<uint32_t> slice_groups;
  thread_local std::vector<std::vector<size_t>> unanswered;
  slice_groups.resize(slices->size());
  if (unanswered.size() < slices->size()) unanswered.resize(slices->size());
  bool any_unanswered = false;
  for (size_t slice_idx = 0; slice_idx < slices->size(); ++slice_idx) {
    const store::ColumnBlock& view = SliceView(block, (*slices)[slice_idx]);
    const uint32_t group = partial.table.FindOrInsert(keys.data() + slice_idx * words);
    slice_groups[slice_idx] = group;
    unanswered[slice_idx].clear();
    for (size_t metric_idx = 0; metric_idx < partial.metrics.size(); ++metric_idx) {
      MetricAccumulator& metric = *partial.metrics[metric_idx];
      metric.Resize(partial.table.size());
      if (metric.CanAddSummary(view)) {
        metric.AddSummary(view, group);
      } else {
        unanswered[slice_idx].push_back(metric_idx);
        any_unanswered = true;
      }
    }
  }
  if (!any_unanswered) return true;
  // The rows of the slices that need them, in one pass over the block (by hour).
  thread_local std::vector<int32_t> slice_of_hour;
  thread_local std::vector<std::vector<uint32_t>> slice_rows;
  slice_of_hour.assign(static_cast<size_t>(last_hour - first_hour + 1), -1);
  if (slice_rows.size() < slices->size()) slice_rows.resize(slices->size());
  for (size_t slice_idx = 0; slice_idx < slices->size(); ++slice_idx) {
    slice_rows[slice_idx].clear();
    if (unanswered[slice_idx].empty()) continue;
    const int64_t hour = (*slices)[slice_idx].min_ts / store::kHourSliceMs - first_hour;
    slice_of_hour[static_cast<size_t>(hour)] = static_cast<int32_t>(slice_idx);
  }
  const int64_t first_start = first_hour * store::kHourSliceMs;
  for (uint32_t row = 0; row < block.rows; ++row) {
    const int32_t slice_idx = slice_of_hour[static_cast<size_t>((block.Ts(row) - first_start) / store::kHourSliceMs)];
    if (slice_idx >= 0) slice_rows[static_cast<size_t>(slice_idx)].push_back(row);
  }
  thread_local std::vector<uint32_t> groups;
  const ChunkGathers::Scope gathers;
  for (size_t slice_idx = 0; slice_idx < slices->size(); ++slice_idx) {
    const std::vector<uint32_t>& rows = slice_rows[slice_idx];
    if (rows.empty()) continue;
    groups.assign(kChunkRows, slice_groups[slice_idx]);
    for (size_t begin = 0; begin < rows.size(); begin += kChunkRows) {
      ChunkGathers::NextChunk();
      const size_t count = std::min(kChunkRows, rows.size() - begin);
      for (const size_t metric_idx : unanswered[slice_idx]) {
        partial.metrics[metric_idx]->Update(block, rows.data() + begin, count, groups.data());
      }
    }
    partial.scanned += rows.size();
  }
  return true;
}

namespace {

// Adds cells (hour or tag cells, each seen through `view_of(index)`: a block view whose summary
// holds the cell's columns) to `partial`, each as a whole, for the metrics `gives` marks. Every
// cell is judged, keyed and checked first, so that a refusal (a filter that keeps part of a cell,
// a cell across two buckets, a metric that cannot add a summary) leaves `partial` as it was.
template <typename ViewOf>
bool AddWholeCells(const Plan& plan, size_t cell_count, const ViewOf& view_of, std::span<const RowFilter* const> filters,
                   std::span<const uint8_t> gives, Partial& partial) {
  const size_t words = plan.key_words;
  thread_local std::vector<uint32_t> kept;
  thread_local std::vector<uint64_t> keys;
  kept.clear();
  keys.clear();
  for (uint32_t cell_idx = 0; cell_idx < cell_count; ++cell_idx) {
    const store::ColumnBlock& cell = view_of(cell_idx);
    bool keep = true;
    for (const RowFilter* filter : filters) {
      const FilterVerdict verdict = filter->Judge(*cell.summary);
      if (verdict == FilterVerdict::kSome) return false;
      keep &= verdict == FilterVerdict::kAll;
    }
    if (!keep) continue;
    uint64_t bucket = 0;
    if (plan.bucketer) {
      const int64_t index = plan.bucketer->Index(cell.min_ts);
      if (plan.bucketer->Index(cell.max_ts) != index) return false;
      bucket = static_cast<uint64_t>(index);
    }
    keys.resize(keys.size() + words);
    if (!KeyWithBucket(plan, cell, bucket, keys.data() + keys.size() - words)) return false;
    for (size_t idx = 0; idx < partial.metrics.size(); ++idx) {
      if (gives[idx] && !partial.metrics[idx]->CanAddSummary(cell)) return false;
    }
    kept.push_back(cell_idx);
  }
  for (size_t kept_idx = 0; kept_idx < kept.size(); ++kept_idx) {
    const store::ColumnBlock& cell = view_of(kept[kept_idx]);
    const uint32_t group = partial.table.FindOrInsert(keys.data() + kept_idx * words);
    for (size_t idx = 0; idx < partial.metrics.size(); ++idx) {
      partial.metrics[idx]->Resize(partial.table.size());
      if (gives[idx]) partial.metrics[idx]->AddSummary(cell, group);
    }
  }
  return true;
}

// Whether a cell's summary (store::CellSummary) holds every column `metric` reads.
bool CellsGive(const MetricSpec& metric) {
  const FieldId field = metric.field.id;
  const bool measure = store::IsHourCellMeasure(field) || field == FieldId::kLatencyMs;
  switch (metric.kind) {
    case AggregateKind::kCount:
    case AggregateKind::kDays:
      return true;
    case AggregateKind::kCountPresent:
      return store::IsHourCellKey(field) || measure;
    case AggregateKind::kUniq:
      return store::IsHourCellKey(field);
    case AggregateKind::kSum:
      return measure || field == FieldId::kTotalTokens;
    case AggregateKind::kAvg:
      return measure;
    case AggregateKind::kMin:
    case AggregateKind::kMax:
      return measure || field == FieldId::kTs;
    default:
      return false;
  }
}

}  // namespace

bool AnswerFromHourCells(const Plan& plan, const store::ColumnBlock& block, std::span<const RowFilter* const> filters,
                         Partial& partial, std::vector<size_t>* unanswered) {
  if (unanswered != nullptr) unanswered->clear();
  if (block.summary == nullptr || block.rows == 0) return false;
  const QuerySpec& spec = *plan.spec;
  for (const KeyPart& part : plan.parts) {
    if (part.bin) return false;
    if (part.is_bucket) {
      if (spec.bucket_months == 0 && (spec.bucket_ms <= 0 || spec.bucket_ms % store::kHourSliceMs != 0)) return false;
    } else if (part.source.type != ColumnSource::Type::kString || !store::IsHourCellKey(part.source.field)) {
      return false;
    }
  }
  for (const RowFilter* filter : filters) {
    const std::optional<FieldId> key = filter->StringField();
    const std::optional<FieldId> measure = filter->IntField();
    if (!(key && store::IsHourCellKey(*key)) && !(measure && store::IsHourCellMeasure(*measure))) return false;
  }
  // The metrics the cells give (all of them unless `unanswered` lets some read rows).
  thread_local std::vector<uint8_t> gives;
  gives.assign(spec.metrics.size(), 1);
  size_t given = 0;
  for (size_t idx = 0; idx < spec.metrics.size(); ++idx) {
    const MetricSpec& metric = spec.metrics[idx];
    gives[idx] = CellsGive(metric);
    given += gives[idx];
    if (gives[idx]) continue;
    if (unanswered == nullptr) return false;
    // var:F / stddev:F share one state with count:F and avg:F (moments_accumulator.h): such a
    // query is answered whole or read whole, never split between cells and rows.
    if (metric.kind == AggregateKind::kVar || metric.kind == AggregateKind::kStddev) return false;
  }
  if (given == 0) return false;
  const std::shared_ptr<const store::HourCells> made = store::HourCellsOf(block);
  const std::vector<store::HourCell>& cells = made->cells;
  if (cells.empty()) return false;
  // One summary and block view per thread, rewritten for each cell: only the key and measure
  // columns are ever written, the others stay absent.
  thread_local store::BlockSummary summary;
  auto view_of = [&](const store::HourCell& cell) -> const store::ColumnBlock& {
    store::CellSummary(cell, *block.summary, &summary);
    return CellView(block, cell, summary);
  };
  if (!AddWholeCells(plan, cells.size(), [&](size_t idx) -> const store::ColumnBlock& { return view_of(cells[idx]); },
                     filters, gives, partial)) {
    return false;
  }
  if (unanswered != nullptr) {
    for (size_t idx = 0; idx < gives.size(); ++idx) {
      if (!gives[idx]) unanswered->push_back(idx);
    }
  }
  return true;
}

namespace {

// Whether a tag cell's summary (store::TagCellSummary) holds every column `metric` reads.
bool TagCellsGive(const MetricSpec& metric) {
  if (metric.kind == AggregateKind::kRate) return metric.rate_of == "cache_hit" || metric.rate_of == "error";
  return CellsGive(metric);
}

}  // namespace

bool AnswerFromTagCells(const Plan& plan, const store::ColumnBlock& block, std::span<const RowFilter* const> filters,
                        Partial& partial) {
  if (block.summary == nullptr || block.rows == 0) return false;
  const QuerySpec& spec = *plan.spec;
  // The one dimension besides the hour cells' keys the query reads (in a filter or a group part):
  // a tag key or a field of store::kCellFields; none: not for tag cells.
  std::optional<store::CellDimension> dimension;
  const auto same_dimension = [&](store::CellDimension read) {
    if (dimension && !(*dimension == read)) return false;
    dimension = read;
    return true;
  };
  for (const KeyPart& part : plan.parts) {
    if (part.bin) return false;
    if (part.is_bucket) continue;  // each cell must lie within one bucket: checked per cell
    if (part.source.type == ColumnSource::Type::kTag) {
      if (!same_dimension(store::CellDimension::Tag(static_cast<uint32_t>(part.source.index)))) return false;
    } else if (part.source.type == ColumnSource::Type::kString && store::IsCellField(part.source.field)) {
      if (!same_dimension(store::CellDimension::Field(part.source.field))) return false;
    } else if (part.source.type != ColumnSource::Type::kString || !store::IsHourCellKey(part.source.field)) {
      return false;
    }
  }
  for (const RowFilter* filter : filters) {
    if (const std::optional<size_t> key = filter->TagKey()) {
      if (!same_dimension(store::CellDimension::Tag(static_cast<uint32_t>(*key)))) return false;
      continue;
    }
    const std::optional<FieldId> field = filter->StringField();
    if (field && store::IsCellField(*field)) {
      if (!same_dimension(store::CellDimension::Field(*field))) return false;
      continue;
    }
    const std::optional<FieldId> measure = filter->IntField();
    if (!(field && store::IsHourCellKey(*field)) && !(measure && store::IsHourCellMeasure(*measure))) return false;
  }
  if (!dimension) return false;
  for (const MetricSpec& metric : spec.metrics) {
    if (!TagCellsGive(metric)) return false;
  }
  const std::shared_ptr<const store::TagCells> made = store::TagCellsOf(block, *dimension);
  const std::vector<store::TagCell>& cells = made->cells;
  if (cells.empty()) return false;
  // One summary and block view per thread, rewritten for each cell: only the cells' columns are
  // ever written, the others stay absent.
  thread_local store::BlockSummary summary;
  auto view_of = [&](const store::TagCell& cell) -> const store::ColumnBlock& {
    store::TagCellSummary(cell, *dimension, *block.summary, &summary);
    return CellView(block, cell.base, summary);
  };
  thread_local std::vector<uint8_t> gives;
  gives.assign(spec.metrics.size(), 1);
  return AddWholeCells(plan, cells.size(), [&](size_t idx) -> const store::ColumnBlock& { return view_of(cells[idx]); },
                       filters, gives, partial);
}

bool AnswerFromScoreCells(const Plan& plan, const store::ColumnBlock& block, std::span<const RowFilter* const> filters,
                          Partial& partial) {
  if (block.summary == nullptr || block.rows == 0) return false;
  const QuerySpec& spec = *plan.spec;
  for (const KeyPart& part : plan.parts) {
    if (part.bin) return false;
    if (part.is_bucket) continue;  // each cell must lie within one bucket: checked per cell
    if (part.source.type != ColumnSource::Type::kString || !store::IsHourCellKey(part.source.field)) return false;
  }
  for (const RowFilter* filter : filters) {
    const std::optional<FieldId> key = filter->StringField();
    const std::optional<FieldId> measure = filter->IntField();
    if (!(key && store::IsHourCellKey(*key)) && !(measure && store::IsHourCellMeasure(*measure))) return false;
  }
  // The one score the metrics read (count:, avg:, var:, stddev: of it); none: not for score cells.
  std::optional<size_t> score;
  for (const MetricSpec& metric : spec.metrics) {
    if (metric.field.id != FieldId::kScore) {
      if (!CellsGive(metric)) return false;
      continue;
    }
    switch (metric.kind) {
      case AggregateKind::kCountPresent:
      case AggregateKind::kAvg:
      case AggregateKind::kVar:
      case AggregateKind::kStddev:
        break;
      default:
        return false;
    }
    const ColumnSource source = ResolveColumn(*plan.snapshot, metric.field);
    if (source.type != ColumnSource::Type::kScore || (score && *score != source.index)) return false;
    score = source.index;
  }
  if (!score) return false;
  const uint32_t score_index = static_cast<uint32_t>(*score);
  const std::shared_ptr<const store::ScoreCells> made = store::ScoreCellsOf(block, score_index);
  const std::vector<store::ScoreCell>& cells = made->cells;
  if (cells.empty()) return false;
  // One summary, moments and block view per thread, rewritten for each cell: only the cells'
  // columns and score are ever written, the others stay absent.
  thread_local store::BlockSummary summary;
  thread_local std::shared_ptr<store::BlockMoments> moments = std::make_shared<store::BlockMoments>();
  auto view_of = [&](const store::ScoreCell& cell) -> const store::ColumnBlock& {
    store::ScoreCellSummary(cell, score_index, *block.summary, &summary, moments.get());
    summary.moments = moments;
    return CellView(block, cell.base, summary);
  };
  thread_local std::vector<uint8_t> gives;
  gives.assign(spec.metrics.size(), 1);
  return AddWholeCells(plan, cells.size(), [&](size_t idx) -> const store::ColumnBlock& { return view_of(cells[idx]); },
                       filters, gives, partial);
}

bool AnswerFromSummary(const Plan& plan, const store::ColumnBlock& block, Partial& partial,
                       std::vector<size_t>* unanswered, uint32_t* group) {
  unanswered->clear();
  const store::BlockSummary& summary = *block.summary;
  std::vector<uint64_t> key(plan.key_words, 0);
  const store::ColumnSummary* varying = nullptr;
  size_t varying_idx = 0;
  for (size_t part_idx = 0; part_idx < plan.parts.size(); ++part_idx) {
    const KeyPart& part = plan.parts[part_idx];
    if (part.bin) return false;
    if (part.is_bucket) {
      const int64_t first = plan.bucketer->Index(block.min_ts);
      if (plan.bucketer->Index(block.max_ts) != first) return false;
      if (!FitsPart(plan, part_idx, static_cast<uint64_t>(first))) return false;
      SetPartCode(plan, part_idx, static_cast<uint64_t>(first), key.data());
      continue;
    }
    const store::ColumnSummary* column = SummaryOf(part.source, summary);
    if (column == nullptr) return false;
    uint32_t code = 0;
    if (column->SingleCode(summary.rows, &code)) {
      if (!FitsPart(plan, part_idx, code)) return false;
      SetPartCode(plan, part_idx, code, key.data());
    } else if (varying == nullptr && column->type == store::ColumnSummary::Type::kCodes && column->exact) {
      varying = column;
      varying_idx = part_idx;
    } else {
      return false;
    }
  }
  if (varying != nullptr) {
    for (const auto& metric : partial.metrics) {
      if (!metric->AddsBlockRows(block)) return false;
    }
    for (const auto& [code, rows] : varying->codes) {
      if (!FitsPart(plan, varying_idx, code)) return false;
    }
    const uint64_t base = plan.packed ? key[0] : 0;
    for (const auto& [code, rows] : varying->codes) {
      if (plan.packed) key[0] = base;
      SetPartCode(plan, varying_idx, code, key.data());
      const uint32_t group = partial.table.FindOrInsert(key.data());
      for (auto& metric : partial.metrics) {
        metric->Resize(partial.table.size());
        metric->AddBlockRows(block, group, rows);
      }
    }
    return true;
  }
  *group = partial.table.FindOrInsert(key.data());
  for (size_t metric_idx = 0; metric_idx < partial.metrics.size(); ++metric_idx) {
    MetricAccumulator& metric = *partial.metrics[metric_idx];
    metric.Resize(partial.table.size());
    if (metric.CanAddSummary(block)) {
      metric.AddSummary(block, *group);
    } else {
      unanswered->push_back(metric_idx);
    }
  }
  return true;
}

bool AnswerFromSlices(const Plan& plan, const store::ColumnBlock& block, std::span<const RowFilter* const> filters,
                      Partial& partial, std::vector<size_t>* unanswered, uint32_t* group, SliceRows* slice_rows) {
  if (block.summary == nullptr || block.summary->slices.empty()) return false;
  for (const FieldId field : store::kSliceFields) {
    const std::span<const store::ValueSlice> slices = store::SlicesOf(*block.summary, field);
    if (!slices.empty() && AnswerFromFieldSlices(plan, block, slices, filters, partial, unanswered, group, slice_rows)) return true;
  }
  return false;
}

}  // namespace mltrack::query
