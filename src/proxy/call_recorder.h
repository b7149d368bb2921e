#pragma once
// Stores the events of proxied calls off the request path: a call's answer never waits for the
// store's fdatasync. Events are priced and appended in batches by one thread; a batch holds
// what arrived while the previous one was being made durable (group commit, as the WAL does).

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "backend/backend.h"
#include "core/event.h"
#include "core/price_catalogue.h"

namespace mltrack::proxy {

// Thread-safe. Record may be called from any thread until Close.
class CallRecorder {
 public:
  // At most this many events wait; more are dropped (counted and logged) rather than holding
  // memory without bound when the store cannot keep up or refuses writes.
  static constexpr size_t kMaxQueued = 100'000;

  CallRecorder(backend::Backend& backend, const PriceCatalogue& prices);
  ~CallRecorder();  // Close()
  CallRecorder(const CallRecorder&) = delete;
  CallRecorder& operator=(const CallRecorder&) = delete;

  void Record(Event event);
  // Appends what is queued, then stops the thread. Idempotent.
  void Close();
  // Waits until every event recorded before the call is appended (or failed). For tests.
  void Flush();

  uint64_t recorded() const;  // events appended
  uint64_t dropped() const;   // events lost: queue full, or the append failed

 private:
  void Loop();

  backend::Backend& backend_;
  const PriceCatalogue& prices_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::vector<Event> queue_;
  bool closing_ = false;
  bool busy_ = false;
  uint64_t recorded_ = 0;
  uint64_t dropped_ = 0;
  std::thread thread_;
};

}  // namespace mltrack::proxy
