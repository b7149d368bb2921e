#include "query/query_executor.h"

#include <atomic>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <malloc.h>

#include "core/event.h"
#include "query/limit_guard.h"
#include "query/block_scan.h"
#include "query/query_cache.h"
#include "query/result_order.h"
#include "query/scan_plan.h"
#include "query/scan_pool.h"
#include "query/scan_result.h"

namespace mltrack::query {
namespace {

using Type = ColumnSource::Type;

// The blocks of one sealed segment that lie wholly inside the query's range: answered by one
// cache entry, or scanned into one.
struct SegmentRun {
  uint64_t segment_id = 0;
  std::vector<const store::ColumnBlock*> blocks;
  std::vector<uint32_t> ranges;  // indexes of the blocks within the segment: [begin, end) pairs
  uint64_t rows = 0;
  std::string key;
  std::shared_ptr<const CachedPartial> cached;  // set on a hit
  std::unique_ptr<Partial> scanned;             // set by the scan on a miss

  void Add(const store::ColumnBlock* block, uint32_t block_idx) {
    blocks.push_back(block);
    rows += block->rows;
    if (!ranges.empty() && ranges.back() == block_idx) {
      ++ranges.back();
    } else {
      ranges.push_back(block_idx);
      ranges.push_back(block_idx + 1);
    }
  }
};

std::string RunKey(const SegmentRun& run, const std::string& plan_key) {
  std::string key;
  key.reserve(16 + run.ranges.size() * 4 + plan_key.size());
  key.append(reinterpret_cast<const char*>(&run.segment_id), sizeof(run.segment_id));
  const uint64_t range_count = run.ranges.size();
  key.append(reinterpret_cast<const char*>(&range_count), sizeof(range_count));
  key.append(reinterpret_cast<const char*>(run.ranges.data()),
             run.ranges.size() * sizeof(uint32_t));
  key.append(plan_key);
  return key;
}

// A segment run's scanned partial in the canonical form of CachedPartial (the partial's states
// move into it).
std::shared_ptr<const CachedPartial> ToCached(const Plan& plan, Partial& partial) {
  auto cached = std::make_shared<CachedPartial>();
  cached->key_parts = plan.parts.size();
  cached->groups = partial.table.size();
  cached->keys.reserve(cached->groups * cached->key_parts);
  for (size_t group = 0; group < cached->groups; ++group) {
    const uint64_t* key = partial.table.key(group);
    for (size_t part_idx = 0; part_idx < plan.parts.size(); ++part_idx) {
      uint64_t code = PartCode(plan, key, part_idx);
      // Bucket indexes count from the query's `from`: cache the bucket's start instead.
      if (plan.parts[part_idx].is_bucket)
        code = static_cast<uint64_t>(plan.bucketer->Start(static_cast<int64_t>(code)));
      cached->keys.push_back(code);
    }
  }
  cached->scanned = partial.scanned;
  cached->metrics = std::move(partial.metrics);
  size_t bytes = sizeof(CachedPartial) + cached->keys.capacity() * sizeof(uint64_t);
  for (auto& metric : cached->metrics) {
    metric->ReleaseScratch();
    bytes += metric->MemoryBytes() + 64;
  }
  cached->bytes = bytes;
  return cached;
}

// Folds a cached partial into `into`, re-encoding its canonical keys for this plan.
void MergeCached(const Plan& plan, Partial& into, const CachedPartial& from) {
  std::vector<uint32_t> group_map(from.groups);
  std::vector<uint64_t> key(plan.key_words);
  for (size_t group = 0; group < from.groups; ++group) {
    std::fill(key.begin(), key.end(), 0);
    const uint64_t* canonical = from.keys.data() + group * from.key_parts;
    for (size_t part_idx = 0; part_idx < plan.parts.size(); ++part_idx) {
      uint64_t code = canonical[part_idx];
      if (plan.parts[part_idx].is_bucket)
        code = static_cast<uint64_t>(plan.bucketer->Index(static_cast<int64_t>(code)));
      SetPartCode(plan, part_idx, code, key.data());
    }
    group_map[group] = into.table.FindOrInsert(key.data());
  }
  for (size_t metric = 0; metric < into.metrics.size(); ++metric) {
    into.metrics[metric]->Resize(into.table.size());
    into.metrics[metric]->Merge(*from.metrics[metric], group_map.data());
  }
}

}  // namespace

Result<QueryResult> ExecuteQuery(const QuerySpec& spec, const store::TableSnapshot& snapshot) {
  return ExecuteQuery(spec, snapshot, nullptr);
}

namespace {

Result<QueryResult> Execute(const QuerySpec& spec, const store::TableSnapshot& snapshot, QueryCache* cache,
                            LimitGuard& guard) {
  const auto started = std::chrono::steady_clock::now();
  // Per-key bounds differ per request (and can be many): such queries are not cached. A cache
  // of capacity 0 stores nothing, so it is not asked either.
  if (cache != nullptr && (!cache->enabled() || std::any_of(spec.filters.begin(), spec.filters.end(), IsKeyedBound))) {
    cache = nullptr;
  }
  if (spec.metrics.empty()) return Status::InvalidArgument("query has no metrics", {{-1, "metrics", "must not be empty"}});
  Result<Plan> planned = MakePlan(spec, snapshot, &guard);
  if (!planned.ok()) return planned.status();
  const Plan& plan = *planned;
  size_t plan_bytes = 0;
  for (const RowFilter& filter : plan.filters) plan_bytes += filter.MemoryBytes();

  // Blocks scanned directly, and (with a cache) the runs of sealed segments' blocks wholly in
  // range, which come from the cache or are scanned into an entry of their own.
  std::vector<const store::ColumnBlock*> blocks;
  std::vector<SegmentRun> runs;
  std::unordered_map<uint64_t, size_t> run_of;            // segment id → index in runs
  std::unordered_map<uint64_t, uint32_t> segment_blocks;  // segment id → blocks seen
  size_t rows_in_range = 0;
  for (const store::ColumnBlock& block : snapshot.blocks()) {
    const bool cacheable = cache != nullptr && block.segment_id != 0;
    const uint32_t block_idx = cacheable ? segment_blocks[block.segment_id]++ : 0;
    if (block.rows == 0 || block.max_ts < spec.from_ms || block.min_ts >= spec.to_ms) continue;
    if (cacheable && block.min_ts >= spec.from_ms && block.max_ts < spec.to_ms) {
      auto [found, added] = run_of.emplace(block.segment_id, runs.size());
      if (added) runs.emplace_back().segment_id = block.segment_id;
      runs[found->second].Add(&block, block_idx);
      continue;
    }
    blocks.push_back(&block);
    rows_in_range += block.rows;
  }
  std::vector<SegmentRun*> misses;
  uint64_t cache_hits = 0;
  if (!runs.empty()) {
    const std::string plan_key = CachePlanKey(spec);
    for (SegmentRun& run : runs) {
      run.key = RunKey(run, plan_key);
      run.cached = cache->Find(run.key);
      if (run.cached) {
        ++cache_hits;
      } else {
        misses.push_back(&run);
        rows_in_range += run.rows;
      }
    }
    // Largest first, so that the two scan threads finish together.
    std::sort(misses.begin(), misses.end(),
              [](const SegmentRun* a, const SegmentRun* b) { return a->rows > b->rows; });
  }

  // Jobs: the missed runs (each into its own partial), then the single blocks. Every block
  // first asks the guard whether to go on: a query past its deadline or memory limit stops
  // within a block's scan on every thread.
  const size_t jobs = misses.size() + blocks.size();
  const bool parallel =
      jobs >= 2 && rows_in_range >= kParallelMinRows && ScanPool::Shared().helpers() > 0;
  const size_t workers = parallel ? std::min(ScanPool::Shared().helpers() + 1, jobs) : 1;
  std::vector<std::atomic<size_t>> worker_bytes(workers);  // each thread's partials, as last measured
  std::atomic<size_t> finished_runs_bytes{0};
  const std::string memory_what = "the query's groups and aggregate states";
  auto within_limits = [&](size_t worker, const Partial& partial, const Partial* run, MemoryWatch& watch) {
    if (guard.CheckDeadline()) return false;
    if (!watch.Due(partial.table.size() + (run != nullptr ? run->table.size() : 0))) return true;
    worker_bytes[worker] = PartialBytes(partial) + (run != nullptr ? PartialBytes(*run) : 0);
    size_t total = plan_bytes + finished_runs_bytes.load();
    for (const std::atomic<size_t>& bytes : worker_bytes) total += bytes.load();
    return !guard.CheckMemory(total, memory_what);
  };
  auto run_job = [&](size_t worker, size_t job, Partial& partial, MemoryWatch& watch) {
    if (job >= misses.size()) {
      if (within_limits(worker, partial, nullptr, watch)) ScanBlock(plan, *blocks[job - misses.size()], partial);
      return;
    }
    SegmentRun& run = *misses[job];
    run.scanned = std::make_unique<Partial>(plan);
    for (const store::ColumnBlock* block : run.blocks) {
      if (!within_limits(worker, partial, run.scanned.get(), watch)) return;
      ScanBlock(plan, *block, *run.scanned);
    }
    finished_runs_bytes += PartialBytes(*run.scanned);
  };
  std::vector<std::unique_ptr<Partial>> partials;
  for (size_t worker = 0; worker < workers; ++worker) {
    partials.push_back(std::make_unique<Partial>(plan));
    partials.back()->direct_bits = Plan::kWideDirectBits;
  }
  if (workers > 1) {
    // Partial `stride` gets jobs stride, stride + workers, … in that order, whichever thread claims
    // the stride (a pool thread may never start: the caller then claims its stride too). So every
    // request adds the same blocks in the same order, and sums of doubles (latency means, score
    // moments) are identical to the last digit from one request to the next.
    std::atomic<size_t> next_stride{0};
    ScanPool::Shared().Run(workers, [&](size_t) {
      MemoryWatch watch;
      for (size_t stride = next_stride++; stride < workers; stride = next_stride++) {
        for (size_t index = stride; index < jobs && !guard.Stopped(); index += workers) {
          run_job(stride, index, *partials[stride], watch);
        }
      }
    });
  } else {
    MemoryWatch watch;
    for (size_t index = 0; index < jobs && !guard.Stopped(); ++index) run_job(0, index, *partials[0], watch);
  }
  if (guard.Stopped()) return guard.status();
  std::vector<const Partial*> scanned;
  for (const auto& partial : partials) scanned.push_back(partial.get());
  for (const SegmentRun* run : misses) scanned.push_back(run->scanned.get());
  MLTRACK_RETURN_IF_ERROR(CheckBins(plan, scanned));  // before anything is cached
  for (size_t worker = 1; worker < workers; ++worker) MergePartial(*partials[0], *partials[worker]);
  Partial& main_partial = *partials[0];
  for (SegmentRun* run : misses) {
    run->cached = ToCached(plan, *run->scanned);
    run->scanned.reset();
    main_partial.scanned += run->cached->scanned;
    cache->Insert(run->key, run->cached);
  }
  for (const SegmentRun& run : runs) MergeCached(plan, main_partial, *run.cached);
  partials.resize(1);  // the merged ones are empty shells now
  Result<QueryResult> result = ResultOf(plan, main_partial, plan_bytes, guard);
  if (!result.ok()) return result;
  result->cache_hits = cache_hits;
  result->cache_misses = misses.size();
  result->elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace

Result<QueryResult> ExecuteQuery(const QuerySpec& spec, const store::TableSnapshot& snapshot,
                                 QueryCache* cache) {
  LimitGuard guard(spec.limits);
  Result<QueryResult> result = Execute(spec, snapshot, cache, guard);
  // A big query leaves its groups' memory in the heap as many small free blocks (strings,
  // per-group states) that glibc keeps; give it back so that RSS falls after the query.
  if (guard.peak_bytes() >= kTrimAboveBytes) ::malloc_trim(0);
  return result;
}

}  // namespace mltrack::query
