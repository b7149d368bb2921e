#pragma once
// Stores one batch in ClickHouse, once: the events whose key is already there (a retried
// event, or a queued batch shipped again after an insert whose answer was lost) or repeated
// inside the batch are counted as duplicates and not inserted; then one INSERT of the rest
// (RowBinary) and one `appends` row that tells the other nodes (change_watch.h).
//
// The lookup asks for the batch's keys within its [min ts − 1 day, max ts + 1 day], which the
// table's order (ts, key) makes cheap; a retry must therefore carry a ts within a day of the
// original's (a client resending an event sends the same one). Two nodes inserting the same
// key at the same moment can both insert it: FINAL at query time collapses copies with the same
// (ts, key) (one shard: sharding is by key).

#include <cstdint>
#include <string>

#include "backend/backend.h"
#include "backend/clickhouse/http_client.h"
#include "core/event.h"
#include "core/status.h"

namespace mltrack::backend::clickhouse {

struct TableNames {
  std::string events;   // "`db`.`events`"
  std::string appends;  // "`db`.`appends`"
};

TableNames TablesFor(const ConnectionOptions& options);

// kUnavailable when ClickHouse cannot be reached (the batch may or may not be stored: storing
// it again is safe); kInternal when ClickHouse refused a statement.
Result<AppendResult> WriteBatch(HttpClient& client, const TableNames& tables, const std::string& node,
                                uint64_t seq, const std::string& batch_id, const EventBatch& events);

}  // namespace mltrack::backend::clickhouse
