#pragma once
// rate — share of the group's events for which a boolean holds.
//   Syntax: "rate:error" (status == error), "rate:cache_hit", "rate:streaming" (== true).
//   Returns: double in [0, 1]; events where the boolean is absent count as "does not hold";
//   nullopt (null) for a group with no events. Accuracy: exact. Memory: 16 bytes per group.

#include <cstdint>
#include <optional>

namespace mltrack::query::aggregate {

struct Rate {
  struct State {
    uint64_t hits = 0;
    uint64_t total = 0;
  };
  static void Update(State& state, bool holds) {
    state.hits += holds ? 1 : 0;
    ++state.total;
  }
  static void UpdateMany(State& state, uint64_t hits, uint64_t total) {
    state.hits += hits;
    state.total += total;
  }
  static void Combine(State& into, const State& from) {
    into.hits += from.hits;
    into.total += from.total;
  }
  static std::optional<double> Finalize(const State& state) {
    if (state.total == 0) return std::nullopt;
    return static_cast<double>(state.hits) / static_cast<double>(state.total);
  }
};

}  // namespace mltrack::query::aggregate
