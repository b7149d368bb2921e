#include "event_text.h"

#include <charconv>
#include <optional>
#include <string_view>

#include "core/json_writer.h"

namespace mltrack::bench {
namespace {

// Shortest text that round-trips, so that all three engines parse the very same double.
void AppendDouble(std::string& out, double value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, end);
}

std::string_view TagValue(const Event& event, std::string_view key) {
  for (const auto& [tag_key, tag_value] : event.tags) {
    if (tag_key == key) return tag_value;
  }
  return {};
}

}  // namespace

void AppendEventNdjson(const Event& event, std::string& out) {
  JsonWriter w;
  w.BeginObject();
  auto str = [&w](std::string_view key, const std::string& value) {
    if (value.empty()) return;
    w.Key(key);
    w.String(value);
  };
  auto num = [&w](std::string_view key, const std::optional<int64_t>& value) {
    if (!value) return;
    w.Key(key);
    w.Int(*value);
  };
  str("id", event.id);
  w.Key("ts");
  w.Int(event.ts_ms);
  str("experiment", event.experiment);
  str("run_id", event.run_id);
  str("session_id", event.session_id);
  str("trace_id", event.trace_id);
  str("user", event.user);
  str("team", event.team);
  str("provider", event.provider);
  str("model", event.model);
  w.Key("operation");
  w.String(OperationName(event.operation));
  str("endpoint", event.endpoint);
  w.Key("status");
  w.String(EventStatusName(event.status));
  str("error_type", event.error_type);
  if (event.http_status) num("http_status", *event.http_status);
  num("input_tokens", event.input_tokens);
  num("output_tokens", event.output_tokens);
  num("cached_input_tokens", event.cached_input_tokens);
  num("cache_write_tokens", event.cache_write_tokens);
  num("reasoning_tokens", event.reasoning_tokens);
  if (event.cost_nano_usd) {
    w.Key("cost_usd");
    w.Money(*event.cost_nano_usd);
  }
  if (event.latency_ms) {
    w.Key("latency_ms");
    w.Double(*event.latency_ms);
  }
  if (event.ttft_ms) {
    w.Key("ttft_ms");
    w.Double(*event.ttft_ms);
  }
  if (event.cache_hit) {
    w.Key("cache_hit");
    w.Bool(*event.cache_hit);
  }
  if (event.streaming) {
    w.Key("streaming");
    w.Bool(*event.streaming);
  }
  str("prompt_name", event.prompt_name);
  str("prompt_version", event.prompt_version);
  str("input_hash", event.input_hash);
  if (!event.scores.empty()) {
    w.Key("scores");
    w.BeginObject();
    for (const auto& [name, value] : event.scores) {
      w.Key(name);
      w.Double(value);
    }
    w.EndObject();
  }
  if (!event.tags.empty()) {
    w.Key("tags");
    w.BeginObject();
    for (const auto& [key, value] : event.tags) {
      w.Key(key);
      w.String(value);
    }
    w.EndObject();
  }
  w.EndObject();
  out += w.str();
  out.push_back('\n');
}

const char* TsvHeader() {
  return "ts\texperiment\trun_id\tuser\tteam\tprovider\tmodel\toperation\tendpoint\tstatus\t"
         "error_type\thttp_status\tinput_tokens\toutput_tokens\tcached_input_tokens\t"
         "cost_nano_usd\tlatency_ms\tttft_ms\tcache_hit\tstreaming\tprompt_version\ttag_env\t"
         "tag_region\ttag_feature\n";
}

bool AppendEventTsv(const Event& event, std::string& out, std::string& problem) {
  // A tool step (operation "tool") names no provider, model, prompt version or env/region/feature
  // tags: those columns are empty strings for it (the peers' schema has them NOT NULL).
  const bool tool = event.operation == Operation::kTool;
  auto required = [&](std::string_view name, std::string_view value, bool may_be_empty = false) {
    if (value.empty() && !may_be_empty && problem.empty()) problem = std::string(name) + " is absent";
    if (value.find_first_of("\t\n\\") != std::string_view::npos && problem.empty()) {
      problem = std::string(name) + " holds a tab, newline or backslash";
    }
    out.append(value);
    out.push_back('\t');
  };
  auto nullable_str = [&](std::string_view value) {
    if (value.empty()) {
      out += "\\N\t";
    } else {
      required("error_type", value);
    }
  };
  auto nullable_int = [&](const std::optional<int64_t>& value) {
    if (value) {
      out += std::to_string(*value);
    } else {
      out += "\\N";
    }
    out.push_back('\t');
  };
  auto nullable_double = [&](const std::optional<double>& value) {
    if (value) {
      AppendDouble(out, *value);
    } else {
      out += "\\N";
    }
    out.push_back('\t');
  };
  auto nullable_bool = [&](const std::optional<bool>& value) {
    out += value ? (*value ? "1" : "0") : "\\N";
    out.push_back('\t');
  };
  out += std::to_string(event.ts_ms);
  out.push_back('\t');
  required("experiment", event.experiment);
  required("run_id", event.run_id);
  required("user", event.user);
  required("team", event.team);
  required("provider", event.provider, tool);
  required("model", event.model, tool);
  required("operation", OperationName(event.operation));
  required("endpoint", event.endpoint, tool);
  required("status", EventStatusName(event.status));
  nullable_str(event.error_type);
  nullable_int(event.http_status ? std::optional<int64_t>(*event.http_status) : std::nullopt);
  nullable_int(event.input_tokens);
  nullable_int(event.output_tokens);
  nullable_int(event.cached_input_tokens);
  nullable_int(event.cost_nano_usd);
  nullable_double(event.latency_ms);
  nullable_double(event.ttft_ms);
  nullable_bool(event.cache_hit);
  nullable_bool(event.streaming);
  required("prompt_version", event.prompt_version, tool);
  required("tags.env", TagValue(event, "env"), tool);
  required("tags.region", TagValue(event, "region"), tool);
  required("tags.feature", TagValue(event, "feature"), tool);
  out.back() = '\n';
  return problem.empty();
}

}  // namespace mltrack::bench
