#include "query/query_batch.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <malloc.h>

#include "query/block_scan.h"
#include "query/limit_guard.h"
#include "query/query_executor.h"
#include "query/scan_plan.h"
#include "query/scan_pool.h"
#include "query/scan_result.h"

namespace mltrack::query {
namespace {

bool SameFilter(const Filter& a, const Filter& b) {
  return a.field == b.field && a.op == b.op && a.values == b.values && a.exists == b.exists && a.by == b.by &&
         a.bounds == b.bounds;
}

// Specs of one scan: their plans, and per scanning thread one Partial per plan.
struct SharedScan {
  std::vector<size_t> indexes;  // into the batch
  int64_t from_ms = 0;          // the union of their ranges: one interval
  int64_t to_ms = 0;
  std::vector<std::unique_ptr<Plan>> plans;
  std::vector<const Plan*> plan_ptrs;
  std::vector<size_t> plan_bytes;  // the plans' filters
};

// Scans the blocks in range once for every plan of `scan`; false when the guard stopped it.
bool ScanShared(const SharedScan& scan, const store::TableSnapshot& snapshot, LimitGuard& guard,
                std::vector<std::vector<std::unique_ptr<Partial>>>& partials) {
  std::vector<const store::ColumnBlock*> blocks;
  size_t rows_in_range = 0;
  for (const store::ColumnBlock& block : snapshot.blocks()) {
    if (block.rows == 0 || block.max_ts < scan.from_ms || block.min_ts >= scan.to_ms) continue;
    blocks.push_back(&block);
    rows_in_range += block.rows;
  }
  const size_t jobs = blocks.size();
  const bool parallel = jobs >= 2 && rows_in_range >= kParallelMinRows && ScanPool::Shared().helpers() > 0;
  const size_t workers = parallel ? std::min(ScanPool::Shared().helpers() + 1, jobs) : 1;
  const size_t plan_count = scan.plans.size();
  std::vector<std::vector<Partial*>> partial_ptrs(workers);
  partials.resize(workers);
  for (size_t worker = 0; worker < workers; ++worker) {
    for (const auto& plan : scan.plans) {
      partials[worker].push_back(std::make_unique<Partial>(*plan));
      partials[worker].back()->direct_bits = Plan::kWideDirectBits;
      partial_ptrs[worker].push_back(partials[worker].back().get());
    }
  }
  // Each spec is held to the memory limit on its own: its plan plus its partials on all threads.
  std::vector<std::atomic<size_t>> bytes(workers * plan_count);
  const std::string memory_what = "the query's groups and aggregate states";
  auto within_limits = [&](size_t worker, MemoryWatch& watch) {
    if (guard.CheckDeadline()) return false;
    size_t groups = 0;
    for (const Partial* partial : partial_ptrs[worker]) groups += partial->table.size();
    if (!watch.Due(groups)) return true;
    for (size_t plan = 0; plan < plan_count; ++plan) {
      bytes[worker * plan_count + plan] = PartialBytes(*partial_ptrs[worker][plan]);
    }
    size_t largest = 0;
    for (size_t plan = 0; plan < plan_count; ++plan) {
      size_t total = scan.plan_bytes[plan];
      for (size_t other = 0; other < workers; ++other) total += bytes[other * plan_count + plan].load();
      largest = std::max(largest, total);
    }
    return !guard.CheckMemory(largest, memory_what);
  };
  auto run = [&](size_t worker, size_t job, MemoryWatch& watch) {
    if (within_limits(worker, watch)) ScanBlockShared(scan.plan_ptrs, *blocks[job], partial_ptrs[worker], scan.from_ms, scan.to_ms);
  };
  if (workers > 1) {
    // Fixed strides, as in query_executor.cc: the same blocks reach the same partials in the same
    // order on every request, so double sums do not change in their last digits.
    std::atomic<size_t> next_stride{0};
    ScanPool::Shared().Run(workers, [&](size_t) {
      MemoryWatch watch;
      for (size_t stride = next_stride++; stride < workers; stride = next_stride++) {
        for (size_t job = stride; job < jobs && !guard.Stopped(); job += workers) run(stride, job, watch);
      }
    });
  } else {
    MemoryWatch watch;
    for (size_t job = 0; job < jobs && !guard.Stopped(); ++job) run(0, job, watch);
  }
  return !guard.Stopped();
}

// Answers the specs of `scan` into `results`; returns the largest memory estimate seen.
size_t RunShared(SharedScan& scan, std::span<const QuerySpec> specs, const store::TableSnapshot& snapshot,
                 std::vector<std::optional<Result<QueryResult>>>& results) {
  const auto started = std::chrono::steady_clock::now();
  LimitGuard guard(specs[scan.indexes.front()].limits);
  std::vector<size_t> planned;
  for (size_t index : scan.indexes) {
    const QuerySpec& spec = specs[index];
    if (spec.metrics.empty()) {
      results[index] = Status::InvalidArgument("query has no metrics", {{-1, "metrics", "must not be empty"}});
      continue;
    }
    Result<Plan> plan = MakePlan(spec, snapshot, &guard);
    if (!plan.ok()) {
      results[index] = plan.status();
      continue;
    }
    scan.plans.push_back(std::make_unique<Plan>(std::move(plan).value()));
    scan.plan_ptrs.push_back(scan.plans.back().get());
    size_t bytes = 0;
    for (const RowFilter& filter : scan.plans.back()->filters) bytes += filter.MemoryBytes();
    scan.plan_bytes.push_back(bytes);
    planned.push_back(index);
  }
  if (guard.Stopped()) {
    for (size_t index : planned) results[index] = guard.status();
    return guard.peak_bytes();
  }
  if (planned.empty()) return guard.peak_bytes();
  std::vector<std::vector<std::unique_ptr<Partial>>> partials;
  if (!ScanShared(scan, snapshot, guard, partials)) {
    for (size_t index : planned) results[index] = guard.status();
    return guard.peak_bytes();
  }
  // Each spec's partials are merged and made into rows on their own, so the specs finish on both
  // cores when the scan used both (the biggest first; a spec's merge order stays fixed).
  const size_t plan_count = scan.plans.size();
  std::vector<size_t> peaks(plan_count, 0);
  auto finish = [&](size_t plan_idx) {
    const Plan& plan = *scan.plans[plan_idx];
    const size_t index = planned[plan_idx];
    std::vector<const Partial*> scanned;
    for (const auto& worker : partials) scanned.push_back(worker[plan_idx].get());
    if (Status bins = CheckBins(plan, scanned); !bins.ok()) {
      results[index] = std::move(bins);
      return;
    }
    Partial& merged = *partials[0][plan_idx];
    for (size_t worker = 1; worker < partials.size(); ++worker) {
      MergePartial(merged, *partials[worker][plan_idx]);
      partials[worker][plan_idx].reset();
    }
    // Each spec's rows are held to its limits alone (one spec's many groups fail only it).
    LimitGuard finish(plan.spec->limits);
    Result<QueryResult> result = ResultOf(plan, merged, scan.plan_bytes[plan_idx], finish);
    partials[0][plan_idx].reset();
    peaks[plan_idx] = finish.peak_bytes();
    if (result.ok()) {
      result->elapsed_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    }
    results[index] = std::move(result);
  };
  std::vector<size_t> order(plan_count);
  for (size_t plan_idx = 0; plan_idx < plan_count; ++plan_idx) order[plan_idx] = plan_idx;
  const auto groups = [&](size_t plan_idx) {
    size_t total = 0;
    for (const auto& worker : partials) total += worker[plan_idx]->table.size();
    return total;
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return groups(a) > groups(b); });
  if (partials.size() > 1 && plan_count > 1) {
    std::atomic<size_t> next{0};
    ScanPool::Shared().Run(std::min(partials.size(), plan_count), [&](size_t) {
      for (size_t taken = next++; taken < plan_count; taken = next++) finish(order[taken]);
    });
  } else {
    for (size_t plan_idx : order) finish(plan_idx);
  }
  size_t peak = guard.peak_bytes();
  for (size_t finished : peaks) peak = std::max(peak, finished);
  return peak;
}

}  // namespace

bool SameScan(const QuerySpec& a, const QuerySpec& b) {
  return a.limits.deadline == b.limits.deadline &&
         a.limits.timeout_ms == b.limits.timeout_ms && a.limits.memory_bytes == b.limits.memory_bytes &&
         std::equal(a.filters.begin(), a.filters.end(), b.filters.begin(), b.filters.end(), SameFilter);
}

std::vector<Result<QueryResult>> ExecuteBatch(std::span<const QuerySpec> specs, const store::TableSnapshot& snapshot,
                                              QueryCache* cache) {
  std::vector<std::optional<Result<QueryResult>>> results(specs.size());
  const bool cached = cache != nullptr && cache->enabled();
  std::vector<SharedScan> scans;
  for (size_t index = 0; index < specs.size(); ++index) {
    const QuerySpec& spec = specs[index];
    // A range that overlaps or touches the scan's keeps its union one interval.
    auto same = std::find_if(scans.begin(), scans.end(), [&](const SharedScan& scan) {
      return SameScan(specs[scan.indexes.front()], spec) && spec.from_ms <= scan.to_ms && spec.to_ms >= scan.from_ms;
    });
    // Specs without filters share the block walk and, since a chunk's columns are gathered
    // once for every spec (chunk_gathers.h), their gathers too (docs/performance.md, "One
    // gather per column and chunk").
    if (cached || same == scans.end()) {
      SharedScan& scan = scans.emplace_back();
      scan.indexes.push_back(index);
      scan.from_ms = spec.from_ms;
      scan.to_ms = spec.to_ms;
    } else {
      same->indexes.push_back(index);
      same->from_ms = std::min(same->from_ms, spec.from_ms);
      same->to_ms = std::max(same->to_ms, spec.to_ms);
    }
  }
  size_t peak = 0;
  for (SharedScan& scan : scans) {
    if (scan.indexes.size() == 1) {
      results[scan.indexes.front()] = ExecuteQuery(specs[scan.indexes.front()], snapshot, cache);
    } else {
      peak = std::max(peak, RunShared(scan, specs, snapshot, results));
    }
  }
  // As ExecuteQuery: a big batch gives its groups' freed memory back to the system.
  if (peak >= kTrimAboveBytes) ::malloc_trim(0);
  std::vector<Result<QueryResult>> answers;
  answers.reserve(specs.size());
  for (auto& result : results) answers.push_back(std::move(*result));
  return answers;
}

}  // namespace mltrack::query
