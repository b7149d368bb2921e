#include "backend/embedded/event_scan.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "backend/embedded/row_event.h"
#include "query/column_source.h"
#include "query/row_filter.h"
#include "store/block_summary.h"

namespace mltrack::backend {
namespace {

using query::EventSearch;
using query::SearchKey;
using query::SearchSort;

// Which dictionary ids of the searched string fields (and of each tag key) contain `q`.
class TextMatcher {
 public:
  TextMatcher(const store::TableSnapshot& snapshot, const std::string& q) : lowered_(query::LowerAscii(q)) {
    if (lowered_.empty()) return;
    for (FieldId id : {FieldId::kModel, FieldId::kUser, FieldId::kExperiment, FieldId::kTraceId, FieldId::kSessionId}) {
      std::vector<uint8_t> table = Table(*snapshot.dictionary(id));
      if (!table.empty()) fields_.push_back({id, std::move(table)});
    }
    for (size_t key_idx = 0; key_idx < snapshot.tag_key_count(); ++key_idx) {
      std::vector<uint8_t> table = Table(snapshot.tag_dictionary(key_idx));
      if (!table.empty()) tags_.push_back({key_idx, std::move(table)});
    }
  }

  bool active() const { return !lowered_.empty(); }

  // Keeps the rows of rows[0, count) where some searched value contains q; returns the count.
  size_t Apply(const store::ColumnBlock& block, uint32_t* rows, size_t count) const {
    std::vector<store::ColumnData> columns;
    std::vector<const std::vector<uint8_t>*> tables;
    for (const auto& [id, table] : fields_) {
      columns.push_back(block.column(id));
      tables.push_back(&table);
    }
    for (const auto& [key_idx, table] : tags_) {
      store::ColumnData column = block.tag(key_idx);
      if (!column.present()) continue;
      columns.push_back(column);
      tables.push_back(&table);
    }
    size_t kept = 0;
    for (size_t idx = 0; idx < count; ++idx) {
      for (size_t col = 0; col < columns.size(); ++col) {
        const uint32_t code = store::IdAt(columns[col], rows[idx]);
        if (code != store::kAbsentId && code < tables[col]->size() && (*tables[col])[code]) {
          rows[kept++] = rows[idx];
          break;
        }
      }
    }
    return kept;
  }

 private:
  // Empty when no value of the dictionary matches.
  std::vector<uint8_t> Table(const store::Dictionary& dictionary) const {
    std::vector<uint8_t> table(dictionary.size() + 1, 0);
    bool any = false;
    dictionary.ForEach(dictionary.size(), [&](uint32_t id, std::string_view value) {
      if (id < table.size() && query::LowerAscii(value).find(lowered_) != std::string::npos) {
        table[id] = 1;
        any = true;
      }
    });
    if (!any) table.clear();
    return table;
  }

  std::string lowered_;
  std::vector<std::pair<FieldId, std::vector<uint8_t>>> fields_;
  std::vector<std::pair<size_t, std::vector<uint8_t>>> tags_;
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
  Scan(const store::TableSnapshot& snapshot, const EventSearch& search) : snapshot_(snapshot), search_(search) {}

  uint64_t Tie(const Candidate& candidate) const {
    if (!candidate.tie) {
      candidate.tie = query::EventTieHash(RowEvent(snapshot_, snapshot_.blocks()[candidate.block], candidate.row));
    }
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
};

// The blocks in reading order: for ts sorts the ones that can hold the first events first.
std::vector<uint32_t> BlockOrder(const store::TableSnapshot& snapshot, const EventSearch& search) {
  const std::vector<store::ColumnBlock>& blocks = snapshot.blocks();
  std::vector<uint32_t> order(blocks.size());
  std::iota(order.begin(), order.end(), 0);
  if (search.sort == SearchSort::kTs) {
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return search.descending ? blocks[a].max_ts > blocks[b].max_ts : blocks[a].min_ts < blocks[b].min_ts;
    });
  }
  return order;
}

}  // namespace

Result<query::EventPage> SearchSnapshot(const store::TableSnapshot& snapshot, const EventSearch& search,
                                        std::chrono::steady_clock::time_point deadline) {
  const auto started = std::chrono::steady_clock::now();
  PrepareRowEvents(snapshot);
  std::vector<query::RowFilter> filters;
  for (const query::Filter& filter : search.filters) {
    Result<query::RowFilter> compiled = query::RowFilter::Compile(filter, snapshot);
    if (!compiled.ok()) return compiled.status();
    filters.push_back(std::move(*compiled));
  }
  const TextMatcher text(snapshot, search.q);
  query::ColumnSource sort_source;
  if (search.sort == SearchSort::kCost) sort_source = query::ResolveColumn(snapshot, FieldRef{FieldId::kCostUsd, ""});
  if (search.sort == SearchSort::kLatency) sort_source = query::ResolveColumn(snapshot, FieldRef{FieldId::kLatencyMs, ""});

  const Scan scan(snapshot, search);
  auto worse_on_top = [&scan](const Candidate& a, const Candidate& b) { return scan.Before(a, b); };
  std::priority_queue<Candidate, std::vector<Candidate>, decltype(worse_on_top)> heap(worse_on_top);
  const size_t capacity = search.limit + (search.cursor ? search.cursor->skip : 0) + 1;
  const bool ts_sort = search.sort == SearchSort::kTs;
  const std::optional<query::SearchCursor>& cursor = search.cursor;

  query::EventPage page;
  std::vector<uint32_t> rows;
  std::vector<double> values;
  for (uint32_t block_idx : BlockOrder(snapshot, search)) {
    const store::ColumnBlock& block = snapshot.blocks()[block_idx];
    if (block.rows == 0 || block.max_ts < search.from_ms || block.min_ts >= search.to_ms) continue;
    if (ts_sort && heap.size() == capacity) {
      const int64_t worst = heap.top().ts;
      if (search.descending ? block.max_ts < worst : block.min_ts > worst) break;  // nothing later can enter
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
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable("the search ran past the query time limit (--query-timeout); narrow it with "
                                 "filters or a shorter time range");
    }
    page.stats.scanned += block.rows;
    rows.clear();
    for (uint32_t row = 0; row < block.rows; ++row) {
      const int64_t ts = block.Ts(row);
      if (ts >= search.from_ms && ts < search.to_ms) rows.push_back(row);
    }
    size_t count = rows.size();
    for (const query::RowFilter& filter : filters) count = filter.Apply(block, rows.data(), count);
    if (text.active()) count = text.Apply(block, rows.data(), count);
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
    events.push_back(RowEvent(snapshot, snapshot.blocks()[top.block], top.row));
    heap.pop();
  }
  query::CutPage(std::move(events), search, page);
  page.stats.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return page;
}

}  // namespace mltrack::backend
