#include "query/metric_accumulator.h"

#include <bit>
#include <cmath>
#include <vector>

#include "core/event.h"
#include "query/aggregate/avg.h"
#include "query/aggregate/count.h"
#include "query/aggregate/max.h"
#include "query/aggregate/min.h"
#include "query/aggregate/quantile.h"
#include "query/aggregate/rate.h"
#include "query/aggregate/sum.h"
#include "query/aggregate/uniq.h"

namespace mltrack::query {
namespace {

using namespace aggregate;  // NOLINT: .cc file

// How finalized numbers become cells.
enum class Output : uint8_t { kInt, kDouble, kMoney };

template <typename T>
bool IsAbsent(T value) {
  if constexpr (std::is_same_v<T, double>) return std::isnan(value);
  else return value == kNullInt;
}

template <typename T>
Cell NumberCell(T value, Output output) {
  if (output == Output::kMoney) {
    if constexpr (std::is_same_v<T, int64_t>) return MoneyValue{value};
    else return value / static_cast<double>(kNanoPerUsd);
  }
  if constexpr (std::is_same_v<T, int64_t>) {
    if (output == Output::kInt) return value;
  }
  return static_cast<double>(value);
}

template <typename T>
Cell OptionalCell(const std::optional<T>& value, Output output) {
  return value ? NumberCell(*value, output) : Cell{};
}

// Count: no column.
class CountAccumulator final : public MetricAccumulator {
 public:
  void Resize(size_t groups) override { states_.resize(groups); }
  void Update(const store::ColumnBlock&, const uint32_t*, size_t count, const uint32_t* groups) override {
    if (!groups) return Count::UpdateMany(states_[0], count);
    for (size_t idx = 0; idx < count; ++idx) Count::Update(states_[groups[idx]]);
  }
  void Merge(MetricAccumulator& other, const uint32_t* group_map) override {
    auto& from = static_cast<CountAccumulator&>(other).states_;
    for (size_t group = 0; group < from.size(); ++group) Count::Combine(states_[group_map[group]], from[group]);
  }
  Cell Finalize(size_t group) override { return Count::Finalize(states_[group]); }

 private:
  std::vector<Count::State> states_;
};

// Any aggregate fed with one value of type T (int64 or double) per present row.
template <typename Agg, typename T, typename Final>
class ValueAccumulator final : public MetricAccumulator {
 public:
  ValueAccumulator(ColumnSource source, Final finalize) : source_(source), finalize_(finalize) {}

  void Resize(size_t groups) override { states_.resize(groups); }
  void Update(const store::ColumnBlock& block, const uint32_t* rows, size_t count, const uint32_t* groups) override {
    buffer_.resize(count);
    if constexpr (std::is_same_v<T, double>) GatherDouble(source_, block, rows, count, buffer_.data());
    else GatherInt(source_, block, rows, count, buffer_.data());
    if (!groups) {
      typename Agg::State& state = states_[0];
      for (size_t idx = 0; idx < count; ++idx) {
        if (!IsAbsent(buffer_[idx])) Agg::Update(state, Value(buffer_[idx]));
      }
      return;
    }
    for (size_t idx = 0; idx < count; ++idx) {
      if (!IsAbsent(buffer_[idx])) Agg::Update(states_[groups[idx]], Value(buffer_[idx]));
    }
  }
  void Merge(MetricAccumulator& other, const uint32_t* group_map) override {
    auto& from = static_cast<ValueAccumulator&>(other).states_;
    for (size_t group = 0; group < from.size(); ++group) Agg::Combine(states_[group_map[group]], from[group]);
  }
  Cell Finalize(size_t group) override { return finalize_(states_[group]); }

 private:
  // Uniq takes the value's bit pattern; the others take the value itself.
  static auto Value(T value) {
    if constexpr (std::is_same_v<Agg, Uniq>) return std::bit_cast<uint64_t>(value);
    else if constexpr (std::is_same_v<Agg, Quantile>) return static_cast<double>(value);
    else return value;
  }

  ColumnSource source_;
  Final finalize_;
  std::vector<typename Agg::State> states_;
  std::vector<T> buffer_;
};

template <typename Agg, typename T, typename Final>
std::unique_ptr<MetricAccumulator> MakeValue(const ColumnSource& source, Final finalize) {
  return std::make_unique<ValueAccumulator<Agg, T, Final>>(source, finalize);
}

class RateAccumulator final : public MetricAccumulator {
 public:
  RateAccumulator(ColumnSource source, uint64_t target) : source_(source), target_(target) {}

  void Resize(size_t groups) override { states_.resize(groups); }
  void Update(const store::ColumnBlock& block, const uint32_t* rows, size_t count, const uint32_t* groups) override {
    codes_.resize(count);
    GatherCode(source_, block, rows, count, codes_.data());
    for (size_t idx = 0; idx < count; ++idx) {
      Rate::Update(states_[groups ? groups[idx] : 0], codes_[idx] == target_);
    }
  }
  void Merge(MetricAccumulator& other, const uint32_t* group_map) override {
    auto& from = static_cast<RateAccumulator&>(other).states_;
    for (size_t group = 0; group < from.size(); ++group) Rate::Combine(states_[group_map[group]], from[group]);
  }
  Cell Finalize(size_t group) override { return OptionalCell(Rate::Finalize(states_[group]), Output::kDouble); }

 private:
  ColumnSource source_;
  uint64_t target_;
  std::vector<Rate::State> states_;
  std::vector<uint64_t> codes_;
};

template <typename T>
std::unique_ptr<MetricAccumulator> MakeNumeric(const MetricSpec& metric, const ColumnSource& source, Output output) {
  switch (metric.kind) {
    case AggregateKind::kSum:
      return MakeValue<Sum<T>, T>(source, [output](const typename Sum<T>::State& state) {
        return NumberCell(Sum<T>::Finalize(state), output);
      });
    case AggregateKind::kAvg:
      return MakeValue<Avg<T>, T>(source, [output](const typename Avg<T>::State& state) {
        return OptionalCell(Avg<T>::Finalize(state), output == Output::kMoney ? Output::kMoney : Output::kDouble);
      });
    case AggregateKind::kMin:
      return MakeValue<Min<T>, T>(source, [output](const typename Min<T>::State& state) {
        return OptionalCell(Min<T>::Finalize(state), output);
      });
    case AggregateKind::kMax:
      return MakeValue<Max<T>, T>(source, [output](const typename Max<T>::State& state) {
        return OptionalCell(Max<T>::Finalize(state), output);
      });
    case AggregateKind::kPercentile: {
      double percentile = metric.percentile;
      return MakeValue<Quantile, T>(source, [output, percentile](Quantile::State& state) {
        return OptionalCell(Quantile::Finalize(state, percentile),
                            output == Output::kMoney ? Output::kMoney : Output::kDouble);
      });
    }
    case AggregateKind::kUniq:
      return MakeValue<Uniq, T>(source, [](const Uniq::State& state) { return Cell{Uniq::Finalize(state)}; });
    default:
      return nullptr;
  }
}

}  // namespace

std::unique_ptr<MetricAccumulator> MakeAccumulator(const MetricSpec& metric, const store::TableSnapshot& snapshot) {
  if (metric.kind == AggregateKind::kCount) return std::make_unique<CountAccumulator>();
  if (metric.kind == AggregateKind::kRate) {
    if (metric.rate_of == "error") {
      ColumnSource source = ResolveColumn(snapshot, FieldRef{FieldId::kStatus, {}});
      return std::make_unique<RateAccumulator>(source, static_cast<uint64_t>(EventStatus::kError));
    }
    FieldId id = metric.rate_of == "cache_hit" ? FieldId::kCacheHit : FieldId::kStreaming;
    return std::make_unique<RateAccumulator>(ResolveColumn(snapshot, FieldRef{id, {}}), kBoolTrue);
  }
  ColumnSource source = ResolveColumn(snapshot, metric.field);
  const bool is_double = metric.field.id == FieldId::kScore || metric.field.kind() == FieldKind::kDouble;
  if (is_double) return MakeNumeric<double>(metric, source, Output::kDouble);
  const Output output = metric.field.kind() == FieldKind::kMoney ? Output::kMoney : Output::kInt;
  return MakeNumeric<int64_t>(metric, source, output);
}

}  // namespace mltrack::query
