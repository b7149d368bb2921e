// The cost report's breakdowns by user and tag keys rank the values by two figures, then ask the
// other figures and the previous period only for the top values (DetailBreakdownSpec,
// PreviousBreakdownSpec); every row must be what one query for every figure of the top values and
// the previous period's full answer (every value, unfiltered) give.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <variant>
#include <vector>

#include "analytics/cost_sections.h"
#include "analytics/dashboard_support.h"
#include "run_ahead_fixture.h"

namespace mltrack::analytics {
namespace {

class CostFieldBreakdownTest : public RunAheadTest {
 protected:
  // The breakdown as one query for every figure of the top N and the full previous answer give
  // it: each top value's figures and previous cost (0 when it had none), and "(other)"'s by
  // difference from the totals.
  static Breakdown Reference(const DashboardParams& params, const FieldRef& field, const CostTotals& totals,
                             size_t top, const QueryRunner& run) {
    query::QuerySpec whole = BaseSpec(params, params.from_ms, params.to_ms);
    whole.group_by = {field};
    EXPECT_TRUE(
        AddMetrics(whole, {"count", "count:cost_usd", "sum:cost_usd", "sum:input_tokens", "sum:output_tokens"}).ok());
    whole.order_by = {{"sum:cost_usd", true}, {"count", true}};
    whole.limit = static_cast<int64_t>(top);
    Result<query::QueryResult> current = run(whole);
    EXPECT_TRUE(current.ok());
    const int64_t length = params.to_ms - params.from_ms;
    query::QuerySpec all_before = BaseSpec(params, params.from_ms - length, params.from_ms);
    all_before.group_by = {field};
    EXPECT_TRUE(AddMetrics(all_before, {"sum:cost_usd"}).ok());
    all_before.limit = query::kMaxQueryLimit;
    Result<query::QueryResult> previous = run(all_before);
    EXPECT_TRUE(previous.ok() && !previous->truncated);
    std::map<std::string, NanoUsd> before;
    for (const auto& cells : previous->rows) before[cost::KeyOf(cells[0])] = CellNanoUsd(cells[1]).value_or(0);

    Breakdown expected;
    expected.dimension = field.Name();
    expected.distinct = static_cast<int64_t>(current->total_groups);
    NanoUsd previous_of_top = 0;
    for (const auto& cells : current->rows) {
      BreakdownRow row;
      row.key = cost::KeyOf(cells[0]);
      row.calls = CellInt(cells[1]).value_or(0);
      row.priced_calls = CellInt(cells[2]).value_or(0);
      row.cost = CellNanoUsd(cells[3]).value_or(0);
      row.tokens = CellInt(cells[4]).value_or(0) + CellInt(cells[5]).value_or(0);
      row.previous_cost = before.count(row.key) ? before[row.key] : 0;
      previous_of_top += *row.previous_cost;
      expected.rows.push_back(row);
    }
    if (current->total_groups > current->rows.size()) {
      BreakdownRow other;
      other.key = std::string(cost::kOther);
      other.cost = totals.cost;
      other.calls = totals.calls;
      other.priced_calls = totals.priced_calls;
      other.tokens = totals.tokens;
      for (const BreakdownRow& row : expected.rows) {
        other.cost -= row.cost;
        other.calls -= row.calls;
        other.priced_calls -= row.priced_calls;
        other.tokens -= row.tokens;
      }
      other.previous_cost = totals.previous_cost - previous_of_top;
      expected.rows.push_back(other);
    }
    return expected;
  }
};

TEST_F(CostFieldBreakdownTest, PreviousCostsAreThoseOfTheFullPreviousAnswer) {
  int filtered_previous = 0;
  for (bool filtered : {false, true}) {
    const DashboardParams params = Params(filtered);
    Result<cost::PreviousSpend> before =
        cost::QueryPreviousSpend(params, params.from_ms - (params.to_ms - params.from_ms), params.from_ms, Alone());
    ASSERT_TRUE(before.ok()) << before.status().ToString();
    Result<cost::CurrentSpend> now = cost::QueryCurrentSpend(params, Alone());
    ASSERT_TRUE(now.ok()) << now.status().ToString();
    const CostTotals totals = cost::FoldTotals(now->by_model, *before);
    for (const FieldRef& field : {FieldRef{FieldId::kUser, {}}, FieldRef{FieldId::kTeam, {}},
                                  FieldRef{FieldId::kTag, "env"}}) {
      for (size_t top : {1, 3, 10, 50}) {
        SCOPED_TRACE(field.Name() + " top " + std::to_string(top) + (filtered ? " filtered" : ""));
        Result<Breakdown> got = cost::FieldBreakdown(params, field, totals, top, Alone());
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        const Breakdown expected = Reference(params, field, totals, top, Alone());
        EXPECT_EQ(got->distinct, expected.distinct);
        ASSERT_EQ(got->rows.size(), expected.rows.size());
        for (size_t idx = 0; idx < expected.rows.size(); ++idx) {
          EXPECT_EQ(got->rows[idx].key, expected.rows[idx].key) << idx;
          EXPECT_EQ(got->rows[idx].calls, expected.rows[idx].calls) << got->rows[idx].key;
          EXPECT_EQ(got->rows[idx].priced_calls, expected.rows[idx].priced_calls) << got->rows[idx].key;
          EXPECT_EQ(got->rows[idx].cost, expected.rows[idx].cost) << got->rows[idx].key;
          EXPECT_EQ(got->rows[idx].tokens, expected.rows[idx].tokens) << got->rows[idx].key;
          EXPECT_EQ(got->rows[idx].previous_cost, expected.rows[idx].previous_cost) << got->rows[idx].key;
        }

        Result<query::QueryResult> current = Alone()(cost::BreakdownSpecs(params, field, top)[0]);
        ASSERT_TRUE(current.ok());
        const std::optional<query::QuerySpec> spec = cost::PreviousBreakdownSpec(params, field, *current);
        ASSERT_TRUE(spec.has_value());
        bool has_none = false;
        for (const auto& cells : current->rows) has_none |= cost::KeyOf(cells[0]) == cost::kNone;
        // Filtered to the top values exactly when none of them is "(none)".
        EXPECT_EQ(spec->filters.size(), params.filters.size() + (has_none ? 0 : 1));
        const std::optional<query::QuerySpec> details = cost::DetailBreakdownSpec(params, field, *current);
        ASSERT_TRUE(details.has_value());
        EXPECT_EQ(details->filters.size(), params.filters.size() + (has_none ? 0 : 1));
        if (!has_none) {
          ++filtered_previous;
          EXPECT_EQ(spec->filters.back().op, query::FilterOp::kIn);
          EXPECT_EQ(spec->filters.back().values.size(), current->rows.size());
        }
      }
    }
  }
  EXPECT_GT(filtered_previous, 0);  // both paths ran: users always have a value, tags.env often not
}

}  // namespace
}  // namespace mltrack::analytics
