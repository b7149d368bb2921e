#include "backend/clickhouse/sql_expressions.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <vector>

#include "backend/clickhouse/sql_literal.h"
#include "core/event.h"

namespace mltrack::backend::clickhouse {
namespace {

using query::FilterOp;
using query::FilterValue;

bool IsNegated(FilterOp op) { return op == FilterOp::kNe || op == FilterOp::kNotIn; }

const char* Comparison(FilterOp op) {
  switch (op) {
    case FilterOp::kGt: return " > ";
    case FilterOp::kGte: return " >= ";
    case FilterOp::kLt: return " < ";
    case FilterOp::kLte: return " <= ";
    default: return " = ";
  }
}

std::string Join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (size_t idx = 0; idx < items.size(); ++idx) out += (idx ? separator : "") + items[idx];
  return out;
}

// `codes` IN (...) over a code expression, or a constant when no code / every code matches.
std::string CodeSet(const std::string& code, const std::vector<int>& matching) {
  if (matching.empty()) return "0";
  std::vector<std::string> listed;
  for (int value : matching) listed.push_back(std::to_string(value));
  return code + " IN (" + Join(listed, ", ") + ")";
}

// Whether a present value `name` satisfies a string op (row_filter.cc's MatchesString).
bool MatchesName(FilterOp op, std::string_view name, const std::vector<FilterValue>& values) {
  switch (op) {
    case FilterOp::kEq:
    case FilterOp::kIn:
    case FilterOp::kNe:
    case FilterOp::kNotIn:
      for (const FilterValue& value : values) {
        if (std::get<std::string>(value) == name) return true;
      }
      return false;
    case FilterOp::kContains: return name.find(std::get<std::string>(values[0])) != std::string_view::npos;
    default: return false;  // order comparisons on enums are refused by the parser
  }
}

std::string StringFilter(const query::Filter& filter) {
  const std::string value = StringExpr(filter.field);
  switch (filter.op) {
    case FilterOp::kExists: return value + (filter.exists ? " != ''" : " = ''");
    case FilterOp::kEq:
    case FilterOp::kIn:
    case FilterOp::kNe:
    case FilterOp::kNotIn: {
      // "" names no stored value (it is the absent one), so it matches nothing.
      std::vector<std::string> literals;
      for (const FilterValue& literal : filter.values) {
        const std::string& text = std::get<std::string>(literal);
        if (!text.empty()) literals.push_back(SqlString(text));
      }
      const std::string hit = literals.empty() ? "0" : value + " IN (" + Join(literals, ", ") + ")";
      return IsNegated(filter.op) ? "NOT (" + hit + ")" : hit;
    }
    case FilterOp::kContains: {
      const std::string& needle = std::get<std::string>(filter.values[0]);
      if (needle.empty()) return value + " != ''";
      return value + " != '' AND position(" + value + ", " + SqlString(needle) + ") > 0";
    }
    default:
      return value + " != '' AND " + value + Comparison(filter.op) + SqlString(std::get<std::string>(filter.values[0]));
  }
}

std::string EnumFilter(const query::Filter& filter) {
  std::vector<int> matching;
  const bool operation = filter.field.id == FieldId::kOperation;
  const int codes = operation ? kOperationCount : 2;
  for (int code = 0; code < codes; ++code) {
    const std::string_view name = operation ? OperationName(static_cast<Operation>(code))
                                            : EventStatusName(static_cast<EventStatus>(code));
    const bool match = filter.op == FilterOp::kExists
                           ? filter.exists
                           : MatchesName(filter.op, name, filter.values) != IsNegated(filter.op);
    if (match) matching.push_back(code);
  }
  return CodeSet("`" + std::string(GetFieldInfo(filter.field.id).name) + "`", matching);
}

std::string BoolFilter(const query::Filter& filter) {
  std::vector<int> matching;
  const bool negated = IsNegated(filter.op);
  if (filter.op == FilterOp::kExists ? !filter.exists : negated) matching.push_back(kBoolAbsent);
  for (uint8_t code : {kBoolFalse, kBoolTrue}) {
    bool match = filter.exists;
    if (filter.op != FilterOp::kExists) {
      bool hit = false;
      for (const FilterValue& value : filter.values) hit |= std::get<bool>(value) == (code == kBoolTrue);
      match = hit != negated;
    }
    if (match) matching.push_back(code);
  }
  return CodeSet(BoolCodeExpr(filter.field), matching);
}

// Measures and http_status: compared as doubles, as the embedded store gathers them; money
// literals are USD, compared in nano-USD rounded to the unit (row_filter.cc).
std::string NumericFilter(const query::Filter& filter) {
  const std::string value = "toFloat64(" + MeasureExpr(filter.field) + ")";
  if (filter.op == FilterOp::kExists) return filter.exists ? "isNotNull(" + value + ")" : "isNull(" + value + ")";
  const bool money = filter.field.kind() == FieldKind::kMoney;
  std::vector<std::string> tests;
  for (const FilterValue& literal : filter.values) {
    double number = std::get<double>(literal);
    if (money) number = std::round(number * 1e9);
    tests.push_back(value + Comparison(filter.op) + SqlDouble(number));
  }
  const std::string hit = "ifNull(" + Join(tests, " OR ") + ", 0)";
  return IsNegated(filter.op) ? "NOT " + hit : hit;
}

// A per-key ts bound (row_filter.cc's kKeyedBound): the row's key looked up in the bounds by
// transform() (a hash table built once per query), a bound no ts passes for a key without one.
// A key listed twice keeps its last bound, and "" (the absent value) has none, as there.
std::string KeyedBoundSql(const query::Filter& filter) {
  std::map<std::string, int64_t> bounds;
  for (const auto& [key, bound] : filter.bounds) {
    if (!key.empty()) bounds[key] = bound;
  }
  if (bounds.empty()) return "0";
  std::vector<std::string> keys, values;
  keys.reserve(bounds.size());
  values.reserve(bounds.size());
  for (const auto& [key, bound] : bounds) {
    keys.push_back(SqlString(key));
    values.push_back(SqlInt(bound));
  }
  const bool below = filter.op == FilterOp::kLt || filter.op == FilterOp::kLte;
  // No row passes: the query's rows lie in [from, to) within 2000–2200, so after 0 and before
  // INT64_MAX (INT64_MIN is no literal ClickHouse reads as Int64).
  const int64_t none = below ? 0 : std::numeric_limits<int64_t>::max();
  return "`ts`" + std::string(Comparison(filter.op)) + "transform(" + StringExpr(*filter.by) + ", CAST([" +
         Join(keys, ", ") + "] AS Array(String)), CAST([" + Join(values, ", ") + "] AS Array(Int64)), toInt64(" +
         SqlInt(none) + "))";
}

}  // namespace

std::string ColumnOf(FieldId id) {
  if (id == FieldId::kCostUsd) return "`cost_nano_usd`";
  return "`" + std::string(GetFieldInfo(id).name) + "`";
}

std::string StringExpr(const FieldRef& field) {
  if (field.id == FieldId::kTag) return "`tags.value`[indexOf(`tags.key`, " + SqlString(field.key) + ")]";
  return ColumnOf(field.id);
}

std::string BoolCodeExpr(const FieldRef& field) { return "ifNull(toInt64(" + ColumnOf(field.id) + ") + 1, 0)"; }

std::string MeasureExpr(const FieldRef& field) {
  if (field.id == FieldId::kScore) {
    const std::string name = SqlString(field.key);
    return "if(has(`scores.name`, " + name + "), `scores.value`[indexOf(`scores.name`, " + name + ")], NULL)";
  }
  if (field.id == FieldId::kTotalTokens) {
    return "if(isNull(`input_tokens`) AND isNull(`output_tokens`), NULL, "
           "ifNull(`input_tokens`, 0) + ifNull(`output_tokens`, 0))";
  }
  if (field.id == FieldId::kTokensPerS) {
    // Exactly as column_source.cc evaluates it; absent unless all three are present and
    // latency_ms > ttft_ms.
    return "if(ifNull(`latency_ms` > `ttft_ms`, 0), toFloat64(`output_tokens`) / ((`latency_ms` - `ttft_ms`) / " +
           SqlDouble(1000.0) + "), NULL)";
  }
  return ColumnOf(field.id);
}

std::string PresentExpr(const FieldRef& field) {
  switch (field.kind()) {
    case FieldKind::kString: return StringExpr(field) + " != ''";
    case FieldKind::kEnum: return "1";
    default: return "isNotNull(" + MeasureExpr(field) + ")";
  }
}

std::string FilterSql(const query::Filter& filter) {
  if (query::IsKeyedBound(filter)) return KeyedBoundSql(filter);
  switch (filter.field.kind()) {
    case FieldKind::kString: return StringFilter(filter);
    case FieldKind::kEnum: return EnumFilter(filter);
    case FieldKind::kBool: return BoolFilter(filter);
    default: return NumericFilter(filter);
  }
}

}  // namespace mltrack::backend::clickhouse
