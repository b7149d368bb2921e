#pragma once
// Small helpers of the insight rules: filters built in code, null cells, and figures written
// into sentences ("1,234", "12.3 %", "$4.20", "3.1×").

#include <string>
#include <variant>

#include "core/field.h"
#include "query/query_result.h"
#include "query/query_spec.h"

namespace mltrack::analytics {

query::Filter EqFilter(FieldRef field, query::FilterValue value);
query::Filter ExistsFilter(FieldRef field);
inline bool IsNullCell(const query::Cell& cell) { return std::holds_alternative<std::monostate>(cell); }

std::string FormatCount(double value);  // rounded, thousands separated: "12,345"
std::string FormatPct(double share);    // 0.1234 → "12.3 %"
std::string FormatUsd(double usd);      // "$1,234", "$12.30", "$0.0042"
std::string FormatScore(double value);  // three significant decimals: "0.812"
std::string FormatRatio(double ratio);  // "3.1×"

}  // namespace mltrack::analytics
