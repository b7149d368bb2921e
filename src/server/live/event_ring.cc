#include "server/live/event_ring.h"

namespace mltrack::server::live {

void EventRing::Append(const EventBatch& batch) {
  const size_t skip = batch.size() > capacity_ ? batch.size() - capacity_ : 0;
  for (size_t event_idx = skip; event_idx < batch.size(); ++event_idx) {
    if (events_.size() == capacity_) events_.pop_front();
    events_.push_back(batch[event_idx]);
  }
  next_seq_ += batch.size();
}

std::vector<Event> EventRing::Newest(size_t limit, uint64_t after_seq,
                                     const std::function<bool(const Event&)>& match) const {
  std::vector<Event> out;
  uint64_t seq = next_seq_ - 1;
  for (auto it = events_.rbegin(); it != events_.rend() && out.size() < limit && seq > after_seq; ++it, --seq) {
    if (match(*it)) out.push_back(*it);
  }
  return out;
}

}  // namespace mltrack::server::live
