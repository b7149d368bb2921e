#pragma once
// The events the ClickHouse tests send to both backends, as NDJSON request bodies.

#include <cstdint>
#include <string>
#include <vector>

namespace mltrack::integration {

// Where ../shared/data/traces is for this source tree ("" when it is not there).
std::string TracesDir();

// The fixed end of every generated window (2026-01-01T00:00:00Z), so both backends get the
// same timestamps whenever the test runs.
inline constexpr int64_t kWindowEndMs = 1767225600000;

// One replay of the real traces (bench/trace_replay.h) over the 60 days before kWindowEndMs,
// then `demo_events` of seeded demo traffic (users, teams, experiments, tags, scores, errors,
// cache hits) over the same window, in NDJSON bodies of at most `batch` events.
std::vector<std::string> TraceAndDemoBodies(size_t demo_events, size_t batch);

// A few events whose strings are hostile to SQL (quotes, backslashes, NUL, newlines, SQL
// keywords, invalid-looking escapes, UTF-8) in tag keys, tag values, users and score names.
std::string HostileEventsBody();

// Strings used by HostileEventsBody, for filters and expected answers.
std::vector<std::string> HostileStrings();

}  // namespace mltrack::integration
