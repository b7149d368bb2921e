#include "analytics/stats/wilson.h"

#include <gtest/gtest.h>

namespace mltrack::analytics::stats {
namespace {

// Newcombe RG (1998), "Two-sided confidence intervals for the single proportion: comparison of
// seven methods", Statistics in Medicine 17:857–872, Table I, method 3 (score, no continuity
// correction), printed to 4 decimals. The same values come out of the closed form computed
// independently in Python (math.erfc-based normal quantile by bisection).
TEST(WilsonIntervalTest, MatchesNewcombe1998TableI) {
  struct Case {
    int64_t successes, n;
    double lo, hi;
  };
  for (const Case& c : {Case{81, 263, 0.2553, 0.3662}, Case{15, 148, 0.0624, 0.1605},
                        Case{0, 20, 0.0, 0.1611}, Case{1, 29, 0.0061, 0.1718}}) {
    std::optional<Interval> interval = WilsonInterval({c.n, c.successes});
    ASSERT_TRUE(interval);
    EXPECT_NEAR(interval->lo, c.lo, 5e-5) << c.successes << "/" << c.n;
    EXPECT_NEAR(interval->hi, c.hi, 5e-5) << c.successes << "/" << c.n;
  }
  // More digits for one case (the Python closed form).
  std::optional<Interval> precise = WilsonInterval({263, 81});
  EXPECT_NEAR(precise->lo, 0.2552885198782743, 1e-12);
  EXPECT_NEAR(precise->hi, 0.3662095769828001, 1e-12);
}

TEST(WilsonIntervalTest, StaysInTheUnitIntervalAndNeedsTrials) {
  std::optional<Interval> all = WilsonInterval({20, 20});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->hi, 1.0);
  EXPECT_NEAR(all->lo, 1.0 - 0.16112515805281924, 1e-12);
  EXPECT_FALSE(WilsonInterval({0, 0}));
}

// Newcombe RG (1998), "Interval estimation for the difference between independent proportions:
// comparison of eleven methods", Statistics in Medicine 17:873–890, Table II, method 10 (hybrid
// score): 56/70 − 48/80 → (0.0524, 0.3339); 9/10 − 3/10 → (0.1705, 0.8090). Ours is b − a.
TEST(NewcombeDifferenceIntervalTest, MatchesNewcombe1998TableII) {
  std::optional<Interval> first = NewcombeDifferenceInterval({80, 48}, {70, 56});
  ASSERT_TRUE(first);
  EXPECT_NEAR(first->lo, 0.0524, 5e-5);
  EXPECT_NEAR(first->hi, 0.3339, 5e-5);
  EXPECT_NEAR(first->lo, 0.05243147240236498, 1e-12);  // Python closed form
  EXPECT_NEAR(first->hi, 0.3338726540369059, 1e-12);
  std::optional<Interval> second = NewcombeDifferenceInterval({10, 3}, {10, 9});
  ASSERT_TRUE(second);
  EXPECT_NEAR(second->lo, 0.1705, 5e-5);
  EXPECT_NEAR(second->hi, 0.8090, 5e-5);
  EXPECT_FALSE(NewcombeDifferenceInterval({0, 0}, {10, 9}));
}

}  // namespace
}  // namespace mltrack::analytics::stats
