#pragma once
// When a live subscription's next update may go (docs/api.md "Live"): on average at most one per
// `interval` (4 a second), bursts of up to `burst` back to back, and never two closer than `gap`.
// A generic cell rate algorithm (GCRA, the token bucket without tokens): each update moves a
// theoretical time on by one interval from max(itself, now), and an update may go once `now` is
// at most (burst − 1) intervals before it. Unlike "at most `burst` in any sliding window" (the
// rule before), an event that comes a little early after one that came late does not wait: events
// at exactly the cap's rate whose durable times jitter (fsync) are pushed at once (issue 12: the
// bench at 4 events/s had a p99 of ~250 ms from that wait alone). Not thread-safe: one per group,
// under the hub's mutex.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>

namespace mltrack::server::live {

class PushPacer {
 public:
  using Clock = std::chrono::steady_clock;

  PushPacer(Clock::duration interval, size_t burst, Clock::duration gap)
      : interval_(interval), burst_(std::max<size_t>(1, burst)), gap_(gap) {}

  // The earliest time the next update may go ({} when none went yet).
  Clock::time_point NextAllowed() const {
    if (!last_) return {};
    const Clock::time_point by_rate = theoretical_ - interval_ * static_cast<int64_t>(burst_ - 1);
    return std::max(*last_ + gap_, by_rate);
  }

  // Records an update sent at `now` (which must be ≥ NextAllowed()).
  void Pushed(Clock::time_point now) {
    theoretical_ = std::max(theoretical_, now) + interval_;
    last_ = now;
  }

 private:
  Clock::duration interval_;
  size_t burst_;
  Clock::duration gap_;
  Clock::time_point theoretical_{};  // when the next update would go at exactly one per interval
  std::optional<Clock::time_point> last_;
};

}  // namespace mltrack::server::live
