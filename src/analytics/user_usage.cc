#include "analytics/user_usage.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mltrack::analytics {

uint32_t NameIds::Intern(std::string_view name) {
  const auto next = static_cast<uint32_t>(names_.size());
  if (names_.size() <= kLinear) {
    for (uint32_t id = 0; id < names_.size(); ++id) {
      if (names_[id] == name) return id;
    }
    names_.push_back(name);
    if (names_.size() > kLinear) {
      ids_.reserve(4 * kLinear);
      for (uint32_t id = 0; id < names_.size(); ++id) ids_.emplace(names_[id], id);
    }
    return next;
  }
  const auto [found, added] = ids_.try_emplace(name, next);
  if (added) names_.push_back(name);
  return found->second;
}

uint32_t NameIds::Find(std::string_view name) const {
  if (names_.size() <= kLinear) {
    for (uint32_t id = 0; id < names_.size(); ++id) {
      if (names_[id] == name) return id;
    }
    return kNone;
  }
  const auto found = ids_.find(name);
  return found == ids_.end() ? kNone : found->second;
}

namespace {

// Adds `calls` to the entry of `id` (a user meets a handful of teams and experiments).
void AddCalls(std::vector<std::pair<uint32_t, int64_t>>& calls, uint32_t id, int64_t add) {
  for (auto& [known, sum] : calls) {
    if (known == id) return void(sum += add);
  }
  calls.emplace_back(id, add);
}

}  // namespace

FoldedUsage FoldUsage(std::span<const UsageIdRow> rows, const UsageNames& names) {
  // Arrays by id: slot 0 of the teams is "no team", team id t is slot t + 1. The names may hold
  // ids no row of `rows` uses (another period's): only what a row touches is reported.
  constexpr uint32_t kNone = NameIds::kNone;
  std::vector<Usage> team_usage(names.teams.size() + 1);
  std::vector<int64_t> team_users(names.teams.size() + 1, 0);
  std::vector<Usage> experiment_usage(names.experiments.size());
  std::vector<int64_t> experiment_users(names.experiments.size(), 0);
  std::vector<uint8_t> experiment_seen(names.experiments.size(), 0);
  std::vector<Usage> user_usage(names.users.size());
  std::vector<uint8_t> user_seen(names.users.size(), 0);
  // Per user: (team slot, calls) and (experiment id, calls).
  std::vector<std::vector<std::pair<uint32_t, int64_t>>> team_calls(names.users.size());
  std::vector<std::vector<std::pair<uint32_t, int64_t>>> experiment_calls(names.users.size());
  for (const UsageIdRow& row : rows) {
    const uint32_t team_slot = row.team == kNone ? 0 : row.team + 1;
    team_usage[team_slot].Add(row.usage);
    if (row.experiment != kNone) {
      experiment_seen[row.experiment] = 1;
      experiment_usage[row.experiment].Add(row.usage);
    }
    if (row.user == kNone) continue;
    user_seen[row.user] = 1;
    user_usage[row.user].Add(row.usage);
    AddCalls(team_calls[row.user], team_slot, row.usage.calls);
    if (row.experiment != kNone) AddCalls(experiment_calls[row.user], row.experiment, row.usage.calls);
  }

  FoldedUsage out;
  // Experiments by calls (then name); users' experiment ids become indexes into that order.
  std::vector<uint32_t> order;
  for (uint32_t id = 0; id < experiment_seen.size(); ++id) {
    if (experiment_seen[id]) order.push_back(id);
  }
  // Distinct users per team and experiment, and each user's main team: the named team with most
  // of their calls, ties by name.
  std::vector<uint32_t> users;
  for (uint32_t id = 0; id < user_seen.size(); ++id) {
    if (!user_seen[id]) continue;
    users.push_back(id);
    for (const auto& [team_slot, calls] : team_calls[id]) ++team_users[team_slot];
    for (const auto& [experiment_id, calls] : experiment_calls[id]) ++experiment_users[experiment_id];
  }
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const int64_t left = experiment_usage[a].calls, right = experiment_usage[b].calls;
    return left != right ? left > right : names.experiments[a] < names.experiments[b];
  });
  std::vector<uint32_t> rank(names.experiments.size(), 0);
  for (uint32_t position = 0; position < order.size(); ++position) {
    const uint32_t id = order[position];
    rank[id] = position;
    out.experiments.push_back({std::string(names.experiments[id]), experiment_users[id], experiment_usage[id]});
  }
  // Users by name.
  std::sort(users.begin(), users.end(), [&](uint32_t a, uint32_t b) { return names.users[a] < names.users[b]; });
  out.users.reserve(users.size());
  for (uint32_t id : users) {
    UserUsage user{id, std::string(names.users[id]), std::nullopt, user_usage[id], std::move(experiment_calls[id])};
    int64_t best = -1;
    uint32_t main_slot = 0;
    for (const auto& [team_slot, calls] : team_calls[id]) {
      if (team_slot == 0) continue;
      if (calls > best || (calls == best && names.teams[team_slot - 1] < names.teams[main_slot - 1])) {
        main_slot = team_slot;
        best = calls;
      }
    }
    if (main_slot != 0) user.team = std::string(names.teams[main_slot - 1]);
    for (auto& [experiment_id, calls] : user.experiment_calls) experiment_id = rank[experiment_id];
    std::sort(user.experiment_calls.begin(), user.experiment_calls.end());
    out.users.push_back(std::move(user));
  }
  // Named teams by name, then no team.
  for (uint32_t slot = 1; slot < team_usage.size(); ++slot) {
    if (team_usage[slot].calls > 0 || team_users[slot] > 0) {
      out.teams.push_back({std::string(names.teams[slot - 1]), team_users[slot], team_usage[slot]});
    }
  }
  std::sort(out.teams.begin(), out.teams.end(), [](const TeamUsage& a, const TeamUsage& b) { return a.team < b.team; });
  if (team_usage[0].calls > 0 || team_users[0] > 0) out.teams.push_back({std::nullopt, team_users[0], team_usage[0]});
  return out;
}

FoldedUsage FoldUsage(const std::vector<UsageRow>& rows) {
  UsageNames names;
  std::vector<UsageIdRow> id_rows;
  id_rows.reserve(rows.size());
  for (const UsageRow& row : rows) {
    UsageIdRow id_row;
    if (row.user) id_row.user = names.users.Intern(*row.user);
    if (row.team) id_row.team = names.teams.Intern(*row.team);
    if (row.experiment) id_row.experiment = names.experiments.Intern(*row.experiment);
    id_row.usage = row.usage;
    id_rows.push_back(id_row);
  }
  return FoldUsage(id_rows, names);
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
