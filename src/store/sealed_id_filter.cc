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
  // A counting sort by bucket (top 16 bits): one pass counts, one places each prefix's low bits
  // in its bucket, run after run; a bucket then holds one sorted piece per run (about 160 values
  // at 10M ids), sorted in place. O(n) and no merged copies of every prefix (a restart built
  // this with pairwise merges: 6 passes over 40 MB at 10M ids, each into new pages).
  std::shared_ptr<SealedIdFilter> filter(new SealedIdFilter(std::vector<uint32_t>{}));
  std::vector<uint32_t>& directory = filter->directory_;
  size_t total = 0;
  for (const std::vector<uint32_t>& run : runs) {
    total += run.size();
    for (uint32_t prefix : run) ++directory[(prefix >> kLowBits) + 1];
  }
  for (size_t bucket = 0; bucket < kBuckets; ++bucket) directory[bucket + 1] += directory[bucket];
  std::vector<uint32_t> cursor(directory.begin(), directory.end() - 1);
  filter->low_.resize(total);
  uint16_t* low = filter->low_.data();
  for (std::vector<uint32_t>& run : runs) {
    for (uint32_t prefix : run) low[cursor[prefix >> kLowBits]++] = static_cast<uint16_t>(prefix);
    std::vector<uint32_t>().swap(run);
  }
  if (runs.size() > 1) {
    for (size_t bucket = 0; bucket < kBuckets; ++bucket) std::sort(low + directory[bucket], low + directory[bucket + 1]);
  }
  return filter;
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
