#pragma once
// The cap on distinct tag keys and score names of a store (StoreOptions::max_tag_keys). Every
// tag key and score name is a dimension with its own dictionary and columns; a client that puts
// an id into a key ("t<request id>": "v") would otherwise add one per event without bound.

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "store/dictionary.h"

namespace mltrack::store {

// Admits the batches of one group commit in order while the keys they add (to `known`, the
// store's tag-key or score-name dictionary, plus those of batches admitted before) stay within
// `limit`. Used by the commit leader only. Not thread-safe.
class NewKeyLimit {
 public:
  enum class Kind { kTagKeys, kScoreNames };
  // `limit` 0 = no limit. `group_entries`: the tags (or scores) of the whole group, an upper
  // bound of the keys it can add; when known keys plus that fit, Check has nothing to check.
  NewKeyLimit(Kind kind, const Dictionary& known, size_t limit, size_t group_entries);

  // OK when the batch's new keys fit, or InvalidArgument naming the first event and key past the
  // limit, the limit and the flag that sets it. The keys count for later batches only after
  // Accept() (when the batch is kept).
  Status Check(const EventBatch& batch);
  // Counts the new keys of the batch Check() last passed.
  void Accept();

  // The tags (kTagKeys) or scores (kScoreNames) of `batch` that the memtable stores.
  static size_t Entries(const EventBatch& batch, Kind kind);

 private:
  const Kind kind_;
  const Dictionary& known_;
  const size_t limit_;
  const bool unchecked_;
  std::unordered_set<std::string> added_;  // new keys of accepted batches
  std::vector<std::string> checked_;       // new keys of the batch Check() last passed
};

}  // namespace mltrack::store
