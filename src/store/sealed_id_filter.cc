#include "store/sealed_id_filter.h"

#include <algorithm>
#include <bit>

namespace mltrack::store {

SealedIdFilter::SealedIdFilter(std::vector<uint32_t> sorted) : prefixes_(std::move(sorted)) {
  // About one prefix per bucket, between 2^8 and 2^24 buckets.
  unsigned bits = std::clamp<unsigned>(std::bit_width(prefixes_.size()), 8, 24);
  shift_ = 32 - bits;
  directory_.assign((size_t{1} << bits) + 1, 0);
  size_t index = 0;
  for (size_t bucket = 0; bucket < (size_t{1} << bits); ++bucket) {
    directory_[bucket] = static_cast<uint32_t>(index);
    while (index < prefixes_.size() && (prefixes_[index] >> shift_) == bucket) ++index;
  }
  directory_.back() = static_cast<uint32_t>(prefixes_.size());
}

std::shared_ptr<const SealedIdFilter> SealedIdFilter::Build(std::vector<uint32_t> prefixes) {
  std::sort(prefixes.begin(), prefixes.end());
  return std::shared_ptr<const SealedIdFilter>(new SealedIdFilter(std::move(prefixes)));
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
  return std::shared_ptr<const SealedIdFilter>(new SealedIdFilter(std::move(sorted)));
}

bool SealedIdFilter::MayContain(const IdKey& key) const {
  const uint32_t prefix = IdPrefix(key);
  const size_t bucket = prefix >> shift_;
  for (uint32_t index = directory_[bucket]; index < directory_[bucket + 1]; ++index) {
    if (prefixes_[index] == prefix) return true;
  }
  return false;
}

std::shared_ptr<const SealedIdFilter> SealedIdFilter::Merge(std::vector<uint32_t> added) const {
  std::sort(added.begin(), added.end());
  std::vector<uint32_t> merged;
  merged.reserve(prefixes_.size() + added.size());
  std::merge(prefixes_.begin(), prefixes_.end(), added.begin(), added.end(), std::back_inserter(merged));
  return std::shared_ptr<const SealedIdFilter>(new SealedIdFilter(std::move(merged)));
}

std::shared_ptr<const SealedIdFilter> SealedIdFilter::Remove(std::vector<uint32_t> removed) const {
  std::sort(removed.begin(), removed.end());
  std::vector<uint32_t> kept;
  kept.reserve(prefixes_.size());
  std::set_difference(prefixes_.begin(), prefixes_.end(), removed.begin(), removed.end(), std::back_inserter(kept));
  return std::shared_ptr<const SealedIdFilter>(new SealedIdFilter(std::move(kept)));
}

}  // namespace mltrack::store
