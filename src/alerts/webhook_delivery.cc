#include "alerts/webhook_delivery.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "alerts/webhook_http.h"
#include "core/json_writer.h"
#include "core/time.h"
#include "net/tls_client.h"

namespace mltrack::alerts {
namespace {

std::string DeliveredRecord(const std::string& webhook_id, uint64_t seq, int64_t now_ms, int status) {
  JsonWriter json;
  json.BeginObject();
  json.Key("webhook");
  json.String(webhook_id);
  json.Key("alert_seq");
  json.Int(static_cast<int64_t>(seq));
  json.Key("delivered_at_ms");
  json.Int(now_ms);
  json.Key("status");
  json.Int(status);
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace

Result<std::unique_ptr<WebhookDelivery>> WebhookDelivery::Open(const std::filesystem::path& dir, AlertLog& alerts,
                                                               WebhookStore& webhooks, DeliveryOptions options,
                                                               std::vector<std::string>* problems) {
  std::unique_ptr<WebhookDelivery> delivery(new WebhookDelivery(alerts, webhooks, options));
  Result<std::unique_ptr<boost::asio::ssl::context>> tls = net::MakeTlsClientContext(options.ca_file);
  if (!tls.ok()) return tls.status();
  delivery->tls_ = std::move(*tls);
  std::vector<std::string> records;
  Result<std::unique_ptr<RecordLog>> log = RecordLog::Open(dir / "deliveries.log", &records, problems);
  if (!log.ok()) return log.status();
  delivery->log_ = std::move(*log);
  simdjson::dom::parser parser;
  for (const std::string& record : records) {
    simdjson::dom::element root;
    std::string_view webhook;
    int64_t seq = 0;
    if (parser.parse(record).get(root) || root["webhook"].get(webhook) || root["alert_seq"].get(seq)) {
      problems->push_back((dir / "deliveries.log").string() + ": a record lacks webhook or alert_seq");
      continue;
    }
    delivery->delivered_.insert({std::string(webhook), static_cast<uint64_t>(seq)});
  }
  return delivery;
}

WebhookDelivery::~WebhookDelivery() { Stop(); }

void WebhookDelivery::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Loop(); });
}

void WebhookDelivery::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WebhookDelivery::Wake(const std::string& reset_webhook_id) {
  {
    std::lock_guard lock(mutex_);
    if (!reset_webhook_id.empty()) backoff_.erase(reset_webhook_id);
    woken_ = true;
  }
  wake_.notify_all();
}

std::optional<WebhookDelivery::Attempt> WebhookDelivery::NextDue(int64_t now_ms, int64_t* wake_at_ms) {
  *wake_at_ms = 0;
  const uint64_t end_seq = alerts_.next_seq();
  for (const Webhook& webhook : webhooks_.List()) {
    // The oldest alert this webhook still lacks (alerts go out in the order they fired).
    uint64_t seq = webhook.from_seq;
    while (seq < end_seq && delivered_.count({webhook.id, seq})) ++seq;
    if (seq >= end_seq) continue;
    std::optional<Alert> alert = alerts_.Get(seq);
    if (!alert) {  // a damaged record was skipped at open: nothing to send for this seq
      delivered_.insert({webhook.id, seq});
      return NextDue(now_ms, wake_at_ms);
    }
    const Backoff& backoff = backoff_[webhook.id];
    if (backoff.next_attempt_ms <= now_ms) return Attempt{webhook, std::move(*alert)};
    if (*wake_at_ms == 0 || backoff.next_attempt_ms < *wake_at_ms) *wake_at_ms = backoff.next_attempt_ms;
  }
  return std::nullopt;
}

void WebhookDelivery::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    int64_t wake_at_ms = 0;
    std::optional<Attempt> attempt = NextDue(NowMs(), &wake_at_ms);
    if (attempt) {
      lock.unlock();
      Deliver(*attempt);
      lock.lock();
      continue;
    }
    const auto wait = wake_at_ms == 0 ? std::chrono::milliseconds(60'000)
                                      : std::chrono::milliseconds(std::max<int64_t>(1, wake_at_ms - NowMs()));
    wake_.wait_for(lock, wait, [this] { return stopping_ || woken_; });
    woken_ = false;
  }
}

void WebhookDelivery::Deliver(const Attempt& attempt) {
  const std::string body = AlertJson(attempt.alert);
  std::vector<std::pair<std::string, std::string>> headers = {{"X-MLtrack-Alert-Id", attempt.alert.id},
                                                              {"X-MLtrack-Webhook-Id", attempt.webhook.id}};
  if (!attempt.webhook.secret.empty()) {
    headers.emplace_back("X-MLtrack-Signature", "sha256=" + HmacSha256Hex(attempt.webhook.secret, body));
  }
  std::string error;
  int status = 0;
  Result<HttpUrl> url = ParseHttpUrl(attempt.webhook.url);
  if (!url.ok()) {
    error = "bad url: " + url.status().message();
  } else {
    Result<int> answer = HttpPost(*url, body, headers, options_.timeout, *tls_);
    if (!answer.ok()) {
      error = answer.status().message();
    } else if (*answer < 200 || *answer > 299) {
      error = "HTTP " + std::to_string(*answer);
    } else {
      status = *answer;
    }
  }
  const int64_t now_ms = NowMs();
  if (error.empty()) {
    Status recorded = log_->Append(DeliveredRecord(attempt.webhook.id, attempt.alert.seq, now_ms, status));
    if (!recorded.ok()) error = "delivered, but not recorded: " + recorded.message();
  }
  std::lock_guard lock(mutex_);
  Backoff& backoff = backoff_[attempt.webhook.id];
  backoff.last_attempt_ms = now_ms;
  if (error.empty()) {
    delivered_.insert({attempt.webhook.id, attempt.alert.seq});
    backoff.failures = 0;
    backoff.next_attempt_ms = 0;
    backoff.last_error.clear();
    return;
  }
  // min × 2^(failures − 1), capped, with ±20 % jitter so many webhooks do not retry in step.
  ++backoff.failures;
  const int64_t min_ms = options_.min_backoff.count();
  const int64_t max_ms = std::max(min_ms, static_cast<int64_t>(options_.max_backoff.count()));
  int64_t delay = min_ms;
  for (int64_t step = 1; step < backoff.failures && delay < max_ms; ++step) delay *= 2;
  delay = std::min(delay, max_ms);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  delay = static_cast<int64_t>(static_cast<double>(delay) * std::uniform_real_distribution<double>(0.8, 1.2)(rng));
  backoff.next_attempt_ms = now_ms + std::max<int64_t>(1, delay);
  backoff.last_error = error;
  spdlog::warn("webhook {}: delivering {} failed ({}); retry in {} ms", attempt.webhook.id, attempt.alert.id, error,
               delay);
}

DeliveryState WebhookDelivery::StateOf(const Webhook& webhook) const {
  const uint64_t end_seq = alerts_.next_seq();
  std::lock_guard lock(mutex_);
  DeliveryState state;
  for (uint64_t seq = webhook.from_seq; seq < end_seq; ++seq) {
    (delivered_.count({webhook.id, seq}) ? state.delivered : state.pending) += 1;
  }
  auto found = backoff_.find(webhook.id);
  if (found != backoff_.end()) {
    state.failures = found->second.failures;
    state.last_error = found->second.last_error;
    state.last_attempt_ms = found->second.last_attempt_ms;
    state.next_attempt_ms = found->second.next_attempt_ms;
  }
  return state;
}

}  // namespace mltrack::alerts
