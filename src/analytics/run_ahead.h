#pragma once
// Dashboards ask for their queries one section at a time; RunAhead lets a dashboard name the
// specs it will ask for first, so that the backend answers them in one batch
// (query::QueryRunner::RunBatch: one scan for the specs with the same range and filters).

#include <vector>

#include "analytics/query_runner.h"
#include "query/query_spec.h"

namespace mltrack::analytics {

// Runs `specs` now, in one RunBatch of `run`, and returns a runner that answers each of them
// (a spec equal to one of `specs`: same range, filters, grouping, metrics, order and limit) from
// that batch — the first time it is asked; any other spec, or the same one again, goes to `run`.
// So a dashboard's answers are exactly those it would get without RunAhead, only sooner.
QueryRunner RunAhead(const QueryRunner& run, std::vector<query::QuerySpec> specs);

}  // namespace mltrack::analytics
