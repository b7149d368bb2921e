#include "query/query_executor.h"

#include <atomic>
#include <bit>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "core/event.h"
#include "query/column_source.h"
#include "query/group_table.h"
#include "query/metric_accumulator.h"
#include "query/result_order.h"
#include "query/row_filter.h"
#include "query/time_bucket.h"

namespace mltrack::query {
namespace {

using Type = ColumnSource::Type;

// Rows below which a second thread costs more than it saves.
constexpr size_t kParallelMinRows = 1 << 17;

// One component of the group key: the time bucket or one group_by dimension.
struct KeyPart {
  bool is_bucket = false;
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
  static constexpr unsigned kDirectBits = 20;
  bool direct() const { return packed && key_bits <= kDirectBits; }
};

unsigned CodeBits(const ColumnSource& source) {
  switch (source.type) {
    case Type::kString:
    case Type::kTag: return std::max(1u, static_cast<unsigned>(std::bit_width(source.dictionary->size())));
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
  for (const FieldRef& field : spec.group_by) {
    KeyPart part;
    part.source = ResolveColumn(snapshot, field);
    part.shift = bits;
    bits += CodeBits(part.source);
    plan.parts.push_back(part);
  }
  plan.packed = bits <= 64;
  plan.key_bits = bits;
  plan.key_words = plan.packed ? 1 : plan.parts.size();
  return plan;
}

// Per-thread aggregation state.
struct Partial {
  explicit Partial(const Plan& plan) : table(plan.key_words) {
    for (const MetricSpec& metric : plan.spec->metrics) metrics.push_back(MakeAccumulator(metric, *plan.snapshot));
    if (plan.parts.empty()) {
      uint64_t zero_key[1] = {0};
      table.FindOrInsert(zero_key);  // the single group of an ungrouped query
      for (auto& metric : metrics) metric->Resize(1);
    }
  }

  GroupTable table;
  std::vector<std::unique_ptr<MetricAccumulator>> metrics;
  uint64_t scanned = 0;
  // Scratch reused across blocks.
  std::vector<uint32_t> rows;
  std::vector<uint32_t> groups;
  std::vector<uint64_t> codes;
  std::vector<uint64_t> keys;
  std::vector<uint32_t> direct;  // packed key → group + 1 (0 = not seen), when plan.direct()
};

void AssignGroups(const Plan& plan, const store::ColumnBlock& block, size_t count, Partial& partial) {
  const size_t parts = plan.parts.size();
  partial.codes.resize(count);
  partial.keys.assign(count * plan.key_words, 0);
  for (size_t part_idx = 0; part_idx < parts; ++part_idx) {
    const KeyPart& part = plan.parts[part_idx];
    uint64_t* codes = partial.codes.data();
    if (part.is_bucket) {
      for (size_t idx = 0; idx < count; ++idx) {
        codes[idx] = static_cast<uint64_t>(plan.bucketer->Index(block.ts[partial.rows[idx]]));
      }
    } else {
      GatherCode(part.source, block, partial.rows.data(), count, codes);
    }
    if (plan.packed) {
      for (size_t idx = 0; idx < count; ++idx) partial.keys[idx] |= codes[idx] << part.shift;
    } else {
      for (size_t idx = 0; idx < count; ++idx) partial.keys[idx * parts + part_idx] = codes[idx];
    }
  }
  partial.groups.resize(count);
  if (plan.direct()) {
    if (partial.direct.empty()) partial.direct.assign(size_t{1} << plan.key_bits, 0);
    uint32_t* direct = partial.direct.data();
    for (size_t idx = 0; idx < count; ++idx) {
      uint32_t& slot = direct[partial.keys[idx]];
      if (slot == 0) slot = partial.table.FindOrInsert(&partial.keys[idx]) + 1;
      partial.groups[idx] = slot - 1;
    }
  } else {
    for (size_t idx = 0; idx < count; ++idx) {
      partial.groups[idx] = partial.table.FindOrInsert(&partial.keys[idx * plan.key_words]);
    }
  }
  for (auto& metric : partial.metrics) metric->Resize(partial.table.size());
}

void ScanBlock(const Plan& plan, const store::ColumnBlock& block, Partial& partial) {
  const QuerySpec& spec = *plan.spec;
  partial.scanned += block.rows;
  partial.rows.resize(block.rows);
  uint32_t* rows = partial.rows.data();
  size_t count = 0;
  if (block.min_ts >= spec.from_ms && block.max_ts < spec.to_ms) {
    for (size_t row = 0; row < block.rows; ++row) rows[row] = static_cast<uint32_t>(row);
    count = block.rows;
  } else {
    for (size_t row = 0; row < block.rows; ++row) {
      const int64_t ts = block.ts[row];
      rows[count] = static_cast<uint32_t>(row);
      count += (ts >= spec.from_ms) & (ts < spec.to_ms);
    }
  }
  for (const RowFilter& filter : plan.filters) {
    if (count == 0) break;
    count = filter.Apply(block, rows, count);
  }
  if (count == 0) return;
  const uint32_t* groups = nullptr;
  if (!plan.parts.empty()) {
    AssignGroups(plan, block, count, partial);
    groups = partial.groups.data();
  }
  for (auto& metric : partial.metrics) metric->Update(block, rows, count, groups);
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

}  // namespace

Result<QueryResult> ExecuteQuery(const QuerySpec& spec, const store::TableSnapshot& snapshot) {
  const auto started = std::chrono::steady_clock::now();
  if (spec.metrics.empty()) return Status::InvalidArgument("query has no metrics", {{-1, "metrics", "must not be empty"}});
  Result<Plan> planned = MakePlan(spec, snapshot);
  if (!planned.ok()) return planned.status();
  const Plan& plan = *planned;

  std::vector<const store::ColumnBlock*> blocks;
  size_t rows_in_range = 0;
  for (const store::ColumnBlock& block : snapshot.blocks()) {
    if (block.rows == 0 || block.max_ts < spec.from_ms || block.min_ts >= spec.to_ms) continue;
    blocks.push_back(&block);
    rows_in_range += block.rows;
  }

  Partial main_partial(plan);
  if (blocks.size() >= 2 && rows_in_range >= kParallelMinRows && std::thread::hardware_concurrency() >= 2) {
    Partial helper_partial(plan);
    std::atomic<size_t> next_block{0};
    auto work = [&](Partial& partial) {
      for (size_t index = next_block++; index < blocks.size(); index = next_block++) {
        ScanBlock(plan, *blocks[index], partial);
      }
    };
    std::thread helper([&] { work(helper_partial); });
    work(main_partial);
    helper.join();
    MergePartial(plan, main_partial, helper_partial);
  } else {
    for (const store::ColumnBlock* block : blocks) ScanBlock(plan, *block, main_partial);
  }

  QueryResult result;
  if (HasBucket(spec)) result.columns.push_back("t");
  for (const FieldRef& field : spec.group_by) result.columns.push_back(field.Name());
  for (const MetricSpec& metric : spec.metrics) result.columns.push_back(metric.name);
  result.bucket_ms = spec.bucket_ms;
  result.bucket_months = spec.bucket_months;
  result.scanned = main_partial.scanned;

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
