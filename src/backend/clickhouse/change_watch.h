#pragma once
// Notices the batches other nodes stored in the same ClickHouse (tables `appends`, `events`):
// every `interval` it asks `appends` for rows newer than the last it saw from any node but
// this one, reads those batches' events (by batch id within the batch's ts range, cheap in the
// (ts, key) order) and hands them to `deliver`. So an append listener on node B hears of an
// append on node A within about one interval (250 ms by default) plus two small queries.
// Batches are delivered once each; a batch seen late (clock skew up to `kLookBackMs` between
// nodes) is still delivered.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "backend/backend.h"
#include "backend/clickhouse/batch_writer.h"
#include "backend/clickhouse/http_client.h"

namespace mltrack::backend::clickhouse {

class ChangeWatch {
 public:
  using Deliver = std::function<void(const EventBatch& batch, const AppendResult& result)>;
  static constexpr int64_t kLookBackMs = 10'000;

  // Starts the polling thread. `client` and `deliver` must outlive the watch.
  ChangeWatch(HttpClient& client, TableNames tables, std::string node, Deliver deliver,
              std::chrono::milliseconds interval = std::chrono::milliseconds(250));
  ~ChangeWatch();  // stops and joins
  ChangeWatch(const ChangeWatch&) = delete;
  ChangeWatch& operator=(const ChangeWatch&) = delete;

 private:
  void Loop();
  void PollOnce();

  HttpClient& client_;
  TableNames tables_;
  std::string node_;
  Deliver deliver_;
  std::chrono::milliseconds interval_;
  int64_t start_ms_;  // batches stored before the watch started are not delivered
  int64_t since_ms_;
  std::set<std::pair<int64_t, std::string>> seen_;  // (at_ms, batch) within the look-back
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mltrack::backend::clickhouse
