#pragma once
// The alert log: every alert the server fired, of any kind ("budget_threshold",
// "budget_forecast", later anomaly alerts), each at most once per dedupe key, durably
// (docs/alerts_format.md). An alert is on disk before anyone hears of it: Record() returns only
// after fdatasync, and webhook delivery reads alerts from here, so a SIGKILL at any moment either
// loses an alert that nobody was told about (the evaluator fires it again after the restart,
// under the same key) or keeps it, never both and never twice.
//
// Thread-safe.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "alerts/durable_file.h"
#include "core/status.h"

namespace mltrack::alerts {

struct Alert {
  uint64_t seq = 0;        // 1, 2, ... in firing order
  std::string id;          // "alert-<seq>": what webhook receivers dedupe on
  std::string kind;        // e.g. "budget_threshold"
  std::string dedupe_key;  // at most one alert per key, ever
  int64_t fired_at_ms = 0;
  std::string payload_json;  // a JSON object with the kind's own fields
};

class AlertLog {
 public:
  // Opens <dir>/alerts.log, creating it when missing. `problems` receives damaged lines.
  static Result<std::unique_ptr<AlertLog>> Open(const std::filesystem::path& dir,
                                                std::vector<std::string>* problems);

  // Records an alert unless one with `dedupe_key` exists. Returns the alert (the new one, or the
  // one recorded before) and whether it is new. A new alert is durable when this returns, and
  // the listeners have been told. `payload_json` must be one JSON object without newlines.
  Result<std::pair<Alert, bool>> Record(std::string_view kind, std::string_view dedupe_key,
                                        std::string_view payload_json, int64_t now_ms);

  bool Has(std::string_view dedupe_key) const;
  // Every alert, oldest first.
  std::vector<Alert> List() const;
  std::optional<Alert> Get(uint64_t seq) const;
  // The seq the next alert will get (alerts with a smaller seq exist).
  uint64_t next_seq() const;

  // Called after each new alert is durable, on the recording thread; must return quickly.
  void AddListener(std::function<void(const Alert&)> listener);

 private:
  explicit AlertLog(std::unique_ptr<RecordLog> log) : log_(std::move(log)) {}

  std::unique_ptr<RecordLog> log_;
  mutable std::mutex mutex_;
  std::vector<Alert> alerts_;
  std::unordered_map<std::string, size_t> by_key_;  // dedupe key → index in alerts_
  std::vector<std::function<void(const Alert&)>> listeners_;
};

// {"id", "kind", "fired_at", ...payload fields}: how the API and webhooks show an alert.
std::string AlertJson(const Alert& alert);

}  // namespace mltrack::alerts
