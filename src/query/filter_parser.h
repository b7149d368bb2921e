#pragma once
// The `filters` of a QuerySpec: one JSON filter object to a Filter, every problem reported.
// Internal to the QuerySpec parser (query_parser.cc).

#include <cstddef>
#include <vector>

#include "query/parse_support.h"
#include "query/query_spec.h"

namespace mltrack::query::parse {

// Parses filters[index]; appends it to `filters` when valid, otherwise adds its problems to
// `errors` (unknown keys, field, op, values and their types).
void ParseFilter(element item, size_t index, Errors& errors, std::vector<Filter>& filters);

}  // namespace mltrack::query::parse
