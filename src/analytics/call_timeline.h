#pragma once
// The calls of one trace or one session in time order with their totals (GET
// /api/v1/traces/{trace_id}, /api/v1/sessions/{session_id}; docs/events_search.md). Computed as
// a typed result from an event search's page, written as JSON in one place.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/field.h"
#include "query/event_search.h"

namespace mltrack::analytics {

// At most this many calls are returned; a longer trace is cut (and says so).
inline constexpr size_t kMaxTimelineCalls = 10000;

struct TimelineTotals {
  size_t calls = 0;
  size_t errors = 0;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  NanoUsd cost_nano_usd = 0;  // over priced calls
  size_t unpriced = 0;        // calls without a cost
  int64_t start_ms = 0;       // first call's start
  int64_t end_ms = 0;         // latest start + latency over the calls
  std::vector<std::string> models;  // distinct, in first-call order
};

struct CallTimeline {
  std::string kind;  // "trace" or "session"
  std::string id;
  std::vector<Event> calls;  // time order (ts, then the search's tie-break)
  bool truncated = false;    // more than kMaxTimelineCalls calls exist
  TimelineTotals totals;     // over `calls`
};

// The search for every call whose `field` (trace_id or session_id) is `id`, oldest first, over
// every time the API accepts, one more than kMaxTimelineCalls (to see truncation).
query::EventSearch TimelineSearch(FieldId field, const std::string& id);

CallTimeline SummarizeCalls(std::string kind, std::string id, query::EventPage page);

std::string CallTimelineJson(const CallTimeline& timeline);

}  // namespace mltrack::analytics
