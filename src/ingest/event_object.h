#pragma once
// Internal to the ingest module: decoding one event object with simdjson's On-Demand API.
// event_decoder.h is the public entry point.

#include <simdjson.h>

#include <cstdint>

#include "core/event.h"
#include "core/time.h"
#include "ingest/problem_sink.h"
#include "ingest/value_reader.h"

namespace mltrack::ingest {

// Largest cost_usd one event may carry. A single call or run costing more is a unit mistake
// (cents or nano-USD sent as USD), and the cap keeps sums of many events far from int64 limits.
inline constexpr int64_t kMaxCostUsd = 1'000'000;
// Plausibility bounds (docs/event_schema.md): more is a unit mistake or garbage, and stored it
// would dominate every sum and histogram. No model call uses a billion tokens; no call lasts a
// week.
inline constexpr uint64_t kMaxTokenCount = 1'000'000'000;
inline constexpr double kMaxMillis = 7.0 * 24 * 60 * 60 * 1000;  // 7 days: 604,800,000 ms
// ts must fall in [2000-01-01, 2200-01-01): outside it is almost always a unit mistake.
inline constexpr int64_t kMinTsMs = kMinEventTsMs;
inline constexpr int64_t kMaxTsMs = kMaxEventTsMs;

// Reads every field of `object` into `event` and checks every rule of the v1 schema
// (docs/event_schema.md), adding one problem per broken rule to `sink`. Returns SUCCESS when
// the object was read to its end, whether or not the event is valid; returns a simdjson error
// only when the JSON itself is malformed, and then the caller reports where.
simdjson::error_code DecodeEventObject(simdjson::ondemand::object& object,
                                       const EventContext& context, ProblemSink& sink,
                                       Event& event);

}  // namespace mltrack::ingest
