#pragma once

#include <optional>
#include <string_view>

#include "core/status.h"
#include "query/query_result.h"
#include "query/query_runner.h"
#include "query/query_spec.h"

namespace mltrack::analytics {

// The dashboards' only way to the events: QuerySpec in, QueryResult out (query/query_runner.h).
using QueryRunner = query::QueryRunner;

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
