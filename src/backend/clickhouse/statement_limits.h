#pragma once
// The server's query limits (--query-timeout, --query-memory; query::QueryLimits) on a SELECT
// sent to ClickHouse: max_execution_time and max_memory_usage of the statement, an HTTP timeout
// as a backstop, and ClickHouse's errors for passing them turned into the embedded executor's
// own (kDeadlineExceeded → 503 query_timeout, kResourceExhausted → 400 query_too_large, with
// the same messages: they are made by query::LimitGuard). docs/deploy/clickhouse.md, "Limits".

#include <string>

#include "backend/clickhouse/http_client.h"
#include "core/status.h"
#include "query/query_spec.h"

namespace mltrack::backend::clickhouse {

// The options of one SELECT of `sql_bytes` under `limits`: max_execution_time (whole seconds,
// rounded up: 18.16 reads no fractions) for what is left of the deadline, the HTTP call's
// timeout a little past it, max_memory_usage, and max_query_size when the text is longer than
// ClickHouse's default 256 KiB (per-key bounds list many keys). kDeadlineExceeded when the
// deadline has already passed.
Result<CallOptions> StatementOptions(const query::QueryLimits& limits, size_t sql_bytes);

// `status` from running a SELECT under `limits`, as the embedded executor would report it: a
// ClickHouse timeout (codes 159 TIMEOUT_EXCEEDED, 160 TOO_SLOW) or an HTTP timeout becomes
// kDeadlineExceeded, a memory limit (241 MEMORY_LIMIT_EXCEEDED) kResourceExhausted; anything
// else is returned as it is.
Status LimitStatus(const query::QueryLimits& limits, const Status& status);

// The bytes in ClickHouse's "would use 1.50 GiB" of a memory error, or 0 when not there.
size_t WouldUseBytes(const std::string& message);

}  // namespace mltrack::backend::clickhouse
