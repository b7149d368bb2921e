#include "analytics/query_runner.h"

#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/event.h"

namespace mltrack::analytics {

std::optional<double> CellNumber(const query::Cell& cell) {
  if (const auto* value = std::get_if<int64_t>(&cell)) return static_cast<double>(*value);
  if (const auto* value = std::get_if<double>(&cell)) return *value;
  if (const auto* value = std::get_if<query::MoneyValue>(&cell)) {
    return static_cast<double>(value->nano_usd) / static_cast<double>(kNanoPerUsd);
  }
  if (const auto* value = std::get_if<query::WideNumber>(&cell)) return std::strtod(value->text.c_str(), nullptr);
  return std::nullopt;
}

namespace {

// A sum past int64 (query::WideNumber), held to the int64 range.
int64_t Saturated(long double value) {
  if (value >= static_cast<long double>(INT64_MAX)) return INT64_MAX;
  if (value <= static_cast<long double>(INT64_MIN)) return INT64_MIN;
  return static_cast<int64_t>(value);
}

}  // namespace

std::optional<int64_t> CellNanoUsd(const query::Cell& cell) {
  if (const auto* value = std::get_if<query::MoneyValue>(&cell)) return value->nano_usd;
  if (const auto* value = std::get_if<query::WideNumber>(&cell)) {
    return Saturated(std::strtold(value->text.c_str(), nullptr) * static_cast<long double>(kNanoPerUsd));
  }
  return std::nullopt;
}

std::optional<int64_t> CellInt(const query::Cell& cell) {
  if (const auto* value = std::get_if<int64_t>(&cell)) return *value;
  if (const auto* value = std::get_if<query::WideNumber>(&cell)) return Saturated(std::strtold(value->text.c_str(), nullptr));
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
