#pragma once
// Turns the spans of an OTLP export into events (docs/integrations/otel.md has the full table):
// one event per span that is an LLM call by the OpenTelemetry GenAI conventions (operation chat,
// generate_content, text_completion or embeddings), their older OpenLLMetry names, or
// OpenInference (span kind LLM or EMBEDDING). Other spans are counted and skipped.

#include <cstddef>

#include "core/event.h"
#include "core/status.h"
#include "ingest/otlp/trace_data.h"

namespace mltrack::ingest::otlp {

struct MappedSpans {
  EventBatch events;
  size_t spans = 0;               // spans in the export
  size_t not_llm = 0;             // skipped: not an LLM call
  size_t without_model = 0;       // skipped: an LLM call that names no model
  size_t dropped_attributes = 0;  // message content, and tags past the per-event limits
};

// Maps every span. All or nothing, like POST /api/v1/events: when an LLM span carries an absurd
// value (negative or non-integer token counts, an end before its start, a start outside
// 2000..2200, a time to first chunk after the end, a mapped string over 1024 bytes) the result
// is InvalidArgument with one detail per problem: index = the span's position among all spans
// of the export (request order), field = the attribute or span field, reason = what is wrong
// and where the span is ("resourceSpans[0].scopeSpans[0].spans[3]"). Tags are lenient instead:
// a tag over the limits of docs/event_schema.md is dropped and counted, never an error.
Result<MappedSpans> MapSpans(const TraceData& traces);

}  // namespace mltrack::ingest::otlp
