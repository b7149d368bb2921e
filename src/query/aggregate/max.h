#pragma once
// max — largest present value of a measure in the group.
//   Syntax: "max:<field>". Arguments: a measure, or ts ("max:ts": the group's last event time,
//   int64 epoch ms). Returns: the field's type (money exact), or
//   nullopt (null) when the group has no present value. Accuracy: exact. Memory: 16 bytes/group.

#include <optional>

namespace mltrack::query::aggregate {

template <typename T>  // int64_t or double
struct Max {
  struct State {
    T value{};
    bool has_value = false;
  };
  static void Update(State& state, T value) {
    if (!state.has_value || value > state.value) {
      state.value = value;
      state.has_value = true;
    }
  }
  static void Combine(State& into, const State& from) {
    if (from.has_value) Update(into, from.value);
  }
  static std::optional<T> Finalize(const State& state) {
    return state.has_value ? std::optional<T>(state.value) : std::nullopt;
  }
};

}  // namespace mltrack::query::aggregate
