#pragma once
// days — the distinct days on which the group has events.
//   Syntax: "days:ts". Arguments: only ts. Returns: the list of those days, ascending, each as
//   the epoch ms at which it starts (UTC midnight; local midnight when the query has a time
//   zone); an empty list for a group without events. Accuracy: exact.
//   Method and memory: a bitmap over day numbers (days since 1970-01-01), one 64-bit word per
//   64 days between the group's first and last day, plus 32 bytes: a user active over a year
//   costs ~80 bytes. Update is one OR once the word exists; Combine ORs the words.
//   What it is for: per-user activity (DAU/WAU/MAU over sliding windows, new vs returning,
//   cohorts) from one row per user instead of one row per user and day.

#include <algorithm>
#include <cstdint>
#include <vector>

namespace mltrack::query::aggregate {

struct Days {
  struct State {
    int64_t first_word = 0;        // words[i] holds day numbers 64·(first_word + i) … + 63
    std::vector<uint64_t> words;  // empty: no day yet
  };

  static void Update(State& state, int64_t day) {
    const int64_t word = day >> 6;  // floor(day / 64), also for days before 1970
    const uint64_t bit = uint64_t{1} << (day & 63);
    const int64_t offset = word - state.first_word;
    if (!state.words.empty() && offset >= 0 && offset < static_cast<int64_t>(state.words.size())) {
      state.words[static_cast<size_t>(offset)] |= bit;
      return;
    }
    Grow(state, word, word);
    state.words[static_cast<size_t>(word - state.first_word)] |= bit;
  }

  static void Combine(State& into, const State& from) {
    if (from.words.empty()) return;
    Grow(into, from.first_word, from.first_word + static_cast<int64_t>(from.words.size()) - 1);
    const size_t shift = static_cast<size_t>(from.first_word - into.first_word);
    for (size_t idx = 0; idx < from.words.size(); ++idx) into.words[shift + idx] |= from.words[idx];
  }

  // Day numbers, ascending.
  static std::vector<int64_t> Finalize(const State& state) {
    std::vector<int64_t> days;
    for (size_t idx = 0; idx < state.words.size(); ++idx) {
      for (uint64_t bits = state.words[idx]; bits != 0; bits &= bits - 1) {
        days.push_back((state.first_word + static_cast<int64_t>(idx)) * 64 + __builtin_ctzll(bits));
      }
    }
    return days;
  }

 private:
  // Makes the words cover word numbers [low, high].
  static void Grow(State& state, int64_t low, int64_t high) {
    if (state.words.empty()) {
      state.first_word = low;
      state.words.assign(static_cast<size_t>(high - low + 1), 0);
      return;
    }
    const int64_t last = state.first_word + static_cast<int64_t>(state.words.size()) - 1;
    if (low < state.first_word) {
      state.words.insert(state.words.begin(), static_cast<size_t>(state.first_word - low), 0);
      state.first_word = low;
    }
    if (high > last) state.words.resize(static_cast<size_t>(high - state.first_word + 1), 0);
  }
};

}  // namespace mltrack::query::aggregate
