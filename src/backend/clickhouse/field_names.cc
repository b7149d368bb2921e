#include "backend/clickhouse/field_names.h"

#include <algorithm>

#include "backend/clickhouse/row_binary.h"
#include "backend/clickhouse/sql_literal.h"

namespace mltrack::backend::clickhouse {

Status FieldNameLog::Record(HttpClient& client, const std::string& table, const std::vector<const Event*>& events) {
  std::map<std::pair<FieldNameKind, std::string>, int64_t> earliest;
  auto note = [&](FieldNameKind kind, const std::string& name, int64_t ts) {
    auto [it, added] = earliest.try_emplace({kind, name}, ts);
    if (!added) it->second = std::min(it->second, ts);
  };
  for (const Event* event : events) {
    for (const auto& tag : event->tags) note(FieldNameKind::kTagKey, tag.first, event->ts_ms);
    for (const auto& score : event->scores) note(FieldNameKind::kScoreName, score.first, event->ts_ms);
  }
  std::string values;
  std::vector<std::pair<std::pair<FieldNameKind, std::string>, int64_t>> fresh;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, ts] : earliest) {
      const auto known = recorded_.find(name);
      if (known != recorded_.end() && known->second <= ts) continue;
      values += std::string(values.empty() ? "" : ", ") + "(" + std::to_string(int(name.first)) + ", " +
                SqlString(name.second) + ", " + SqlInt(ts) + ")";
      fresh.emplace_back(name, ts);
    }
  }
  if (fresh.empty()) return Status::OK();
  Result<std::string> inserted = client.Execute("INSERT INTO " + table + " VALUES " + values);
  if (!inserted.ok()) return inserted.status();
  std::lock_guard lock(mutex_);
  for (const auto& [name, ts] : fresh) {
    auto [it, added] = recorded_.try_emplace(name, ts);
    if (!added) it->second = std::min(it->second, ts);
  }
  return Status::OK();
}

Result<std::vector<std::string>> ReadFieldNames(HttpClient& client, const std::string& table, FieldNameKind kind) {
  Result<std::string> answer = client.Execute("SELECT `name` FROM " + table + " WHERE `kind` = " +
                                              std::to_string(int(kind)) +
                                              " GROUP BY `name` ORDER BY min(`first_ts`), `name` FORMAT RowBinary");
  if (!answer.ok()) return answer.status();
  std::vector<std::string> names;
  RowBinaryReader reader(*answer);
  while (!reader.AtEnd() && reader.ok()) names.emplace_back(reader.String());
  if (!reader.ok()) return reader.status();
  return names;
}

}  // namespace mltrack::backend::clickhouse
