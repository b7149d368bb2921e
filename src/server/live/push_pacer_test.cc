#include "server/live/push_pacer.h"

#include <gtest/gtest.h>

#include <vector>

namespace mltrack::server::live {
namespace {

using namespace std::chrono_literals;
using Clock = PushPacer::Clock;

// Sends an update for each event as soon as the pacer allows; returns each event's wait.
std::vector<Clock::duration> Waits(PushPacer& pacer, const std::vector<Clock::duration>& arrivals) {
  const Clock::time_point start{1h};
  std::vector<Clock::duration> waits;
  Clock::time_point last_sent = start - 1h;
  for (Clock::duration arrival : arrivals) {
    Clock::time_point at = std::max(start + arrival, last_sent);
    const Clock::time_point sent = std::max(at, pacer.NextAllowed());
    pacer.Pushed(sent);
    last_sent = sent;
    waits.push_back(sent - (start + arrival));
  }
  return waits;
}

TEST(PushPacerTest, EventsAtTheCapsRateWithJitterAreNotHeldBack) {
  // 4 a second, every eighth event's durable time 200 ms late (a slow fsync). Under "at most 4 in
  // any second" the fourth event after a late one waited out the rest of its window (200 ms).
  PushPacer pacer(250ms, 4, 50ms);
  std::vector<Clock::duration> arrivals;
  for (int n = 0; n < 40; ++n) arrivals.push_back(n * 250ms + (n % 8 == 0 ? 200ms : 0ms));
  for (Clock::duration wait : Waits(pacer, arrivals)) EXPECT_EQ(wait, 0ms);
}

TEST(PushPacerTest, ABurstGoesAtTheGapThenOnePerInterval) {
  PushPacer pacer(250ms, 4, 50ms);
  const std::vector<Clock::duration> waits = Waits(pacer, std::vector<Clock::duration>(7, 0ms));
  // Four back to back (50 ms apart), then the average rate: 250 ms per update from the first.
  EXPECT_EQ(waits, (std::vector<Clock::duration>{0ms, 50ms, 100ms, 150ms, 250ms, 500ms, 750ms}));
}

TEST(PushPacerTest, BurstOneIsAFixedMinimumSpacing) {
  PushPacer pacer(250ms, 1, 50ms);
  EXPECT_EQ(Waits(pacer, {0ms, 100ms, 200ms, 800ms}), (std::vector<Clock::duration>{0ms, 150ms, 300ms, 0ms}));
}

TEST(PushPacerTest, OverAnyLongStretchTheAverageIsTheCap) {
  PushPacer pacer(250ms, 4, 50ms);
  // 100 events 10 ms apart: a burst of 4, then one per 250 ms; the last goes at 96 × 250 ms.
  const std::vector<Clock::duration> waits = Waits(pacer, [] {
    std::vector<Clock::duration> arrivals;
    for (int n = 0; n < 100; ++n) arrivals.push_back(n * 10ms);
    return arrivals;
  }());
  EXPECT_EQ(waits.back(), 96 * 250ms - 990ms);
}

}  // namespace
}  // namespace mltrack::server::live
