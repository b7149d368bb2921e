#include "query/query_executor.h"

#include <atomic>
#include <algorithm>
#include <bit>
#include <cmath>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/event.h"
#include "query/column_source.h"
#include "query/group_table.h"
#include "query/metric_accumulator.h"
#include "query/query_cache.h"
#include "query/result_order.h"
#include "query/row_filter.h"
#include "query/scan_pool.h"
#include "query/time_bucket.h"

namespace mltrack::query {
namespace {

using Type = ColumnSource::Type;

// Rows below which a second thread costs more than it saves.
constexpr size_t kParallelMinRows = 1 << 17;
// Rows processed together: every per-row scratch array of a chunk stays in L1.
constexpr size_t kChunkRows = 2048;
// A block whose in-range rows span at most this many time buckets maps ts to a bucket by
// comparisons with the bucket starts instead of a division per row.
constexpr int64_t kMaxBlockBuckets = 16;
// Bin windows (one bin group_by part) index groups directly over at most this many bins.
constexpr int64_t kMaxBinWindow = 1 << 16;

// One component of the group key: the time bucket, a group_by dimension or a measure's bin.
struct KeyPart {
  bool is_bucket = false;
  const GroupBin* bin = nullptr;
  ColumnSource source;
  unsigned shift = 0;  // bit offset in a packed key
};

// Everything resolved once per query against the snapshot. Immutable while scanning.
struct Plan {
  const QuerySpec* spec = nullptr;
  const store::TableSnapshot* snapshot = nullptr;
  std::vector<RowFilter> filters;
  std::optional<TimeBucketer> bucketer;
  std::vector<KeyPart> parts;
  bool packed = true;     // all parts fit one uint64 word
  size_t key_words = 1;
  unsigned key_bits = 0;  // total bits of a packed key
  // Packed keys of at most this many bits index a direct table instead of hashing.
  static constexpr unsigned kDirectBits = 16;
  bool direct() const { return packed && key_bits <= kDirectBits; }
  // A single bin part: groups come from a window over bin numbers.
  bool bin_window() const { return parts.size() == 1 && parts[0].bin != nullptr; }
};

unsigned CodeBits(const KeyPart& part) {
  if (part.bin) return 64;
  switch (part.source.type) {
    case Type::kString:
    case Type::kTag: return std::max(1u, static_cast<unsigned>(std::bit_width(part.source.dictionary->size())));
    case Type::kEnum: return 8;
    case Type::kBool: return 2;
    case Type::kHttpStatus: return 16;
    default: return 1;
  }
}

Result<Plan> MakePlan(const QuerySpec& spec, const store::TableSnapshot& snapshot) {
  Plan plan;
  plan.spec = &spec;
  plan.snapshot = &snapshot;
  for (const Filter& filter : spec.filters) {
    Result<RowFilter> compiled = RowFilter::Compile(filter, snapshot);
    if (!compiled.ok()) return compiled.status();
    plan.filters.push_back(std::move(compiled).value());
  }
  unsigned bits = 0;
  if (HasBucket(spec)) {
    plan.bucketer.emplace(BucketWidth{spec.bucket_ms, spec.bucket_months}, spec.from_ms);
    KeyPart part;
    part.is_bucket = true;
    const int64_t last = spec.to_ms > spec.from_ms ? plan.bucketer->Index(spec.to_ms - 1) : 0;
    part.shift = 0;
    bits = std::max(1u, static_cast<unsigned>(std::bit_width(static_cast<uint64_t>(std::max<int64_t>(last, 0)))));
    plan.parts.push_back(part);
  }
  for (size_t group_idx = 0; group_idx < spec.group_by.size(); ++group_idx) {
    KeyPart part;
    part.source = ResolveColumn(snapshot, spec.group_by[group_idx]);
    part.bin = GroupBinOf(spec, group_idx);
    part.shift = bits;
    bits += CodeBits(part);
    plan.parts.push_back(part);
  }
  plan.packed = bits <= 64;
  plan.key_bits = bits;
  plan.key_words = plan.packed ? 1 : plan.parts.size();
  return plan;
}

// Row numbers 0, 1, 2, …: the selection of a whole block that needs no filtering.
const uint32_t* Identity(size_t rows) {
  static const std::vector<uint32_t> identity = [] {
    std::vector<uint32_t> values(size_t{1} << 20);
    for (size_t idx = 0; idx < values.size(); ++idx) values[idx] = static_cast<uint32_t>(idx);
    return values;
  }();
  return rows <= identity.size() ? identity.data() : nullptr;
}

// Bin codes: 0 = absent, else zigzag(bin) + 1.
uint64_t BinCode(int64_t bin) {
  return ((static_cast<uint64_t>(bin) << 1) ^ static_cast<uint64_t>(bin >> 63)) + 1;
}
int64_t BinFromCode(uint64_t code) {
  const uint64_t zigzag = code - 1;
  return static_cast<int64_t>(zigzag >> 1) ^ -static_cast<int64_t>(zigzag & 1);
}

void GatherBinCodes(const GroupBin& bin, const ColumnSource& source, const store::ColumnBlock& block,
                    const uint32_t* rows, size_t count, double* values, uint64_t* codes) {
  GatherDouble(source, block, rows, count, values);
  if (GetFieldInfo(source.field).kind == FieldKind::kMoney) {
    // Money bins are in USD (the unit of the API), not the stored nano-USD.
    for (size_t idx = 0; idx < count; ++idx) values[idx] /= static_cast<double>(kNanoPerUsd);
  }
  if (bin.width_decimals == 0 && bin.width_units < (int64_t{1} << 30)) {
    // Integer width: bounds are exact products, so one division and an exact correction.
    const double width = static_cast<double>(bin.width_units);
    for (size_t idx = 0; idx < count; ++idx) {
      const double value = values[idx];
      if (std::isnan(value)) {
        codes[idx] = 0;
        continue;
      }
      double estimate = std::floor(value / width);
      if (!(std::fabs(estimate) < 4e15)) {
        codes[idx] = BinCode(bin.BinOf(value));
        continue;
      }
      estimate -= value < estimate * width ? 1 : 0;
      estimate += value >= (estimate + 1) * width ? 1 : 0;
      codes[idx] = BinCode(static_cast<int64_t>(estimate));
    }
    return;
  }
  for (size_t idx = 0; idx < count; ++idx) {
    codes[idx] = std::isnan(values[idx]) ? 0 : BinCode(bin.BinOf(values[idx]));
  }
}

// The time buckets of one block's in-range rows: first bucket and the starts of the next ones.
struct BlockBuckets {
  int64_t first = 0;
  int count = -1;  // boundaries used; -1 = too many buckets, map each row with Index()
  int64_t starts[kMaxBlockBuckets] = {};
};

BlockBuckets MakeBlockBuckets(const Plan& plan, const store::ColumnBlock& block) {
  BlockBuckets buckets;
  if (!plan.bucketer) return buckets;
  const QuerySpec& spec = *plan.spec;
  const int64_t first = plan.bucketer->Index(std::max(block.min_ts, spec.from_ms));
  const int64_t last = plan.bucketer->Index(std::min(block.max_ts, spec.to_ms - 1));
  buckets.first = first;
  if (last - first >= kMaxBlockBuckets) return buckets;
  buckets.count = static_cast<int>(last - first);
  for (int idx = 0; idx < buckets.count; ++idx) buckets.starts[idx] = plan.bucketer->Start(first + 1 + idx);
  return buckets;
}

// Per-thread aggregation state.
struct Partial {
  explicit Partial(const Plan& plan) : table(plan.key_words) {
    metrics = MakeAccumulators(plan.spec->metrics, *plan.snapshot);
    if (plan.parts.empty()) {
      uint64_t zero_key[1] = {0};
      table.FindOrInsert(zero_key);  // the single group of an ungrouped query
      for (auto& metric : metrics) metric->Resize(1);
    }
    rows.resize(kChunkRows);
    groups.resize(kChunkRows);
    codes.resize(kChunkRows);
    values.resize(kChunkRows);
  }

  GroupTable table;
  std::vector<std::unique_ptr<MetricAccumulator>> metrics;
  uint64_t scanned = 0;
  // Scratch reused across chunks.
  std::vector<uint32_t> rows;
  std::vector<uint32_t> groups;
  std::vector<uint64_t> codes;
  std::vector<double> values;
  std::vector<uint64_t> keys;
  std::vector<uint32_t> direct;  // packed key → group + 1 (0 = not seen), when plan.direct()
  // plan.bin_window(): bin (window_low + i) → group + 1; absent → absent_group + 1.
  std::vector<uint32_t> window;
  int64_t window_low = 0;
  uint32_t absent_group = 0;
};

void BucketCodes(const Plan& plan, const BlockBuckets& buckets, const store::ColumnBlock& block,
                 const uint32_t* rows, size_t count, uint64_t* codes) {
  if (buckets.count < 0) {
    for (size_t idx = 0; idx < count; ++idx) codes[idx] = static_cast<uint64_t>(plan.bucketer->Index(block.Ts(rows[idx])));
    return;
  }
  const uint64_t first = static_cast<uint64_t>(buckets.first);
  for (size_t idx = 0; idx < count; ++idx) codes[idx] = first;
  for (int bound = 0; bound < buckets.count; ++bound) {
    const int64_t start = buckets.starts[bound];
    for (size_t idx = 0; idx < count; ++idx) codes[idx] += block.Ts(rows[idx]) >= start;
  }
}

uint32_t WindowGroup(Partial& partial, uint64_t code) {
  if (code == 0) {
    if (partial.absent_group == 0) partial.absent_group = partial.table.FindOrInsert(&code) + 1;
    return partial.absent_group - 1;
  }
  const int64_t bin = BinFromCode(code);
  std::vector<uint32_t>& window = partial.window;
  if (window.empty()) {
    partial.window_low = bin;
    window.assign(1, 0);
  }
  int64_t offset = bin - partial.window_low;
  if (offset < 0 || offset >= static_cast<int64_t>(window.size())) {
    const int64_t low = std::min(partial.window_low, bin);
    const int64_t high = std::max(partial.window_low + static_cast<int64_t>(window.size()) - 1, bin);
    if (high - low >= kMaxBinWindow) return partial.table.FindOrInsert(&code);  // sparse: hash
    if (low < partial.window_low) window.insert(window.begin(), static_cast<size_t>(partial.window_low - low), 0);
    window.resize(static_cast<size_t>(high - low + 1), 0);
    partial.window_low = low;
    offset = bin - low;
  }
  uint32_t& slot = window[static_cast<size_t>(offset)];
  if (slot == 0) slot = partial.table.FindOrInsert(&code) + 1;
  return slot - 1;
}

void AssignGroups(const Plan& plan, const BlockBuckets& buckets, const store::ColumnBlock& block,
                  const uint32_t* rows, size_t count, Partial& partial) {
  const size_t parts = plan.parts.size();
  uint64_t* codes = partial.codes.data();
  uint32_t* groups = partial.groups.data();
  auto part_codes = [&](const KeyPart& part) {
    if (part.is_bucket) {
      BucketCodes(plan, buckets, block, rows, count, codes);
    } else if (part.bin) {
      GatherBinCodes(*part.bin, part.source, block, rows, count, partial.values.data(), codes);
    } else {
      GatherCode(part.source, block, rows, count, codes);
    }
  };
  if (plan.bin_window()) {
    part_codes(plan.parts[0]);
    for (size_t idx = 0; idx < count; ++idx) groups[idx] = WindowGroup(partial, codes[idx]);
  } else if (plan.direct()) {
    if (partial.direct.empty()) partial.direct.assign(size_t{1} << plan.key_bits, 0);
    // One part: its code is the key (a dictionary id indexes the group array directly).
    const uint64_t* keys = codes;
    if (parts == 1) {
      part_codes(plan.parts[0]);
    } else {
      partial.keys.assign(count, 0);
      uint64_t* packed = partial.keys.data();
      for (const KeyPart& part : plan.parts) {
        part_codes(part);
        for (size_t idx = 0; idx < count; ++idx) packed[idx] |= codes[idx] << part.shift;
      }
      keys = packed;
    }
    uint32_t* direct = partial.direct.data();
    const uint64_t direct_size = partial.direct.size();
    for (size_t idx = 0; idx < count; ++idx) {
      if (keys[idx] >= direct_size) {  // an id past the dictionary size seen at planning
        groups[idx] = partial.table.FindOrInsert(&keys[idx]);
        continue;
      }
      uint32_t& slot = direct[keys[idx]];
      if (slot == 0) slot = partial.table.FindOrInsert(&keys[idx]) + 1;
      groups[idx] = slot - 1;
    }
  } else {
    partial.keys.assign(count * plan.key_words, 0);
    uint64_t* keys = partial.keys.data();
    for (size_t part_idx = 0; part_idx < parts; ++part_idx) {
      const KeyPart& part = plan.parts[part_idx];
      part_codes(part);
      if (plan.packed) {
        for (size_t idx = 0; idx < count; ++idx) keys[idx] |= codes[idx] << part.shift;
      } else {
        for (size_t idx = 0; idx < count; ++idx) keys[idx * parts + part_idx] = codes[idx];
      }
    }
    for (size_t idx = 0; idx < count; ++idx) {
      groups[idx] = partial.table.FindOrInsert(&keys[idx * plan.key_words]);
    }
  }
  for (auto& metric : partial.metrics) metric->Resize(partial.table.size());
}

void ScanBlock(const Plan& plan, const store::ColumnBlock& block, Partial& partial) {
  const QuerySpec& spec = *plan.spec;
  partial.scanned += block.rows;
  const bool whole = block.min_ts >= spec.from_ms && block.max_ts < spec.to_ms;
  // A whole block without filters needs no selection vector: its rows are 0 … rows − 1.
  const uint32_t* identity = whole && plan.filters.empty() ? Identity(block.rows) : nullptr;
  const BlockBuckets buckets = MakeBlockBuckets(plan, block);
  for (size_t begin = 0; begin < block.rows; begin += kChunkRows) {
    const size_t end = std::min(begin + kChunkRows, block.rows);
    const uint32_t* rows;
    size_t count = 0;
    if (identity) {
      rows = identity + begin;
      count = end - begin;
    } else {
      uint32_t* selected = partial.rows.data();
      if (whole) {
        for (size_t row = begin; row < end; ++row) selected[count++] = static_cast<uint32_t>(row);
      } else {
        for (size_t row = begin; row < end; ++row) {
          const int64_t ts = block.Ts(row);
          selected[count] = static_cast<uint32_t>(row);
          count += (ts >= spec.from_ms) & (ts < spec.to_ms);
        }
      }
      for (const RowFilter& filter : plan.filters) {
        if (count == 0) break;
        count = filter.Apply(block, selected, count);
      }
      rows = selected;
    }
    if (count == 0) continue;
    const uint32_t* groups = nullptr;
    if (!plan.parts.empty()) {
      AssignGroups(plan, buckets, block, rows, count, partial);
      groups = partial.groups.data();
    }
    for (auto& metric : partial.metrics) metric->Update(block, rows, count, groups);
  }
}

// Folds `from` into `into`.
void MergePartial(const Plan& plan, Partial& into, Partial& from) {
  std::vector<uint32_t> group_map(from.table.size());
  for (size_t group = 0; group < from.table.size(); ++group) {
    group_map[group] = into.table.FindOrInsert(from.table.key(group));
  }
  for (size_t metric = 0; metric < into.metrics.size(); ++metric) {
    into.metrics[metric]->Resize(into.table.size());
    into.metrics[metric]->Merge(*from.metrics[metric], group_map.data());
  }
  into.scanned += from.scanned;
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

uint64_t PartCode(const Plan& plan, const uint64_t* key, size_t part_idx) {
  if (!plan.packed) return key[part_idx];
  const unsigned shift = plan.parts[part_idx].shift;
  const unsigned next = part_idx + 1 < plan.parts.size() ? plan.parts[part_idx + 1].shift : 64;
  const unsigned width = next - shift;
  const uint64_t mask = width >= 64 ? ~uint64_t{0} : ((uint64_t{1} << width) - 1);
  return (key[0] >> shift) & mask;
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
      if (plan.packed) {
        key[0] |= code << plan.parts[part_idx].shift;
      } else {
        key[part_idx] = code;
      }
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
      MergePartial(plan, *partials[0], *partials[worker]);
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
