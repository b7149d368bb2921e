#include "alerts/alert_log.h"

#include <simdjson.h>

#include "core/json_writer.h"
#include "core/time.h"

namespace mltrack::alerts {
namespace {

std::string RecordJson(const Alert& alert) {
  JsonWriter json;
  json.BeginObject();
  json.Key("seq");
  json.Int(static_cast<int64_t>(alert.seq));
  json.Key("kind");
  json.String(alert.kind);
  json.Key("key");
  json.String(alert.dedupe_key);
  json.Key("fired_at_ms");
  json.Int(alert.fired_at_ms);
  json.Key("payload");
  json.Raw(alert.payload_json);
  json.EndObject();
  return std::move(json).Take();
}

Result<Alert> ParseRecord(const std::string& record) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(record).get(root) != simdjson::SUCCESS) return Status::Corruption("not JSON");
  Alert alert;
  int64_t seq = 0;
  std::string_view kind, key;
  simdjson::dom::object payload;
  if (root["seq"].get(seq) || root["kind"].get(kind) || root["key"].get(key) ||
      root["fired_at_ms"].get(alert.fired_at_ms) || root["payload"].get(payload)) {
    return Status::Corruption("missing member");
  }
  alert.seq = static_cast<uint64_t>(seq);
  alert.id = "alert-" + std::to_string(seq);
  alert.kind = std::string(kind);
  alert.dedupe_key = std::string(key);
  alert.payload_json = simdjson::minify(payload);
  return alert;
}

}  // namespace

Result<std::unique_ptr<AlertLog>> AlertLog::Open(const std::filesystem::path& dir,
                                                  std::vector<std::string>* problems) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("create " + dir.string() + ": " + ec.message());
  std::vector<std::string> records;
  Result<std::unique_ptr<RecordLog>> log = RecordLog::Open(dir / "alerts.log", &records, problems);
  if (!log.ok()) return log.status();
  std::unique_ptr<AlertLog> alerts(new AlertLog(std::move(*log)));
  for (const std::string& record : records) {
    Result<Alert> alert = ParseRecord(record);
    if (!alert.ok()) {
      problems->push_back((dir / "alerts.log").string() + ": " + alert.status().message());
      continue;
    }
    if (alerts->by_key_.count(alert->dedupe_key)) continue;  // cannot happen: recorded once
    alerts->by_key_[alert->dedupe_key] = alerts->alerts_.size();
    alerts->alerts_.push_back(std::move(*alert));
  }
  return alerts;
}

Result<std::pair<Alert, bool>> AlertLog::Record(std::string_view kind, std::string_view dedupe_key,
                                                std::string_view payload_json, int64_t now_ms) {
  std::vector<std::function<void(const Alert&)>> listeners;
  Alert alert;
  {
    // Held across the write: two evaluators racing on one key must not both record it.
    std::lock_guard lock(mutex_);
    auto found = by_key_.find(std::string(dedupe_key));
    if (found != by_key_.end()) return std::pair<Alert, bool>(alerts_[found->second], false);
    alert.seq = alerts_.empty() ? 1 : alerts_.back().seq + 1;
    alert.id = "alert-" + std::to_string(alert.seq);
    alert.kind = std::string(kind);
    alert.dedupe_key = std::string(dedupe_key);
    alert.fired_at_ms = now_ms;
    alert.payload_json = std::string(payload_json);
    MLTRACK_RETURN_IF_ERROR(log_->Append(RecordJson(alert)));
    by_key_[alert.dedupe_key] = alerts_.size();
    alerts_.push_back(alert);
    listeners = listeners_;
  }
  for (const auto& listener : listeners) listener(alert);
  return std::pair<Alert, bool>(std::move(alert), true);
}

bool AlertLog::Has(std::string_view dedupe_key) const {
  std::lock_guard lock(mutex_);
  return by_key_.count(std::string(dedupe_key)) > 0;
}

std::vector<Alert> AlertLog::List() const {
  std::lock_guard lock(mutex_);
  return alerts_;
}

std::optional<Alert> AlertLog::Get(uint64_t seq) const {
  std::lock_guard lock(mutex_);
  // Seqs are dense from 1 unless a damaged line was skipped: search from the likely index.
  for (size_t idx = std::min<size_t>(seq, alerts_.size()); idx-- > 0;) {
    if (alerts_[idx].seq == seq) return alerts_[idx];
    if (alerts_[idx].seq < seq) break;
  }
  return std::nullopt;
}

uint64_t AlertLog::next_seq() const {
  std::lock_guard lock(mutex_);
  return alerts_.empty() ? 1 : alerts_.back().seq + 1;
}

void AlertLog::AddListener(std::function<void(const Alert&)> listener) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(listener));
}

std::string AlertJson(const Alert& alert) {
  JsonWriter json;
  json.BeginObject();
  json.Key("id");
  json.String(alert.id);
  json.Key("kind");
  json.String(alert.kind);
  json.Key("fired_at");
  json.String(FormatRfc3339(alert.fired_at_ms));
  // The payload's members follow at the top level: "{...}" without its braces.
  std::string body = std::move(json).Take();
  if (alert.payload_json.size() > 2) body += "," + alert.payload_json.substr(1, alert.payload_json.size() - 2);
  body += "}";
  return body;
}

}  // namespace mltrack::alerts
