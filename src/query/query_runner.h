#pragma once

#include <functional>

#include "core/status.h"
#include "query/query_result.h"
#include "query/query_spec.h"

namespace mltrack::query {

// Runs one QuerySpec on whichever backend holds the events (the embedded store, or ClickHouse);
// dashboards are compositions of such calls and never see the store. A runner made by
// backend::Backend::Reader() reads one consistent view: every query through it sees the same
// events. Thread-safe: a dashboard may run queries from several threads.
using QueryRunner = std::function<Result<QueryResult>(const QuerySpec&)>;

}  // namespace mltrack::query
