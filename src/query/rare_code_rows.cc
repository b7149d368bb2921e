#include "query/rare_code_rows.h"

#include <algorithm>
#include <optional>
#include <string>
#include <variant>

#include "core/event.h"
#include "query/column_source.h"
#include "store/local_strings.h"
#include "store/table_snapshot.h"

namespace mltrack::query {
namespace {

// The status code an `eq` filter of status keeps; nullopt for any other filter.
std::optional<uint32_t> StatusCodeOf(const Filter& filter) {
  if (filter.field.id != FieldId::kStatus || filter.op != FilterOp::kEq || IsKeyedBound(filter) ||
      filter.values.size() != 1 || !std::holds_alternative<std::string>(filter.values.front())) {
    return std::nullopt;
  }
  const std::optional<EventStatus> status = ParseEventStatus(std::get<std::string>(filter.values.front()));
  if (!status) return std::nullopt;
  return static_cast<uint32_t>(*status);
}

store::SparseRows::CodeRows MakeCodeRows(const Plan& plan, const store::ColumnBlock& block, FieldId field,
                                         uint32_t code) {
  store::SparseRows::CodeRows made;
  made.field = field;
  made.code = code;
  const ColumnSource source = ResolveColumn(*plan.snapshot, FieldRef{field, {}});
  std::vector<uint32_t> rows(kChunkRows);
  std::vector<uint64_t> codes(kChunkRows);
  for (size_t begin = 0; begin < block.rows; begin += kChunkRows) {
    const size_t count = std::min(kChunkRows, block.rows - begin);
    for (size_t idx = 0; idx < count; ++idx) rows[idx] = static_cast<uint32_t>(begin + idx);
    GatherCode(source, block, rows.data(), count, codes.data());
    for (size_t idx = 0; idx < count; ++idx) {
      if (codes[idx] == code) made.rows.push_back(static_cast<uint16_t>(rows[idx]));
    }
  }
  made.rows.shrink_to_fit();
  return made;
}

// Whether `filter` is `exists` (present) of a local string field.
bool IsLocalPresence(const Filter& filter) {
  return store::IsLocalStringField(filter.field.id) && filter.op == FilterOp::kExists && filter.exists &&
         !IsKeyedBound(filter);
}

// The rows of `block` where local string field `field` is present, from its local ids (not the
// table ids a query translates them into: those exist only for blocks the query armed); `few`
// false, and no rows kept, when more than 1/kFewPresentShare of the block's rows.
store::SparseRows::CodeRows MakePresenceRows(const store::ColumnBlock& block, FieldId field) {
  store::SparseRows::CodeRows made;
  made.field = field;
  made.code = store::SparseRows::kPresentCode;
  const uint32_t entry =
      block.local_owner != nullptr ? block.local_entries[store::LocalSlot(field)] : store::ColumnBlock::kNoLocalEntry;
  std::vector<uint64_t> buffer;
  // A block without a local column of the field: its rows hold table ids (segments of format 1
  // and 2), or none; the column is then never rewritten by a translation.
  const store::ColumnData column = entry != store::ColumnBlock::kNoLocalEntry
                                       ? block.local_owner->local_columns()[entry].Ids(&buffer)
                                       : block.columns[static_cast<size_t>(field)];
  if (column.present() && column.sparse()) {
    made.rows.assign(column.sparse_rows, column.sparse_rows + column.sparse_count);  // u != 0: present
  } else if (column.present()) {
    for (size_t row = 0; row < block.rows; ++row) {
      if (store::IdAt(column, row) != store::kAbsentId) made.rows.push_back(static_cast<uint16_t>(row));
    }
  }
  made.few = made.rows.size() * kFewPresentShare <= block.rows;
  if (!made.few) made.rows = {};
  made.rows.shrink_to_fit();
  return made;
}

std::shared_ptr<const store::SparseRows> CodeRowsOf(const Plan& plan, const store::ColumnBlock& block, FieldId field,
                                                    uint32_t code) {
  const store::LazyPart<store::SparseRows>& lazy = block.summary->sparse_rows;
  std::shared_ptr<const store::SparseRows> seen = lazy.Get();
  if (seen && seen->FindCode(field, code)) return seen;
  const store::SparseRows::CodeRows made = code == store::SparseRows::kPresentCode
                                               ? MakePresenceRows(block, field)
                                               : MakeCodeRows(plan, block, field, code);
  for (;;) {
    auto rows = std::make_shared<store::SparseRows>(seen ? *seen : store::SparseRows{});
    rows->codes.push_back(made);
    if (lazy.Replace(seen, rows)) return rows;
    seen = lazy.Get();  // another thread added lists first
    if (seen && seen->FindCode(field, code)) return seen;
  }
}

}  // namespace

const std::vector<uint16_t>* RareCodeRows(const Plan& plan, const store::ColumnBlock& block,
                                          std::vector<const RowFilter*>* filters,
                                          std::shared_ptr<const store::SparseRows>* keep) {
  if (block.summary == nullptr || block.rows > size_t{UINT16_MAX} + 1) return nullptr;
  auto best = filters->end();
  const std::vector<uint16_t>* best_rows = nullptr;
  std::shared_ptr<const store::SparseRows> best_keep;
  for (auto it = filters->begin(); it != filters->end(); ++it) {
    const size_t index = static_cast<size_t>(*it - plan.filters.data());
    if (index >= plan.spec->filters.size()) continue;
    const Filter& filter = plan.spec->filters[index];
    std::shared_ptr<const store::SparseRows> lists;
    const store::SparseRows::CodeRows* rows = nullptr;
    if (const std::optional<uint32_t> code = StatusCodeOf(filter)) {
      uint64_t count = 0;
      if (!block.summary->field(FieldId::kStatus).RowsWithCode(block.rows, *code, &count)) continue;
      if (count * kRareCodeShare > block.rows) continue;
      lists = CodeRowsOf(plan, block, FieldId::kStatus, *code);
      rows = lists->FindCode(FieldId::kStatus, *code);
      if (rows == nullptr || rows->rows.size() != count) continue;  // the summary disagrees: read as before
    } else if (IsLocalPresence(filter)) {
      lists = CodeRowsOf(plan, block, filter.field.id, store::SparseRows::kPresentCode);
      rows = lists->FindCode(filter.field.id, store::SparseRows::kPresentCode);
      if (rows == nullptr || !rows->few) continue;
    } else {
      continue;
    }
    if (best_rows == nullptr || rows->rows.size() < best_rows->size()) {
      best = it;
      best_rows = &rows->rows;
      best_keep = std::move(lists);
    }
  }
  if (best_rows == nullptr) return nullptr;
  *keep = std::move(best_keep);
  filters->erase(best);
  return best_rows;
}

}  // namespace mltrack::query
