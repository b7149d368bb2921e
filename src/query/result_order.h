#pragma once
// Ordering and limiting of result rows.

#include <vector>

#include "query/query_result.h"
#include "query/query_spec.h"

namespace mltrack::query {

// Compares two cells of one column ascending: numbers by value (ints, doubles and money
// together), strings bytewise, false < true; null sorts after every value. <0, 0, >0.
int CompareCells(const Cell& left, const Cell& right);

// Sorts result.rows by spec.order_by, then by "t" and the group-by columns ascending (nulls last
// in both directions), and cuts them to spec.limit, filling limit_applied / truncated /
// total_groups.
void OrderAndLimit(const QuerySpec& spec, QueryResult& result);

}  // namespace mltrack::query
