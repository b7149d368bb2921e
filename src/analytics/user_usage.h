#pragma once
// Usage per user, team and experiment, and the collaboration network, folded from one query
// grouped by (user, team, experiment). Pure functions over plain rows (user_usage_test.cc).

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/event.h"

namespace mltrack::analytics {

// What a group of events used. Cost is integer nano-USD; `priced` counts the events with a cost,
// so a group whose events are all unpriced shows no cost (null), never 0.
struct Usage {
  int64_t calls = 0;
  int64_t tokens = 0;  // input + output
  NanoUsd cost = 0;
  int64_t priced = 0;
  int64_t errors = 0;
  void Add(const Usage& other) {
    calls += other.calls;
    tokens += other.tokens;
    cost += other.cost;
    priced += other.priced;
    errors += other.errors;
  }
};

// One row of the (user, team, experiment) query; an absent value is nullopt.
struct UsageRow {
  std::optional<std::string> user;
  std::optional<std::string> team;
  std::optional<std::string> experiment;
  Usage usage;
};

struct TeamUsage {
  std::optional<std::string> team;
  int64_t users = 0;  // distinct users with calls in the team
  Usage usage;
};

struct ExperimentUsage {
  std::string experiment;
  int64_t users = 0;  // distinct users with calls in the experiment
  Usage usage;
};

struct UserUsage {
  uint32_t id = 0;  // the user's id in the UsageNames the rows were folded with
  std::string user;
  std::optional<std::string> team;  // the team with most of the user's calls (ties: first by name)
  Usage usage;
  // Calls per experiment: (index into FoldedUsage::experiments, calls), by index.
  std::vector<std::pair<uint32_t, int64_t>> experiment_calls;
};

struct FoldedUsage {
  std::vector<UserUsage> users;              // by user name; events without a user are left out
  std::vector<TeamUsage> teams;              // by name, no team last
  std::vector<ExperimentUsage> experiments;  // by calls, descending (then name)
};

// Names interned once: id i is the i-th distinct name added. Holds views: the caller keeps the
// strings alive while the table (and what refers to its ids) is used. A handful of names (teams,
// experiments) are found by comparing with each; past kLinear of them, by a hash table. Not
// thread-safe.
class NameIds {
 public:
  static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();  // an absent value
  uint32_t Intern(std::string_view name);
  // The id of `name`, kNone when it was never interned. Only reads: several threads may find at
  // once while none interns.
  uint32_t Find(std::string_view name) const;
  std::string_view operator[](uint32_t id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

 private:
  static constexpr size_t kLinear = 16;
  std::vector<std::string_view> names_;
  std::unordered_map<std::string_view, uint32_t> ids_;  // once there are more than kLinear names
};

// The names of one response's rows: users, teams and experiments, each its own id space.
struct UsageNames {
  NameIds users, teams, experiments;
};

// One row of the (user, team, experiment) query as ids into UsageNames (NameIds::kNone: absent).
struct UsageIdRow {
  uint32_t user = NameIds::kNone;
  uint32_t team = NameIds::kNone;
  uint32_t experiment = NameIds::kNone;
  Usage usage;
};

// O(rows) array updates (no hashing), plus sorting users, teams and experiments by name; copies
// each name once into the result.
FoldedUsage FoldUsage(std::span<const UsageIdRow> rows, const UsageNames& names);

// The same over rows of strings (interns them first).
FoldedUsage FoldUsage(const std::vector<UsageRow>& rows);

// The leaderboard's order: one of the four figures, descending (ties by name).
enum class UsageSort { kCost, kCalls, kTokens, kErrors };
double SortValue(const Usage& usage, UsageSort sort);

// Users linked by the experiments both used. Nodes are the `max_nodes` users with most calls;
// a link joins two of them that share at least one experiment: `shared` experiments, and the
// calls both made in those (the sum over shared experiments of each one's calls).
struct NetworkLink {
  size_t source = 0;  // indexes into nodes
  size_t target = 0;
  int64_t shared = 0;
  int64_t calls = 0;
};
struct Network {
  std::vector<const UserUsage*> nodes;
  std::vector<NetworkLink> links;  // source < target, by (source, target)
};
Network CollaborationNetwork(const std::vector<UserUsage>& users, size_t max_nodes);

}  // namespace mltrack::analytics
