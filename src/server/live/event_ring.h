#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/event.h"

namespace mltrack::server::live {

// The newest events appended since the server started, at most `capacity`, each with a sequence
// number (1, 2, … in append order). Where the live hub takes the `events` lists from. Not
// thread-safe: the hub guards it. Every durable batch passes through it on the appending thread,
// so a full ring overwrites its oldest slots in place: copy-assigning an Event reuses its
// strings' buffers, where a pop and a fresh copy cost ~7 malloc/free pairs per event.
class EventRing {
 public:
  explicit EventRing(size_t capacity) : capacity_(capacity) {}

  // Keeps the last `capacity` of the batch (older ones fall out first).
  void Append(const EventBatch& batch);
  // The sequence number of the newest event (0: none yet).
  uint64_t last_seq() const { return next_seq_ - 1; }
  // The sequence number of the oldest event kept (last_seq() + 1 when empty).
  uint64_t first_seq() const { return next_seq_ - slots_.size(); }

  // Up to `limit` events newest first with sequence > `after_seq` that `match` accepts; their
  // sequence numbers into `seqs` when given (same order).
  std::vector<Event> Newest(size_t limit, uint64_t after_seq, const std::function<bool(const Event&)>& match,
                            std::vector<uint64_t>* seqs = nullptr) const;

 private:
  const size_t capacity_;
  std::vector<Event> slots_;  // grows to capacity_, then a circle
  size_t newest_ = 0;         // slots_[newest_] has sequence next_seq_ − 1 (when not empty)
  uint64_t next_seq_ = 1;
};

}  // namespace mltrack::server::live
