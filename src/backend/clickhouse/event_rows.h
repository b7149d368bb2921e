#pragma once
// How one event is a row of the `events` table (schema.h creates it): the column list, and the
// RowBinary encoding both ways (INSERT, and reading back the events other nodes appended).

#include <string>
#include <string_view>

#include "core/event.h"
#include "core/status.h"

namespace mltrack::backend::clickhouse {

// The columns an INSERT names and a SELECT of whole events reads, in RowBinary order:
// "`key`, `batch`, `id`, `ts`, ...". `key` is the event's `id`, or for an event without one
// "~<batch>.<row>": unique, and the same when a queued batch is shipped again.
std::string_view EventColumnList();

// Appends one row for `event` (row `row` of batch `batch`) to `out`.
void EncodeEventRow(const Event& event, std::string_view batch, size_t row, std::string* out);

// The key of row `row` of batch `batch` (see EventColumnList).
std::string EventKey(const Event& event, std::string_view batch, size_t row);

// Decodes rows written with the column list above (a SELECT <EventColumnList()> ... FORMAT
// RowBinary) back into events. kInternal when the bytes do not parse.
Result<EventBatch> DecodeEventRows(std::string_view data);

}  // namespace mltrack::backend::clickhouse
