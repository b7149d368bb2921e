#include "query/result_order.h"

#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <string>

namespace mltrack::query {
namespace {

bool IsNull(const Cell& cell) { return std::holds_alternative<std::monostate>(cell); }

// Numbers compare as long double (money in USD) so ints, doubles and money mix correctly.
std::optional<long double> AsNumber(const Cell& cell) {
  if (auto value = std::get_if<int64_t>(&cell)) return static_cast<long double>(*value);
  if (auto value = std::get_if<double>(&cell)) return static_cast<long double>(*value);
  if (auto value = std::get_if<MoneyValue>(&cell)) return static_cast<long double>(value->nano_usd) / 1e9L;
  if (auto value = std::get_if<WideNumber>(&cell)) return std::strtold(value->text.c_str(), nullptr);
  return std::nullopt;
}

template <typename T>
int Compare(T left, T right) {
  return left < right ? -1 : (left > right ? 1 : 0);
}

struct SortKey {
  size_t column;
  bool descending;
};

}  // namespace

int CompareCells(const Cell& left, const Cell& right) {
  if (IsNull(left) || IsNull(right)) return IsNull(left) == IsNull(right) ? 0 : (IsNull(left) ? 1 : -1);
  // Cells of one column mostly share a type: compare those directly (sorting many rows).
  if (left.index() == right.index()) {
    if (auto l = std::get_if<int64_t>(&left)) return Compare(*l, std::get<int64_t>(right));
    if (auto l = std::get_if<double>(&left)) return Compare(*l, std::get<double>(right));
    if (auto l = std::get_if<MoneyValue>(&left)) return Compare(l->nano_usd, std::get<MoneyValue>(right).nano_usd);
  }
  std::optional<long double> left_number = AsNumber(left);
  std::optional<long double> right_number = AsNumber(right);
  if (left_number && right_number) {
    return *left_number < *right_number ? -1 : (*left_number > *right_number ? 1 : 0);
  }
  if (auto l = std::get_if<std::string>(&left), r = std::get_if<std::string>(&right); l && r) {
    int cmp = l->compare(*r);
    return cmp < 0 ? -1 : (cmp > 0 ? 1 : 0);
  }
  if (auto l = std::get_if<bool>(&left), r = std::get_if<bool>(&right); l && r) return int(*l) - int(*r);
  return static_cast<int>(left.index()) - static_cast<int>(right.index());
}

void OrderAndLimit(const QuerySpec& spec, QueryResult& result) {
  std::vector<SortKey> keys;
  auto column_of = [&](const std::string& name) -> std::optional<size_t> {
    auto it = std::find(result.columns.begin(), result.columns.end(), name);
    if (it == result.columns.end()) return std::nullopt;
    return static_cast<size_t>(it - result.columns.begin());
  };
  for (const OrderBy& order : spec.order_by) {
    if (auto column = column_of(order.column)) keys.push_back({*column, order.descending});
  }
  // Default order: t, then the group-by columns, which precede the metrics.
  const size_t dimension_columns = (HasBucket(spec) ? 1 : 0) + spec.group_by.size();
  for (size_t column = 0; column < dimension_columns; ++column) keys.push_back({column, false});

  auto less = [&](const std::vector<Cell>& left, const std::vector<Cell>& right) {
    for (const SortKey& key : keys) {
      const Cell& a = left[key.column];
      const Cell& b = right[key.column];
      int cmp = CompareCells(a, b);
      if (cmp == 0) continue;
      if (key.descending && !IsNull(a) && !IsNull(b)) cmp = -cmp;  // nulls stay last
      return cmp < 0;
    }
    return false;
  };
  result.total_groups = result.rows.size();
  result.limit_applied = spec.limit;
  const size_t limit = static_cast<size_t>(std::max<int64_t>(spec.limit, 0));
  if (spec.any_order && result.rows.size() <= limit) {
    result.truncated = false;
    return;
  }
  if (result.rows.size() > limit) {
    std::partial_sort(result.rows.begin(), result.rows.begin() + limit, result.rows.end(), less);
    result.rows.resize(limit);
    result.truncated = true;
  } else {
    std::sort(result.rows.begin(), result.rows.end(), less);
    result.truncated = false;
  }
}

}  // namespace mltrack::query
