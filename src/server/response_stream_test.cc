#include "server/response_stream.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace mltrack::server {
namespace {

using Item = ResponseStream::Item;

TEST(ResponseStream, ItemsComeInOrderAndWakeTheConsumer) {
  ResponseStream stream;
  std::vector<Item> items;
  int wakes = 0;
  EXPECT_FALSE(stream.Take(items, [&wakes] { ++wakes; }));
  stream.Start({200, "text/event-stream", {{"X-Request-Id", "r1"}}});
  EXPECT_EQ(wakes, 1);
  stream.Write("data: a\n\n");
  stream.Write("");  // dropped
  stream.Write("data: b\n\n");
  EXPECT_EQ(wakes, 1);  // a wake is used once
  EXPECT_EQ(stream.pending_bytes(), 18u);
  stream.Finish();
  stream.Write("late");  // after the end: dropped
  ASSERT_TRUE(stream.Take(items, [] {}));
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0].kind, Item::Kind::kHead);
  EXPECT_EQ(items[0].head.status, 200);
  EXPECT_EQ(items[0].head.headers.at(0).second, "r1");
  EXPECT_EQ(items[1].piece, "data: a\n\n");
  EXPECT_EQ(items[2].piece, "data: b\n\n");
  EXPECT_EQ(items[3].kind, Item::Kind::kEnd);
}

TEST(ResponseStream, ClientGoneStopsTheProducerAndEndsTheConsumer) {
  ResponseStream stream;
  int gone = 0;
  stream.OnClientGone([&gone] { ++gone; });
  std::vector<Item> items;
  bool woken = false;
  EXPECT_FALSE(stream.Take(items, [&woken] { woken = true; }));
  stream.ClientGone();
  EXPECT_EQ(gone, 1);
  EXPECT_TRUE(woken);
  EXPECT_TRUE(stream.client_gone());
  stream.Write("dropped");
  ASSERT_TRUE(stream.Take(items, [] {}));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, Item::Kind::kAbort);  // never a wait for a producer that stopped
  stream.ClientGone();
  EXPECT_EQ(gone, 1);
  int late = 0;
  stream.OnClientGone([&late] { ++late; });  // set after the fact: runs at once
  EXPECT_EQ(late, 1);
}

TEST(ResponseStream, DestroyedConsumerIsNotWoken) {
  ResponseStream stream;
  std::vector<Item> items;
  bool woken = false;
  EXPECT_FALSE(stream.Take(items, [&woken] { woken = true; }));
  stream.ClientGone(/*wake_consumer=*/false);
  EXPECT_FALSE(woken);
}

TEST(ResponseStream, BackPressure) {
  ResponseStream stream;
  stream.Start({200, "application/json", {}});
  stream.Write(std::string(100, 'x'));
  int resumed = 0;
  stream.WhenBelow(50, [&resumed] { ++resumed; });
  EXPECT_EQ(resumed, 0);
  stream.Sent(40);
  EXPECT_EQ(resumed, 0);
  stream.Sent(20);
  EXPECT_EQ(resumed, 1);
  stream.WhenBelow(50, [&resumed] { ++resumed; });  // already below: at once
  EXPECT_EQ(resumed, 2);
  stream.Write(std::string(100, 'x'));
  stream.WhenBelow(50, [&resumed] { ++resumed; });
  stream.ClientGone();  // a producer waiting for room is released when the client leaves
  EXPECT_EQ(resumed, 3);
}

TEST(ResponseStream, ProducerOnAnotherThread) {
  ResponseStream stream;
  std::thread producer([&stream] {
    stream.Start({200, "text/plain", {}});
    for (int piece_idx = 0; piece_idx < 1000; ++piece_idx) stream.Write("x");
    stream.Finish();
  });
  std::string body;
  bool ended = false;
  while (!ended) {
    std::vector<Item> items;
    std::mutex mutex;
    std::condition_variable cv;
    bool woken = false;
    if (!stream.Take(items, [&] {
          std::lock_guard lock(mutex);
          woken = true;
          cv.notify_one();
        })) {
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return woken; });
      continue;
    }
    for (const Item& item : items) {
      if (item.kind == Item::Kind::kPiece) body += item.piece;
      ended |= item.kind == Item::Kind::kEnd;
    }
  }
  producer.join();
  EXPECT_EQ(body, std::string(1000, 'x'));
}

}  // namespace
}  // namespace mltrack::server
