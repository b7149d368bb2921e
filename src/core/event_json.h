#pragma once
// An Event as JSON, in the field names and units of docs/event_schema.md (what the events search
// and the trace / session views return): absent fields are left out, `ts` is epoch ms with `time`
// beside it in RFC 3339, money in USD, `tags` and `scores` as objects.

#include "core/event.h"
#include "core/json_writer.h"

namespace mltrack {

void WriteEventJson(JsonWriter& out, const Event& event);

}  // namespace mltrack
