#pragma once
// QuerySpec → one ClickHouse SELECT (docs/deploy/clickhouse.md, "How a QuerySpec runs"), and its
// RowBinary answer → the QueryResult the embedded executor would give.
//
// ClickHouse groups and aggregates; this side finishes what must match the embedded store bit
// for bit: bucket starts, bin bounds and enum names from the group codes, averages and rates
// from exact integer parts with the same division as src/query/aggregate/, percentiles by the
// same numpy-linear interpolation from the two neighbouring order statistics the SELECT picks
// out of each group's sorted values, and ordering and the limit by query::OrderAndLimit.
// Every value from the request is a literal made by sql_literal.h.

#include <string>
#include <string_view>
#include <vector>

#include "backend/clickhouse/local_buckets.h"
#include "core/status.h"
#include "query/query_result.h"
#include "query/query_spec.h"

namespace mltrack::backend::clickhouse {

// How one selected column travels (every expression is CAST to it).
enum class Wire : uint8_t { kInt64, kFloat64, kNullableInt64, kNullableFloat64, kString };

struct CompiledQuery {
  std::string sql;              // ends in FORMAT RowBinary
  std::vector<Wire> wire;       // the selected columns, in order
};

struct CompileOptions {
  std::string table;  // "`db`.`events`"
  bool final = true;  // read through FINAL (collapses duplicate keys not yet merged)
  // Local-time buckets (local_buckets.h): the SELECT gives bucket indexes by these stretches.
  // Empty: UTC, the SELECT gives numbers of the UTC grid.
  std::vector<ClockSpan> clock_spans;
};

// OK when CompileQuery can answer `spec`; otherwise a 400 naming each part this backend does not
// compile yet: "days:ts" metrics and per-key ts bounds (filters with "by"), which the embedded
// store answers (the User Activity dashboard uses both).
Status CheckCompilable(const query::QuerySpec& spec);

// The SELECT answering `spec` (already validated by query::ParseQuerySpec and CheckCompilable).
CompiledQuery CompileQuery(const query::QuerySpec& spec, const CompileOptions& options);

// The answer to `spec` from the RowBinary rows of `compiled` (sql_result.cc); `local` is the
// bucketer of local-time buckets (null: UTC). kInternal when the rows do not parse.
Result<query::QueryResult> ReadQueryResult(const query::QuerySpec& spec, const CompiledQuery& compiled,
                                           std::string_view rows, const query::TimeBucketer* local = nullptr);

}  // namespace mltrack::backend::clickhouse
