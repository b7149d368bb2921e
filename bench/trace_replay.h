#pragma once
// Events replayed from the real request traces in ../shared/data/traces (see PROVENANCE.md
// there), for `make bench` with BENCH_TRACES=N:
//   azure-llm-2023   Azure's LLM inference trace (Splitwise, ISCA'24): the code service →
//                    provider "azure", model "gpt-4", endpoint "/code"; the conversation service
//                    → endpoint "/chat". Arrival times and token counts as recorded.
//   mooncake-fast25  Moonshot's Kimi conversation trace (Mooncake, FAST'25) → provider
//                    "moonshotai", model "moonshot-v1-128k". Arrival times and token counts as
//                    recorded; a request's leading 512-token KV blocks (`hash_ids`) already seen
//                    earlier in the same replay count as cached input tokens.
// Neither trace records latencies, so TTFT and the inter-token latency are drawn (seeded) from
// llmperf-leaderboard's successful requests against hosted APIs: latency = ttft + output tokens ×
// inter-token latency. Mooncake's synthetic trace is left out: it is not production traffic.
#include <cstdint>
#include <functional>
#include <string>

#include "core/event.h"
#include "core/status.h"

namespace mltrack::bench {

struct TraceReplayOptions {
  std::string traces_dir;  // the folder holding azure-llm-2023/, mooncake-fast25/, llmperf-leaderboard/
  int replays = 1;         // each trace is replayed this many times, spread evenly over the window
  int days = 60;           // the window: [end_ms - days, end_ms)
  int64_t end_ms = 0;
  uint64_t seed = 42;
  size_t batch_size = 10'000;
};

// Calls `sink` with batches of replayed events (ids "trace-<source>-<replay>-<row>") and returns
// how many were produced; fails when a trace file is missing or malformed.
Result<size_t> ReplayTraces(const TraceReplayOptions& options,
                            const std::function<Status(EventBatch&& batch)>& sink);

}  // namespace mltrack::bench
