#include "query/query_executor.h"

#include <atomic>
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/event.h"
#include "query/block_scan.h"
#include "query/query_cache.h"
#include "query/result_order.h"
#include "query/scan_plan.h"
#include "query/scan_pool.h"

namespace mltrack::query {
namespace {

using Type = ColumnSource::Type;

// Rows below which a second thread costs more than it saves.
constexpr size_t kParallelMinRows = 1 << 17;

// Bin codes (block_scan.cc): 0 = absent, else zigzag(bin) + 1.
int64_t BinFromCode(uint64_t code) {
  const uint64_t zigzag = code - 1;
  return static_cast<int64_t>(zigzag >> 1) ^ -static_cast<int64_t>(zigzag & 1);
}

Cell DimensionCell(const Plan& plan, const KeyPart& part, uint64_t code) {
  if (part.is_bucket) return plan.bucketer->Start(static_cast<int64_t>(code));
  if (part.bin) {
    if (code == 0) return {};
    const int64_t bin = BinFromCode(code);
    if (part.bin->width_decimals == 0) return bin * part.bin->width_units;  // exact integer bound
    return part.bin->Lower(bin);
  }
  switch (part.source.type) {
    case Type::kString:
    case Type::kTag:
      if (code == store::kAbsentId) return {};
      return std::string(part.source.dictionary->Get(static_cast<uint32_t>(code)));
    case Type::kEnum:
      if (part.source.field == FieldId::kOperation) {
        return std::string(OperationName(static_cast<Operation>(code)));
      }
      return std::string(EventStatusName(static_cast<EventStatus>(code)));
    case Type::kBool:
      if (code == kBoolAbsent) return {};
      return code == kBoolTrue;
    case Type::kHttpStatus:
      if (code == 0) return {};
      return static_cast<int64_t>(code);
    default:
      return {};
  }
}

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

Result<QueryResult> ExecuteQuery(const QuerySpec& spec, const store::TableSnapshot& snapshot,
                                 QueryCache* cache) {
  const auto started = std::chrono::steady_clock::now();
  if (spec.metrics.empty()) return Status::InvalidArgument("query has no metrics", {{-1, "metrics", "must not be empty"}});
  Result<Plan> planned = MakePlan(spec, snapshot);
  if (!planned.ok()) return planned.status();
  const Plan& plan = *planned;

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

  // Jobs: the missed runs (each into its own partial), then the single blocks.
  const size_t jobs = misses.size() + blocks.size();
  auto run_job = [&](size_t job, Partial& partial) {
    if (job >= misses.size()) return ScanBlock(plan, *blocks[job - misses.size()], partial);
    SegmentRun& run = *misses[job];
    run.scanned = std::make_unique<Partial>(plan);
    for (const store::ColumnBlock* block : run.blocks) ScanBlock(plan, *block, *run.scanned);
  };
  const bool parallel =
      jobs >= 2 && rows_in_range >= kParallelMinRows && ScanPool::Shared().helpers() > 0;
  const size_t workers = parallel ? std::min(ScanPool::Shared().helpers() + 1, jobs) : 1;
  std::vector<std::unique_ptr<Partial>> partials;
  for (size_t worker = 0; worker < workers; ++worker)
    partials.push_back(std::make_unique<Partial>(plan));
  if (workers > 1) {
    std::atomic<size_t> next_job{0};
    ScanPool::Shared().Run(workers, [&](size_t worker) {
      Partial& partial = *partials[worker];
      for (size_t index = next_job++; index < jobs; index = next_job++) run_job(index, partial);
    });
    for (size_t worker = 1; worker < workers; ++worker)
      MergePartial(*partials[0], *partials[worker]);
  } else {
    for (size_t index = 0; index < jobs; ++index) run_job(index, *partials[0]);
  }
  Partial& main_partial = *partials[0];
  for (SegmentRun* run : misses) {
    run->cached = ToCached(plan, *run->scanned);
    run->scanned.reset();
    main_partial.scanned += run->cached->scanned;
    cache->Insert(run->key, run->cached);
  }
  for (const SegmentRun& run : runs) MergeCached(plan, main_partial, *run.cached);

  QueryResult result;
  if (HasBucket(spec)) result.columns.push_back("t");
  for (size_t group_idx = 0; group_idx < spec.group_by.size(); ++group_idx) {
    result.columns.push_back(GroupColumnName(spec, group_idx));
  }
  for (const MetricSpec& metric : spec.metrics) result.columns.push_back(metric.name);
  result.bucket_ms = spec.bucket_ms;
  result.bucket_months = spec.bucket_months;
  if (!IsUtcName(spec.tz)) result.tz = spec.tz;
  result.scanned = main_partial.scanned;
  result.cache_hits = cache_hits;
  result.cache_misses = misses.size();
  result.quarantined = snapshot.quarantined();

  const size_t group_count = main_partial.table.size();
  result.rows.reserve(group_count);
  for (size_t group = 0; group < group_count; ++group) {
    std::vector<Cell> row;
    row.reserve(result.columns.size());
    const uint64_t* key = main_partial.table.key(group);
    for (size_t part_idx = 0; part_idx < plan.parts.size(); ++part_idx) {
      row.push_back(DimensionCell(plan, plan.parts[part_idx], PartCode(plan, key, part_idx)));
    }
    for (auto& metric : main_partial.metrics) row.push_back(metric->Finalize(group));
    result.rows.push_back(std::move(row));
  }
  OrderAndLimit(spec, result);
  result.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace mltrack::query
