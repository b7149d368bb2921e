#include "server/live/event_ring.h"

#include <gtest/gtest.h>

namespace mltrack::server::live {
namespace {

EventBatch Batch(int first, int count) {
  EventBatch batch;
  for (int event_idx = first; event_idx < first + count; ++event_idx) {
    Event event;
    event.ts_ms = 946'684'800'000 + event_idx;
    event.user = event_idx % 2 == 0 ? "even" : "odd";
    batch.push_back(event);
  }
  return batch;
}

std::vector<int64_t> Offsets(const std::vector<Event>& events) {
  std::vector<int64_t> out;
  for (const Event& event : events) out.push_back(event.ts_ms - 946'684'800'000);
  return out;
}

const auto kAll = [](const Event&) { return true; };

TEST(EventRing, KeepsTheNewestUpToCapacity) {
  EventRing ring(4);
  EXPECT_EQ(ring.last_seq(), 0u);
  ring.Append(Batch(0, 3));
  ring.Append(Batch(3, 3));
  EXPECT_EQ(ring.last_seq(), 6u);
  EXPECT_EQ(Offsets(ring.Newest(10, 0, kAll)), (std::vector<int64_t>{5, 4, 3, 2}));
  EXPECT_EQ(Offsets(ring.Newest(2, 0, kAll)), (std::vector<int64_t>{5, 4}));
  // A batch larger than the ring keeps its tail only, and still counts every event.
  ring.Append(Batch(6, 10));
  EXPECT_EQ(ring.last_seq(), 16u);
  EXPECT_EQ(Offsets(ring.Newest(10, 0, kAll)), (std::vector<int64_t>{15, 14, 13, 12}));
}

TEST(EventRing, NewerThanASequenceAndMatching) {
  EventRing ring(100);
  ring.Append(Batch(0, 10));
  EXPECT_EQ(Offsets(ring.Newest(10, 7, kAll)), (std::vector<int64_t>{9, 8, 7}));  // sequences 10, 9, 8
  EXPECT_TRUE(ring.Newest(10, 10, kAll).empty());
  const auto even = [](const Event& event) { return event.user == "even"; };
  EXPECT_EQ(Offsets(ring.Newest(3, 0, even)), (std::vector<int64_t>{8, 6, 4}));
}

// A full ring overwrites its oldest slots in place: after wrapping around several times the
// newest events come back newest first, each exactly as appended (no field of the old one left).
TEST(EventRing, WrapsAroundManyTimesInPlace) {
  EventRing ring(5);
  for (int first = 0; first < 23; first += 2) {
    EventBatch batch = Batch(first, 2);
    if (first == 20) batch[1].tags = {{"env", "prod"}};
    ring.Append(batch);
  }
  EXPECT_EQ(ring.last_seq(), 24u);
  const std::vector<Event> newest = ring.Newest(10, 0, kAll);
  EXPECT_EQ(Offsets(newest), (std::vector<int64_t>{23, 22, 21, 20, 19}));
  EXPECT_EQ(newest[0].user, "odd");
  EXPECT_TRUE(newest[0].tags.empty());
  EXPECT_EQ(newest[2].tags.size(), 1u);
  EXPECT_EQ(Offsets(ring.Newest(10, 21, kAll)), (std::vector<int64_t>{23, 22, 21}));
}

TEST(EventRing, ZeroCapacityOnlyCounts) {
  EventRing ring(0);
  ring.Append(Batch(0, 3));
  EXPECT_EQ(ring.last_seq(), 3u);
  EXPECT_TRUE(ring.Newest(10, 0, kAll).empty());
}

}  // namespace
}  // namespace mltrack::server::live
