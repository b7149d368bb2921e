#include "analytics/query_runner.h"

#include <string>

#include "core/event.h"

namespace mltrack::analytics {

std::optional<double> CellNumber(const query::Cell& cell) {
  if (const auto* value = std::get_if<int64_t>(&cell)) return static_cast<double>(*value);
  if (const auto* value = std::get_if<double>(&cell)) return *value;
  if (const auto* value = std::get_if<query::MoneyValue>(&cell)) {
    return static_cast<double>(value->nano_usd) / static_cast<double>(kNanoPerUsd);
  }
  return std::nullopt;
}

std::optional<int64_t> CellNanoUsd(const query::Cell& cell) {
  if (const auto* value = std::get_if<query::MoneyValue>(&cell)) return value->nano_usd;
  return std::nullopt;
}

std::optional<int64_t> CellInt(const query::Cell& cell) {
  if (const auto* value = std::get_if<int64_t>(&cell)) return *value;
  return std::nullopt;
}

std::string_view CellString(const query::Cell& cell) {
  if (const auto* value = std::get_if<std::string>(&cell)) return *value;
  return {};
}

Result<size_t> ColumnIndex(const query::QueryResult& result, std::string_view column) {
  for (size_t column_idx = 0; column_idx < result.columns.size(); ++column_idx) {
    if (result.columns[column_idx] == column) return column_idx;
  }
  return Status::Internal("query result has no column " + std::string(column));
}

}  // namespace mltrack::analytics
