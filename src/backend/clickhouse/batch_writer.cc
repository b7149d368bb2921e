#include "backend/clickhouse/batch_writer.h"

#include <algorithm>
#include <unordered_set>

#include "backend/clickhouse/event_rows.h"
#include "backend/clickhouse/row_binary.h"
#include "backend/clickhouse/sql_literal.h"
#include "core/time.h"

namespace mltrack::backend::clickhouse {
namespace {

// How far a retry's ts may be from the original's and still be recognised (a client that
// recomputes "now - 1h" on every attempt moves ts by the time between attempts).
constexpr int64_t kRetryWindowMs = 86'400'000;

// Keys of the batch already stored.
Result<std::unordered_set<std::string>> StoredKeys(HttpClient& client, const TableNames& tables,
                                                   const std::vector<std::string>& keys, int64_t min_ts,
                                                   int64_t max_ts) {
  std::string sql = "SELECT `key` FROM " + tables.events + " WHERE `ts` >= " + SqlInt(min_ts) +
                    " AND `ts` <= " + SqlInt(max_ts) + " AND `key` IN (";
  for (size_t idx = 0; idx < keys.size(); ++idx) sql += (idx ? "," : "") + SqlString(keys[idx]);
  sql += ") FORMAT RowBinary";
  Result<std::string> answer = client.Execute(sql);
  if (!answer.ok()) return answer.status();
  std::unordered_set<std::string> stored;
  RowBinaryReader reader(*answer);
  while (!reader.AtEnd() && reader.ok()) stored.emplace(reader.String());
  if (!reader.ok()) return reader.status();
  return stored;
}

}  // namespace

TableNames TablesFor(const ConnectionOptions& options) {
  const std::string db = "`" + options.database + "`.";
  return {db + "`events`", db + "`appends`"};
}

Result<AppendResult> WriteBatch(HttpClient& client, const TableNames& tables, const std::string& node,
                                uint64_t seq, const std::string& batch_id, const EventBatch& events) {
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
  for (size_t row = 0; row < events.size(); ++row) {
    if (stored->count(keys[row]) || !seen.insert(keys[row]).second) {
      ++result.duplicates;
      continue;
    }
    EncodeEventRow(events[row], batch_id, row, &rows);
    ++result.accepted;
  }
  if (result.accepted == 0) return result;
  Result<std::string> inserted = client.Execute(
      "INSERT INTO " + tables.events + " (" + std::string(EventColumnList()) + ") FORMAT RowBinary",
      rows);
  if (!inserted.ok()) return inserted.status();
  Result<std::string> noted = client.Execute(
      "INSERT INTO " + tables.appends + " VALUES (" + SqlString(node) + ", " +
      std::to_string(seq) + ", " + SqlString(batch_id) + ", " + std::to_string(result.accepted) + ", " +
      SqlInt(min_ts) + ", " + SqlInt(max_ts) + ", " + SqlInt(NowMs()) + ")");
  if (!noted.ok()) return noted.status();
  return result;
}

}  // namespace mltrack::backend::clickhouse
