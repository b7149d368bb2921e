#include "query/query_cache.h"

#include <bit>
#include <cstring>
#include <variant>

#include "query/time_bucket.h"

namespace mltrack::query {
namespace {

// Length-prefixed pieces, so that no two different specs encode to the same bytes.
void PutInt(std::string& out, uint64_t value) {
  char bytes[sizeof(value)];
  std::memcpy(bytes, &value, sizeof(value));
  out.append(bytes, sizeof(bytes));
}

void PutString(std::string& out, std::string_view text) {
  PutInt(out, text.size());
  out.append(text);
}

void PutField(std::string& out, const FieldRef& field) {
  PutInt(out, static_cast<uint64_t>(field.id));
  PutString(out, field.key);
}

}  // namespace

std::string CachePlanKey(const QuerySpec& spec) {
  std::string out;
  out.reserve(128);
  PutInt(out, spec.filters.size());
  for (const Filter& filter : spec.filters) {
    PutField(out, filter.field);
    PutInt(out, static_cast<uint64_t>(filter.op));
    PutInt(out, filter.exists ? 1 : 0);
    PutInt(out, filter.values.size());
    for (const FilterValue& value : filter.values) {
      PutInt(out, value.index());
      if (const auto* text = std::get_if<std::string>(&value)) PutString(out, *text);
      if (const auto* number = std::get_if<double>(&value))
        PutInt(out, std::bit_cast<uint64_t>(*number));
      if (const auto* flag = std::get_if<bool>(&value)) PutInt(out, *flag ? 1 : 0);
    }
  }
  PutInt(out, spec.group_by.size());
  for (size_t group_idx = 0; group_idx < spec.group_by.size(); ++group_idx) {
    PutField(out, spec.group_by[group_idx]);
    const GroupBin* bin = GroupBinOf(spec, group_idx);
    PutInt(out, bin ? 1 : 0);
    if (bin) {
      PutInt(out, static_cast<uint64_t>(bin->width_units));
      PutInt(out, static_cast<uint64_t>(bin->width_decimals));
    }
  }
  PutInt(out, static_cast<uint64_t>(spec.bucket_ms));
  PutInt(out, static_cast<uint64_t>(spec.bucket_months));
  // The zone moves bucket boundaries; without buckets it changes nothing (and "" = "UTC").
  PutString(out, HasBucket(spec) && !IsUtcName(spec.tz) ? std::string_view(spec.tz) : std::string_view());
  PutInt(out, spec.metrics.size());
  for (const MetricSpec& metric : spec.metrics) {
    PutInt(out, static_cast<uint64_t>(metric.kind));
    PutField(out, metric.field);
    PutString(out, metric.rate_of);
  }
  return out;
}

QueryCache::QueryCache(size_t capacity_bytes) : capacity_bytes_(capacity_bytes) {}

std::shared_ptr<const CachedPartial> QueryCache::Find(const std::string& key) {
  std::lock_guard lock(mu_);
  auto found = index_.find(key);
  if (found == index_.end()) {
    ++stats_.misses;
    return nullptr;
  }
  ++stats_.hits;
  lru_.splice(lru_.begin(), lru_, found->second);
  return found->second->value;
}

void QueryCache::Insert(const std::string& key, std::shared_ptr<const CachedPartial> value) {
  std::lock_guard lock(mu_);
  if (!value) return;
  const size_t charge = value->bytes + 2 * key.size() + sizeof(Entry) + 64;
  if (charge > capacity_bytes_ / 8) return;
  auto found = index_.find(key);
  if (found != index_.end()) {
    bytes_ -= found->second->charge;
    lru_.erase(found->second);
    index_.erase(found);
  }
  lru_.push_front(Entry{key, std::move(value), charge});
  index_.emplace(key, lru_.begin());
  bytes_ += charge;
  ++stats_.insertions;
  EvictLocked();
}

void QueryCache::SetCapacity(size_t capacity_bytes) {
  std::lock_guard lock(mu_);
  capacity_bytes_ = capacity_bytes;
  EvictLocked();
}

void QueryCache::Clear() {
  std::lock_guard lock(mu_);
  lru_.clear();
  index_.clear();
  bytes_ = 0;
}

void QueryCache::EvictLocked() {
  while (bytes_ > capacity_bytes_ && !lru_.empty()) {
    bytes_ -= lru_.back().charge;
    index_.erase(lru_.back().key);
    lru_.pop_back();
    ++stats_.evictions;
  }
}

QueryCache::Stats QueryCache::stats() const {
  std::lock_guard lock(mu_);
  Stats stats = stats_;
  stats.entries = lru_.size();
  stats.bytes = bytes_;
  stats.capacity_bytes = capacity_bytes_;
  return stats;
}

}  // namespace mltrack::query
