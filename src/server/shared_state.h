#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "server/body_budget.h"
#include "server/request_guard.h"

namespace mltrack::server {

class Router;
class TlsCertificate;
namespace auth {
class Authenticator;
}
class WorkerPool;

// What the listener and every HTTP session of one server share: configuration, the router, the
// worker pool, the byte budget for request bodies, and the set of open connections so shutdown can close idle ones and wait for the
// busy ones. Thread-safe. Router and WorkerPool are owned by the Server and outlive every session.
class SharedState {
 public:
  // `max_inflight_body_bytes` = 0: bodies in flight are not limited (only counted).
  SharedState(const Router& router, WorkerPool& workers, size_t max_body_bytes,
              std::chrono::seconds read_timeout, size_t max_inflight_body_bytes = 0,
              std::chrono::milliseconds body_budget_wait = std::chrono::milliseconds(0))
      : router_(router),
        workers_(workers),
        max_body_bytes_(max_body_bytes),
        read_timeout_(read_timeout),
        body_budget_(max_inflight_body_bytes),
        body_budget_wait_(body_budget_wait) {}
  SharedState(const SharedState&) = delete;
  SharedState& operator=(const SharedState&) = delete;

  const Router& router() const { return router_; }
  WorkerPool& workers() const { return workers_; }
  size_t max_body_bytes() const { return max_body_bytes_; }
  std::chrono::seconds read_timeout() const { return read_timeout_; }
  BodyBudget& body_budget() { return body_budget_; }
  // How long a request waits for room in the body budget before 503 (ServerOptions).
  std::chrono::milliseconds body_budget_wait() const { return body_budget_wait_; }

  // Which Host and Origin headers are answered (request_guard.h). Set by Server::Start before
  // the first connection is accepted; read-only afterwards.
  const HostPolicy& host_policy() const { return host_policy_; }
  void set_host_policy(HostPolicy policy) { host_policy_ = std::move(policy); }
  // Who may call which route (auth/authenticator.h); null = all public. Set like host_policy.
  auth::Authenticator* authenticator() const { return authenticator_.get(); }
  void set_authenticator(std::shared_ptr<auth::Authenticator> authenticator) { authenticator_ = std::move(authenticator); }
  // The certificate when the server speaks HTTPS (tls_certificate.h), else null; set like host_policy.
  TlsCertificate* tls() const { return tls_.get(); }
  void set_tls(std::shared_ptr<TlsCertificate> tls) { tls_ = std::move(tls); }
  // Open connections allowed (0 = no limit); set like host_policy.
  size_t max_connections() const { return max_connections_; }
  void set_max_connections(size_t limit) { max_connections_ = limit; }

  // True once shutdown began: sessions finish the request in hand and close.
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  // Registers an open connection. `interrupt` is called (from any thread) when shutdown begins;
  // it must close the connection if it is idle. Returns an id for Leave().
  uint64_t Join(std::function<void()> interrupt);
  void Leave(uint64_t id);
  size_t connections() const;

  // Sets stopping() and interrupts every open connection. Idempotent.
  void BeginStop();
  // Waits until no connection is open or `deadline` passes; true when none is open.
  bool WaitForConnections(std::chrono::steady_clock::time_point deadline);

 private:
  const Router& router_;
  WorkerPool& workers_;
  const size_t max_body_bytes_;
  const std::chrono::seconds read_timeout_;
  BodyBudget body_budget_;
  const std::chrono::milliseconds body_budget_wait_;
  HostPolicy host_policy_ = HostPolicy::AllowAll();
  std::shared_ptr<auth::Authenticator> authenticator_;
  size_t max_connections_ = 0;
  std::shared_ptr<TlsCertificate> tls_;
  std::atomic<bool> stopping_{false};

  mutable std::mutex mutex_;
  std::condition_variable idle_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, std::function<void()>> connections_;
};

}  // namespace mltrack::server
