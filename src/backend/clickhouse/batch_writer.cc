#include "backend/clickhouse/batch_writer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <unordered_set>

#include "backend/clickhouse/event_rows.h"
#include "backend/clickhouse/row_binary.h"
#include "backend/clickhouse/sql_literal.h"
#include "core/civil_date.h"
#include "core/time.h"

namespace mltrack::backend::clickhouse {
namespace {

// How far a retry's ts may be from the original's and still be recognised (a client that
// recomputes "now - 1h" on every attempt moves ts by the time between attempts).
constexpr int64_t kRetryWindowMs = 86'400'000;

// " FROM events WHERE <ts within [min_ts, max_ts]> AND key IN (<keys>) FORMAT RowBinary".
std::string KeysWithin(const TableNames& tables, const std::vector<std::string>& keys, int64_t min_ts, int64_t max_ts) {
  std::string sql = " FROM " + tables.events + " WHERE `ts` >= " + SqlInt(min_ts) + " AND `ts` <= " + SqlInt(max_ts) +
                    " AND `key` IN (";
  for (size_t idx = 0; idx < keys.size(); ++idx) sql += (idx ? "," : "") + SqlString(keys[idx]);
  return sql + ") FORMAT RowBinary";
}

// Keys of the batch already stored.
Result<std::unordered_set<std::string>> StoredKeys(HttpClient& client, const TableNames& tables,
                                                   const std::vector<std::string>& keys, int64_t min_ts,
                                                   int64_t max_ts) {
  Result<std::string> answer = client.Execute("SELECT `key`" + KeysWithin(tables, keys, min_ts, max_ts));
  if (!answer.ok()) return answer.status();
  std::unordered_set<std::string> stored;
  RowBinaryReader reader(*answer);
  while (!reader.AtEnd() && reader.ok()) stored.emplace(reader.String());
  if (!reader.ok()) return reader.status();
  return stored;
}

// The rows stored under `keys` within [min_ts, max_ts] (each key once unless a copy raced in).
Result<uint64_t> StoredRows(HttpClient& client, const TableNames& tables, const std::vector<std::string>& keys,
                            int64_t min_ts, int64_t max_ts) {
  Result<std::string> answer = client.Execute("SELECT toUInt64(count())" + KeysWithin(tables, keys, min_ts, max_ts));
  if (!answer.ok()) return answer.status();
  RowBinaryReader reader(*answer);
  const auto rows = reader.Fixed<uint64_t>();
  if (!reader.ok()) return reader.status();
  return rows;
}

// The month partitions (YYYYMM, UTC, as the table's PARTITION BY) the events fall in.
std::set<int64_t> Partitions(const EventBatch& events) {
  std::set<int64_t> months;
  for (const Event& event : events) {
    const int64_t day = event.ts_ms / 86'400'000 - (event.ts_ms % 86'400'000 < 0);
    const CivilDate date = CivilFromDays(day);
    months.insert(date.year * 100 + date.month);
  }
  return months;
}

}  // namespace

TableNames TablesFor(const ConnectionOptions& options) {
  const std::string db = "`" + options.database + "`.";
  return {db + "`events`", db + "`appends`", db + "`field_names`", !options.cluster.empty()};
}

Status CollapseRacingCopies(HttpClient& client, const TableNames& tables, const EventBatch& events,
                            const std::vector<std::string>& keys) {
  if (events.empty()) return Status::OK();
  int64_t min_ts = events[0].ts_ms;
  int64_t max_ts = events[0].ts_ms;
  for (const Event& event : events) {
    min_ts = std::min(min_ts, event.ts_ms);
    max_ts = std::max(max_ts, event.ts_ms);
  }
  Result<uint64_t> rows = StoredRows(client, tables, keys, min_ts, max_ts);
  if (!rows.ok()) return rows.status();
  if (*rows <= keys.size()) return Status::OK();
  spdlog::warn("clickhouse: {} events of a batch were also stored by another node at the same time; "
               "merging their partitions to collapse the copies",
               *rows - keys.size());
  for (const int64_t month : Partitions(events)) {
    Result<std::string> merged =
        client.Execute("OPTIMIZE TABLE " + tables.events + " PARTITION " + std::to_string(month) + " FINAL");
    if (!merged.ok()) return merged.status();
  }
  return Status::OK();
}

Result<AppendResult> WriteBatch(HttpClient& client, const TableNames& tables, FieldNameLog& names,
                                const std::string& node, uint64_t seq, const std::string& batch_id,
                                const EventBatch& events) {
  AppendResult result;
  if (events.empty()) return result;
  std::vector<std::string> keys;
  keys.reserve(events.size());
  int64_t min_ts = events[0].ts_ms;
  int64_t max_ts = events[0].ts_ms;
  for (size_t row = 0; row < events.size(); ++row) {
    keys.push_back(EventKey(events[row], batch_id, row));
    min_ts = std::min(min_ts, events[row].ts_ms);
    max_ts = std::max(max_ts, events[row].ts_ms);
  }
  Result<std::unordered_set<std::string>> stored =
      StoredKeys(client, tables, keys, min_ts - kRetryWindowMs, max_ts + kRetryWindowMs);
  if (!stored.ok()) return stored.status();
  std::string rows;
  std::unordered_set<std::string_view> seen;
  std::vector<std::string> inserted_keys;
  std::vector<const Event*> inserted_events;
  for (size_t row = 0; row < events.size(); ++row) {
    if (stored->count(keys[row]) || !seen.insert(keys[row]).second) {
      ++result.duplicates;
      continue;
    }
    EncodeEventRow(events[row], batch_id, row, &rows);
    inserted_keys.push_back(keys[row]);
    inserted_events.push_back(&events[row]);
    ++result.accepted;
  }
  if (result.accepted == 0) return result;
  Status named = names.Record(client, tables.field_names, inserted_events);
  if (!named.ok()) return named;
  Result<std::string> inserted = client.Execute(
      "INSERT INTO " + tables.events + " (" + std::string(EventColumnList()) + ") FORMAT RowBinary",
      rows);
  if (!inserted.ok()) return inserted.status();
  if (!tables.read_final) {
    Status collapsed = CollapseRacingCopies(client, tables, events, inserted_keys);
    if (!collapsed.ok()) return collapsed;
  }
  Result<std::string> noted = client.Execute(
      "INSERT INTO " + tables.appends + " VALUES (" + SqlString(node) + ", " +
      std::to_string(seq) + ", " + SqlString(batch_id) + ", " + std::to_string(result.accepted) + ", " +
      SqlInt(min_ts) + ", " + SqlInt(max_ts) + ", " + SqlInt(NowMs()) + ")");
  if (!noted.ok()) return noted.status();
  return result;
}

}  // namespace mltrack::backend::clickhouse
