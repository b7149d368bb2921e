#include "server/body_budget.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace mltrack::server {
namespace {

TEST(BodyBudgetTest, ReservesUpToTheLimitAndGivesBackOnDestruction) {
  BodyBudget budget(100);
  {
    BodyBudget::Reservation first = budget.Reserve();
    EXPECT_TRUE(first.GrowTo(60));
    EXPECT_EQ(budget.in_use(), 60u);
    BodyBudget::Reservation second = budget.Reserve();
    EXPECT_FALSE(second.GrowTo(41)) << "60 + 41 is over 100";
    EXPECT_EQ(second.bytes(), 0u) << "a failed grow leaves the reservation unchanged";
    EXPECT_TRUE(second.GrowTo(40));
    EXPECT_EQ(budget.in_use(), 100u);
    EXPECT_TRUE(first.GrowTo(10)) << "never shrinks, so asking for less always succeeds";
    EXPECT_EQ(first.bytes(), 60u);
  }
  EXPECT_EQ(budget.in_use(), 0u);
}

TEST(BodyBudgetTest, GrowsInSteps) {
  BodyBudget budget(100);
  BodyBudget::Reservation reservation = budget.Reserve();
  EXPECT_TRUE(reservation.GrowTo(30));
  EXPECT_TRUE(reservation.GrowTo(90));
  EXPECT_EQ(budget.in_use(), 90u);
  EXPECT_FALSE(reservation.GrowTo(101));
  EXPECT_EQ(reservation.bytes(), 90u);
  reservation.Release();
  reservation.Release();
  EXPECT_EQ(budget.in_use(), 0u);
}

TEST(BodyBudgetTest, MoveTransfersOwnership) {
  BodyBudget budget(100);
  BodyBudget::Reservation outer = budget.Reserve();
  {
    BodyBudget::Reservation inner = budget.Reserve();
    ASSERT_TRUE(inner.GrowTo(50));
    outer = std::move(inner);
  }
  EXPECT_EQ(budget.in_use(), 50u) << "the moved-from reservation gave nothing back";
  BodyBudget::Reservation other = budget.Reserve();
  ASSERT_TRUE(other.GrowTo(20));
  outer = std::move(other);  // releases the 50 it held
  EXPECT_EQ(budget.in_use(), 20u);
}

TEST(BodyBudgetTest, ZeroMeansUnlimitedButCounted) {
  BodyBudget budget(0);
  BodyBudget::Reservation reservation = budget.Reserve();
  EXPECT_TRUE(reservation.GrowTo(size_t{1} << 40));
  EXPECT_EQ(budget.in_use(), size_t{1} << 40);
}

TEST(BodyBudgetTest, HugeRequestsFailInsteadOfWrapping) {
  BodyBudget budget(100);
  BodyBudget::Reservation small = budget.Reserve();
  ASSERT_TRUE(small.GrowTo(10));
  BodyBudget::Reservation huge = budget.Reserve();
  EXPECT_FALSE(huge.GrowTo(SIZE_MAX));
  EXPECT_FALSE(huge.GrowTo(SIZE_MAX - 5));
  EXPECT_EQ(budget.in_use(), 10u);
}

TEST(BodyBudgetTest, ConcurrentReservationsNeverExceedTheLimit) {
  constexpr size_t kLimit = 1000;
  BodyBudget budget(kLimit);
  std::atomic<size_t> max_seen{0};
  std::vector<std::thread> threads;
  for (int thread_idx = 0; thread_idx < 4; ++thread_idx) {
    threads.emplace_back([&, thread_idx] {
      for (int round = 0; round < 20000; ++round) {
        BodyBudget::Reservation reservation = budget.Reserve();
        if (reservation.GrowTo(static_cast<size_t>(100 + (round + thread_idx) % 300))) {
          size_t seen = budget.in_use();
          size_t previous = max_seen.load();
          while (seen > previous && !max_seen.compare_exchange_weak(previous, seen)) {
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_LE(max_seen.load(), kLimit);
  EXPECT_EQ(budget.in_use(), 0u);
}

}  // namespace
}  // namespace mltrack::server
