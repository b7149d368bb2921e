#pragma once

#include <string>

#include "core/event.h"

namespace mltrack::bench {

// Appends `event` as one line of NDJSON in the public ingest format (docs/event_schema.md): `ts`
// as integer epoch ms, only the fields that are present, `cost_usd` as exact USD decimal text.
void AppendEventNdjson(const Event& event, std::string& out);

// The TSV header that AppendEventTsv's rows follow (ClickHouse's TabSeparated conventions: `\N`
// is NULL; booleans are 0/1; money is integer nano-USD so that sums are exact in every engine).
const char* TsvHeader();

// Appends `event` as one TSV row. Fails (returns false and names the field in `problem`) when a
// column that every event has (experiment, run, user, team, operation, status) is
// absent (the other strings are written empty when absent), or a string holds a tab, newline or
// backslash (which would need escaping that DuckDB's CSV reader does not undo).
bool AppendEventTsv(const Event& event, std::string& out, std::string& problem);

}  // namespace mltrack::bench
