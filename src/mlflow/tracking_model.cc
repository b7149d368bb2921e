#include "mlflow/tracking_model.h"

#include <array>
#include <utility>

namespace mltrack::mlflow {
namespace {

constexpr std::array<std::pair<RunStatus, std::string_view>, 5> kStatusNames = {{
    {RunStatus::kRunning, "RUNNING"},
    {RunStatus::kScheduled, "SCHEDULED"},
    {RunStatus::kFinished, "FINISHED"},
    {RunStatus::kFailed, "FAILED"},
    {RunStatus::kKilled, "KILLED"},
}};

}  // namespace

std::string_view RunStatusName(RunStatus status) {
  for (const auto& [value, name] : kStatusNames) {
    if (value == status) return name;
  }
  return "RUNNING";
}

std::optional<RunStatus> ParseRunStatus(std::string_view name) {
  for (const auto& [value, known] : kStatusNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

bool IsTerminal(RunStatus status) {
  return status == RunStatus::kFinished || status == RunStatus::kFailed || status == RunStatus::kKilled;
}

void RecordMetric(std::map<std::string, Metric>& metrics, const std::string& key, const Metric& metric) {
  auto [held, inserted] = metrics.try_emplace(key, metric);
  if (inserted) return;
  const Metric& old = held->second;
  if (metric.step > old.step || (metric.step == old.step && metric.timestamp >= old.timestamp)) {
    held->second = metric;
  }
}

}  // namespace mltrack::mlflow
