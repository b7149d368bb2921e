#include "query/rare_code_rows.h"

#include <algorithm>
#include <optional>
#include <string>
#include <variant>

#include "core/event.h"
#include "query/column_source.h"

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

std::shared_ptr<const store::SparseRows> CodeRowsOf(const Plan& plan, const store::ColumnBlock& block, FieldId field,
                                                    uint32_t code) {
  const store::LazyPart<store::SparseRows>& lazy = block.summary->sparse_rows;
  std::shared_ptr<const store::SparseRows> seen = lazy.Get();
  if (seen && seen->FindCode(field, code)) return seen;
  const store::SparseRows::CodeRows made = MakeCodeRows(plan, block, field, code);
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
  for (auto it = filters->begin(); it != filters->end(); ++it) {
    const size_t index = static_cast<size_t>(*it - plan.filters.data());
    if (index >= plan.spec->filters.size()) continue;
    const std::optional<uint32_t> code = StatusCodeOf(plan.spec->filters[index]);
    if (!code) continue;
    uint64_t count = 0;
    if (!block.summary->field(FieldId::kStatus).RowsWithCode(block.rows, *code, &count)) continue;
    if (count * kRareCodeShare > block.rows) continue;
    *keep = CodeRowsOf(plan, block, FieldId::kStatus, *code);
    const store::SparseRows::CodeRows* rows = (*keep)->FindCode(FieldId::kStatus, *code);
    if (rows == nullptr || rows->rows.size() != count) continue;  // the summary disagrees: read as before
    filters->erase(it);
    return &rows->rows;
  }
  return nullptr;
}

}  // namespace mltrack::query
