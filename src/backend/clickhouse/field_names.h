#pragma once
// The tag keys and score names of the stored events, for /api/v1/fields, without reading every
// event's arrays (docs/deploy/clickhouse.md, "Field names"). Each writer adds to the small
// `field_names` table (kind, name, first_ts) the names of the events it inserts, once per name
// unless it later sees the name at an earlier ts; readers take min(first_ts) per name and list
// the names in that order, then by name — the order a scan of the events gives
// (ORDER BY min(ts), name). Migration 4 fills the table from the events stored before it.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "backend/clickhouse/http_client.h"
#include "core/event.h"
#include "core/status.h"

namespace mltrack::backend::clickhouse {

enum class FieldNameKind : uint8_t { kTagKey = 0, kScoreName = 1 };

// What this node has written to field_names: the earliest ts per name. Thread-safe.
class FieldNameLog {
 public:
  // Adds to `table` ("`db`.`field_names`") the names of `events` this node has not recorded, or
  // has recorded with a later ts. Called before the events' INSERT, so a name is never missing
  // for a stored event (a failed INSERT leaves a name whose events come with the retry).
  Status Record(HttpClient& client, const std::string& table, const std::vector<const Event*>& events);

 private:
  std::mutex mutex_;
  std::map<std::pair<FieldNameKind, std::string>, int64_t> recorded_;
};

// The names of one kind in `table`, by the earliest ts they were seen at, then by name.
Result<std::vector<std::string>> ReadFieldNames(HttpClient& client, const std::string& table, FieldNameKind kind);

}  // namespace mltrack::backend::clickhouse
