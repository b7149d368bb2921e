#include "backend/clickhouse/sql_compiler.h"

#include <algorithm>
#include <set>

#include "backend/clickhouse/sql_expressions.h"
#include "backend/clickhouse/sql_literal.h"
#include "core/event.h"
#include "query/aggregate/quantile.h"

namespace mltrack::backend::clickhouse {
namespace {

constexpr int64_t kDayMs = 86'400'000;

using query::AggregateKind;
using query::GroupBin;
using query::MetricSpec;
using query::QuerySpec;

const char* WireType(Wire wire) {
  switch (wire) {
    case Wire::kInt64: return "Int64";
    case Wire::kFloat64: return "Float64";
    case Wire::kNullableInt64: return "Nullable(Int64)";
    case Wire::kNullableFloat64: return "Nullable(Float64)";
    case Wire::kString: return "String";
    case Wire::kInt64Array: return "Array(Int64)";
    case Wire::kFloat64Array: return "Array(Float64)";
  }
  return "String";
}

class Builder {
 public:
  Builder(const QuerySpec& spec, const CompileOptions& options) : spec_(spec), options_(options) {}

  CompiledQuery Build() {
    std::vector<std::string> keys;
    if (query::HasBucket(spec_)) keys.push_back(Select(BucketExpr(), Wire::kInt64));
    for (size_t idx = 0; idx < spec_.group_by.size(); ++idx) keys.push_back(KeyPart(idx));
    const std::vector<std::string> key_selects = selected_;
    for (const MetricSpec& metric : spec_.metrics) AddMetric(metric);
    std::string from = " FROM " + options_.table + (options_.final ? " FINAL" : "");
    from += " WHERE `ts` >= " + SqlInt(spec_.from_ms) + " AND `ts` < " + SqlInt(spec_.to_ms);
    for (const query::Filter& filter : spec_.filters) from += " AND (" + FilterSql(filter) + ")";
    CompiledQuery compiled;
    compiled.sql = "SELECT " + Join(selected_) + from + GroupBy(keys) + " FORMAT RowBinary";
    compiled.wire = std::move(wire_);
    compiled.key_columns = keys.size();
    for (const std::string& value : percentile_values_) {
      // The embedded sketch's bucket of a non-zero value: the top bits of its IEEE-754 pattern
      // (LogBuckets::IndexOf of |value|, with the sign bit above them). reinterpretAsString
      // drops trailing zero bytes and reinterpretAsUInt64 pads them back: the same 8 bytes.
      std::vector<std::string> sketch_selects = key_selects;
      sketch_selects.push_back("CAST(bitShiftRight(reinterpretAsUInt64(reinterpretAsString(ifNull(" + value +
                               ", 0.))), " + SqlInt(query::aggregate::LogBuckets::kShift) + ") AS Int64) AS _bucket");
      sketch_selects.push_back("CAST(count() AS Int64) AS _count");
      std::vector<std::string> sketch_keys = keys;
      sketch_keys.push_back("_bucket");
      compiled.sketch_sql.push_back("SELECT " + Join(sketch_selects) + from + " AND isNotNull(" + value + ") AND " +
                                    value + " != 0" + GroupBy(sketch_keys) + " FORMAT RowBinary");
    }
    return compiled;
  }

 private:
  static std::string Join(const std::vector<std::string>& items) {
    std::string out;
    for (size_t idx = 0; idx < items.size(); ++idx) out += (idx ? ", " : "") + items[idx];
    return out;
  }

  static std::string GroupBy(const std::vector<std::string>& keys) {
    return keys.empty() ? "" : " GROUP BY " + Join(keys);
  }

  // Adds a selected column; returns its alias (group keys are grouped by alias).
  std::string Select(const std::string& expr, Wire wire) {
    const std::string alias = "_c" + std::to_string(selected_.size());
    selected_.push_back("CAST(" + expr + " AS " + WireType(wire) + ") AS " + alias);
    wire_.push_back(wire);
    return alias;
  }

  // The row's bucket: the UTC grid's number of `ts`, or its local-time index by clock spans.
  std::string BucketExpr() const {
    return BySpans(options_.clock_spans, [this](const std::string& clock) { return GridExpr(clock); });
  }

  // The row's day for "days:ts": days since 1970-01-01 (UTC), or its local-day index by spans.
  std::string DayExpr() const {
    return BySpans(options_.day_spans, [](const std::string& clock) { return FloorDiv(clock, kDayMs); });
  }

  // `grid` of `ts`, or, with spans, the span's shift plus `grid` of its local clock reading.
  template <typename Grid>
  static std::string BySpans(const std::vector<ClockSpan>& spans, Grid grid) {
    if (spans.empty()) return grid("`ts`");
    std::string expr = spans.size() > 1 ? "multiIf(" : "";
    for (size_t idx = 0; idx < spans.size(); ++idx) {
      if (idx + 1 < spans.size()) expr += "`ts` < " + SqlInt(spans[idx + 1].start_ms) + ", ";
      expr += SqlInt(spans[idx].shift) + " + " + grid("(`ts` + " + SqlInt(spans[idx].offset_ms) + ")");
      expr += idx + 1 < spans.size() ? ", " : "";
    }
    return expr + (spans.size() > 1 ? ")" : "");
  }

  // ⌊value / width⌋ for a positive width (intDiv truncates toward zero).
  static std::string FloorDiv(const std::string& value, int64_t width) {
    const std::string divisor = SqlInt(width);
    return "(intDiv(" + value + ", " + divisor + ") - (" + value + " % " + divisor + " < 0))";
  }

  // query::BucketGrid::Number of the clock reading `clock` (epoch ms).
  std::string GridExpr(const std::string& clock) const {
    if (spec_.bucket_months > 0) {
      const std::string day = "toDateTime(intDiv(" + clock + ", 1000), 'UTC')";
      return "intDiv(toInt64(toYear(" + day + ")) * 12 + toMonth(" + day + ") - 1, " +
             SqlInt(spec_.bucket_months) + ")";
    }
    return FloorDiv("(" + clock + " - " + SqlInt(BucketOffsetMs(spec_)) + ")", spec_.bucket_ms);
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
        // ts is never NULL, so its min/max of no rows would be 0: null, as the embedded store says.
        const std::string value = fn + MeasureExpr(field) + ")";
        Select(field.id == FieldId::kTs ? "if(count() = 0, NULL, " + value + ")" : value,
               doubles ? Wire::kNullableFloat64 : Wire::kNullableInt64);
        return;
      }
      case AggregateKind::kPercentile: {
        // The first percentile of a field carries the field's columns, shared by its others: the
        // group's count of values, the values themselves while there are at most kExactLimit
        // (the embedded store is exact there), and the exact min, max and count of zeros the
        // embedded sketch keeps beside its bucket counts (those come from sketch_sql).
        if (!percentile_fields_.insert(field.Name()).second) return;
        const std::string value = "toFloat64(" + MeasureExpr(field) + ")";
        const auto limit = static_cast<int64_t>(query::aggregate::Quantile::kExactLimit);
        Select("count(" + value + ")", Wire::kInt64);
        Select("arraySlice(groupArray(" + SqlInt(limit + 1) + ")(" + value + "), 1, if(count(" + value +
                   ") <= " + SqlInt(limit) + ", " + SqlInt(limit + 1) + ", 0))",
               Wire::kFloat64Array);
        Select("min(" + value + ")", Wire::kNullableFloat64);
        Select("max(" + value + ")", Wire::kNullableFloat64);
        Select("countIf(ifNull(" + value + " = 0, 0))", Wire::kInt64);
        percentile_values_.push_back(value);
        return;
      }
      case AggregateKind::kVar:
      case AggregateKind::kStddev: {
        // The corrected two-pass sample variance over the group's values minus its first value
        // (as aggregate/variance.h shifts them), in stored units; sql_result.cc scales it and
        // takes the root for stddev. Written out, not varSamp: that function's algorithm
        // changed between releases (stable in 18.16, the fast one later).
        // Each lambda has its own parameter name: 18.16 mixes up equal subexpressions of two
        // lambdas that share one (it returned 0 for this variance with `v` in both).
        const std::string id = std::to_string(aliases_++);
        const std::string values = "_values" + id;
        const std::string mean = "_mean" + id;
        const std::string deviation = "((_b" + id + " - " + values + "[1]) - " + mean + ")";
        Select("if(length((groupArray(toFloat64(" + MeasureExpr(field) + ")) AS " + values + ")) < 2, NULL, " +
                   "arraySum(arrayMap(_b" + id + " -> " + deviation + " * " + deviation + ", " + values +
                   ")) / (length(" + values + ") - 1))",
               Wire::kNullableFloat64);
        // The mean of the shifted values, defined once (aliases are global to the query).
        Select("((arraySum(arrayMap(_a" + id + " -> (_a" + id + " - " + values + "[1]), " + values +
                   ")) / greatest(length(" + values + "), 1)) AS " + mean + ")",
               Wire::kFloat64);
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
      case AggregateKind::kDays:  // distinct day numbers, ascending (sql_result.cc makes them starts)
        Select("arraySort(groupUniqArray(" + DayExpr() + "))", Wire::kInt64Array);
        return;
    }
  }

  const QuerySpec& spec_;
  const CompileOptions& options_;
  std::vector<std::string> selected_;
  std::vector<Wire> wire_;
  std::set<std::string> percentile_fields_;   // fields whose percentile columns are selected
  std::vector<std::string> percentile_values_;  // their value expressions, in that order
  int aliases_ = 0;
};

}  // namespace

CompiledQuery CompileQuery(const QuerySpec& spec, const CompileOptions& options) {
  return Builder(spec, options).Build();
}

}  // namespace mltrack::backend::clickhouse
