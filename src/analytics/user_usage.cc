#include "analytics/user_usage.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mltrack::analytics {

namespace {

// Ids of the few names a fold meets (teams, experiments: a handful each) by comparing with each
// known name, and by a hash table once there are more than kLinear of them.
class NameIds {
 public:
  // The id of `name`, and whether it was added (with id `next`).
  std::pair<uint32_t, bool> Find(std::string_view name, uint32_t next) {
    if (hashed_.empty()) {
      for (const auto& [known, id] : names_) {
        if (known == name) return {id, false};
      }
      names_.emplace_back(name, next);
      if (names_.size() > kLinear) hashed_.insert(names_.begin(), names_.end());
      return {next, true};
    }
    auto [found, added] = hashed_.try_emplace(name, next);
    return {found->second, added};
  }

 private:
  static constexpr size_t kLinear = 16;
  std::vector<std::pair<std::string_view, uint32_t>> names_;
  std::unordered_map<std::string_view, uint32_t> hashed_;
};

}  // namespace

FoldedUsage FoldUsage(std::vector<UsageRow> rows) {
  // Teams and experiments by first appearance, then users; names are looked up once per row, by
  // views into `rows` (which keep their strings until every lookup is done).
  NameIds team_ids, experiment_ids;
  std::vector<TeamUsage> teams(1);  // id 0: no team
  std::vector<ExperimentUsage> experiments;
  std::unordered_map<std::string_view, uint32_t> user_ids;
  user_ids.reserve(rows.size());
  std::vector<UserUsage> users;
  std::vector<const std::string*> user_names;  // per user id: its name in `rows`
  std::vector<std::vector<std::pair<uint32_t, int64_t>>> team_calls;  // per user: (team id, calls)
  const std::string* previous_user = nullptr;
  uint32_t previous_user_id = 0;
  for (UsageRow& row : rows) {
    uint32_t team_id = 0;
    if (row.team) {
      const auto [id, added] = team_ids.Find(*row.team, static_cast<uint32_t>(teams.size()));
      if (added) teams.push_back({*row.team, 0, {}});
      team_id = id;
    }
    teams[team_id].usage.Add(row.usage);
    std::optional<uint32_t> experiment_id;
    if (row.experiment) {
      const auto [id, added] = experiment_ids.Find(*row.experiment, static_cast<uint32_t>(experiments.size()));
      if (added) experiments.push_back({*row.experiment, 0, {}});
      experiment_id = id;
      experiments[*experiment_id].usage.Add(row.usage);
    }
    if (!row.user) continue;
    // Rows of one user often follow each other: the previous row's user needs no lookup.
    if (!(previous_user && *previous_user == *row.user)) {
      auto [found, added] = user_ids.try_emplace(*row.user, static_cast<uint32_t>(users.size()));
      if (added) {
        users.push_back({std::string(), std::nullopt, {}, {}});
        user_names.push_back(&*row.user);
        team_calls.emplace_back();
      }
      previous_user_id = found->second;
      previous_user = &*row.user;
    }
    const uint32_t user_id = previous_user_id;
    users[user_id].usage.Add(row.usage);
    auto add_calls = [&](std::vector<std::pair<uint32_t, int64_t>>& calls, uint32_t id) {
      for (auto& [known, sum] : calls) {
        if (known == id) return void(sum += row.usage.calls);
      }
      calls.emplace_back(id, row.usage.calls);
    };
    add_calls(team_calls[user_id], team_id);
    if (experiment_id) add_calls(users[user_id].experiment_calls, *experiment_id);
  }
  user_ids = {};
  for (size_t user_id = 0; user_id < users.size(); ++user_id) users[user_id].user = std::move(*user_names[user_id]);
  // Distinct users per team and experiment, and each user's main team.
  for (size_t user_id = 0; user_id < users.size(); ++user_id) {
    int64_t best = -1;
    for (const auto& [team_id, calls] : team_calls[user_id]) {
      ++teams[team_id].users;
      const bool better = calls > best || (calls == best && teams[team_id].team < users[user_id].team);
      if (team_id != 0 && better) {
        users[user_id].team = teams[team_id].team;
        best = calls;
      }
    }
    for (const auto& [experiment_id, calls] : users[user_id].experiment_calls) ++experiments[experiment_id].users;
  }
  FoldedUsage out;
  // Experiments by calls; users' experiment indexes follow the new order.
  std::vector<uint32_t> order(experiments.size());
  for (uint32_t idx = 0; idx < order.size(); ++idx) order[idx] = idx;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const ExperimentUsage& left = experiments[a];
    const ExperimentUsage& right = experiments[b];
    return left.usage.calls != right.usage.calls ? left.usage.calls > right.usage.calls
                                                 : left.experiment < right.experiment;
  });
  std::vector<uint32_t> rank(experiments.size());
  for (uint32_t position = 0; position < order.size(); ++position) {
    rank[order[position]] = position;
    out.experiments.push_back(std::move(experiments[order[position]]));
  }
  for (UserUsage& user : users) {
    for (auto& [experiment_id, calls] : user.experiment_calls) experiment_id = rank[experiment_id];
    std::sort(user.experiment_calls.begin(), user.experiment_calls.end());
  }
  // Users by name: their indexes are sorted, then each is moved once.
  std::vector<uint32_t> by_name(users.size());
  for (uint32_t idx = 0; idx < by_name.size(); ++idx) by_name[idx] = idx;
  std::sort(by_name.begin(), by_name.end(), [&](uint32_t a, uint32_t b) { return users[a].user < users[b].user; });
  out.users.reserve(users.size());
  for (uint32_t idx : by_name) out.users.push_back(std::move(users[idx]));
  for (TeamUsage& team : teams) {
    if (team.usage.calls > 0 || team.users > 0) out.teams.push_back(std::move(team));
  }
  // Named teams by name, then no team (it was first).
  std::sort(out.teams.begin(), out.teams.end(), [](const TeamUsage& a, const TeamUsage& b) {
    if (a.team.has_value() != b.team.has_value()) return a.team.has_value();
    return a.team < b.team;
  });
  return out;
}

double SortValue(const Usage& usage, UsageSort sort) {
  switch (sort) {
    case UsageSort::kCalls: return static_cast<double>(usage.calls);
    case UsageSort::kTokens: return static_cast<double>(usage.tokens);
    case UsageSort::kErrors: return static_cast<double>(usage.errors);
    case UsageSort::kCost: break;
  }
  return static_cast<double>(usage.cost);
}

Network CollaborationNetwork(const std::vector<UserUsage>& users, size_t max_nodes) {
  Network network;
  for (const UserUsage& user : users) network.nodes.push_back(&user);
  std::stable_sort(network.nodes.begin(), network.nodes.end(), [](const UserUsage* a, const UserUsage* b) {
    return a->usage.calls > b->usage.calls;
  });
  if (network.nodes.size() > max_nodes) network.nodes.resize(max_nodes);
  for (size_t source = 0; source < network.nodes.size(); ++source) {
    for (size_t target = source + 1; target < network.nodes.size(); ++target) {
      NetworkLink link{source, target, 0, 0};
      const auto& left = network.nodes[source]->experiment_calls;
      const auto& right = network.nodes[target]->experiment_calls;
      for (auto a = left.begin(), b = right.begin(); a != left.end() && b != right.end();) {
        if (a->first < b->first) {
          ++a;
        } else if (b->first < a->first) {
          ++b;
        } else {
          ++link.shared;
          link.calls += a->second + b->second;
          ++a;
          ++b;
        }
      }
      if (link.shared > 0) network.links.push_back(link);
    }
  }
  return network;
}

}  // namespace mltrack::analytics
