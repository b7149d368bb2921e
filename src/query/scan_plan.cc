#include "query/scan_plan.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <variant>

#include "query/limit_guard.h"
#include "store/dictionary.h"
#include "store/string_filter.h"

namespace mltrack::query {
namespace {

using Type = ColumnSource::Type;

// Dense parts of more values than this keep their dictionary ids.
constexpr size_t kMaxDenseIds = 4096;

unsigned CodeBits(const KeyPart& part) {
  if (part.bin) return 64;
  if (part.dense) return std::max(1u, static_cast<unsigned>(std::bit_width(part.dense->id_of.size() - 1)));
  switch (part.source.type) {
    case Type::kString:
    case Type::kTag: return std::max(1u, static_cast<unsigned>(std::bit_width(part.source.dictionary->size())));
    case Type::kEnum: return 8;
    case Type::kBool: return 2;
    case Type::kHttpStatus: return 16;
    default: return 1;
  }
}

// The dense ids of group field `field` (resolved to `source`) when a filter of `spec` keeps only
// listed values of it (eq, in) and that takes fewer bits than its dictionary; null otherwise.
std::shared_ptr<const DenseIds> DenseIdsOf(const QuerySpec& spec, const FieldRef& field, const ColumnSource& source) {
  if ((source.type != Type::kString && source.type != Type::kTag) || source.dictionary == nullptr ||
      (source.type == Type::kString && store::IsLocalStringField(field.id))) {
    return nullptr;
  }
  for (const Filter& filter : spec.filters) {
    if (!(filter.field == field) || IsKeyedBound(filter) ||
        (filter.op != FilterOp::kEq && filter.op != FilterOp::kIn) || filter.values.size() > kMaxDenseIds) {
      continue;
    }
    std::vector<uint32_t> ids;
    for (const FilterValue& value : filter.values) {
      const auto* text = std::get_if<std::string>(&value);
      if (text == nullptr) return nullptr;
      if (const std::optional<uint32_t> id = source.dictionary->Find(*text); id && *id != store::kAbsentId) {
        ids.push_back(*id);
      }
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    const size_t dictionary_bits = std::bit_width(source.dictionary->size());
    if (static_cast<size_t>(std::bit_width(ids.size())) >= dictionary_bits) return nullptr;
    auto dense = std::make_shared<DenseIds>();
    dense->code_of.assign(ids.empty() ? 1 : size_t{ids.back()} + 1, 0);
    dense->id_of.push_back(store::kAbsentId);
    for (const uint32_t id : ids) {
      dense->code_of[id] = static_cast<uint32_t>(dense->id_of.size());
      dense->id_of.push_back(id);
    }
    return dense;
  }
  return nullptr;
}

// Filters on local string fields with at most this many literals consult the blocks' string
// filters (store/string_filter.h) before their strings are interned.
constexpr size_t kMaxProbedLiterals = 16;

// Interns (store::TableSnapshot::LocalDictionary) the strings of the local string fields that
// `spec` names (trace_id, input_hash) for the blocks of its range only — not every value of the
// table, which a first query by trace used to intern (issue 17: +27 B/event). A block in which an
// eq/in filter on a local field can match no row (its string filter excludes every literal) is
// left out too: the field reads as absent there, and that filter keeps none of its rows anyway.
// Stops early (leaving columns un-interned) when `guard` says the query is past its deadline:
// the caller checks guard->Stopped() before reading anything.
void ArmLocalFields(const QuerySpec& spec, const store::TableSnapshot& snapshot, LimitGuard* guard) {
  auto names = [&](FieldId id) {
    for (const Filter& filter : spec.filters) {
      if (filter.field.id == id || (filter.by && filter.by->id == id)) return true;
    }
    for (const FieldRef& field : spec.group_by) {
      if (field.id == id) return true;
    }
    for (const MetricSpec& metric : spec.metrics) {
      if (metric.field.id == id) return true;
    }
    return false;
  };
  std::vector<const Filter*> probed;
  for (const Filter& filter : spec.filters) {
    if (store::IsLocalStringField(filter.field.id) && !IsKeyedBound(filter) &&
        (filter.op == FilterOp::kEq || filter.op == FilterOp::kIn) && filter.values.size() <= kMaxProbedLiterals &&
        std::all_of(filter.values.begin(), filter.values.end(),
                    [](const FilterValue& value) { return std::holds_alternative<std::string>(value); })) {
      probed.push_back(&filter);
    }
  }
  std::function<bool(const store::ColumnBlock&)> keep;
  if (!probed.empty()) {
    keep = [&probed](const store::ColumnBlock& block) {
      for (const Filter* filter : probed) {
        if (std::none_of(filter->values.begin(), filter->values.end(), [&](const FilterValue& value) {
              return store::BlockMayContain(block, filter->field.id, std::get<std::string>(value));
            })) {
          return false;
        }
      }
      return true;
    };
  }
  std::function<bool()> stop;
  if (guard != nullptr) stop = [guard] { return guard->CheckDeadline(); };
  for (FieldId id : {FieldId::kTraceId, FieldId::kInputHash}) {
    if (names(id)) snapshot.LocalDictionary(id, spec.from_ms, spec.to_ms, keep, stop);
  }
}

}  // namespace

Result<Plan> MakePlan(const QuerySpec& spec, const store::TableSnapshot& snapshot, LimitGuard* guard) {
  Plan plan;
  plan.spec = &spec;
  plan.snapshot = &snapshot;
  plan.guard = guard;
  ArmLocalFields(spec, snapshot, guard);
  if (guard != nullptr && guard->Stopped()) return guard->status();
  size_t filter_bytes = 0;
  for (const Filter& filter : spec.filters) {
    if (guard != nullptr && guard->CheckDeadline()) return guard->status();
    Result<RowFilter> compiled = RowFilter::Compile(filter, snapshot);
    if (!compiled.ok()) return compiled.status();
    filter_bytes += compiled->MemoryBytes();
    plan.filters.push_back(std::move(compiled).value());
    if (guard != nullptr && guard->CheckMemory(filter_bytes, "the filters' lookup tables")) return guard->status();
  }
  if (std::any_of(spec.metrics.begin(), spec.metrics.end(),
                  [](const MetricSpec& metric) { return metric.kind == AggregateKind::kDays; })) {
    Result<TimeBucketer> days = MakeTimeBucketer(BucketWidth{86'400'000, 0}, spec.from_ms, spec.to_ms, spec.tz);
    if (!days.ok()) return days.status();
    plan.days.emplace(DayGrid{std::move(days).value(), spec.from_ms, spec.to_ms});
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
    if (!part.bin) part.dense = DenseIdsOf(spec, spec.group_by[group_idx], part.source);
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
  const DenseIds* dense = plan.parts[part_idx].dense.get();
  if (!plan.packed) return dense ? dense->id_of[key[part_idx]] : key[part_idx];
  const unsigned shift = plan.parts[part_idx].shift;
  const unsigned next = part_idx + 1 < plan.parts.size() ? plan.parts[part_idx + 1].shift : 64;
  const unsigned width = next - shift;
  const uint64_t mask = width >= 64 ? ~uint64_t{0} : ((uint64_t{1} << width) - 1);
  const uint64_t code = (key[0] >> shift) & mask;
  return dense ? dense->id_of[code] : code;
}

bool FitsPart(const Plan& plan, size_t part_idx, uint64_t code) {
  if (const DenseIds* dense = plan.parts[part_idx].dense.get()) return dense->Kept(code);
  if (!plan.packed) return true;
  const unsigned next = part_idx + 1 < plan.parts.size() ? plan.parts[part_idx + 1].shift : 64;
  const unsigned width = next - plan.parts[part_idx].shift;
  return width >= 64 || code < (uint64_t{1} << width);
}

void SetPartCode(const Plan& plan, size_t part_idx, uint64_t code, uint64_t* key) {
  if (const DenseIds* dense = plan.parts[part_idx].dense.get()) code = dense->Code(code);
  if (plan.packed) {
    key[0] |= code << plan.parts[part_idx].shift;
  } else {
    key[part_idx] = code;
  }
}

Partial::Partial(const Plan& plan) : table(plan.key_words) {
  metrics = MakeAccumulators(plan.spec->metrics, *plan.snapshot, plan.days ? &*plan.days : nullptr);
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
  if (from.bin_out_of_range > into.bin_out_of_range) {
    into.bin_out_of_range = from.bin_out_of_range;
    into.bin_out_of_range_part = from.bin_out_of_range_part;
  }
}

size_t PartialBytes(const Partial& partial) {
  size_t bytes = partial.table.MemoryBytes() + (partial.direct.capacity() + partial.window.capacity()) * sizeof(uint32_t);
  for (const auto& metric : partial.metrics) bytes += metric->MemoryBytes();
  return bytes;
}

}  // namespace mltrack::query
