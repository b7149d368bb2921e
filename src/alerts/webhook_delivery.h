#pragma once
// Delivers every alert of the AlertLog to every webhook that existed when it fired, at least
// once: a background thread POSTs each (webhook, alert) pair in alert order until the receiver
// answers 2xx, backing off exponentially per webhook while it fails (min_backoff, doubling, at
// most max_backoff, ±20 % jitter). A delivery is recorded in <dir>/deliveries.log (fdatasync)
// after the 2xx, so after a restart everything not recorded is sent again: a receiver may see
// an alert twice and dedupes on its `id` (also sent as the X-MLtrack-Alert-Id header). Nothing
// needs enqueueing: the alert log itself is the queue (docs/alerts_format.md).
//
// Thread-safe. Stop() (or the destructor) joins the thread; an attempt in flight finishes first
// (at most `timeout`).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "alerts/alert_log.h"
#include "alerts/durable_file.h"
#include "alerts/webhook_store.h"
#include "core/status.h"

namespace mltrack::alerts {

struct DeliveryOptions {
  std::chrono::milliseconds min_backoff{1000};
  std::chrono::milliseconds max_backoff{10 * 60 * 1000};
  std::chrono::milliseconds timeout{10'000};  // one attempt: connect, send, read the answer
  // https:// receivers are trusted by the system's CAs, and by this PEM file when set
  // (`--webhook-ca`: a private CA, or a receiver's self-signed certificate).
  std::optional<std::string> ca_file;
};

// What GET /api/v1/webhooks shows of a webhook's deliveries.
struct DeliveryState {
  int64_t delivered = 0;   // alerts delivered (recorded)
  int64_t pending = 0;     // alerts still to deliver
  int64_t failures = 0;    // failed attempts since the last success
  std::string last_error;  // of the last failed attempt; empty after a success
  int64_t last_attempt_ms = 0;
  int64_t next_attempt_ms = 0;  // 0 = as soon as possible
};

class WebhookDelivery {
 public:
  static Result<std::unique_ptr<WebhookDelivery>> Open(const std::filesystem::path& dir, AlertLog& alerts,
                                                       WebhookStore& webhooks, DeliveryOptions options,
                                                       std::vector<std::string>* problems);
  ~WebhookDelivery();
  WebhookDelivery(const WebhookDelivery&) = delete;
  WebhookDelivery& operator=(const WebhookDelivery&) = delete;

  void Start();
  void Stop();
  // Something changed (a new alert, a new or edited webhook): look again now. A webhook that was
  // edited gets a fresh backoff.
  void Wake(const std::string& reset_webhook_id = {});

  DeliveryState StateOf(const Webhook& webhook) const;

 private:
  struct Backoff {
    int64_t failures = 0;
    int64_t next_attempt_ms = 0;
    int64_t last_attempt_ms = 0;
    std::string last_error;
  };
  struct Attempt {
    Webhook webhook;
    Alert alert;
  };

  WebhookDelivery(AlertLog& alerts, WebhookStore& webhooks, DeliveryOptions options)
      : alerts_(alerts), webhooks_(webhooks), options_(options) {}
  void Loop();
  // The next due attempt, or the time of the next one (0 = none pending).
  std::optional<Attempt> NextDue(int64_t now_ms, int64_t* wake_at_ms);
  void Deliver(const Attempt& attempt);

  AlertLog& alerts_;
  WebhookStore& webhooks_;
  DeliveryOptions options_;
  std::unique_ptr<boost::asio::ssl::context> tls_;  // for https:// receivers; used by the delivery thread only
  std::unique_ptr<RecordLog> log_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  std::set<std::pair<std::string, uint64_t>> delivered_;  // (webhook id, alert seq)
  std::map<std::string, Backoff> backoff_;                 // by webhook id
  std::thread thread_;
};

}  // namespace mltrack::alerts
