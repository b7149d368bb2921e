#include "query/variance_accumulator.h"

#include <cmath>
#include <vector>

#include "core/event.h"
#include "query/aggregate/stddev.h"
#include "query/aggregate/variance.h"
#include "query/chunk_gathers.h"

namespace mltrack::query {
namespace {

using aggregate::Stddev;
using aggregate::Variance;

class VarianceAccumulator final : public MetricAccumulator {
 public:
  VarianceAccumulator(ColumnSource source, bool stddev, bool money)
      : source_(source), stddev_(stddev), unit_(money ? static_cast<double>(kNanoPerUsd) : 1.0) {}

  void Resize(size_t groups) override { states_.resize(groups); }
  void Update(const store::ColumnBlock& block, const uint32_t* rows, size_t count, const uint32_t* groups) override {
    const double* values = GatherDoubleOnce(source_, block, rows, count, &buffer_);
    if (!groups) return Variance::UpdateMany(states_[0], values, count);
    for (size_t idx = 0; idx < count; ++idx) {
      if (!std::isnan(values[idx])) Variance::Update(states_[groups[idx]], values[idx]);
    }
  }
  void Merge(const MetricAccumulator& other, const uint32_t* group_map) override {
    auto& from = static_cast<const VarianceAccumulator&>(other).states_;
    for (size_t group = 0; group < from.size(); ++group) Variance::Combine(states_[group_map[group]], from[group]);
  }
  // A summary gives count, sum, min and max, not the spread: only blocks whose present values
  // are all equal (min = max, or none) are answered from it.
  bool CanAddSummary(const store::ColumnBlock& block) const override {
    if (source_.type != ColumnSource::Type::kInt && source_.type != ColumnSource::Type::kDouble) return false;
    const store::ColumnSummary& column = *SummaryOf(source_, *block.summary);
    switch (column.type) {
      case store::ColumnSummary::Type::kAbsent: return true;
      case store::ColumnSummary::Type::kInts: return column.present == 0 || column.int_min == column.int_max;
      case store::ColumnSummary::Type::kDoubles: return column.present == 0 || column.double_min == column.double_max;
      default: return false;
    }
  }
  void AddSummary(const store::ColumnBlock& block, uint32_t group) override {
    const store::ColumnSummary& column = *SummaryOf(source_, *block.summary);
    if (column.present == 0 || column.type == store::ColumnSummary::Type::kAbsent) return;
    const double value = column.type == store::ColumnSummary::Type::kInts ? static_cast<double>(column.int_min)
                                                                          : column.double_min;
    Variance::AddConstant(states_[group], value, column.present);
  }
  Cell Finalize(size_t group) override {
    if (stddev_) {
      const std::optional<double> value = Stddev::Finalize(states_[group]);
      return value ? Cell{*value / unit_} : Cell{};
    }
    const std::optional<double> value = Variance::Finalize(states_[group]);
    return value ? Cell{*value / (unit_ * unit_)} : Cell{};
  }
  void ReleaseScratch() override { buffer_ = {}; }
  size_t MemoryBytes() const override {
    return states_.capacity() * sizeof(Variance::State) + buffer_.capacity() * sizeof(double);
  }

 private:
  ColumnSource source_;
  bool stddev_;
  double unit_;  // stored units per output unit (nano-USD per USD for money)
  std::vector<Variance::State> states_;
  std::vector<double> buffer_;
};

}  // namespace

std::unique_ptr<MetricAccumulator> MakeVarianceAccumulator(const MetricSpec& metric, const ColumnSource& source,
                                                           bool money) {
  return std::make_unique<VarianceAccumulator>(source, metric.kind == AggregateKind::kStddev, money);
}

}  // namespace mltrack::query
