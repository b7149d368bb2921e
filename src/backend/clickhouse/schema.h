#pragma once
// The tables the ClickHouse backend keeps, created by versioned, idempotent migrations when the
// server starts (docs/deploy/clickhouse.md has the full DDL and the reasons):
//   events    one row per event: ReplacingMergeTree partitioned by month (UTC), ordered by
//             (ts, key); a retried event is found and skipped before the insert, and a copy
//             two nodes insert at the same moment is collapsed by the writer that sees it
//             (batch_writer.h), so queries read without `FINAL` (with a cluster: `FINAL`).
//   appends   one row per stored batch (node, seq, batch, rows, ts range, time), so other
//             nodes notice new events cheaply (change_watch.h).
//   field_names  the tag keys and score names with the earliest ts seen (batch_writer.h), so
//             /api/v1/fields reads a few rows instead of every event's arrays.
//   schema_migrations  the versions applied, one row each.
// With a cluster, each of `events`, `appends` and `field_names` is a Distributed table over `<name>_local`
// MergeTree tables on every shard, sharded by cityHash64(key) (so one key's copies meet on one
// shard, where FINAL collapses them at query time).

#include <string>
#include <vector>

#include "backend/clickhouse/http_client.h"
#include "core/status.h"

namespace mltrack::backend::clickhouse {

struct Migration {
  int version;
  std::string name;
  std::vector<std::string> statements;  // each idempotent: IF NOT EXISTS, or an ADD COLUMN (Migrate takes "already exists" as done)
};

// The migrations for `options` (single server, or `cluster`), oldest first.
std::vector<Migration> Migrations(const ConnectionOptions& options);

// Creates the database when missing and applies every migration newer than the highest version
// recorded. Safe to run concurrently from several nodes and again on every start. Returns the
// schema version now in place; kUnavailable / kInternal from the client.
Result<int> Migrate(HttpClient& client);

}  // namespace mltrack::backend::clickhouse
