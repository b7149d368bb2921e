#include "analytics/user_usage.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace mltrack::analytics {
namespace {

// Rows of many users over `teams` teams and `experiments` experiments, in a shuffled order with
// runs of one user's rows, as a query grouped by (user, team, experiment) may return them.
std::vector<UsageRow> Rows(int teams, int experiments, uint32_t seed) {
  std::mt19937 random(seed);
  std::vector<UsageRow> rows;
  for (int user = 0; user < 60; ++user) {
    const int count = 1 + static_cast<int>(random() % 6);
    for (int idx = 0; idx < count; ++idx) {
      UsageRow row;
      row.user = "user-with-a-long-name-" + std::to_string(user);
      if (random() % 7 != 0) row.team = "team-" + std::to_string(random() % teams);
      if (random() % 5 != 0) row.experiment = "experiment-" + std::to_string(random() % experiments);
      row.usage.calls = 1 + static_cast<int64_t>(random() % 50);
      row.usage.tokens = row.usage.calls * 10;
      rows.push_back(std::move(row));
    }
  }
  std::vector<UsageRow> shuffled;
  for (size_t begin = 0; begin < rows.size(); begin += 5) {  // runs of up to 5 rows kept together
    shuffled.insert(random() % 2 ? shuffled.end() : shuffled.begin(), rows.begin() + static_cast<ptrdiff_t>(begin),
                    rows.begin() + static_cast<ptrdiff_t>(std::min(begin + 5, rows.size())));
  }
  return shuffled;
}

// FoldUsage against straight maps, with few and with many (past its linear lookups) teams and
// experiments.
class FoldUsageTest : public ::testing::TestWithParam<std::pair<int, int>> {};

TEST_P(FoldUsageTest, MatchesStraightMaps) {
  const auto [team_count, experiment_count] = GetParam();
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    const std::vector<UsageRow> rows = Rows(team_count, experiment_count, seed);
    std::map<std::optional<std::string>, int64_t> team_calls;
    std::map<std::optional<std::string>, std::set<std::string>> team_users;
    std::map<std::string, int64_t> experiment_calls;
    std::map<std::string, std::set<std::string>> experiment_users;
    std::map<std::string, int64_t> user_calls;
    std::map<std::string, std::map<std::optional<std::string>, int64_t>> user_team_calls;
    for (const UsageRow& row : rows) {
      team_calls[row.team] += row.usage.calls;
      team_users[row.team].insert(*row.user);
      if (row.experiment) {
        experiment_calls[*row.experiment] += row.usage.calls;
        experiment_users[*row.experiment].insert(*row.user);
      }
      user_calls[*row.user] += row.usage.calls;
      user_team_calls[*row.user][row.team] += row.usage.calls;
    }
    const FoldedUsage folded = FoldUsage(rows);

    ASSERT_EQ(folded.users.size(), user_calls.size());
    auto user = user_calls.begin();
    for (const UserUsage& folded_user : folded.users) {
      EXPECT_EQ(folded_user.user, user->first);
      EXPECT_EQ(folded_user.usage.calls, user->second);
      std::optional<std::string> main;  // most calls, ties by name (the map's order), named only
      int64_t best = -1;
      for (const auto& [team, calls] : user_team_calls[user->first]) {
        if (team && calls > best) main = team, best = calls;
      }
      EXPECT_EQ(folded_user.team, main) << user->first;
      ++user;
    }

    std::vector<std::optional<std::string>> team_order;  // named by name, then no team
    for (const auto& [team, calls] : team_calls) {
      if (team) team_order.push_back(team);
    }
    if (team_calls.contains(std::nullopt)) team_order.push_back(std::nullopt);
    ASSERT_EQ(folded.teams.size(), team_order.size());
    for (size_t idx = 0; idx < team_order.size(); ++idx) {
      EXPECT_EQ(folded.teams[idx].team, team_order[idx]);
      EXPECT_EQ(folded.teams[idx].usage.calls, team_calls[team_order[idx]]);
      EXPECT_EQ(folded.teams[idx].users, static_cast<int64_t>(team_users[team_order[idx]].size()));
    }

    ASSERT_EQ(folded.experiments.size(), experiment_calls.size());
    for (size_t idx = 0; idx < folded.experiments.size(); ++idx) {
      const ExperimentUsage& experiment = folded.experiments[idx];
      EXPECT_EQ(experiment.usage.calls, experiment_calls[experiment.experiment]);
      EXPECT_EQ(experiment.users, static_cast<int64_t>(experiment_users[experiment.experiment].size()));
      if (idx > 0) {
        const ExperimentUsage& before = folded.experiments[idx - 1];
        EXPECT_TRUE(before.usage.calls > experiment.usage.calls ||
                    (before.usage.calls == experiment.usage.calls && before.experiment < experiment.experiment));
      }
    }
  }
}

// Names shared by several periods' rows: a fold of one period's rows reports only the users,
// teams and experiments those rows have, as a fold of those rows alone does.
TEST(FoldUsageIdsTest, OnlyTheNamesTheRowsUseAreReported) {
  const std::vector<UsageRow> first = Rows(4, 6, 11), second = Rows(9, 3, 12);
  UsageNames names;
  auto intern = [&names](const std::vector<UsageRow>& rows) {
    std::vector<UsageIdRow> ids;
    for (const UsageRow& row : rows) {
      UsageIdRow id_row;
      if (row.user) id_row.user = names.users.Intern(*row.user);
      if (row.team) id_row.team = names.teams.Intern(*row.team);
      if (row.experiment) id_row.experiment = names.experiments.Intern(*row.experiment);
      id_row.usage = row.usage;
      ids.push_back(id_row);
    }
    return ids;
  };
  // Some users in both, some in one only.
  std::vector<UsageRow> renamed_first = first, renamed = second;
  for (UsageRow& row : renamed_first) row.user = *row.user + (row.usage.calls % 3 == 0 ? "-x" : "");
  for (UsageRow& row : renamed) row.user = *row.user + (row.usage.calls % 2 ? "-y" : "");
  const std::vector<UsageIdRow> first_ids = intern(renamed_first), second_ids = intern(renamed);
  for (const auto& [ids, rows] : {std::pair{&first_ids, &renamed_first}, std::pair{&second_ids, &renamed}}) {
    const FoldedUsage shared = FoldUsage(*ids, names);
    const FoldedUsage alone = FoldUsage(*rows);
    ASSERT_EQ(shared.users.size(), alone.users.size());
    for (size_t idx = 0; idx < alone.users.size(); ++idx) {
      EXPECT_EQ(shared.users[idx].user, alone.users[idx].user);
      EXPECT_EQ(names.users[shared.users[idx].id], shared.users[idx].user);
      EXPECT_EQ(shared.users[idx].team, alone.users[idx].team);
      EXPECT_EQ(shared.users[idx].usage.calls, alone.users[idx].usage.calls);
      EXPECT_EQ(shared.users[idx].experiment_calls, alone.users[idx].experiment_calls);
    }
    ASSERT_EQ(shared.teams.size(), alone.teams.size());
    for (size_t idx = 0; idx < alone.teams.size(); ++idx) {
      EXPECT_EQ(shared.teams[idx].team, alone.teams[idx].team);
      EXPECT_EQ(shared.teams[idx].users, alone.teams[idx].users);
    }
    ASSERT_EQ(shared.experiments.size(), alone.experiments.size());
    for (size_t idx = 0; idx < alone.experiments.size(); ++idx) {
      EXPECT_EQ(shared.experiments[idx].experiment, alone.experiments[idx].experiment);
      EXPECT_EQ(shared.experiments[idx].users, alone.experiments[idx].users);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(TeamsAndExperiments, FoldUsageTest,
                         ::testing::Values(std::pair{3, 5}, std::pair{40, 70}, std::pair{17, 2}));

}  // namespace
}  // namespace mltrack::analytics
