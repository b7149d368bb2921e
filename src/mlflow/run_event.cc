#include "mlflow/run_event.h"

#include <array>
#include <cmath>
#include <set>
#include <span>

namespace mltrack::mlflow {
namespace {

// Tags the mapping reads into event fields (docs/integrations/mlflow.md), in priority order.
constexpr const char* kUserTags[] = {"mltrack.user.id", "mltrack.user", "mltrack.user.name", "user", "mlflow.user"};
constexpr const char* kTeamTags[] = {"mltrack.user.team", "mltrack.team", "team"};
constexpr const char* kSessionTags[] = {"mltrack.session_id", "session_id"};
constexpr const char* kTraceTags[] = {"mltrack.trace_id", "trace_id"};

std::string Cut(const std::string& text, size_t limit = kMaxStringBytes) {
  if (text.size() <= limit) return text;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // whole UTF-8 characters
  return text.substr(0, end);
}

// The first of `keys` that `run` has as a tag; marks it (and the others) as used.
std::string FirstTag(const Run& run, std::span<const char* const> keys, std::set<std::string>& used) {
  std::string found;
  for (const char* key : keys) {
    auto tag = run.tags.find(key);
    if (tag == run.tags.end()) continue;
    used.insert(key);
    if (found.empty()) found = tag->second;
  }
  return found;
}

std::optional<double> TakeMetric(const Run& run, const std::string& key, std::set<std::string>& used) {
  auto metric = run.metrics.find(key);
  if (metric == run.metrics.end() || !std::isfinite(metric->second.value)) return std::nullopt;
  used.insert(key);
  return metric->second.value;
}

std::optional<int64_t> TakeCount(const Run& run, const std::string& key, std::set<std::string>& used) {
  std::optional<double> value = TakeMetric(run, key, used);
  if (!value || *value < 0 || *value > 9e15) return std::nullopt;
  return static_cast<int64_t>(std::llround(*value));
}

std::optional<int64_t> FirstCount(const Run& run, std::initializer_list<const char*> keys, std::set<std::string>& used) {
  std::optional<int64_t> found;
  for (const char* key : keys) {
    std::optional<int64_t> value = TakeCount(run, key, used);
    if (!found) found = value;
  }
  return found;
}

}  // namespace

std::string RunEventId(const std::string& run_id) { return "mlflow-run:" + run_id; }

std::optional<Event> RunToEvent(const Experiment& experiment, const Run& run) {
  if (!IsTerminal(run.status)) return std::nullopt;
  std::set<std::string> used_tags, used_metrics;
  Event event;
  event.id = RunEventId(run.run_id);
  event.ts_ms = run.start_time;
  event.experiment = experiment.name.empty() ? "default" : Cut(experiment.name);
  auto parent = run.tags.find("mlflow.parentRunId");
  event.run_id = Cut(parent != run.tags.end() && !parent->second.empty() ? parent->second : run.run_id);
  event.session_id = Cut(FirstTag(run, kSessionTags, used_tags));
  event.trace_id = Cut(FirstTag(run, kTraceTags, used_tags));
  event.user = FirstTag(run, kUserTags, used_tags);
  if (event.user.empty()) event.user = run.user_id;
  event.user = Cut(event.user);
  event.team = Cut(FirstTag(run, kTeamTags, used_tags));
  event.provider = Cut(FirstTag(run, std::array{"llm.provider"}, used_tags));
  event.model = Cut(FirstTag(run, std::array{"llm.model"}, used_tags));
  std::optional<Operation> operation = ParseOperation(FirstTag(run, std::array{"llm.operation"}, used_tags));
  event.operation = event.model.empty() ? Operation::kRun : operation.value_or(Operation::kChat);
  if (event.operation != Operation::kRun && event.model.empty()) event.operation = Operation::kRun;
  event.endpoint = Cut(FirstTag(run, std::array{"llm.endpoint"}, used_tags));
  event.prompt_name = Cut(FirstTag(run, std::array{"llm.prompt_name"}, used_tags));
  event.prompt_version = Cut(FirstTag(run, std::array{"llm.prompt_version"}, used_tags));
  if (run.status != RunStatus::kFinished) {
    event.status = EventStatus::kError;
    event.error_type = Cut(FirstTag(run, std::array{"llm.error_type"}, used_tags));
    if (event.error_type.empty()) event.error_type = run.status == RunStatus::kKilled ? "killed" : "failed";
  }

  event.latency_ms = TakeMetric(run, "llm.latency_ms", used_metrics);
  if (!event.latency_ms && run.end_time && *run.end_time >= run.start_time) {
    event.latency_ms = static_cast<double>(*run.end_time - run.start_time);
  }
  event.ttft_ms = TakeMetric(run, "llm.ttft_ms", used_metrics);
  if (event.ttft_ms && *event.ttft_ms < 0) event.ttft_ms.reset();
  if (event.latency_ms && *event.latency_ms < 0) event.latency_ms.reset();
  event.input_tokens = FirstCount(run, {"llm.tokens.prompt_tokens", "llm.tokens.input_tokens"}, used_metrics);
  event.output_tokens = FirstCount(run, {"llm.tokens.completion_tokens", "llm.tokens.output_tokens"}, used_metrics);
  std::optional<int64_t> total = TakeCount(run, "llm.tokens.total_tokens", used_metrics);
  // Only a total: it is all input (nothing tells the split); with one side, the other is the rest.
  if (total && !event.input_tokens && !event.output_tokens) {
    event.input_tokens = *total;
  } else if (total && event.input_tokens && !event.output_tokens && *total >= *event.input_tokens) {
    event.output_tokens = *total - *event.input_tokens;
  } else if (total && event.output_tokens && !event.input_tokens && *total >= *event.output_tokens) {
    event.input_tokens = *total - *event.output_tokens;
  }
  event.cached_input_tokens = FirstCount(
      run, {"llm.tokens.cache_read_input_tokens", "llm.tokens.cached_tokens", "llm.tokens.cached_input_tokens"},
      used_metrics);
  event.cache_write_tokens = FirstCount(
      run, {"llm.tokens.cache_creation_input_tokens", "llm.tokens.cache_write_tokens"}, used_metrics);
  event.reasoning_tokens = FirstCount(run, {"llm.tokens.reasoning_tokens"}, used_metrics);
  if (std::optional<double> cost = TakeMetric(run, "llm.cost_usd", used_metrics); cost && *cost >= 0 && *cost < 1e9) {
    event.cost_nano_usd = static_cast<NanoUsd>(std::llround(*cost * static_cast<double>(kNanoPerUsd)));
  }
  for (const char* flag : {"llm.cache_hit", "llm.streaming"}) {
    std::optional<double> value = TakeMetric(run, flag, used_metrics);
    if (!value) continue;
    (std::string_view(flag) == "llm.cache_hit" ? event.cache_hit : event.streaming) = *value != 0;
  }

  for (const auto& [key, metric] : run.metrics) {
    if (used_metrics.count(key) || key.starts_with("llm.") || !std::isfinite(metric.value)) continue;
    if (key.size() > kMaxKeyBytes || event.scores.size() >= kMaxScoresPerEvent) continue;
    event.scores.emplace_back(key, metric.value);
  }
  std::set<std::string> tag_keys;
  auto add_tag = [&event, &tag_keys](const std::string& key, const std::string& value) {
    if (key.empty() || key.size() > kMaxKeyBytes || event.tags.size() >= kMaxTagsPerEvent) return;
    if (!tag_keys.insert(key).second) return;
    event.tags.emplace_back(key, Cut(value));
  };
  if (!run.run_name.empty()) add_tag("mlflow.runName", run.run_name);
  if (parent != run.tags.end()) add_tag("mlflow.run_id", run.run_id);
  for (const auto& [key, value] : run.tags) {
    if (used_tags.count(key)) continue;
    if (key.starts_with("mlflow.") && key != "mlflow.source.type" && key != "mlflow.source.name") continue;
    add_tag(key, value);
  }
  for (const auto& [key, value] : run.params) add_tag("param." + key, value);
  return event;
}

}  // namespace mltrack::mlflow
