#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "backend/backend.h"
#include "query/query_cache.h"
#include "store/event_store.h"

namespace mltrack::backend {

// The default backend: the embedded store (src/store/), the query executor (src/query/) and the
// per-segment partial-result cache that makes repeated dashboard queries cheap. Thread-safe.
// The limits of each query read through EmbeddedBackend::Reader() (--query-timeout,
// --query-memory; 0 = none).
struct QueryBudget {
  int64_t timeout_ms = 0;   // from the Reader() call, over all of its queries
  size_t memory_bytes = 0;  // working memory of one query
};

class EmbeddedBackend final : public Backend {
 public:
  // `query_cache_bytes` bounds the partial-result cache; 0 turns it off.
  EmbeddedBackend(std::unique_ptr<store::EventStore> store, size_t query_cache_bytes, QueryBudget budget = {});
  ~EmbeddedBackend() override;
  EmbeddedBackend(const EmbeddedBackend&) = delete;
  EmbeddedBackend& operator=(const EmbeddedBackend&) = delete;

  Result<AppendResult> Append(EventBatch batch) override;
  query::QueryRunner Reader() override;
  Result<query::EventPage> SearchEvents(const query::EventSearch& search) override;
  FieldCatalog Fields() override;
  Stats GetStats() override;
  void AddAppendListener(AppendListener listener) override;
  void Close() override;

 private:
  std::unique_ptr<store::EventStore> store_;
  query::QueryCache query_cache_;
  const QueryBudget budget_;
  std::mutex listeners_mutex_;
  // Replaced, never modified, so Append reads it without holding the mutex for the calls.
  std::shared_ptr<const std::vector<AppendListener>> listeners_;
};

}  // namespace mltrack::backend
