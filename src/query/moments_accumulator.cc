#include "query/moments_accumulator.h"

#include <cmath>
#include <optional>
#include <vector>

#include "core/event.h"
#include "query/aggregate/avg.h"
#include "query/aggregate/stddev.h"
#include "query/aggregate/variance.h"
#include "query/chunk_gathers.h"

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
      : source_(source), unit_(money ? static_cast<double>(kNanoPerUsd) : 1.0), kind_(kind), owner_(owner) {}

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
      Variance::UpdateMany(var_[0], values, count);  // as VarianceAccumulator does
      for (size_t idx = 0; idx < count; ++idx) {
        if (!std::isnan(values[idx])) Avg<T>::Update(avg_[0], Value(idx));
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
  // Only blocks whose present values are all equal (or absent) follow from a summary, as for
  // var alone (a summary holds no spread).
  bool CanAddSummary(const store::ColumnBlock& block) const override {
    if (owner_) return true;
    const bool is_double = std::is_same_v<T, double>;
    if (source_.type != (is_double ? ColumnSource::Type::kDouble : ColumnSource::Type::kInt)) return false;
    const store::ColumnSummary& column = *SummaryOf(source_, *block.summary);
    switch (column.type) {
      case store::ColumnSummary::Type::kAbsent: return true;
      case store::ColumnSummary::Type::kInts: return !is_double && (column.present == 0 || column.int_min == column.int_max);
      case store::ColumnSummary::Type::kDoubles:
        return is_double && (column.present == 0 || column.double_min == column.double_max);
      default: return false;
    }
  }
  void AddSummary(const store::ColumnBlock& block, uint32_t group) override {
    if (owner_) return;
    const store::ColumnSummary& column = *SummaryOf(source_, *block.summary);
    if (column.present == 0 || column.type == store::ColumnSummary::Type::kAbsent) return;
    typename Avg<T>::State sums;
    if constexpr (std::is_same_v<T, double>) {
      sums.sum = column.double_sum;
      Variance::AddConstant(var_[group], column.double_min, column.present);
    } else {
      sums.sum = column.int_sum;
      Variance::AddConstant(var_[group], static_cast<double>(column.int_min), column.present);
    }
    sums.count = column.present;
    Avg<T>::Combine(avg_[group], sums);
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
    return std::make_unique<MomentsAccumulator>(source_, unit_ != 1.0, kind, this);
  }

 private:
  // The gathered value of the chunk's row idx (valid during Update).
  T Value(size_t idx) const { return raw_[idx]; }

  ColumnSource source_;
  double unit_;  // stored units per output unit (nano-USD per USD for money)
  AggregateKind kind_;
  MomentsAccumulator* owner_;
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
