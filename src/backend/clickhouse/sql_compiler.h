#pragma once
// QuerySpec → one ClickHouse SELECT (docs/deploy/clickhouse.md, "How a QuerySpec runs"), and its
// RowBinary answer → the QueryResult the embedded executor would give.
//
// ClickHouse groups and aggregates; this side finishes what must match the embedded store bit
// for bit: bucket starts, bin bounds and enum names from the group codes, averages and rates
// from exact integer parts with the same division as src/query/aggregate/, percentiles by the
// embedded store's own quantile code (percentile_sketch.h: a group's values when it has at most
// 1,024, else its counts per bucket of the embedded sketch from a second SELECT), and ordering
// and the limit by query::OrderAndLimit.
// Every value from the request is a literal made by sql_literal.h.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "backend/clickhouse/local_buckets.h"
#include "core/status.h"
#include "query/query_result.h"
#include "query/query_spec.h"

namespace mltrack::backend::clickhouse {

// How one selected column travels (every expression is CAST to it).
enum class Wire : uint8_t { kInt64, kFloat64, kNullableInt64, kNullableFloat64, kString, kInt64Array,
                            kFloat64Array };

struct CompiledQuery {
  std::string sql;              // ends in FORMAT RowBinary
  std::vector<Wire> wire;       // the selected columns, in order
  size_t key_columns = 0;       // wire[0, key_columns): the bucket and the group keys
  // Per field with percentiles, in the order of its first percentile in spec.metrics: the SELECT
  // of its present non-zero values counted per group and bucket of the embedded sketch
  // (percentile_sketch.h), rows: the group's key columns, bucket (Int64), count (Int64). Run only
  // when a group has more values than the embedded store keeps exactly.
  std::vector<std::string> sketch_sql;
};

// Runs one more SELECT (a sketch_sql) and returns its RowBinary rows.
using StatementRunner = std::function<Result<std::string>(const std::string& sql)>;

struct CompileOptions {
  std::string table;  // "`db`.`events`"
  bool final = true;  // read through FINAL (collapses copies of a key not yet merged; TableNames::read_final)
  // Local-time buckets (local_buckets.h): the SELECT gives bucket indexes by these stretches.
  // Empty: UTC, the SELECT gives numbers of the UTC grid.
  std::vector<ClockSpan> clock_spans;
  // The same for the local days of "days:ts" (1-day buckets in the query's zone). Empty: UTC
  // days, the SELECT gives day numbers since 1970-01-01.
  std::vector<ClockSpan> day_spans;
};

// The SELECT answering `spec` (already validated by query::ParseQuerySpec). "days:ts" is
// arraySort(groupUniqArray(day number)) per group; a per-key ts bound is transform() of the
// row's key over the bounds (sql_expressions.h, KeyedBoundSql).
CompiledQuery CompileQuery(const query::QuerySpec& spec, const CompileOptions& options);

// The bucketers that turn the SELECT's local-time indexes into starts (null: UTC numbers).
struct LocalClocks {
  const query::TimeBucketer* buckets = nullptr;  // the query's buckets
  const query::TimeBucketer* days = nullptr;     // the days of "days:ts"
};

// The answer to `spec` from the RowBinary rows of `compiled` (sql_result.cc); `run` runs the
// sketch SELECTs a percentile of a large group needs (one per field, up to `parallel` of them
// at the same time, so `run` must then be thread-safe). kInternal when the rows do not parse or
// such a group comes without `run`.
Result<query::QueryResult> ReadQueryResult(const query::QuerySpec& spec, const CompiledQuery& compiled,
                                           std::string_view rows, LocalClocks local = {},
                                           const StatementRunner& run = {}, size_t parallel = 1);

}  // namespace mltrack::backend::clickhouse
