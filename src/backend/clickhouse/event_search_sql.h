#pragma once
// An event search (query/event_search.h) as ClickHouse SELECTs with keyset paging
// (docs/events_search.md): ORDER BY the sort value and ts, LIMIT limit + skip + 1 from the
// cursor's (value, ts) on; the tie-break hash of the shared order is computed on this side, so a
// second SELECT completes the last (value, ts) group when the LIMIT cut through it. Every value
// from the request is a literal made by sql_literal.h.

#include <string>

#include "backend/clickhouse/http_client.h"
#include "core/status.h"
#include "query/event_search.h"

namespace mltrack::backend::clickhouse {

// The SELECT of the events matching `search` from the cursor's (value, ts) group on, in order,
// at most `limit` rows (FORMAT RowBinary, EventColumnList() columns). `group` set: only the
// events whose (value, ts) equal it. `source` is the table, followed by FINAL where reads must
// collapse copies themselves (TableNames::read_final).
std::string SearchSql(const query::EventSearch& search, const std::string& source, size_t limit,
                      const query::SearchKey* group = nullptr);

// Runs the search on `client` against `source` (as SearchSql's).
Result<query::EventPage> RunSearch(HttpClient& client, const std::string& source, const query::EventSearch& search);

}  // namespace mltrack::backend::clickhouse
