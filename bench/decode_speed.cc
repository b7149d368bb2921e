// mltrack_bench_decode: the event decoder's speed on realistic bodies (`make bench` prints it).
// Checks that every body decodes to the expected number of events (exit 1 otherwise); the
// figures are timings, so they live here and not in the unit suite.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "ingest/event_decoder.h"

namespace mltrack::ingest {
namespace {

// Prints what went wrong and ends the run (a decode that fails is a broken bench, not a figure).
void Check(bool ok, const std::string& what) {
  if (ok) return;
  std::fprintf(stderr, "mltrack_bench_decode: %s\n", what.c_str());
  std::exit(1);
}

// Wall time and this thread's CPU time: on a shared, loaded machine the CPU time is the fairer
// figure, since wall time also counts the time other processes held the core.
struct Stopwatch {
  std::chrono::steady_clock::time_point wall_start = std::chrono::steady_clock::now();
  std::clock_t cpu_start = std::clock();
  double WallSeconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  }
  double CpuSeconds() const { return static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC; }
};

// One line of realistic gateway traffic: about 450 bytes, 20 fields, 3 tags, 1 score.
std::string RealisticEvent(std::mt19937_64& rng, int64_t event_idx) {
  static constexpr const char* kModels[] = {"gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet-20241022",
                                            "gemini-1.5-pro", "text-embedding-3-small"};
  static constexpr const char* kUsers[] = {"ada", "grace", "linus", "margaret", "dennis"};
  const int model_idx = static_cast<int>(rng() % 5);
  const int64_t input = static_cast<int64_t>(rng() % 4000) + 10;
  const int64_t output = static_cast<int64_t>(rng() % 800);
  char buffer[1024];
  const int length = std::snprintf(
      buffer, sizeof(buffer),
      R"({"id":"evt-%lld","ts":"2026-11-27T05:%02d:%02d.%03dZ","experiment":"support-bot",)"
      R"("run_id":"run-%lld","session_id":"sess-%lld","user":"%s","team":"platform",)"
      R"("provider":"openai","model":"%s","operation":"chat","endpoint":"/v1/chat/completions",)"
      R"("status":"ok","http_status":200,"input_tokens":%lld,"output_tokens":%lld,)"
      R"("cached_input_tokens":%lld,"cost_usd":0.%06lld,"latency_ms":%.1f,"ttft_ms":%.1f,)"
      R"("streaming":true,"scores":{"helpfulness":0.%02d},"tags":{"env":"prod","region":"eu-west-1","feature":"chat"}})",
      static_cast<long long>(event_idx), static_cast<int>(rng() % 60), static_cast<int>(rng() % 60),
      static_cast<int>(rng() % 1000), static_cast<long long>(event_idx / 10),
      static_cast<long long>(event_idx / 50), kUsers[rng() % 5], kModels[model_idx],
      static_cast<long long>(input), static_cast<long long>(output),
      static_cast<long long>(input / 2), static_cast<long long>(rng() % 1000000),
      static_cast<double>(rng() % 500000) / 100, static_cast<double>(rng() % 50000) / 100,
      static_cast<int>(rng() % 100));
  return std::string(buffer, static_cast<size_t>(length));
}

void Measure(const char* what, const std::string& body, BodyFormat format, size_t expected) {
  EventDecoder decoder;
  std::string padded = body;
  padded.reserve(padded.size() + kDecodePadding);
  double best_wall = 1e9, best_cpu = 1e9;
  for (int round = 0; round < 3; ++round) {
    const Stopwatch watch;
    Result<EventBatch> batch = decoder.DecodePadded(padded, format);
    best_wall = std::min(best_wall, watch.WallSeconds());
    best_cpu = std::min(best_cpu, watch.CpuSeconds());
    Check(batch.ok(), batch.ok() ? "" : batch.status().ToString().substr(0, 2000));
    Check(batch->size() == expected, std::string(what) + ": wrong number of events");
  }
  std::printf("[ speed    ] %s: %zu events, %.1f MB, best of 3: wall %.0f ms, cpu %.0f ms = "
              "%.0f events/s of CPU, %.0f MB/s\n",
              what, expected, static_cast<double>(body.size()) / 1e6, best_wall * 1e3,
              best_cpu * 1e3, static_cast<double>(expected) / best_cpu,
              static_cast<double>(body.size()) / 1e6 / best_cpu);
}

void HundredThousandRealisticEvents() {
  constexpr size_t kEvents = 100'000;
  std::mt19937_64 rng(42);
  std::string ndjson;
  std::string array = "[";
  for (size_t event_idx = 0; event_idx < kEvents; ++event_idx) {
    const std::string event = RealisticEvent(rng, static_cast<int64_t>(event_idx));
    ndjson += event;
    ndjson += '\n';
    if (event_idx > 0) array += ",\n";
    array += event;
  }
  array += "]";
  Measure("ndjson, one body", ndjson, BodyFormat::kNdjson, kEvents);
  Measure("json array, one body", array, BodyFormat::kJson, kEvents);
}

// The shape of real traffic: many bodies of 1,000 events through one reused decoder.
void BatchesOfAThousand() {
  constexpr size_t kBatches = 100;
  constexpr size_t kPerBatch = 1000;
  std::mt19937_64 rng(7);
  std::vector<std::string> bodies(kBatches);
  size_t bytes = 0;
  for (size_t batch_idx = 0; batch_idx < kBatches; ++batch_idx) {
    for (size_t event_idx = 0; event_idx < kPerBatch; ++event_idx) {
      bodies[batch_idx] += RealisticEvent(rng, static_cast<int64_t>(batch_idx * kPerBatch + event_idx));
      bodies[batch_idx] += '\n';
    }
    bodies[batch_idx].reserve(bodies[batch_idx].size() + kDecodePadding);
    bytes += bodies[batch_idx].size();
  }
  EventDecoder decoder;
  double best_wall = 1e9, best_cpu = 1e9;
  for (int round = 0; round < 3; ++round) {
    const Stopwatch watch;
    for (const std::string& body : bodies) {
      Result<EventBatch> batch = decoder.DecodePadded(body, BodyFormat::kNdjson);
      Check(batch.ok(), batch.ok() ? "" : batch.status().ToString().substr(0, 2000));
      Check(batch->size() == kPerBatch, "a body of 1,000 events: wrong number of events");
    }
    best_wall = std::min(best_wall, watch.WallSeconds());
    best_cpu = std::min(best_cpu, watch.CpuSeconds());
  }
  const double events = static_cast<double>(kBatches * kPerBatch);
  std::printf("[ speed    ] ndjson, %zu bodies of %zu events: best of 3: wall %.0f ms, cpu %.0f ms = "
              "%.0f events/s of CPU, %.0f MB/s\n",
              kBatches, kPerBatch, best_wall * 1e3, best_cpu * 1e3, events / best_cpu,
              static_cast<double>(bytes) / 1e6 / best_cpu);
}

}  // namespace
}  // namespace mltrack::ingest

int main() {
  mltrack::ingest::HundredThousandRealisticEvents();
  mltrack::ingest::BatchesOfAThousand();
  return 0;
}
