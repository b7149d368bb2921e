#include "query/moments_accumulator.h"

#include <cmath>
#include <optional>
#include <vector>

#include "core/event.h"
#include "query/aggregate/avg.h"
#include "query/aggregate/stddev.h"
#include "query/aggregate/variance.h"
#include "query/chunk_gathers.h"
#include "store/block_moments.h"

namespace mltrack::query {
namespace {

using aggregate::Avg;
using aggregate::Stddev;
using aggregate::Variance;

bool SameSource(const ColumnSource& a, const ColumnSource& b) {
  return a.type == b.type && a.field == b.field && a.index == b.index;
}

// T: int64_t for ints and money (exact sums, as Avg<int64_t>), double for doubles.
template <typename T>
class MomentsAccumulator final : public MetricAccumulator {
 public:
  MomentsAccumulator(ColumnSource source, bool money, AggregateKind kind, MomentsAccumulator* owner)
      : source_(source), unit_(money ? static_cast<double>(kNanoPerUsd) : 1.0), kind_(kind), owner_(owner) {
    if (owner_ == nullptr) spread_ = NeedsSpread(kind);
  }

  void Resize(size_t groups) override {
    if (owner_) return;
    avg_.resize(groups);
    var_.resize(groups);
  }
  void Update(const store::ColumnBlock& block, const uint32_t* rows, size_t count, const uint32_t* groups) override {
    if (owner_) return;
    const double* values;
    if constexpr (std::is_same_v<T, double>) {
      values = GatherDoubleOnce(source_, block, rows, count, &doubles_);
      raw_ = values;
    } else {
      const int64_t* ints = GatherIntOnce(source_, block, rows, count, &ints_);
      raw_ = ints;
      doubles_.resize(count);
      for (size_t idx = 0; idx < count; ++idx) {
        doubles_[idx] = ints[idx] == kNullInt ? NAN : static_cast<double>(ints[idx]);
      }
      values = doubles_.data();
    }
    if (!groups) {
      if (spread_) Variance::UpdateMany(var_[0], values, count);  // as VarianceAccumulator does
      for (size_t idx = 0; idx < count; ++idx) {
        if (!std::isnan(values[idx])) Avg<T>::Update(avg_[0], Value(idx));
      }
      return;
    }
    if (!spread_) {
      // Only count and mean asked for (the usual avg + count pair): no per-row variance update,
      // which costs a division per value.
      for (size_t idx = 0; idx < count; ++idx) {
        if (!std::isnan(values[idx])) Avg<T>::Update(avg_[groups[idx]], Value(idx));
      }
      return;
    }
    for (size_t idx = 0; idx < count; ++idx) {
      if (std::isnan(values[idx])) continue;
      Avg<T>::Update(avg_[groups[idx]], Value(idx));
      Variance::Update(var_[groups[idx]], values[idx]);
    }
  }
  void Merge(const MetricAccumulator& other, const uint32_t* group_map) override {
    if (owner_) return;
    const auto& from = static_cast<const MomentsAccumulator&>(other);
    for (size_t group = 0; group < from.avg_.size(); ++group) {
      Avg<T>::Combine(avg_[group_map[group]], from.avg_[group]);
      Variance::Combine(var_[group_map[group]], from.var_[group]);
    }
  }
  // A block or slice follows from its summary when the segment keeps its moments (format 6,
  // store/block_moments.h: a field's M2 next to its summary's count and sum; a score's count,
  // sum and M2), or, in older segments, when its present values are all equal (or absent).
  bool CanAddSummary(const store::ColumnBlock& block) const override {
    if (owner_) return true;
    const store::BlockSummary& summary = *block.summary;
    const bool is_double = std::is_same_v<T, double>;
    if (source_.type == ColumnSource::Type::kScore) return is_double && summary.moments != nullptr;
    if (source_.type != (is_double ? ColumnSource::Type::kDouble : ColumnSource::Type::kInt)) return false;
    const store::ColumnSummary& column = *SummaryOf(source_, summary);
    const bool spread_known = summary.moments != nullptr && summary.moments->FieldM2(source_.field) != nullptr;
    switch (column.type) {
      case store::ColumnSummary::Type::kAbsent: return true;
      case store::ColumnSummary::Type::kInts:
        return !is_double && (column.present == 0 || column.int_min == column.int_max || spread_known) &&
               IntSumFits(column);
      case store::ColumnSummary::Type::kDoubles:
        return is_double && (column.present == 0 || column.double_min == column.double_max ||
                             (spread_known && std::isfinite(column.double_sum)));
      default: return false;
    }
  }
  void AddSummary(const store::ColumnBlock& block, uint32_t group) override {
    if (owner_) return;
    const store::BlockSummary& summary = *block.summary;
    typename Avg<T>::State sums;
    Variance::State spread;
    if (source_.type == ColumnSource::Type::kScore) {
      if constexpr (std::is_same_v<T, double>) {
        const store::BlockMoments::Score* score = summary.moments->ScoreOf(static_cast<uint32_t>(source_.index));
        if (score == nullptr) return;
        sums.sum = score->sum;
        sums.count = score->present;
        spread = Spread(score->present, score->sum, score->m2);
      }
    } else {
      const store::ColumnSummary& column = *SummaryOf(source_, summary);
      if (column.present == 0 || column.type == store::ColumnSummary::Type::kAbsent) return;
      double sum, min, max;
      if constexpr (std::is_same_v<T, double>) {
        sums.sum = column.double_sum;
        sum = column.double_sum;
        min = column.double_min;
        max = column.double_max;
      } else {
        sums.sum = column.int_sum;
        sum = static_cast<double>(column.int_sum);
        min = static_cast<double>(column.int_min);
        max = static_cast<double>(column.int_max);
      }
      sums.count = column.present;
      if (min == max) {
        Variance::AddConstant(spread, min, column.present);
      } else {
        spread = Spread(column.present, sum, *summary.moments->FieldM2(source_.field));
      }
    }
    Avg<T>::Combine(avg_[group], sums);
    Variance::Combine(var_[group], spread);
  }
  Cell Finalize(size_t group) override {
    const MomentsAccumulator& states = owner_ ? *owner_ : *this;
    switch (kind_) {
      case AggregateKind::kCountPresent: return static_cast<int64_t>(states.avg_[group].count);
      case AggregateKind::kAvg: {
        const std::optional<double> mean = Avg<T>::Finalize(states.avg_[group]);
        return mean ? Cell{*mean / unit_} : Cell{};
      }
      case AggregateKind::kStddev: {
        const std::optional<double> value = Stddev::Finalize(states.var_[group]);
        return value ? Cell{*value / unit_} : Cell{};
      }
      default: {
        const std::optional<double> value = Variance::Finalize(states.var_[group]);
        return value ? Cell{*value / (unit_ * unit_)} : Cell{};
      }
    }
  }
  void ReleaseScratch() override {
    doubles_ = {};
    ints_ = {};
  }
  size_t MemoryBytes() const override {
    return avg_.capacity() * sizeof(typename Avg<T>::State) + var_.capacity() * sizeof(Variance::State) +
           doubles_.capacity() * sizeof(double) + ints_.capacity() * sizeof(int64_t);
  }

  bool Owns(const ColumnSource& source) const { return !owner_ && SameSource(source, source_); }
  std::unique_ptr<MetricAccumulator> Alias(AggregateKind kind) {
    spread_ = spread_ || NeedsSpread(kind);
    return std::make_unique<MomentsAccumulator>(source_, unit_ != 1.0, kind, this);
  }

 private:
  static bool NeedsSpread(AggregateKind kind) { return kind == AggregateKind::kVar || kind == AggregateKind::kStddev; }
  // The gathered value of the chunk's row idx (valid during Update).
  T Value(size_t idx) const { return raw_[idx]; }
  // The variance state of `count` values of sum `sum` and spread `m2`: shifted by their mean,
  // so the state's mean is 0 (to rounding) and M2 is about it.
  static Variance::State Spread(uint64_t count, double sum, double m2) {
    Variance::State state;
    state.count = count;
    state.shift = sum / static_cast<double>(count);
    state.m2 = m2;
    return state;
  }

  ColumnSource source_;
  double unit_;  // stored units per output unit (nano-USD per USD for money)
  AggregateKind kind_;
  MomentsAccumulator* owner_;
  // Whether a metric of the group (this one or an alias) is a variance or stddev: only then do
  // rows update var_ (summaries and merges still fill it; no one reads it otherwise).
  bool spread_ = false;
  std::vector<typename Avg<T>::State> avg_;
  std::vector<Variance::State> var_;
  std::vector<double> doubles_;
  std::vector<int64_t> ints_;
  const T* raw_ = nullptr;
};

}  // namespace

bool SharesMoments(const MetricSpec& metric, const ColumnSource& source) {
  const bool kind = metric.kind == AggregateKind::kCountPresent || metric.kind == AggregateKind::kAvg ||
                    metric.kind == AggregateKind::kVar || metric.kind == AggregateKind::kStddev;
  return kind && (source.is_double() || source.type == ColumnSource::Type::kInt ||
                  source.type == ColumnSource::Type::kTotalTokens);
}

std::unique_ptr<MetricAccumulator> MakeMomentsAccumulator(const MetricSpec& metric, const ColumnSource& source,
                                                          bool money) {
  if (source.is_double()) return std::make_unique<MomentsAccumulator<double>>(source, money, metric.kind, nullptr);
  return std::make_unique<MomentsAccumulator<int64_t>>(source, money, metric.kind, nullptr);
}

std::unique_ptr<MetricAccumulator> AliasMoments(MetricAccumulator& earlier, const MetricSpec& metric,
                                                const ColumnSource& source) {
  if (auto* doubles = dynamic_cast<MomentsAccumulator<double>*>(&earlier); doubles && doubles->Owns(source)) {
    return doubles->Alias(metric.kind);
  }
  if (auto* ints = dynamic_cast<MomentsAccumulator<int64_t>*>(&earlier); ints && ints->Owns(source)) {
    return ints->Alias(metric.kind);
  }
  return nullptr;
}

}  // namespace mltrack::query
