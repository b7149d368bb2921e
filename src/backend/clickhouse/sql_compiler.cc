#include "backend/clickhouse/sql_compiler.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "backend/clickhouse/row_binary.h"
#include "backend/clickhouse/sql_expressions.h"
#include "backend/clickhouse/sql_literal.h"
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
constexpr int64_t kWeekMs = 7 * kDayMs;
constexpr int64_t kMondayOffsetMs = 4 * kDayMs;  // 1970-01-01 was a Thursday

const char* WireType(Wire wire) {
  switch (wire) {
    case Wire::kInt64: return "Int64";
    case Wire::kFloat64: return "Float64";
    case Wire::kNullableInt64: return "Nullable(Int64)";
    case Wire::kNullableFloat64: return "Nullable(Float64)";
    case Wire::kString: return "String";
  }
  return "String";
}

bool IsDoubleMeasure(const FieldRef& field) {
  return field.id == FieldId::kScore || field.kind() == FieldKind::kDouble;
}

// The fixed-width bucket offset: weeks start on Monday, everything else at the epoch.
int64_t BucketOffset(const QuerySpec& spec) {
  return spec.bucket_ms > 0 && spec.bucket_ms % kWeekMs == 0 ? kMondayOffsetMs : 0;
}

class Builder {
 public:
  Builder(const QuerySpec& spec, const CompileOptions& options) : spec_(spec), options_(options) {}

  CompiledQuery Build() {
    std::vector<std::string> keys;
    if (query::HasBucket(spec_)) keys.push_back(Select(BucketExpr(), Wire::kInt64));
    for (size_t idx = 0; idx < spec_.group_by.size(); ++idx) keys.push_back(KeyPart(idx));
    for (const MetricSpec& metric : spec_.metrics) AddMetric(metric);
    std::string sql = "SELECT ";
    for (size_t idx = 0; idx < selected_.size(); ++idx) sql += (idx ? ", " : "") + selected_[idx];
    sql += " FROM " + options_.table + (options_.final ? " FINAL" : "");
    sql += " WHERE `ts` >= " + SqlInt(spec_.from_ms) + " AND `ts` < " + SqlInt(spec_.to_ms);
    for (const query::Filter& filter : spec_.filters) sql += " AND (" + FilterSql(filter) + ")";
    if (!keys.empty()) {
      sql += " GROUP BY ";
      for (size_t idx = 0; idx < keys.size(); ++idx) sql += (idx ? ", " : "") + keys[idx];
    }
    sql += " FORMAT RowBinary";
    return {std::move(sql), std::move(wire_)};
  }

 private:
  // Adds a selected column; returns its alias (group keys are grouped by alias).
  std::string Select(const std::string& expr, Wire wire) {
    const std::string alias = "_c" + std::to_string(selected_.size());
    selected_.push_back("CAST(" + expr + " AS " + WireType(wire) + ") AS " + alias);
    wire_.push_back(wire);
    return alias;
  }

  std::string BucketExpr() const {
    if (spec_.bucket_months > 0) {
      const std::string day = "toDateTime(intDiv(`ts`, 1000), 'UTC')";
      return "intDiv(toInt64(toYear(" + day + ")) * 12 + toMonth(" + day + ") - 1, " +
             SqlInt(spec_.bucket_months) + ")";
    }
    const std::string shifted = "(`ts` - " + SqlInt(BucketOffset(spec_)) + ")";
    const std::string width = SqlInt(spec_.bucket_ms);
    return "intDiv(" + shifted + ", " + width + ") - (" + shifted + " % " + width + " < 0)";
  }

  std::string KeyPart(size_t idx) {
    const FieldRef& field = spec_.group_by[idx];
    if (const GroupBin* bin = query::GroupBinOf(spec_, idx)) return Select(BinExpr(*bin, field), Wire::kNullableInt64);
    switch (field.kind()) {
      case FieldKind::kString: return Select(StringExpr(field), Wire::kString);
      case FieldKind::kEnum: return Select("toInt64(" + ColumnOf(field.id) + ")", Wire::kInt64);
      case FieldKind::kBool: return Select(BoolCodeExpr(field), Wire::kInt64);
      default: return Select(MeasureExpr(field), Wire::kNullableInt64);  // http_status
    }
  }

  // The bin of the measure (block_scan.cc, GroupBin::BinOf): e = ⌊v / width⌋, then moved by one
  // where the division rounded across a bound, so Lower(e) ≤ v < Lower(e + 1) with Lower(e) =
  // e · units / 10^decimals in doubles — the same operations as the embedded store.
  std::string BinExpr(const GroupBin& bin, const FieldRef& field) {
    std::string value = "toFloat64(" + MeasureExpr(field) + ")";
    if (field.kind() == FieldKind::kMoney) value = "(" + value + " / " + SqlDouble(double(kNanoPerUsd)) + ")";
    const std::string alias = "_bin" + std::to_string(aliases_++);
    const std::string units = SqlDouble(static_cast<double>(bin.width_units));
    double ten_power = 1;  // as GroupBin::Lower's PowerOfTen
    for (int32_t digit = 0; digit < bin.width_decimals; ++digit) ten_power *= 10;
    const std::string power = SqlDouble(ten_power);
    const std::string estimate = "(least(greatest(floor(" + value + " / " + SqlDouble(bin.width()) +
                                 "), -9007199254740992.), 9007199254740992.) AS " + alias + ")";
    return "toInt64(" + estimate + " - (" + value + " < " + alias + " * " + units + " / " + power + ") + (" +
           value + " >= (" + alias + " + 1) * " + units + " / " + power + "))";
  }

  void AddMetric(const MetricSpec& metric) {
    const FieldRef& field = metric.field;
    const bool doubles = IsDoubleMeasure(field);
    switch (metric.kind) {
      case AggregateKind::kCount:
        Select("count()", Wire::kInt64);
        return;
      case AggregateKind::kCountPresent:
        Select("countIf(" + PresentExpr(field) + ")", Wire::kInt64);
        return;
      case AggregateKind::kSum:
        Select("ifNull(sum(" + MeasureExpr(field) + "), 0)", doubles ? Wire::kFloat64 : Wire::kInt64);
        return;
      case AggregateKind::kAvg:
        Select("ifNull(sum(" + MeasureExpr(field) + "), 0)", doubles ? Wire::kFloat64 : Wire::kInt64);
        Select("count(" + MeasureExpr(field) + ")", Wire::kInt64);
        return;
      case AggregateKind::kMin:
      case AggregateKind::kMax: {
        const char* fn = metric.kind == AggregateKind::kMin ? "min(" : "max(";
        Select(fn + MeasureExpr(field) + ")", doubles ? Wire::kNullableFloat64 : Wire::kNullableInt64);
        return;
      }
      case AggregateKind::kPercentile: {
        const auto [first_use, sorted] = SortedValues(field);
        const std::string fraction = SqlDouble(std::clamp(metric.percentile, 0.0, 100.0) / 100.0);
        const std::string lower = "toUInt64(floor(" + fraction + " * toFloat64(greatest(length(" + sorted +
                                  "), 1) - 1)))";
        Select("length(" + first_use + ")", Wire::kInt64);
        Select(sorted + "[" + lower + " + 1]", Wire::kFloat64);
        Select(sorted + "[" + lower + " + 2]", Wire::kFloat64);
        return;
      }
      case AggregateKind::kUniq:
        if (field.kind() == FieldKind::kString) {
          const std::string value = StringExpr(field);
          Select("uniqExactIf(" + value + ", " + value + " != '')", Wire::kInt64);
        } else if (field.kind() == FieldKind::kEnum) {
          Select("uniqExact(" + ColumnOf(field.id) + ")", Wire::kInt64);
        } else {
          Select("uniqExact(" + MeasureExpr(field) + ")", Wire::kInt64);
        }
        return;
      case AggregateKind::kRate: {
        const std::string holds = metric.rate_of == "error" ? "`status` = " + SqlInt(int(EventStatus::kError))
                                  : metric.rate_of == "cache_hit" ? "ifNull(`cache_hit`, 0) = 1"
                                                                  : "ifNull(`streaming`, 0) = 1";
        Select("countIf(" + holds + ")", Wire::kInt64);
        Select("count()", Wire::kInt64);
        return;
      }
    }
  }

  // Every percentile of one field reads one sorted array per group (an alias shared by them):
  // the expression to write at the next use (the definition the first time, else the alias),
  // and the alias.
  std::pair<std::string, std::string> SortedValues(const FieldRef& field) {
    auto [it, added] = sorted_.try_emplace(field.Name(), "_sorted" + std::to_string(sorted_.size()));
    if (!added) return {it->second, it->second};
    return {"(arraySort(groupArray(toFloat64(" + MeasureExpr(field) + "))) AS " + it->second + ")", it->second};
  }

  const QuerySpec& spec_;
  const CompileOptions& options_;
  std::vector<std::string> selected_;
  std::vector<Wire> wire_;
  std::map<std::string, std::string> sorted_;
  int aliases_ = 0;
};

// ---- reading the answer ----------------------------------------------------------------------

struct WireValue {
  bool null = false;
  int64_t i = 0;
  double d = 0;
  std::string s;
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
  }
  return value;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

Cell BucketCell(const QuerySpec& spec, int64_t number) {
  if (spec.bucket_months > 0) {
    const int64_t month_abs = number * spec.bucket_months;
    const int64_t year = FloorDiv(month_abs, 12);
    const auto month = static_cast<unsigned>(month_abs - year * 12) + 1;
    return query::DaysFromCivil(year, month, 1) * kDayMs;
  }
  return number * spec.bucket_ms + BucketOffset(spec);
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

// query/aggregate/quantile.cc's LinearPercentile, from the group's size and the two order
// statistics around h.
Cell PercentileCell(const MetricSpec& metric, int64_t count, double low, double high) {
  if (count <= 0) return {};
  const double h = std::clamp(metric.percentile, 0.0, 100.0) / 100.0 * static_cast<double>(count - 1);
  const auto lower = static_cast<uint64_t>(std::floor(h));
  const double fraction = h - static_cast<double>(lower);
  double value = low;
  if (!(fraction == 0 || lower + 1 >= static_cast<uint64_t>(count))) value = low + fraction * (high - low);
  return MoneyScaled(metric.field, value);
}

Cell MetricCell(const MetricSpec& metric, RowBinaryReader& reader, const std::vector<Wire>& wire, size_t& column) {
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
    case AggregateKind::kPercentile: {
      const WireValue count = next();
      const WireValue low = next();
      const WireValue high = next();
      return PercentileCell(metric, count.i, low.d, high.d);
    }
    case AggregateKind::kRate: {
      const WireValue hits = next();
      const WireValue total = next();
      query::aggregate::Rate::State state{static_cast<uint64_t>(hits.i), static_cast<uint64_t>(total.i)};
      std::optional<double> rate = query::aggregate::Rate::Finalize(state);
      return rate ? Cell{*rate} : Cell{};
    }
  }
  return {};
}

}  // namespace

CompiledQuery CompileQuery(const QuerySpec& spec, const CompileOptions& options) {
  return Builder(spec, options).Build();
}

Result<query::QueryResult> ReadQueryResult(const QuerySpec& spec, const CompiledQuery& compiled,
                                           std::string_view rows) {
  query::QueryResult result;
  if (query::HasBucket(spec)) result.columns.push_back("t");
  for (size_t idx = 0; idx < spec.group_by.size(); ++idx) result.columns.push_back(query::GroupColumnName(spec, idx));
  for (const MetricSpec& metric : spec.metrics) result.columns.push_back(metric.name);
  result.bucket_ms = spec.bucket_ms;
  result.bucket_months = spec.bucket_months;
  RowBinaryReader reader(rows);
  while (!reader.AtEnd() && reader.ok()) {
    std::vector<Cell> row;
    row.reserve(result.columns.size());
    size_t column = 0;
    if (query::HasBucket(spec)) row.push_back(BucketCell(spec, ReadWire(reader, compiled.wire[column++]).i));
    for (size_t idx = 0; idx < spec.group_by.size(); ++idx) {
      row.push_back(KeyCell(spec, idx, ReadWire(reader, compiled.wire[column++])));
    }
    for (const MetricSpec& metric : spec.metrics) row.push_back(MetricCell(metric, reader, compiled.wire, column));
    if (reader.ok()) result.rows.push_back(std::move(row));
  }
  if (!reader.ok()) return reader.status();
  query::OrderAndLimit(spec, result);
  return result;
}

}  // namespace mltrack::backend::clickhouse
