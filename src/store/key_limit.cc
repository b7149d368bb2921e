#include "store/key_limit.h"

#include <cmath>
#include <vector>

namespace mltrack::store {
namespace {

// Whether the memtable stores this tag / score (memtable.cc skips empty keys and values, NaN).
bool Stored(const std::pair<std::string, std::string>& tag) { return !tag.first.empty() && !tag.second.empty(); }
bool Stored(const std::pair<std::string, double>& score) { return !score.first.empty() && !std::isnan(score.second); }

template <typename Fn>
void ForEachKey(const Event& event, NewKeyLimit::Kind kind, Fn&& fn) {
  if (kind == NewKeyLimit::Kind::kTagKeys) {
    for (const auto& tag : event.tags) {
      if (Stored(tag)) fn(std::string_view(tag.first));
    }
  } else {
    for (const auto& score : event.scores) {
      if (Stored(score)) fn(std::string_view(score.first));
    }
  }
}

}  // namespace

NewKeyLimit::NewKeyLimit(Kind kind, const Dictionary& known, size_t limit, size_t group_entries)
    : kind_(kind), known_(known), limit_(limit), unchecked_(limit == 0 || known.size() + group_entries <= limit) {}

size_t NewKeyLimit::Entries(const EventBatch& batch, Kind kind) {
  size_t entries = 0;
  for (const Event& event : batch) ForEachKey(event, kind, [&](std::string_view) { ++entries; });
  return entries;
}

Status NewKeyLimit::Check(const EventBatch& batch) {
  checked_.clear();
  if (unchecked_) return Status::OK();
  const size_t known = known_.size();
  std::vector<std::string_view> fresh;
  std::unordered_set<std::string_view> seen;
  for (size_t event_idx = 0; event_idx < batch.size(); ++event_idx) {
    std::string_view over;
    ForEachKey(batch[event_idx], kind_, [&](std::string_view key) {
      if (!over.empty() || seen.count(key) > 0 || added_.count(std::string(key)) > 0 || known_.Find(key).has_value()) {
        return;
      }
      seen.insert(key);
      fresh.push_back(key);
      if (known + added_.size() + fresh.size() > limit_) over = key;
    });
    if (over.empty()) continue;
    const bool tags = kind_ == Kind::kTagKeys;
    const std::string what = tags ? "tag keys" : "score names";
    const std::string field = std::string(tags ? "tags." : "scores.") + std::string(over.substr(0, 128));
    const std::string reason = "a new " + std::string(tags ? "tag key" : "score name") + " past the store's limit of " +
                               std::to_string(limit_) + " distinct " + what + " (--max-tag-keys; the store has " +
                               std::to_string(known + added_.size()) + ")";
    return Status::InvalidArgument(
        "the batch would add more " + what + " than the store's limit of " + std::to_string(limit_) +
            " (--max-tag-keys); nothing was stored. Every " + (tags ? "tag key" : "score name") +
            " is a dimension: put ids and other unbounded values in tag values, not in keys",
        {ErrorDetail{static_cast<int64_t>(event_idx), field, reason}});
  }
  checked_.assign(fresh.begin(), fresh.end());
  return Status::OK();
}

void NewKeyLimit::Accept() {
  for (std::string& key : checked_) added_.insert(std::move(key));
  checked_.clear();
}

}  // namespace mltrack::store
