#pragma once
// Stores one batch in ClickHouse, once: the events whose key is already there (a retried
// event, or a queued batch shipped again after an insert whose answer was lost) or repeated
// inside the batch are counted as duplicates and not inserted; then one INSERT of the rest
// (RowBinary) and one `appends` row that tells the other nodes (change_watch.h).
//
// The lookup asks for the batch's keys within its [min ts − 1 day, max ts + 1 day], which the
// table's order (ts, key) makes cheap; a retry must therefore carry a ts within a day of the
// original's (a client resending an event sends the same one).
//
// Two nodes inserting the same key at the same moment can both insert it. On a single server
// the writer therefore counts its keys again after the INSERT; more rows than it inserted mean
// a racing copy, and it collapses the batch's month partitions at once (OPTIMIZE ... FINAL; the
// insert that finished last always sees both copies), so queries need no FINAL. With a cluster
// the copies meet on one shard (sharding is by key), and queries read FINAL there
// (TableNames::read_final).

#include <cstdint>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "backend/clickhouse/field_names.h"
#include "backend/clickhouse/http_client.h"
#include "core/event.h"
#include "core/status.h"

namespace mltrack::backend::clickhouse {

struct TableNames {
  std::string events;   // "`db`.`events`"
  std::string appends;  // "`db`.`appends`"
  std::string field_names;  // "`db`.`field_names`"
  // Whether reads must collapse racing copies themselves (`FINAL`): with a cluster, where the
  // writer cannot merge another shard's parts; a single server's writer collapses them.
  bool read_final = false;
};

TableNames TablesFor(const ConnectionOptions& options);

// After an INSERT of `keys` (of `events`) on a single server: counts the rows stored under the
// keys within the events' ts range; more than one per key means another node inserted a copy at
// the same time, and the events' month partitions are then merged (OPTIMIZE ... FINAL), which
// collapses the copies (ReplacingMergeTree keeps one row per (ts, key)). WriteBatch calls it
// unless tables.read_final.
Status CollapseRacingCopies(HttpClient& client, const TableNames& tables, const EventBatch& events,
                            const std::vector<std::string>& keys);

// kUnavailable when ClickHouse cannot be reached (the batch may or may not be stored: storing
// it again is safe); kInternal when ClickHouse refused a statement. The tag keys and score names
// of the events it inserts go to field_names first (`names`: what this node wrote there).
Result<AppendResult> WriteBatch(HttpClient& client, const TableNames& tables, FieldNameLog& names,
                                const std::string& node, uint64_t seq, const std::string& batch_id,
                                const EventBatch& events);

}  // namespace mltrack::backend::clickhouse
