#include "test_events.h"

#include <filesystem>

#include "core/json_writer.h"
#include "bench/event_text.h"
#include "demo/demo_traffic.h"
#include "bench/trace_replay.h"

namespace mltrack::integration {

std::string TracesDir() {
  const std::filesystem::path dir = std::filesystem::path(MLTRACK_SOURCE_DIR) / ".." / "shared" / "data" / "traces";
  return std::filesystem::exists(dir) ? dir.string() : "";
}

std::vector<std::string> TraceAndDemoBodies(size_t demo_events, size_t batch) {
  std::vector<std::string> bodies;
  std::string body;
  size_t in_body = 0;
  auto add = [&](EventBatch&& events) {
    for (const Event& event : events) {
      bench::AppendEventNdjson(event, body);
      if (++in_body == batch) {
        bodies.push_back(std::move(body));
        body.clear();
        in_body = 0;
      }
    }
    return Status::OK();
  };
  bench::TraceReplayOptions replay;
  replay.traces_dir = TracesDir();
  replay.end_ms = kWindowEndMs;
  Result<size_t> replayed = bench::ReplayTraces(replay, add);
  if (!replayed.ok()) return {};
  demo::DemoOptions demo;
  demo.events = demo_events;
  demo.end_ms = kWindowEndMs;
  demo.seed = 7;
  demo::DemoTraffic traffic(demo.seed);
  if (!traffic.Generate(demo, add).ok()) return {};
  if (!body.empty()) bodies.push_back(std::move(body));
  return bodies;
}

std::vector<std::string> HostileStrings() {
  return {"it's",
          "back\\slash",
          "'); DROP TABLE events; --",
          std::string("nul\0byte", 8),
          "line\nbreak\ttab",
          "\\x27 not an escape",
          "` backtick `",
          "ünïcødé ✓",
          "%_ like wildcards",
          "a' OR '1'='1"};
}

std::string HostileEventsBody() {
  std::string body;
  const std::vector<std::string> hostile = HostileStrings();
  for (size_t idx = 0; idx < hostile.size(); ++idx) {
    JsonWriter json;
    json.BeginObject();
    json.Key("id");
    json.String("hostile-" + std::to_string(idx));
    json.Key("ts");
    json.Int(kWindowEndMs - 3'600'000 + static_cast<int64_t>(idx));
    json.Key("experiment");
    json.String("hostile");
    json.Key("model");
    json.String("gpt-4o-mini");
    json.Key("provider");
    json.String("openai");
    json.Key("user");
    json.String(hostile[idx]);
    json.Key("latency_ms");
    json.Double(100.0 + static_cast<double>(idx));
    json.Key("input_tokens");
    json.Int(10 + static_cast<int64_t>(idx));
    json.Key("tags");
    json.BeginObject();
    json.Key("env");
    json.String(hostile[idx]);
    json.Key(hostile[idx]);
    json.String("value of " + std::to_string(idx));
    json.EndObject();
    json.Key("scores");
    json.BeginObject();
    json.Key(hostile[idx]);
    json.Double(0.5 + static_cast<double>(idx) / 100);
    json.EndObject();
    json.EndObject();
    body += std::move(json).Take() + "\n";
  }
  return body;
}

}  // namespace mltrack::integration
