#pragma once
// A bounded cache of per-segment partial aggregates, so that repeated queries (dashboards
// refreshing) scan only what changed: the memtable and segments they have not seen.

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "query/metric_accumulator.h"
#include "query/query_spec.h"

namespace mltrack::query {

// The aggregate state of one query plan over some blocks of one sealed segment, in a form that
// does not depend on the query's time range or on the snapshot it was built from:
//  - group keys are canonical: one word per key part (t, then the group_by items): the time
//    bucket as its start in epoch ms, a dimension as its dictionary id / enum / bool / status
//    code, a bin as its code (dictionary ids are global and stable across snapshots);
//  - metric states are those of MakeAccumulators for the same metric list, merged by
//    MetricAccumulator::Merge (which only reads them).
// Immutable once built; shared by every query that reads it.
struct CachedPartial {
  size_t key_parts = 0;  // words per group key; 0 for an ungrouped query (one group)
  size_t groups = 0;
  std::vector<uint64_t> keys;  // group g's key at [g * key_parts, (g + 1) * key_parts)
  std::vector<std::unique_ptr<MetricAccumulator>> metrics;
  uint64_t scanned = 0;  // rows of the blocks it summarises
  size_t bytes = 0;      // memory charged against the cache's capacity
};

// The part of a cache key that names what a query computes, independent of its time range:
// filters, group_by (with bins), bucket width and time zone, and the metrics' aggregates and
// fields. Two specs
// with equal keys build identical partial states over the same rows. Order and limit are left
// out (applied after merging), and so are percentile levels (p50 and p99 of a field share one
// state) and metric names.
std::string CachePlanKey(const QuerySpec& spec);

// An LRU map from keys to CachedPartial, bounded in bytes (the sum of CachedPartial::bytes).
// Keys are built by the executor: (segment id, covered blocks, CachePlanKey); a block is named
// by its position among the segment's blocks in the snapshot, which assumes that a snapshot
// holds every block of a segment, in the segment's order (true today: segments are added or
// dropped whole). A segment id is
// never reused within a process (store::ColumnBlock::segment_id), so an entry can never describe
// other rows than the ones its key names: entries of segments dropped by retention or replaced
// by compaction are simply never asked for again and age out.
//
// Thread-safe: every method may be called concurrently (one mutex; lookups are short).
class QueryCache {
 public:
  static constexpr size_t kDefaultCapacityBytes = size_t{64} << 20;

  struct Stats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t insertions = 0;
    uint64_t evictions = 0;
    size_t entries = 0;
    size_t bytes = 0;
    size_t capacity_bytes = 0;
  };

  explicit QueryCache(size_t capacity_bytes = kDefaultCapacityBytes);
  QueryCache(const QueryCache&) = delete;
  QueryCache& operator=(const QueryCache&) = delete;

  // The entry for `key` (now the most recently used), or null; counts a hit or a miss.
  std::shared_ptr<const CachedPartial> Find(const std::string& key);
  // Stores `value` under `key` (replacing an existing entry), then evicts least recently used
  // entries until the total is within capacity. An entry larger than an eighth of the capacity
  // is not stored (one huge grouping must not flush the whole cache).
  void Insert(const std::string& key, std::shared_ptr<const CachedPartial> value);
  // Changes the bound (0 disables caching) and evicts down to it.
  void SetCapacity(size_t capacity_bytes);
  void Clear();
  Stats stats() const;

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const CachedPartial> value;
    size_t charge = 0;  // value->bytes plus the key and the bookkeeping
  };
  void EvictLocked();

  mutable std::mutex mu_;
  size_t capacity_bytes_;
  size_t bytes_ = 0;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  Stats stats_;
};

}  // namespace mltrack::query
