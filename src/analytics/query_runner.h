#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "core/status.h"
#include "query/query_result.h"
#include "query/query_spec.h"

namespace mltrack::analytics {

// Runs one QuerySpec on whichever backend holds the events (the embedded store today,
// ClickHouse later); the dashboards are compositions of such calls and never see the store.
// Must be thread-safe when a dashboard runs queries from several threads.
using QueryRunner = std::function<Result<query::QueryResult>(const query::QuerySpec&)>;

// Reading result cells: numbers as double (money in USD), exact money in nano-USD, strings.
// nullopt for null cells and for cells of another type. A sum past int64 (query::WideNumber)
// reads as the nearest double, and as INT64_MAX / INT64_MIN through CellNanoUsd and CellInt
// (the dashboards' figures saturate there: 9.2 billion USD, 9.2e18 tokens).
std::optional<double> CellNumber(const query::Cell& cell);
std::optional<int64_t> CellNanoUsd(const query::Cell& cell);
std::optional<int64_t> CellInt(const query::Cell& cell);
std::string_view CellString(const query::Cell& cell);

// The index of `column` in `result.columns`; an Internal error when it is missing (a bug in
// the dashboard that asked for it).
Result<size_t> ColumnIndex(const query::QueryResult& result, std::string_view column);

}  // namespace mltrack::analytics
