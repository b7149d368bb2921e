#include "trace_replay.h"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace mltrack::bench {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kKvBlockTokens = 512;  // Mooncake's hash_ids each stand for 512 prompt tokens

// One recorded request: when it arrived (ms after the trace's first request) and its tokens.
struct TraceRequest {
  int64_t offset_ms = 0;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  int64_t cached_tokens = 0;
};

struct Trace {
  std::string source;  // short name used in ids and the `source` tag
  std::string provider, model, endpoint, user;
  std::vector<TraceRequest> requests;
};

// A measured request of llmperf-leaderboard: time to first token and inter-token latency.
struct MeasuredLatency {
  double ttft_s = 0;
  double inter_token_s = 0;
};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// Azure's CSV: "TIMESTAMP,ContextTokens,GeneratedTokens" with "2023-11-16 18:17:03.9799600".
Result<Trace> ReadAzureTrace(const fs::path& path, std::string source, std::string endpoint) {
  std::ifstream in(path);
  if (!in) return Status::IOError("cannot read " + path.string());
  Trace trace{std::move(source), "azure", "gpt-4", std::move(endpoint), "", {}};
  trace.user = "svc-" + trace.source;
  std::string line;
  std::getline(in, line);  // header
  int64_t first_ms = INT64_MIN;
  size_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    int year, month, day, hour, minute;
    double second;
    long long context, generated;
    if (std::sscanf(line.c_str(), "%d-%d-%d %d:%d:%lf,%lld,%lld", &year, &month, &day, &hour, &minute,
                    &second, &context, &generated) != 8) {
      return Status::InvalidArgument(path.string() + ":" + std::to_string(line_no) + ": not a trace row");
    }
    int64_t ms = DaysFromCivil(year, month, day) * kDayMs + (hour * 3600 + minute * 60) * 1000 +
                 static_cast<int64_t>(std::llround(second * 1000));
    if (first_ms == INT64_MIN) first_ms = ms;
    trace.requests.push_back({ms - first_ms, context, generated, 0});
  }
  return trace;
}

// Mooncake's JSONL: {"timestamp": ms, "input_length", "output_length", "hash_ids": [...]}.
Result<Trace> ReadMooncakeTrace(const fs::path& path) {
  simdjson::dom::parser parser;
  simdjson::dom::document_stream lines;
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path.string()).get(text) != simdjson::SUCCESS ||
      parser.parse_many(text).get(lines) != simdjson::SUCCESS) {
    return Status::IOError("cannot read " + path.string());
  }
  Trace trace{"mooncake", "moonshotai", "moonshot-v1-128k", "/chat", "svc-kimi", {}};
  std::unordered_set<int64_t> seen_blocks;
  for (simdjson::dom::element row : lines) {
    int64_t timestamp, input, output;
    simdjson::dom::array blocks;
    if (row["timestamp"].get(timestamp) || row["input_length"].get(input) ||
        row["output_length"].get(output) || row["hash_ids"].get(blocks)) {
      return Status::InvalidArgument(path.string() + ": row " + std::to_string(trace.requests.size()) +
                                     " lacks timestamp/input_length/output_length/hash_ids");
    }
    // The prompt's leading blocks that an earlier request already computed are a prefix-cache hit.
    int64_t leading_seen = 0;
    bool prefix = true;
    for (simdjson::dom::element block : blocks) {
      int64_t id = 0;
      if (block.get(id)) {
        return Status::InvalidArgument(path.string() + ": row " + std::to_string(trace.requests.size()) +
                                       " has a hash_ids entry that is not an integer");
      }
      if (prefix && seen_blocks.count(id)) {
        ++leading_seen;
      } else {
        prefix = false;
      }
      seen_blocks.insert(id);
    }
    trace.requests.push_back({timestamp, input, output, std::min(input, leading_seen * kKvBlockTokens)});
  }
  return trace;
}

Result<std::vector<MeasuredLatency>> ReadLlmperfLatencies(const fs::path& dir) {
  std::vector<MeasuredLatency> measured;
  simdjson::dom::parser parser;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());  // directory order is not stable; the seed must be
  for (const fs::path& file : files) {
    simdjson::dom::array requests;
    if (parser.load(file.string()).get_array().get(requests)) {
      return Status::InvalidArgument(file.string() + ": not a JSON array of requests");
    }
    for (simdjson::dom::element request : requests) {
      double ttft, inter_token;
      if (!request["error_code"].is_null()) continue;  // failed calls have no latency to borrow
      if (request["ttft_s"].get(ttft) || request["inter_token_latency_s"].get(inter_token)) continue;
      measured.push_back({ttft, inter_token});
    }
  }
  if (measured.empty()) return Status::InvalidArgument(dir.string() + ": no successful requests");
  return measured;
}

}  // namespace

Result<size_t> ReplayTraces(const TraceReplayOptions& options,
                            const std::function<Status(EventBatch&& batch)>& sink) {
  const fs::path root = options.traces_dir;
  std::vector<Trace> traces;
  Result<Trace> code = ReadAzureTrace(root / "azure-llm-2023" / "AzureLLMInferenceTrace_code.csv", "azure-code", "/code");
  if (!code.ok()) return code.status();
  traces.push_back(std::move(*code));
  Result<Trace> conv = ReadAzureTrace(root / "azure-llm-2023" / "AzureLLMInferenceTrace_conv.csv", "azure-conv", "/chat");
  if (!conv.ok()) return conv.status();
  traces.push_back(std::move(*conv));
  Result<Trace> kimi = ReadMooncakeTrace(root / "mooncake-fast25" / "conversation_trace.jsonl");
  if (!kimi.ok()) return kimi.status();
  traces.push_back(std::move(*kimi));
  Result<std::vector<MeasuredLatency>> latencies = ReadLlmperfLatencies(root / "llmperf-leaderboard" / "individual");
  if (!latencies.ok()) return latencies.status();

  std::mt19937_64 rng(options.seed);
  std::uniform_int_distribution<size_t> pick(0, latencies->size() - 1);
  const int64_t window_ms = options.days * kDayMs;
  const int64_t start_ms = options.end_ms - window_ms;
  size_t produced = 0;
  EventBatch batch;
  for (int replay = 0; replay < options.replays; ++replay) {
    // Replays start at evenly spaced points of the window; each trace lasts about an hour.
    const int64_t replay_start = start_ms + window_ms * replay / options.replays;
    for (const Trace& trace : traces) {
      for (size_t row = 0; row < trace.requests.size(); ++row) {
        const TraceRequest& request = trace.requests[row];
        const int64_t ts = replay_start + request.offset_ms;
        if (ts >= options.end_ms) break;
        const MeasuredLatency& measured = (*latencies)[pick(rng)];
        Event event;
        event.id = "trace-" + trace.source + "-" + std::to_string(replay) + "-" + std::to_string(row);
        event.ts_ms = ts;
        event.user = trace.user;
        event.team = "platform";
        event.provider = trace.provider;
        event.model = trace.model;
        event.endpoint = trace.endpoint;
        event.input_tokens = request.input_tokens;
        event.output_tokens = request.output_tokens;
        if (request.cached_tokens > 0) event.cached_input_tokens = request.cached_tokens;
        event.cache_hit = request.cached_tokens > 0;
        event.streaming = true;
        const double ttft_ms = std::round(measured.ttft_s * 10'000) / 10;
        event.ttft_ms = ttft_ms;
        event.latency_ms = std::round((ttft_ms + 1000 * measured.inter_token_s * request.output_tokens) * 10) / 10;
        // The peers' schemas want these present: a replay is a run, both traces are production
        // traffic, and where it ran is not recorded.
        event.run_id = "replay-" + std::to_string(replay);
        event.prompt_name = trace.source;
        event.prompt_version = "recorded";
        event.tags = {{"env", "prod"}, {"feature", trace.endpoint.substr(1)}, {"region", "unknown"},
                      {"source", trace.source}};
        batch.push_back(std::move(event));
        if (batch.size() == options.batch_size) {
          produced += batch.size();
          MLTRACK_RETURN_IF_ERROR(sink(std::move(batch)));
          batch = {};
        }
      }
    }
  }
  if (!batch.empty()) {
    produced += batch.size();
    MLTRACK_RETURN_IF_ERROR(sink(std::move(batch)));
  }
  return produced;
}

}  // namespace mltrack::bench
