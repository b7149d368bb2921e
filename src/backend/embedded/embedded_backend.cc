#include "backend/embedded/embedded_backend.h"

#include <span>
#include <string_view>
#include <vector>
#include <utility>

#include "backend/embedded/event_scan.h"
#include "query/query_batch.h"
#include "query/query_executor.h"
#include "store/table_snapshot.h"

namespace mltrack::backend {

EmbeddedBackend::EmbeddedBackend(std::unique_ptr<store::EventStore> store, size_t query_cache_bytes,
                                 QueryBudget budget)
    : store_(std::move(store)),
      query_cache_(query_cache_bytes),
      budget_(budget),
      listeners_(std::make_shared<const std::vector<AppendListener>>()) {}

EmbeddedBackend::~EmbeddedBackend() { Close(); }

Result<AppendResult> EmbeddedBackend::Append(EventBatch batch) {
  std::shared_ptr<const std::vector<AppendListener>> listeners;
  {
    std::lock_guard lock(listeners_mutex_);
    listeners = listeners_;
  }
  if (listeners->empty()) {
    Result<store::AppendResult> appended = store_->Append(std::move(batch));
    if (!appended.ok()) return appended.status();
    return AppendResult{appended->accepted, appended->duplicates};
  }
  // The store hands the stored events back (no copy of the batch), duplicates dropped.
  EventBatch stored;
  Result<store::AppendResult> appended = store_->Append(std::move(batch), &stored);
  if (!appended.ok()) return appended.status();
  AppendResult result{appended->accepted, appended->duplicates};
  for (const AppendListener& listener : *listeners) listener(stored, result);
  return result;
}

query::QueryRunner EmbeddedBackend::Reader() {
  std::shared_ptr<const store::TableSnapshot> snapshot = store_->Snapshot();
  query::QueryCache* cache = &query_cache_;
  // The deadline counts from now: one request's queries share it.
  const query::QueryLimits limits = query::QueryLimits::FromNow(budget_.timeout_ms, budget_.memory_bytes);
  auto one = [snapshot, cache, limits](const query::QuerySpec& spec) {
    query::QuerySpec limited = spec;
    limited.limits = limits;
    return query::ExecuteQuery(limited, *snapshot, cache);
  };
  // A batch shares one scan between the specs with the same range and filters (query_batch.h).
  auto batch = [snapshot = std::move(snapshot), cache, limits](std::span<const query::QuerySpec> specs) {
    std::vector<query::QuerySpec> limited(specs.begin(), specs.end());
    for (query::QuerySpec& spec : limited) spec.limits = limits;
    return query::ExecuteBatch(limited, *snapshot, cache);
  };
  return query::QueryRunner(std::move(one), std::move(batch));
}

Result<query::EventPage> EmbeddedBackend::SearchEvents(const query::EventSearch& search) {
  std::shared_ptr<const store::TableSnapshot> snapshot = store_->Snapshot();
  const auto deadline = budget_.timeout_ms > 0
                            ? std::chrono::steady_clock::now() + std::chrono::milliseconds(budget_.timeout_ms)
                            : std::chrono::steady_clock::time_point::max();
  return SearchSnapshot(*snapshot, search, deadline);
}

FieldCatalog EmbeddedBackend::Fields() {
  std::shared_ptr<const store::TableSnapshot> snapshot = store_->Snapshot();
  FieldCatalog catalog;
  for (size_t key_idx = 0; key_idx < snapshot->tag_key_count(); ++key_idx) {
    catalog.tag_keys.emplace_back(snapshot->tag_key(key_idx));
  }
  for (size_t score_idx = 0; score_idx < snapshot->score_count(); ++score_idx) {
    catalog.score_names.emplace_back(snapshot->score_name(score_idx));
  }
  // A dictionary walk, no scan.
  if (const store::Dictionary* experiments = snapshot->dictionary(FieldId::kExperiment)) {
    experiments->ForEach(experiments->size(), [&catalog](uint32_t, std::string_view name) {
      catalog.demo |= name.starts_with("demo-");
    });
  }
  return catalog;
}

Stats EmbeddedBackend::GetStats() {
  store::StoreStats store_stats = store_->Stats();
  Stats stats;
  stats.rows = store_stats.rows;
  stats.memory_bytes = store_stats.memory_bytes;
  stats.memory_parts = std::move(store_stats.memory_parts);
  stats.disk_bytes = store_stats.disk_bytes;
  stats.wal_files = store_stats.wal_files;
  for (store::StoreProblem& problem : store_stats.problems) {
    stats.problems.push_back(Problem{std::move(problem.file), problem.offset, std::move(problem.what), problem.count,
                                     problem.last_offset, std::move(problem.last_what)});
  }
  return stats;
}

void EmbeddedBackend::AddAppendListener(AppendListener listener) {
  std::lock_guard lock(listeners_mutex_);
  auto next = std::make_shared<std::vector<AppendListener>>(*listeners_);
  next->push_back(std::move(listener));
  listeners_ = std::move(next);
}

void EmbeddedBackend::Close() { store_->Close(); }

}  // namespace mltrack::backend
