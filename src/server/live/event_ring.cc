#include "server/live/event_ring.h"

namespace mltrack::server::live {

void EventRing::Append(const EventBatch& batch) {
  if (capacity_ == 0) {
    next_seq_ += batch.size();
    return;
  }
  const size_t skip = batch.size() > capacity_ ? batch.size() - capacity_ : 0;
  for (size_t event_idx = skip; event_idx < batch.size(); ++event_idx) {
    if (slots_.size() < capacity_) {
      slots_.push_back(batch[event_idx]);
      newest_ = slots_.size() - 1;
    } else {
      newest_ = (newest_ + 1) % capacity_;
      slots_[newest_] = batch[event_idx];
    }
  }
  next_seq_ += batch.size();
}

std::vector<Event> EventRing::Newest(size_t limit, uint64_t after_seq,
                                     const std::function<bool(const Event&)>& match,
                                     std::vector<uint64_t>* seqs) const {
  std::vector<Event> out;
  if (seqs != nullptr) seqs->clear();
  uint64_t seq = next_seq_ - 1;
  for (size_t seen = 0; seen < slots_.size() && out.size() < limit && seq > after_seq; ++seen, --seq) {
    const Event& event = slots_[(newest_ + slots_.size() - seen) % slots_.size()];
    if (!match(event)) continue;
    out.push_back(event);
    if (seqs != nullptr) seqs->push_back(seq);
  }
  return out;
}

}  // namespace mltrack::server::live
