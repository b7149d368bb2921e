#pragma once
// The SQL expression of each field of the event schema over the `events` table, and of each
// filter, with the embedded store's semantics (docs/query.md): an empty string is an absent
// string or tag, NULL an absent number or boolean; `ne`/`not_in` keep absent values, every
// other comparison needs a present one.

#include <string>

#include "core/field.h"
#include "query/query_spec.h"

namespace mltrack::backend::clickhouse {

// Whether a measure's values are doubles (latencies, scores) rather than integers or money.
inline bool IsDoubleMeasure(const FieldRef& field) {
  return field.id == FieldId::kScore || field.kind() == FieldKind::kDouble;
}

// Where fixed-width buckets start (time_bucket.cc): weeks on Monday (1970-01-01 was a Thursday,
// so 4 days after the epoch), every other width at the epoch.
inline int64_t BucketOffsetMs(const query::QuerySpec& spec) {
  constexpr int64_t kWeekMs = 7 * 86'400'000LL;
  return spec.bucket_ms > 0 && spec.bucket_ms % kWeekMs == 0 ? 4 * 86'400'000LL : 0;
}

// The column of a static field ("`model`", "`cost_nano_usd`"), backquoted.
std::string ColumnOf(FieldId id);

// A string dimension or tag: String, '' when absent.
std::string StringExpr(const FieldRef& field);

// A boolean as the embedded store's code: 0 absent, 1 false, 2 true (Int64).
std::string BoolCodeExpr(const FieldRef& field);

// A measure (ints, money in nano-USD, doubles, http_status, total_tokens, scores.<name>):
// Nullable, NULL when absent.
std::string MeasureExpr(const FieldRef& field);

// 1 where the field is present (count:<field>).
std::string PresentExpr(const FieldRef& field);

// A boolean SQL condition for one filter; never NULL.
std::string FilterSql(const query::Filter& filter);

}  // namespace mltrack::backend::clickhouse
