#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "core/event.h"
#include "core/status.h"

namespace mltrack::demo {

struct DemoOptions {
  // History length, ending at end_ms: the 30 days a dashboard shows by default plus the 30
  // before them, so that "previous period" comparisons have something to compare with.
  int days = 60;
  size_t events = 400'000;      // regular traffic; retries and the cost spike come on top
  size_t users = 300;           // distinct users (the bench uses 10,000)
  int64_t end_ms = 0;           // 0 = now
  size_t batch_size = 10'000;   // events per sink call
  uint64_t seed = 42;           // same seed, same traffic (ids included)
};

// The moments the demo history is built around (epoch ms), for annotations that explain them.
struct DemoTimeline {
  int64_t start_ms = 0;           // the first hour of history
  int64_t prompt_v3_ms = 0;       // prompt version v3 replaces v2 everywhere
  int64_t incident_start_ms = 0;  // anthropic overload: 28% extra errors, mostly 529s, for 2 h
  int64_t incident_end_ms = 0;
  int64_t spike_start_ms = 0;     // the research batch job on claude-opus (3 h)
  int64_t spike_end_ms = 0;
};

// The timeline of a history ending at `end_ms` (what Generate uses when options.end_ms is it).
DemoTimeline DemoTimelineFor(const DemoOptions& options, int64_t end_ms);

// Synthetic but realistic LLM traffic for `mltrack demo` and `serve --demo` (DESIGN.md §5):
// six `demo-*` experiments owned by five teams, `users` users with a long-tailed activity and a
// life of their own (some there from the start, others arriving over time; daily, weekly and
// occasional users; a share that tries it for a few days and churns), a RAG journey tagged
// `tags.step` = search → answer → feedback with users dropping off between steps, real
// model names that the price catalogue knows (plus one self-hosted model it does not, so the
// "unpriced" figure is visible), a daily and weekly rhythm with slow growth, streaming with
// time to first token, prompt caching, gateway cache hits, errors followed by retries, an
// anthropic incident with a burst of 529s, quality scores (each experiment's own and an overall
// "quality" for every chat model), tags (env, region, feature), prompt versions with an A/B test
// of v4 against v3 over the last 14 days (assigned per session; v4 is cheaper and scores
// higher), agent runs, and one cost spike (a research batch job on an expensive model ten days
// before the end; one session with prompt version `bench`, outside the A/B test) for anomaly
// detection to find.
//
// Not thread-safe: one generator per thread.
class DemoTraffic {
 public:
  explicit DemoTraffic(uint64_t seed = 42);
  ~DemoTraffic();
  DemoTraffic(const DemoTraffic&) = delete;
  DemoTraffic& operator=(const DemoTraffic&) = delete;

  // Produces the history in time order and hands it to `sink` in batches. Stops at and returns
  // the first error the sink returns.
  Status Generate(const DemoOptions& options,
                  const std::function<Status(EventBatch&& batch)>& sink);

  // `count` events at about `now_ms`, for the live trickle that keeps live views moving: by the
  // users of the history `history` describes (its seed, users, days and end; end 0 = now) who
  // are active on that day of it, so the trickle adds calls but no users the day would not have.
  EventBatch Live(int64_t now_ms, size_t count, const DemoOptions& history = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mltrack::demo
