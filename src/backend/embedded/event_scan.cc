#include "backend/embedded/event_scan.h"

#include <algorithm>
#include <iterator>
#include <cmath>
#include <numeric>
#include <optional>
#include <queue>
#include <span>
#include <string>
#include <vector>

#include "backend/embedded/row_event.h"
#include "query/column_source.h"
#include "query/row_filter.h"
#include "store/block_slices.h"
#include "store/block_summary.h"
#include "store/string_filter.h"

namespace mltrack::backend {
namespace {

using query::EventSearch;
using query::SearchKey;
using query::SearchSort;

// Whether `text` contains `lowered` (already lower case), ignoring ASCII case; no allocation.
bool ContainsLowered(std::string_view text, std::string_view lowered) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return std::search(text.begin(), text.end(), lowered.begin(), lowered.end(),
                     [&lower](char a, char b) { return lower(a) == b; }) != text.end();
}

// Trace ids and input hashes under eq / in, matched on each block's own strings (trace_ids.h)
// instead of through a RowFilter, which would intern every value of the snapshot.
bool IsLocalLookup(const query::Filter& filter) {
  return (filter.field.id == FieldId::kTraceId || filter.field.id == FieldId::kInputHash) &&
         (filter.op == query::FilterOp::kEq || filter.op == query::FilterOp::kIn);
}

// Which dictionary ids of the searched string fields (and of each tag key) contain `q`. A field's
// table is made the first time a row needs it: the fields are tried in a fixed order, so when an
// earlier one matches every row read (q = "a" and a model filter), the later ones (the session
// ids' dictionary is as large as the sessions) are never walked.
class TextMatcher {
 public:
  TextMatcher(const store::TableSnapshot& snapshot, const std::string& q) : lowered_(query::LowerAscii(q)) {
    if (lowered_.empty()) return;
    for (FieldId id : {FieldId::kModel, FieldId::kUser, FieldId::kExperiment, FieldId::kSessionId}) {
      fields_.push_back({snapshot.dictionary(id), id, 0, {}, false});
    }
    for (size_t key_idx = 0; key_idx < snapshot.tag_key_count(); ++key_idx) {
      fields_.push_back({&snapshot.tag_dictionary(key_idx), FieldId::kTag, key_idx, {}, false});
    }
  }

  bool active() const { return !lowered_.empty(); }

  // Keeps the rows of rows[0, count) where some searched value contains q; returns the count.
  size_t Apply(size_t block_index, const store::ColumnBlock& block, uint32_t* rows, size_t count,
               TraceIds& trace_ids, TraceIds& input_hashes) {
    // Rows no dictionary value matched get a second chance by their trace id or input hash.
    std::vector<uint8_t> matched(count, 0);
    std::vector<uint32_t> unmatched(rows, rows + count);
    for (Field& field : fields_) {
      if (unmatched.empty()) break;
      const store::ColumnData column = field.id == FieldId::kTag ? block.tag(field.tag_key) : block.column(field.id);
      if (!column.present()) continue;
      const std::vector<uint8_t>& table = TableOf(field);
      if (table.empty()) continue;
      size_t still = 0;
      for (const uint32_t row : unmatched) {
        const uint32_t code = store::IdAt(column, row);
        if (code == store::kAbsentId || code >= table.size() || !table[code]) unmatched[still++] = row;
      }
      unmatched.resize(still);
    }
    const std::string& lowered = lowered_;
    auto contains = [&lowered](std::string_view id) { return ContainsLowered(id, lowered); };
    std::vector<uint32_t> by_hash = unmatched;
    std::vector<uint32_t> by_trace = unmatched;
    by_trace.resize(trace_ids.Keep(block_index, by_trace.data(), by_trace.size(), kTextKey, contains));
    by_hash.resize(input_hashes.Keep(block_index, by_hash.data(), by_hash.size(), kTextKey, contains));
    std::vector<uint32_t> second;  // unmatched rows matched by trace id or input hash, in row order
    std::set_union(by_trace.begin(), by_trace.end(), by_hash.begin(), by_hash.end(), std::back_inserter(second));
    // rows is ascending (and so are unmatched and second): keep every row but the unmatched ones
    // that the second chance did not match.
    size_t kept = 0;
    size_t unmatched_idx = 0;
    size_t second_idx = 0;
    for (size_t idx = 0; idx < count; ++idx) {
      const uint32_t row = rows[idx];
      bool keep = true;
      if (unmatched_idx < unmatched.size() && unmatched[unmatched_idx] == row) {
        ++unmatched_idx;
        keep = second_idx < second.size() && second[second_idx] == row;
        if (keep) ++second_idx;
      }
      if (keep) rows[kept++] = row;
    }
    return kept;
  }

  static constexpr int kTextKey = -1;

 private:
  struct Field {
    const store::Dictionary* dictionary;
    FieldId id;
    size_t tag_key;  // when id is kTag
    std::vector<uint8_t> table;  // 1 = the dictionary id's value contains q; empty when none does
    bool made;
  };

  const std::vector<uint8_t>& TableOf(Field& field) const {
    if (field.made) return field.table;
    field.made = true;
    std::vector<uint8_t>& table = field.table;
    table.assign(field.dictionary->size() + 1, 0);
    bool any = false;
    field.dictionary->ForEach(field.dictionary->size(), [&](uint32_t id, std::string_view value) {
      if (id < table.size() && ContainsLowered(value, lowered_)) {
        table[id] = 1;
        any = true;
      }
    });
    if (!any) table.clear();
    return table;
  }

  std::string lowered_;
  std::vector<Field> fields_;
};

struct Candidate {
  double primary = 0;
  int64_t ts = 0;
  uint32_t block = 0;
  uint32_t row = 0;
  mutable std::optional<uint64_t> tie;  // computed only when two keys meet on (primary, ts)
};

class Scan {
 public:
  Scan(const store::TableSnapshot& snapshot, const EventSearch& search, TraceIds& trace_ids, TraceIds& input_hashes)
      : snapshot_(snapshot), search_(search), trace_ids_(trace_ids), input_hashes_(input_hashes) {}

  uint64_t Tie(const Candidate& candidate) const {
    if (!candidate.tie) candidate.tie = query::EventTieHash(RowEvent(snapshot_, candidate.block, candidate.row, trace_ids_, input_hashes_));
    return *candidate.tie;
  }
  // True when `a` comes before `b` in the search's order.
  bool Before(const Candidate& a, const Candidate& b) const {
    if (a.primary != b.primary || a.ts != b.ts) {
      return query::KeyBefore({a.primary, a.ts, 0}, {b.primary, b.ts, 0}, search_.descending);
    }
    return query::KeyBefore({a.primary, a.ts, Tie(a)}, {b.primary, b.ts, Tie(b)}, search_.descending);
  }
  // True when `candidate` is before the cursor's key (already paged past).
  bool BeforeCursor(const Candidate& candidate) const {
    const SearchKey& key = search_.cursor->key;
    if (candidate.primary != key.primary || candidate.ts != key.ts) {
      return query::KeyBefore({candidate.primary, candidate.ts, 0}, {key.primary, key.ts, 0}, search_.descending);
    }
    return query::KeyBefore({candidate.primary, candidate.ts, Tie(candidate)}, key, search_.descending);
  }

 private:
  const store::TableSnapshot& snapshot_;
  const EventSearch& search_;
  TraceIds& trace_ids_;
  TraceIds& input_hashes_;
};

// The best sort value any row of `rows` rows summarized by `summary` can have (the largest for
// descending sorts, the smallest for ascending; absent values count as -1); ±infinity when the
// summary does not cover the sort column.
double BestOfSummary(const store::BlockSummary& summary, uint32_t rows, const query::ColumnSource& source,
                     const EventSearch& search) {
  const double unknown = search.descending ? INFINITY : -INFINITY;
  const store::ColumnSummary* column = query::SummaryOf(source, summary);
  if (column == nullptr) return unknown;
  const bool some_absent = column->present < rows;
  switch (column->type) {
    case store::ColumnSummary::Type::kAbsent: return -1;
    case store::ColumnSummary::Type::kInts:
      return search.descending ? static_cast<double>(column->int_max) : (some_absent ? -1 : static_cast<double>(column->int_min));
    case store::ColumnSummary::Type::kDoubles:
      return search.descending ? column->double_max : (some_absent ? -1 : column->double_min);
    default: return unknown;
  }
}

bool Better(double a, double b, bool descending) { return descending ? a > b : a < b; }

// The best sort value a row of `block` that passes `filters` can have, from its zone map: ts from
// the block's range, cost and latency from the block summary, made tighter by the value slices
// (block_slices.h): for each sliced field, only the slices the filters may keep count, and the
// tightest field wins (each field's slices split the same rows). nullopt when the slices prove
// that no row passes; ±infinity when unknown (memtable blocks).
std::optional<double> BestValue(const store::ColumnBlock& block, const query::ColumnSource& source,
                                const EventSearch& search, const std::vector<query::RowFilter>& filters) {
  if (search.sort == SearchSort::kTs) return static_cast<double>(search.descending ? block.max_ts : block.min_ts);
  if (!block.summary) return search.descending ? INFINITY : -INFINITY;
  double best = BestOfSummary(*block.summary, block.rows, source, search);
  if (filters.empty()) return best;
  for (const FieldId field : store::kSliceFields) {
    const std::span<const store::ValueSlice> slices = store::SlicesOf(*block.summary, field);
    if (slices.empty()) continue;
    std::optional<double> field_best;
    for (const store::ValueSlice& slice : slices) {
      if (std::any_of(filters.begin(), filters.end(), [&slice](const query::RowFilter& filter) {
            return filter.Judge(slice.summary) == query::FilterVerdict::kNone;
          })) {
        continue;
      }
      const double value = BestOfSummary(slice.summary, slice.summary.rows, source, search);
      if (!field_best || Better(value, *field_best, search.descending)) field_best = value;
    }
    if (!field_best) return std::nullopt;
    if (Better(best, *field_best, search.descending)) best = *field_best;
  }
  return best;
}

}  // namespace

Result<query::EventPage> SearchSnapshot(const store::TableSnapshot& snapshot, const EventSearch& search,
                                        std::chrono::steady_clock::time_point deadline) {
  const auto started = std::chrono::steady_clock::now();
  TraceIds trace_ids(snapshot);
  TraceIds input_hashes(snapshot, FieldId::kInputHash);
  std::vector<query::RowFilter> filters;
  struct LocalLookup {
    TraceIds* reader;
    int key;  // the match table's cache key
    std::vector<std::string> wanted;
  };
  std::vector<LocalLookup> local_lookups;
  for (const query::Filter& filter : search.filters) {
    if (IsLocalLookup(filter)) {
      std::vector<std::string> wanted;
      for (const query::FilterValue& value : filter.values) wanted.push_back(std::get<std::string>(value));
      TraceIds* reader = filter.field.id == FieldId::kTraceId ? &trace_ids : &input_hashes;
      local_lookups.push_back({reader, static_cast<int>(local_lookups.size()), std::move(wanted)});
      continue;
    }
    Result<query::RowFilter> compiled = query::RowFilter::Compile(filter, snapshot);
    if (!compiled.ok()) return compiled.status();
    filters.push_back(std::move(*compiled));
  }
  TextMatcher text(snapshot, search.q);
  query::ColumnSource sort_source;
  if (search.sort == SearchSort::kCost) sort_source = query::ResolveColumn(snapshot, FieldRef{FieldId::kCostUsd, ""});
  if (search.sort == SearchSort::kLatency) sort_source = query::ResolveColumn(snapshot, FieldRef{FieldId::kLatencyMs, ""});

  const Scan scan(snapshot, search, trace_ids, input_hashes);
  auto worse_on_top = [&scan](const Candidate& a, const Candidate& b) { return scan.Before(a, b); };
  std::priority_queue<Candidate, std::vector<Candidate>, decltype(worse_on_top)> heap(worse_on_top);
  const size_t capacity = search.limit + (search.cursor ? search.cursor->skip : 0) + 1;
  const bool ts_sort = search.sort == SearchSort::kTs;
  const std::optional<query::SearchCursor>& cursor = search.cursor;

  // Blocks in reading order, the most promising first, so that the scan can stop once the page
  // is full and no later block can beat its last row.
  const std::vector<store::ColumnBlock>& blocks = snapshot.blocks();
  std::vector<double> best(blocks.size());
  std::vector<uint32_t> order;
  order.reserve(blocks.size());
  for (uint32_t idx = 0; idx < blocks.size(); ++idx) {
    const store::ColumnBlock& block = blocks[idx];
    if (block.rows == 0 || block.max_ts < search.from_ms || block.min_ts >= search.to_ms) continue;
    const std::optional<double> value = BestValue(block, sort_source, search, filters);
    if (!value) continue;  // its slices prove that no row passes the filters
    best[idx] = *value;
    order.push_back(idx);
  }
  // Equal best values (every block with an absent cost has −1, the best an ascending cost sort
  // can ask for) are visited in the order of their times, the next part of the key.
  auto best_ts = [&](uint32_t idx) { return search.descending ? blocks[idx].max_ts : blocks[idx].min_ts; };
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (best[a] != best[b]) return search.descending ? best[a] > best[b] : best[a] < best[b];
    return search.descending ? best_ts(a) > best_ts(b) : best_ts(a) < best_ts(b);
  });

  query::EventPage page;
  std::vector<uint32_t> rows;
  std::vector<double> values;
  for (uint32_t block_idx : order) {
    const store::ColumnBlock& block = blocks[block_idx];
    if (heap.size() == capacity) {
      // Nothing in this block or a later one can enter: their best value is worse than the
      // page's worst, or equal to it with times that all come after its time.
      const Candidate& worst = heap.top();
      if (search.descending ? best[block_idx] < worst.primary : best[block_idx] > worst.primary) break;
      if (best[block_idx] == worst.primary && (search.descending ? best_ts(block_idx) < worst.ts : best_ts(block_idx) > worst.ts)) {
        break;
      }
    }
    if (ts_sort && cursor &&
        (search.descending ? block.min_ts > cursor->key.ts : block.max_ts < cursor->key.ts)) {
      continue;  // wholly before the cursor
    }
    if (block.summary && std::any_of(filters.begin(), filters.end(), [&](const query::RowFilter& filter) {
          return filter.Judge(*block.summary) == query::FilterVerdict::kNone;
        })) {
      continue;
    }
    // A trace id lookup reads only the blocks whose string filter may hold one of its ids.
    if (std::any_of(local_lookups.begin(), local_lookups.end(), [&block, &trace_ids](const LocalLookup& lookup) {
          return lookup.reader == &trace_ids &&
                 std::none_of(lookup.wanted.begin(), lookup.wanted.end(), [&block](const std::string& id) {
                   return store::BlockMayContain(block, FieldId::kTraceId, id);
                 });
        })) {
      continue;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable("the search ran past the query time limit (--query-timeout); narrow it with "
                                 "filters or a shorter time range");
    }
    page.stats.scanned += block.rows;
    rows.clear();
    if (block.min_ts >= search.from_ms && block.max_ts < search.to_ms) {
      rows.resize(block.rows);
      std::iota(rows.begin(), rows.end(), 0u);
    } else {
      for (uint32_t row = 0; row < block.rows; ++row) {
        const int64_t ts = block.Ts(row);
        if (ts >= search.from_ms && ts < search.to_ms) rows.push_back(row);
      }
    }
    size_t count = rows.size();
    for (const query::RowFilter& filter : filters) count = filter.Apply(block, rows.data(), count);
    if (!ts_sort && heap.size() == capacity && count > 0) {
      // Once the page is full, only rows whose sort value reaches its worst can enter: cut to them
      // (after the filters, which read narrow codes and keep few rows when selective; before the
      // trace id lookups, the text match and the per-row keys — most blocks keep a handful).
      const double threshold = heap.top().primary;
      values.resize(count);
      query::GatherDouble(sort_source, block, rows.data(), count, values.data());
      size_t kept = 0;
      for (size_t idx = 0; idx < count; ++idx) {
        const double value = std::isnan(values[idx]) ? -1.0 : values[idx];
        rows[kept] = rows[idx];
        kept += search.descending ? value >= threshold : value <= threshold;
      }
      count = kept;
    }
    for (const auto& [reader, key, wanted] : local_lookups) {
      count = reader->Keep(block_idx, rows.data(), count, key, [&ids = wanted](std::string_view id) {
        return std::find(ids.begin(), ids.end(), id) != ids.end();
      });
    }
    if (text.active()) count = text.Apply(block_idx, block, rows.data(), count, trace_ids, input_hashes);
    if (!ts_sort && count > 0) {
      values.resize(count);
      query::GatherDouble(sort_source, block, rows.data(), count, values.data());
    }
    for (size_t idx = 0; idx < count; ++idx) {
      Candidate candidate;
      candidate.ts = block.Ts(rows[idx]);
      candidate.primary = ts_sort ? static_cast<double>(candidate.ts) : (std::isnan(values[idx]) ? -1.0 : values[idx]);
      candidate.block = block_idx;
      candidate.row = rows[idx];
      if (cursor && scan.BeforeCursor(candidate)) continue;
      if (heap.size() == capacity && !scan.Before(candidate, heap.top())) continue;
      heap.push(std::move(candidate));
      if (heap.size() > capacity) heap.pop();
    }
  }
  std::vector<Event> events;
  events.reserve(heap.size());
  while (!heap.empty()) {
    const Candidate& top = heap.top();
    events.push_back(RowEvent(snapshot, top.block, top.row, trace_ids, input_hashes));
    heap.pop();
  }
  query::CutPage(std::move(events), search, page);
  page.stats.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return page;
}

}  // namespace mltrack::backend
