#pragma once
// CONTRACT (written by the lead; the ingest owner implements it in time.cc with tests).

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mltrack {

// Parses an RFC 3339 timestamp ("2026-11-27T05:28:07Z", "2026-11-27T05:28:07.123+01:00",
// lower-case t/z accepted, fractional seconds of any length truncated to ms) to epoch ms (UTC).
// InvalidArgument naming the problem otherwise (bad month, day 31 in a 30-day month, missing
// offset, trailing bytes, ...).
Result<int64_t> ParseRfc3339(std::string_view text);

// A time parameter of the HTTP API (DESIGN.md §7): RFC 3339, integer epoch ms ("1764221287000"),
// "now", or "now-<N><unit>" / "now+<N><unit>" with unit s, m, h, d, w (e.g. "now-7d").
Result<int64_t> ParseTimeParam(std::string_view text, int64_t now_ms);

// A fixed-length duration "<N><unit>" with unit ms, s, m, h, d, w (e.g. "5m", "1h", "7d") in ms.
// "M" (calendar month) is not fixed-length and is rejected here; the query engine handles it.
Result<int64_t> ParseDuration(std::string_view text);

// The times an event may carry, [2000-01-01, 2200-01-01) UTC (docs/event_schema.md): anything
// outside is almost always a unit mistake.
inline constexpr int64_t kMinEventTsMs = 946'684'800'000;    // 2000-01-01T00:00:00Z
inline constexpr int64_t kMaxEventTsMs = 7'258'118'400'000;  // 2200-01-01T00:00:00Z (excluded)

// A time parameter of the API (from, to) must lie in [kMinEventTsMs, kMaxEventTsMs] (the end
// included, so that `to` may be 2200-01-01): every time computed from such a range stays far
// from int64's limits. InvalidArgument naming the value otherwise.
Status CheckApiTime(int64_t epoch_ms);

// "2026-11-27T05:28:07.123Z" (milliseconds always written); for JSON out and logs.
std::string FormatRfc3339(int64_t epoch_ms);

// Milliseconds since the epoch from the system clock.
int64_t NowMs();

}  // namespace mltrack
