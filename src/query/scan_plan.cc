#include "query/scan_plan.h"

#include <algorithm>
#include <bit>

namespace mltrack::query {
namespace {

using Type = ColumnSource::Type;

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

}  // namespace

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
    Result<TimeBucketer> bucketer =
        MakeTimeBucketer(BucketWidth{spec.bucket_ms, spec.bucket_months}, spec.from_ms, spec.to_ms, spec.tz);
    if (!bucketer.ok()) return bucketer.status();
    plan.bucketer.emplace(std::move(bucketer).value());
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

uint64_t PartCode(const Plan& plan, const uint64_t* key, size_t part_idx) {
  if (!plan.packed) return key[part_idx];
  const unsigned shift = plan.parts[part_idx].shift;
  const unsigned next = part_idx + 1 < plan.parts.size() ? plan.parts[part_idx + 1].shift : 64;
  const unsigned width = next - shift;
  const uint64_t mask = width >= 64 ? ~uint64_t{0} : ((uint64_t{1} << width) - 1);
  return (key[0] >> shift) & mask;
}

bool FitsPart(const Plan& plan, size_t part_idx, uint64_t code) {
  if (!plan.packed) return true;
  const unsigned next = part_idx + 1 < plan.parts.size() ? plan.parts[part_idx + 1].shift : 64;
  const unsigned width = next - plan.parts[part_idx].shift;
  return width >= 64 || code < (uint64_t{1} << width);
}

void SetPartCode(const Plan& plan, size_t part_idx, uint64_t code, uint64_t* key) {
  if (plan.packed) {
    key[0] |= code << plan.parts[part_idx].shift;
  } else {
    key[part_idx] = code;
  }
}

Partial::Partial(const Plan& plan) : table(plan.key_words) {
  metrics = MakeAccumulators(plan.spec->metrics, *plan.snapshot);
  counts_only = !metrics.empty() && std::all_of(metrics.begin(), metrics.end(),
                                               [](const auto& metric) { return metric->counts_rows(); });
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

void MergePartial(Partial& into, Partial& from) {
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

}  // namespace mltrack::query
