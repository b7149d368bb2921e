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
// column the peers' schemas declare NOT NULL is absent (a tool step may leave provider, model,
// endpoint, prompt version and tags empty), or a string holds a tab, newline or
// backslash (which would need escaping that DuckDB's CSV reader does not undo).
bool AppendEventTsv(const Event& event, std::string& out, std::string& problem);

}  // namespace mltrack::bench
