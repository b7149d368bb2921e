#include "store/sealed_id_filter.h"

#include <algorithm>

namespace mltrack::store {

SealedIdFilter::SealedIdFilter(const std::vector<uint32_t>& sorted) {
  low_.reserve(sorted.size());
  directory_.assign(kBuckets + 1, 0);
  size_t index = 0;
  for (size_t bucket = 0; bucket < kBuckets; ++bucket) {
    directory_[bucket] = static_cast<uint32_t>(index);
    for (; index < sorted.size() && (sorted[index] >> kLowBits) == bucket; ++index) {
      low_.push_back(static_cast<uint16_t>(sorted[index]));
    }
  }
  directory_.back() = static_cast<uint32_t>(sorted.size());
}

std::vector<uint32_t> SealedIdFilter::Prefixes() const {
  std::vector<uint32_t> prefixes;
  prefixes.reserve(low_.size());
  for (size_t bucket = 0; bucket < kBuckets; ++bucket) {
    for (uint32_t index = directory_[bucket]; index < directory_[bucket + 1]; ++index) {
      prefixes.push_back(static_cast<uint32_t>(bucket) << kLowBits | low_[index]);
    }
  }
  return prefixes;
}

std::shared_ptr<const SealedIdFilter> SealedIdFilter::Build(std::vector<uint32_t> prefixes) {
  std::sort(prefixes.begin(), prefixes.end());
  return std::shared_ptr<const SealedIdFilter>(new SealedIdFilter(prefixes));
}

std::shared_ptr<const SealedIdFilter> SealedIdFilter::BuildFromSortedRuns(std::vector<std::vector<uint32_t>> runs) {
  // Pairwise merges: O(n log runs), no sort.
  while (runs.size() > 1) {
    std::vector<std::vector<uint32_t>> next;
    for (size_t index = 0; index + 1 < runs.size(); index += 2) {
      std::vector<uint32_t> merged(runs[index].size() + runs[index + 1].size());
      std::merge(runs[index].begin(), runs[index].end(), runs[index + 1].begin(), runs[index + 1].end(), merged.begin());
      next.push_back(std::move(merged));
    }
    if (runs.size() % 2 == 1) next.push_back(std::move(runs.back()));
    runs = std::move(next);
  }
  std::vector<uint32_t> sorted = runs.empty() ? std::vector<uint32_t>{} : std::move(runs[0]);
  return std::shared_ptr<const SealedIdFilter>(new SealedIdFilter(sorted));
}

bool SealedIdFilter::MayContain(const IdKey& key) const {
  const uint32_t prefix = IdPrefix(key);
  const size_t bucket = prefix >> kLowBits;
  const auto begin = low_.begin() + directory_[bucket];
  const auto end = low_.begin() + directory_[bucket + 1];
  return std::binary_search(begin, end, static_cast<uint16_t>(prefix));  // sorted within a bucket
}

std::shared_ptr<const SealedIdFilter> SealedIdFilter::Merge(std::vector<uint32_t> added) const {
  std::sort(added.begin(), added.end());
  const std::vector<uint32_t> prefixes = Prefixes();
  std::vector<uint32_t> merged;
  merged.reserve(prefixes.size() + added.size());
  std::merge(prefixes.begin(), prefixes.end(), added.begin(), added.end(), std::back_inserter(merged));
  return std::shared_ptr<const SealedIdFilter>(new SealedIdFilter(merged));
}

std::shared_ptr<const SealedIdFilter> SealedIdFilter::Remove(std::vector<uint32_t> removed) const {
  std::sort(removed.begin(), removed.end());
  const std::vector<uint32_t> prefixes = Prefixes();
  std::vector<uint32_t> kept;
  kept.reserve(prefixes.size());
  std::set_difference(prefixes.begin(), prefixes.end(), removed.begin(), removed.end(), std::back_inserter(kept));
  return std::shared_ptr<const SealedIdFilter>(new SealedIdFilter(kept));
}

}  // namespace mltrack::store
