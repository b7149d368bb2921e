// Reading a compiled query's RowBinary answer back into the QueryResult the embedded store gives
// (sql_compiler.h).
#include "backend/clickhouse/sql_compiler.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "backend/clickhouse/concurrent_calls.h"
#include "backend/clickhouse/percentile_sketch.h"
#include "backend/clickhouse/row_binary.h"
#include "backend/clickhouse/sql_expressions.h"
#include "core/event.h"
#include "query/aggregate/avg.h"
#include "query/aggregate/rate.h"
#include "query/result_order.h"
#include "query/time_bucket.h"

namespace mltrack::backend::clickhouse {
namespace {

using query::AggregateKind;
using query::Cell;
using query::GroupBin;
using query::MetricSpec;
using query::QuerySpec;

constexpr int64_t kDayMs = 86'400'000;

struct WireValue {
  bool null = false;
  int64_t i = 0;
  double d = 0;
  std::string s;
  std::vector<int64_t> list;
  std::vector<double> doubles;
};

WireValue ReadWire(RowBinaryReader& reader, Wire wire) {
  WireValue value;
  switch (wire) {
    case Wire::kInt64: value.i = reader.Fixed<int64_t>(); break;
    case Wire::kFloat64: value.d = reader.Fixed<double>(); break;
    case Wire::kNullableInt64:
      value.null = !reader.Present();
      if (!value.null) value.i = reader.Fixed<int64_t>();
      break;
    case Wire::kNullableFloat64:
      value.null = !reader.Present();
      if (!value.null) value.d = reader.Fixed<double>();
      break;
    case Wire::kString: value.s = std::string(reader.String()); break;
    case Wire::kInt64Array: {
      const uint64_t count = reader.Varint();
      for (uint64_t idx = 0; idx < count && reader.ok(); ++idx) value.list.push_back(reader.Fixed<int64_t>());
      break;
    }
    case Wire::kFloat64Array: {
      const uint64_t count = reader.Varint();
      for (uint64_t idx = 0; idx < count && reader.ok(); ++idx) value.doubles.push_back(reader.Fixed<double>());
      break;
    }
  }
  return value;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

Cell BucketCell(const QuerySpec& spec, int64_t number, const query::TimeBucketer* local) {
  if (local) return local->Start(number);  // an index of local-time buckets
  if (spec.bucket_months > 0) {
    const int64_t month_abs = number * spec.bucket_months;
    const int64_t year = FloorDiv(month_abs, 12);
    const auto month = static_cast<unsigned>(month_abs - year * 12) + 1;
    return query::DaysFromCivil(year, month, 1) * kDayMs;
  }
  return number * spec.bucket_ms + BucketOffsetMs(spec);
}

Cell KeyCell(const QuerySpec& spec, size_t idx, const WireValue& value) {
  const FieldRef& field = spec.group_by[idx];
  if (const GroupBin* bin = query::GroupBinOf(spec, idx)) {
    if (value.null) return {};
    if (bin->width_decimals == 0) return value.i * bin->width_units;  // exact integer bound
    return bin->Lower(value.i);
  }
  switch (field.kind()) {
    case FieldKind::kString:
      if (value.s.empty()) return {};
      return value.s;
    case FieldKind::kEnum:
      if (field.id == FieldId::kOperation) return std::string(OperationName(static_cast<Operation>(value.i)));
      return std::string(EventStatusName(static_cast<EventStatus>(value.i)));
    case FieldKind::kBool:
      if (value.i == kBoolAbsent) return {};
      return value.i == kBoolTrue;
    default:
      if (value.null) return {};
      return value.i;
  }
}

// The cell of a number as src/query/metric_accumulator.cc makes it: money as exact nano-USD
// for sums, minima and maxima, USD doubles for averages and percentiles.
Cell IntOrMoney(const FieldRef& field, int64_t value) {
  if (field.kind() == FieldKind::kMoney) return query::MoneyValue{value};
  return value;
}

double MoneyScaled(const FieldRef& field, double value) {
  return field.kind() == FieldKind::kMoney ? value / static_cast<double>(kNanoPerUsd) : value;
}

// A percentile's cell: null for no value, USD for money.
Cell PercentileCell(const MetricSpec& metric, std::optional<double> value) {
  if (!value) return {};
  return MoneyScaled(metric.field, *value);
}

// The columns the first percentile of a field selects (sql_compiler.cc).
GroupValues ReadGroupValues(RowBinaryReader& reader, const std::vector<Wire>& wire, size_t& column) {
  GroupValues group;
  group.count = ReadWire(reader, wire[column++]).i;
  group.values = ReadWire(reader, wire[column++]).doubles;
  group.min = ReadWire(reader, wire[column++]).d;
  group.max = ReadWire(reader, wire[column++]).d;
  group.zeros = ReadWire(reader, wire[column++]).i;
  return group;
}

// The rows of a sketch SELECT: per group key (its RowBinary bytes), the counts per bucket.
Result<SketchCounts> ReadSketchCounts(std::string_view rows, const CompiledQuery& compiled) {
  SketchCounts counts;
  RowBinaryReader reader(rows);
  while (!reader.AtEnd() && reader.ok()) {
    const size_t start = reader.position();
    for (size_t column = 0; column < compiled.key_columns; ++column) ReadWire(reader, compiled.wire[column]);
    const std::string key(rows.substr(start, reader.position() - start));
    const auto bucket = reader.Fixed<int64_t>();
    const auto count = reader.Fixed<int64_t>();
    if (reader.ok()) counts[key][bucket] += static_cast<uint64_t>(count);
  }
  if (!reader.ok()) return reader.status();
  return counts;
}

// days:ts: the day numbers (UTC) or local-day indexes as the starts of those days, ascending.
Cell DaysCell(const std::vector<int64_t>& days, const query::TimeBucketer* local) {
  query::IntList list;
  list.values.reserve(days.size());
  for (int64_t day : days) list.values.push_back(local ? local->Start(day) : day * kDayMs);
  return list;
}

Cell MetricCell(const MetricSpec& metric, RowBinaryReader& reader, const std::vector<Wire>& wire, size_t& column,
                const query::TimeBucketer* local_days) {
  auto next = [&] { return ReadWire(reader, wire[column++]); };
  const bool doubles = IsDoubleMeasure(metric.field);
  switch (metric.kind) {
    case AggregateKind::kCount:
    case AggregateKind::kCountPresent:
    case AggregateKind::kUniq:
      return next().i;
    case AggregateKind::kSum: {
      const WireValue sum = next();
      return doubles ? Cell{sum.d} : IntOrMoney(metric.field, sum.i);
    }
    case AggregateKind::kAvg: {
      const WireValue sum = next();
      const WireValue count = next();
      std::optional<double> avg;
      if (doubles) {
        query::aggregate::Avg<double>::State state{sum.d, static_cast<uint64_t>(count.i)};
        avg = query::aggregate::Avg<double>::Finalize(state);
      } else {
        query::aggregate::Avg<int64_t>::State state{sum.i, static_cast<uint64_t>(count.i)};
        avg = query::aggregate::Avg<int64_t>::Finalize(state);
      }
      if (!avg) return {};
      return MoneyScaled(metric.field, *avg);
    }
    case AggregateKind::kMin:
    case AggregateKind::kMax: {
      const WireValue value = next();
      if (value.null) return {};
      return doubles ? Cell{value.d} : IntOrMoney(metric.field, value.i);
    }
    case AggregateKind::kPercentile:  // read by ReadQueryResult
      return {};
    case AggregateKind::kVar:
    case AggregateKind::kStddev: {
      const WireValue variance = next();
      next();  // the mean the variance was taken around
      if (variance.null) return {};
      // variance_accumulator.cc: nano-USD per USD for money.
      const double unit = metric.field.kind() == FieldKind::kMoney ? static_cast<double>(kNanoPerUsd) : 1.0;
      if (metric.kind == AggregateKind::kStddev) return std::sqrt(variance.d) / unit;
      return variance.d / (unit * unit);
    }
    case AggregateKind::kRate: {
      const WireValue hits = next();
      const WireValue total = next();
      query::aggregate::Rate::State state{static_cast<uint64_t>(hits.i), static_cast<uint64_t>(total.i)};
      std::optional<double> rate = query::aggregate::Rate::Finalize(state);
      return rate ? Cell{*rate} : Cell{};
    }
    case AggregateKind::kDays:
      return DaysCell(next().list, local_days);
  }
  return {};
}

}  // namespace

Result<query::QueryResult> ReadQueryResult(const QuerySpec& spec, const CompiledQuery& compiled,
                                           std::string_view rows, LocalClocks local, const StatementRunner& run,
                                           size_t parallel) {
  query::QueryResult result;
  if (query::HasBucket(spec)) result.columns.push_back("t");
  for (size_t idx = 0; idx < spec.group_by.size(); ++idx) result.columns.push_back(query::GroupColumnName(spec, idx));
  for (const MetricSpec& metric : spec.metrics) result.columns.push_back(metric.name);
  result.bucket_ms = spec.bucket_ms;
  result.bucket_months = spec.bucket_months;
  // Each percentile's field (numbered in the order of first use, as sql_compiler.cc selects them).
  std::vector<size_t> field_of(spec.metrics.size(), 0);
  std::vector<bool> first_use(spec.metrics.size(), false);
  size_t fields = 0;
  {
    std::map<std::string, size_t> seen;
    for (size_t idx = 0; idx < spec.metrics.size(); ++idx) {
      if (spec.metrics[idx].kind != AggregateKind::kPercentile) continue;
      const auto [it, added] = seen.try_emplace(spec.metrics[idx].field.Name(), fields);
      if (added) ++fields;
      field_of[idx] = it->second;
      first_use[idx] = added;
    }
  }
  // Percentiles of large groups, finished once their sketch counts are read.
  struct Pending {
    size_t row, cell, metric;
    std::string key;
    GroupValues group;
  };
  std::vector<Pending> pending;
  RowBinaryReader reader(rows);
  while (!reader.AtEnd() && reader.ok()) {
    std::vector<Cell> row;
    row.reserve(result.columns.size());
    size_t column = 0;
    const size_t key_start = reader.position();
    if (query::HasBucket(spec)) row.push_back(BucketCell(spec, ReadWire(reader, compiled.wire[column++]).i, local.buckets));
    for (size_t idx = 0; idx < spec.group_by.size(); ++idx) {
      row.push_back(KeyCell(spec, idx, ReadWire(reader, compiled.wire[column++])));
    }
    const std::string_view key = rows.substr(key_start, reader.position() - key_start);
    std::vector<GroupValues> groups(fields);
    for (size_t idx = 0; idx < spec.metrics.size(); ++idx) {
      const MetricSpec& metric = spec.metrics[idx];
      if (metric.kind != AggregateKind::kPercentile) {
        row.push_back(MetricCell(metric, reader, compiled.wire, column, local.days));
        continue;
      }
      GroupValues& group = groups[field_of[idx]];
      if (first_use[idx]) group = ReadGroupValues(reader, compiled.wire, column);
      if (NeedsSketch(group)) {
        pending.push_back({result.rows.size(), row.size(), idx, std::string(key), group});
        row.emplace_back();
      } else {
        row.push_back(PercentileCell(metric, GroupPercentile(group, nullptr, metric.percentile)));
      }
    }
    if (reader.ok()) result.rows.push_back(std::move(row));
  }
  if (!reader.ok()) return reader.status();
  // The sketch SELECTs the large groups need, one per field, sent at the same time.
  std::vector<char> needed(fields, 0);
  for (const Pending& item : pending) needed[field_of[item.metric]] = 1;
  std::vector<size_t> wanted;
  for (size_t field = 0; field < fields; ++field) {
    if (needed[field]) wanted.push_back(field);
  }
  if (!wanted.empty() && !run) return Status::Internal("a percentile of a group past the exact limit needs its sketch counts");
  std::vector<Result<SketchCounts>> sketches(fields, Result<SketchCounts>(Status::Internal("sketch not read")));
  RunConcurrently(wanted.size(), parallel, [&](size_t index) {
    const size_t field = wanted[index];
    Result<std::string> answer = run(compiled.sketch_sql[field]);
    sketches[field] = answer.ok() ? ReadSketchCounts(*answer, compiled) : Result<SketchCounts>(answer.status());
  });
  for (const size_t field : wanted) {
    if (!sketches[field].ok()) return sketches[field].status();
  }
  for (const Pending& item : pending) {
    const MetricSpec& metric = spec.metrics[item.metric];
    const SketchCounts& sketch = *sketches[field_of[item.metric]];
    const auto found = sketch.find(item.key);
    const std::map<int64_t, uint64_t>* buckets = found == sketch.end() ? nullptr : &found->second;
    result.rows[item.row][item.cell] = PercentileCell(metric, GroupPercentile(item.group, buckets, metric.percentile));
  }
  query::OrderAndLimit(spec, result);
  return result;
}

}  // namespace mltrack::backend::clickhouse
