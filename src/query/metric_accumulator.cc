#include "query/metric_accumulator.h"

#include <algorithm>
#include <bit>
#include <climits>
#include <cmath>
#include <limits>
#include <vector>

#include "core/event.h"
#include "query/aggregate/avg.h"
#include "query/aggregate/count.h"
#include "query/aggregate/days.h"
#include "query/aggregate/max.h"
#include "query/aggregate/min.h"
#include "query/aggregate/quantile.h"
#include "query/aggregate/rate.h"
#include "query/aggregate/sum.h"
#include "query/aggregate/uniq.h"
#include "query/chunk_gathers.h"
#include "query/moments_accumulator.h"
#include "query/time_bucket.h"
#include "query/variance_accumulator.h"
#include "store/block_user_rollup.h"
#include "store/derived_sketch.h"
#include "store/value_sketch.h"

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

// The cell of a sum (aggregate::SumTotal): as NumberCell while it fits int64 / double, a
// WideNumber past that.
Cell SumCell(__int128 total, Output output) {
  if (output == Output::kInt || output == Output::kMoney) return IntegerSumCell(total, output == Output::kMoney);
  return static_cast<double>(total);
}

Cell SumCell(const aggregate::DoubleTotal& total, Output output) {
  if (!total.spilled()) return NumberCell(total.sum, output);
  const long double value = static_cast<long double>(total);
  if (output == Output::kMoney) return DoubleSumCell(value / static_cast<long double>(kNanoPerUsd));
  return DoubleSumCell(value);
}

template <typename T>
size_t VectorBytes(const std::vector<T>& values) {
  return values.capacity() * sizeof(T);
}

size_t UniqBytes(const Uniq::State& state) { return state.set.MemoryBytes() + VectorBytes(state.bitmap); }

template <typename T>
Cell OptionalCell(const std::optional<T>& value, Output output) {
  return value ? NumberCell(*value, output) : Cell{};
}

// The block's user rollup (AddsRollup was true).
const store::UserRollup& RollupOf(const store::ColumnBlock& block) { return *block.summary->user_rollup; }

// Count: no column.
class CountAccumulator final : public MetricAccumulator {
 public:
  void Resize(size_t groups) override { states_.resize(groups); }
  void Update(const store::ColumnBlock&, const uint32_t*, size_t count, const uint32_t* groups) override {
    if (!groups) return Count::UpdateMany(states_[0], count);
    for (size_t idx = 0; idx < count; ++idx) Count::Update(states_[groups[idx]]);
  }
  void Merge(const MetricAccumulator& other, const uint32_t* group_map) override {
    auto& from = static_cast<const CountAccumulator&>(other).states_;
    for (size_t group = 0; group < from.size(); ++group) Count::Combine(states_[group_map[group]], from[group]);
  }
  bool CanAddSummary(const store::ColumnBlock&) const override { return true; }
  void AddSummary(const store::ColumnBlock& block, uint32_t group) override { AddRows(group, block.rows); }
  bool counts_rows() const override { return true; }
  void AddRows(uint32_t group, uint64_t rows) override { Count::UpdateMany(states_[group], rows); }
  bool AddsRollup(const store::ColumnBlock&) const override { return true; }
  void AddRollup(const store::ColumnBlock& block, const uint32_t* entries, size_t count, const uint32_t*,
                 const uint32_t* groups) override {
    const store::UserRollup& rollup = RollupOf(block);
    for (size_t idx = 0; idx < count; ++idx) Count::UpdateMany(states_[groups[idx]], rollup.rows(entries[idx]));
  }
  bool Subtracts() const override { return true; }
  void Subtract(const MetricAccumulator& other, uint32_t group) override {
    states_[group].count -= static_cast<const CountAccumulator&>(other).states_[0].count;
  }
  Cell Finalize(size_t group) override { return Count::Finalize(states_[group]); }
  void ReleaseScratch() override {}
  size_t MemoryBytes() const override { return VectorBytes(states_); }

 private:
  std::vector<Count::State> states_;
};

// Rows one run of LaneSum adds: 256 values per lane, so int64 lanes cannot overflow for any
// value a column holds below 2^55 (tokens, money).
constexpr size_t kLaneRows = 1024;

// The sum of the present values[0, count) (at most kLaneRows), counting them into *present:
// four independent lanes (a double sum is one dependency chain otherwise), absent values added
// as 0 without a branch. Lanes are T; when the double total overflows, the run is added again
// value by value into a spilling DoubleTotal.
template <typename T>
aggregate::SumTotal<T> LaneSum(const T* values, size_t count, uint64_t* present) {
  T lanes[4] = {};
  uint64_t found = 0;
  size_t idx = 0;
  for (; idx + 4 <= count; idx += 4) {
    for (size_t lane = 0; lane < 4; ++lane) {
      const bool ok = !IsAbsent(values[idx + lane]);
      lanes[lane] += ok ? values[idx + lane] : T{};
      found += ok;
    }
  }
  for (; idx < count; ++idx) {
    const bool ok = !IsAbsent(values[idx]);
    lanes[0] += ok ? values[idx] : T{};
    found += ok;
  }
  *present += found;
  if constexpr (std::is_same_v<T, double>) {
    const double total = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    if (std::isfinite(total)) return aggregate::DoubleTotal(total);
    aggregate::DoubleTotal spilling;  // an overflow on the way: value by value
    for (idx = 0; idx < count; ++idx) {
      if (!IsAbsent(values[idx])) spilling += values[idx];
    }
    return spilling;
  } else {
    // Each lane holds at most kLaneRows / 4 values below 2^55: no lane overflows int64.
    return (__int128{lanes[0]} + lanes[1]) + (__int128{lanes[2]} + lanes[3]);
  }
}

// Any aggregate fed with one value of type T (int64 or double) per present row.
template <typename Agg, typename T, typename Final>
class ValueAccumulator final : public MetricAccumulator {
 public:
  ValueAccumulator(ColumnSource source, Final finalize) : source_(source), finalize_(finalize) {}

  void Resize(size_t groups) override { states_.resize(groups); }
  void Update(const store::ColumnBlock& block, const uint32_t* rows, size_t count, const uint32_t* groups) override {
    const T* values;
    if constexpr (std::is_same_v<T, double>) values = GatherDoubleOnce(source_, block, rows, count, &buffer_);
    else values = GatherIntOnce(source_, block, rows, count, &buffer_);
    if (!groups) {
      typename Agg::State& state = states_[0];
      if constexpr (std::is_same_v<Agg, Sum<T>> || std::is_same_v<Agg, Avg<T>>) {
        typename Agg::State chunk;
        uint64_t present = 0;
        for (size_t begin = 0; begin < count; begin += kLaneRows) {
          chunk.sum += LaneSum(values + begin, std::min(kLaneRows, count - begin), &present);
        }
        if constexpr (std::is_same_v<Agg, Avg<T>>) chunk.count = present;
        Agg::Combine(state, chunk);
        return;
      }
      for (size_t idx = 0; idx < count; ++idx) {
        if (!IsAbsent(values[idx])) Agg::Update(state, Value(values[idx]));
      }
      return;
    }
    if constexpr (std::is_same_v<Agg, Sum<int64_t>>) {
      // An absent value adds 0: no branch per row (present and absent rows mix at random).
      for (size_t idx = 0; idx < count; ++idx) {
        const int64_t value = values[idx];
        states_[groups[idx]].sum += IsAbsent(value) ? 0 : value;
      }
      return;
    }
    for (size_t idx = 0; idx < count; ++idx) {
      if (!IsAbsent(values[idx])) Agg::Update(states_[groups[idx]], Value(values[idx]));
    }
  }
  void Merge(const MetricAccumulator& other, const uint32_t* group_map) override {
    auto& from = static_cast<const ValueAccumulator&>(other).states_;
    for (size_t group = 0; group < from.size(); ++group) Agg::Combine(states_[group_map[group]], from[group]);
  }
  bool CanAddSummary(const store::ColumnBlock& block) const override {
    if constexpr (std::is_same_v<Agg, Uniq> || std::is_same_v<Agg, Quantile>) {
      return false;
    } else {
      using SummaryType = store::ColumnSummary::Type;
      const bool is_double = std::is_same_v<T, double>;
      if constexpr (kMinOrMax && !is_double) {
        if (source_.type == ColumnSource::Type::kTs) return true;  // the block's time range
      }
      if constexpr (std::is_same_v<Agg, Sum<int64_t>>) {
        // total_tokens adds input and output tokens, absent ones as 0: the two columns' sums.
        if (source_.type == ColumnSource::Type::kTotalTokens) {
          const store::BlockSummary& summary = *block.summary;
          return IntSumFits(summary.field(FieldId::kInputTokens)) && IntSumFits(summary.field(FieldId::kOutputTokens));
        }
      }
      if (source_.type != (is_double ? ColumnSource::Type::kDouble : ColumnSource::Type::kInt)) return false;
      const store::ColumnSummary& column = *SummaryOf(source_, *block.summary);
      if (column.type == SummaryType::kAbsent) return true;
      if (column.type != (is_double ? SummaryType::kDoubles : SummaryType::kInts)) return false;
      if constexpr (std::is_same_v<Agg, Sum<T>> || std::is_same_v<Agg, Avg<T>>) {
        // The block's sum is kept in 64 bits (ints wrap, doubles may reach inf): usable only
        // when no sum of its values could have left that range; otherwise its rows are read.
        if constexpr (is_double) return std::isfinite(column.double_sum);
        return IntSumFits(column);
      }
      return true;
    }
  }
  void AddSummary(const store::ColumnBlock& block, uint32_t group) override {
    if constexpr (kMinOrMax && std::is_same_v<T, int64_t>) {
      if (source_.type == ColumnSource::Type::kTs) {
        // min_ts / max_ts are exact over the block's rows (store::ColumnBlock).
        Agg::Update(states_[group], std::is_same_v<Agg, Min<T>> ? block.min_ts : block.max_ts);
        return;
      }
    }
    if constexpr (std::is_same_v<Agg, Sum<int64_t>>) {
      if (source_.type == ColumnSource::Type::kTotalTokens) {
        for (const FieldId field : {FieldId::kInputTokens, FieldId::kOutputTokens}) {
          const store::ColumnSummary& column = block.summary->field(field);
          if (column.present > 0) states_[group].sum += column.int_sum;
        }
        return;
      }
    }
    if constexpr (!std::is_same_v<Agg, Uniq> && !std::is_same_v<Agg, Quantile>) {
      const store::ColumnSummary& column = *SummaryOf(source_, *block.summary);
      if (column.present == 0) return;
      T sum, min, max;
      if constexpr (std::is_same_v<T, double>) {
        sum = column.double_sum;
        min = column.double_min;
        max = column.double_max;
      } else {
        sum = column.int_sum;
        min = column.int_min;
        max = column.int_max;
      }
      typename Agg::State block;
      if constexpr (std::is_same_v<Agg, Sum<T>>) {
        block.sum = sum;
      } else if constexpr (std::is_same_v<Agg, Avg<T>>) {
        block.sum = sum;
        block.count = column.present;
      } else if constexpr (std::is_same_v<Agg, Min<T>>) {
        Agg::Update(block, min);
      } else {
        Agg::Update(block, max);
      }
      Agg::Combine(states_[group], block);
    }
  }
  bool AddsRollup(const store::ColumnBlock&) const override {
    if constexpr (std::is_same_v<Agg, Sum<int64_t>>) {
      if (source_.type == ColumnSource::Type::kTotalTokens) return true;
      return source_.type == ColumnSource::Type::kInt &&
             (source_.field == FieldId::kInputTokens || source_.field == FieldId::kOutputTokens ||
              source_.field == FieldId::kCostUsd);
    }
    if constexpr (kMinOrMax && std::is_same_v<T, int64_t>) return source_.type == ColumnSource::Type::kTs;
    return false;
  }
  void AddRollup(const store::ColumnBlock& block, const uint32_t* entries, size_t count, const uint32_t*,
                 const uint32_t* groups) override {
    const store::UserRollup& rollup = RollupOf(block);
    if constexpr (std::is_same_v<Agg, Sum<int64_t>>) {
      const auto add = [&](size_t idx, int64_t sum) { states_[groups[idx]].sum += sum; };
      if (source_.type == ColumnSource::Type::kTotalTokens) {  // one pass over the groups' states, not two
        const store::RollupSums& input = rollup.input_tokens;
        const store::RollupSums& output = rollup.output_tokens;
        for (size_t idx = 0; idx < count; ++idx) {
          SumTotal<int64_t>& sum = states_[groups[idx]].sum;
          sum += input[entries[idx]];
          sum += output[entries[idx]];
        }
        return;
      }
      const store::RollupSums& sums = source_.field == FieldId::kCostUsd       ? rollup.cost
                                      : source_.field == FieldId::kInputTokens ? rollup.input_tokens
                                                                               : rollup.output_tokens;
      sums.ForEach(entries, count, add);
    } else if constexpr (kMinOrMax && std::is_same_v<T, int64_t>) {
      const uint32_t* offsets = std::is_same_v<Agg, Min<T>> ? rollup.first_ms.data() : rollup.last_ms.data();
      for (size_t idx = 0; idx < count; ++idx) Agg::Update(states_[groups[idx]], block.min_ts + offsets[entries[idx]]);
    }
  }
  bool Subtracts() const override { return std::is_same_v<Agg, Sum<int64_t>>; }
  void Subtract(const MetricAccumulator& other, uint32_t group) override {
    if constexpr (std::is_same_v<Agg, Sum<int64_t>>) {
      states_[group].sum -= static_cast<const ValueAccumulator&>(other).states_[0].sum;
    }
  }
  Cell Finalize(size_t group) override { return finalize_(states_[group]); }
  void ReleaseScratch() override { buffer_ = {}; }
  size_t MemoryBytes() const override {
    size_t bytes = VectorBytes(states_) + VectorBytes(buffer_);
    if constexpr (std::is_same_v<Agg, Uniq>) {
      for (const auto& state : states_) bytes += UniqBytes(state);
    }
    return bytes;
  }

 private:
  static constexpr bool kMinOrMax = std::is_same_v<Agg, Min<T>> || std::is_same_v<Agg, Max<T>>;

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

static_assert(aggregate::LogBuckets::kShift == store::ValueSketch::kShift,
              "block sketches must count values in the percentile sketch's buckets");

// p<N>:<field>. Several percentiles of one field share the states of the first (`primary_`),
// so p50, p90 and p99 of latency_ms cost one pass.
// Whether no row of a summary's block has every input of tokens_per_s (column_source.h).
bool TokensPerSecondAbsent(const store::BlockSummary& summary) {
  return summary.field(FieldId::kOutputTokens).present == 0 || summary.field(FieldId::kLatencyMs).present == 0 ||
         summary.field(FieldId::kTtftMs).present == 0;
}

class QuantileAccumulator final : public MetricAccumulator {
 public:
  QuantileAccumulator(ColumnSource source, bool money, double percentile, QuantileAccumulator* primary)
      : source_(source), money_(money), percentile_(percentile), primary_(primary) {}

  void Resize(size_t groups) override {
    if (!primary_) states_.resize(groups);
  }
  void Update(const store::ColumnBlock& block, const uint32_t* rows, size_t count, const uint32_t* groups) override {
    if (primary_) return;
    const double* values = GatherDoubleOnce(source_, block, rows, count, &buffer_);
    if (!groups) return Quantile::UpdateMany(states_[0], values, count);
    for (size_t idx = 0; idx < count; ++idx) {
      if (!std::isnan(values[idx])) Quantile::Update(states_[groups[idx]], values[idx]);
    }
  }
  void Merge(const MetricAccumulator& other, const uint32_t* group_map) override {
    if (primary_) return;
    auto& from = static_cast<const QuantileAccumulator&>(other).states_;
    for (size_t group = 0; group < from.size(); ++group) Quantile::Combine(states_[group_map[group]], from[group]);
  }
  // A double column's block sketch (store/value_sketch.h) adds the block's values by bucket.
  // A block (or value slice) without any value adds nothing: a double column none of whose rows
  // is present, or tokens_per_s where one of its inputs has no value.
  // tokens_per_s has its own sketch in segments of version 5 (store/derived_sketch.h).
  bool CanAddSummary(const store::ColumnBlock& block) const override {
    if (primary_) return true;
    if (source_.type == ColumnSource::Type::kTokensPerS) {
      const store::DerivedSketch* speeds = block.summary->tokens_per_s.get();
      return TokensPerSecondAbsent(*block.summary) || (speeds && (speeds->present == 0 || speeds->sketch));
    }
    if (source_.type != ColumnSource::Type::kDouble) return false;
    const store::ColumnSummary& column = *SummaryOf(source_, *block.summary);
    return column.present == 0 || column.sketch != nullptr;
  }
  void AddSummary(const store::ColumnBlock& block, uint32_t group) override {
    if (primary_) return;
    const auto counts = [](const store::ValueSketch::Buckets& buckets) {
      return Quantile::ByteCounts{buckets.lowest, buckets.small.data(), buckets.size(), buckets.large.data(),
                                  buckets.large.size()};
    };
    if (source_.type == ColumnSource::Type::kTokensPerS) {
      const store::DerivedSketch* speeds = block.summary->tokens_per_s.get();
      if (!speeds || !speeds->sketch) return;  // absent: no value
      const store::ValueSketch& sketch = *speeds->sketch;
      Quantile::CombineByteCounts(states_[group], speeds->present, speeds->min, speeds->max, sketch.zeros,
                                  counts(sketch.positive), counts(sketch.negative));
      return;
    }
    const store::ColumnSummary& column = *SummaryOf(source_, *block.summary);
    if (!column.sketch) return;  // absent: no value
    const store::ValueSketch& sketch = *column.sketch;
    Quantile::CombineByteCounts(states_[group], column.present, column.double_min, column.double_max, sketch.zeros,
                                counts(sketch.positive), counts(sketch.negative));
  }
  Cell Finalize(size_t group) override {
    Quantile::State& state = primary_ ? primary_->states_[group] : states_[group];
    return OptionalCell(Quantile::Finalize(state, percentile_), money_ ? Output::kMoney : Output::kDouble);
  }
  void ReleaseScratch() override { buffer_ = {}; }
  size_t MemoryBytes() const override {
    size_t bytes = VectorBytes(states_) + VectorBytes(buffer_);
    for (const Quantile::State& state : states_) {
      bytes += VectorBytes(state.values) + VectorBytes(state.positive.counts()) + VectorBytes(state.negative.counts());
    }
    return bytes;
  }
  bool SameField(const ColumnSource& source) const {
    return !primary_ && source.type == source_.type && source.field == source_.field && source.index == source_.index;
  }
  std::unique_ptr<MetricAccumulator> Alias(double percentile) {
    return std::make_unique<QuantileAccumulator>(source_, money_, percentile, this);
  }

 private:
  ColumnSource source_;
  bool money_;
  double percentile_;
  QuantileAccumulator* primary_;
  std::vector<Quantile::State> states_;
  std::vector<double> buffer_;
};

// count:<field>: events where the field is present.
class CountPresentAccumulator final : public MetricAccumulator {
 public:
  explicit CountPresentAccumulator(ColumnSource source) : source_(source) {}

  void Resize(size_t groups) override { states_.resize(groups); }
  void Update(const store::ColumnBlock& block, const uint32_t* rows, size_t count, const uint32_t* groups) override {
    present_.resize(count);
    uint8_t* present = present_.data();
    if (source_.is_double()) {
      const double* values = GatherDoubleOnce(source_, block, rows, count, &doubles_);
      for (size_t idx = 0; idx < count; ++idx) present[idx] = !std::isnan(values[idx]);
    } else {
      const int64_t* values = GatherIntOnce(source_, block, rows, count, &ints_);
      for (size_t idx = 0; idx < count; ++idx) present[idx] = values[idx] != kNullInt;
    }
    if (!groups) {
      uint64_t total = 0;
      for (size_t idx = 0; idx < count; ++idx) total += present[idx];
      return Count::UpdateMany(states_[0], total);
    }
    for (size_t idx = 0; idx < count; ++idx) Count::UpdateMany(states_[groups[idx]], present[idx]);
  }
  void Merge(const MetricAccumulator& other, const uint32_t* group_map) override {
    auto& from = static_cast<const CountPresentAccumulator&>(other).states_;
    for (size_t group = 0; group < from.size(); ++group) Count::Combine(states_[group_map[group]], from[group]);
  }
  bool CanAddSummary(const store::ColumnBlock& block) const override {
    return source_.type == ColumnSource::Type::kEnum || SummaryOf(source_, *block.summary) != nullptr;
  }
  void AddSummary(const store::ColumnBlock& block, uint32_t group) override {
    // Enums always have a value (an absent column holds 0 = chat/ok in every row).
    Count::UpdateMany(states_[group], source_.type == ColumnSource::Type::kEnum
                                          ? block.summary->rows
                                          : SummaryOf(source_, *block.summary)->present);
  }
  bool AddsRollup(const store::ColumnBlock&) const override {
    return source_.type == ColumnSource::Type::kInt && source_.field == FieldId::kCostUsd;
  }
  void AddRollup(const store::ColumnBlock& block, const uint32_t* entries, size_t count, const uint32_t*,
                 const uint32_t* groups) override {
    const uint16_t* priced = RollupOf(block).priced.data();
    for (size_t idx = 0; idx < count; ++idx) Count::UpdateMany(states_[groups[idx]], priced[entries[idx]]);
  }
  bool Subtracts() const override { return true; }
  void Subtract(const MetricAccumulator& other, uint32_t group) override {
    states_[group].count -= static_cast<const CountPresentAccumulator&>(other).states_[0].count;
  }
  Cell Finalize(size_t group) override { return Count::Finalize(states_[group]); }
  void ReleaseScratch() override {
    present_ = {};
    doubles_ = {};
    ints_ = {};
  }
  size_t MemoryBytes() const override {
    return VectorBytes(states_) + VectorBytes(present_) + VectorBytes(doubles_) + VectorBytes(ints_);
  }

 private:
  ColumnSource source_;
  std::vector<Count::State> states_;
  std::vector<uint8_t> present_;
  std::vector<double> doubles_;
  std::vector<int64_t> ints_;
};

// uniq on a dictionary-encoded field: ids, with the bitmap mode of Uniq::UpdateId.
class UniqIdAccumulator final : public MetricAccumulator {
 public:
  explicit UniqIdAccumulator(ColumnSource source)
      : source_(source),
        id_limit_(static_cast<uint32_t>(std::min<size_t>(source.dictionary->size() + 1, UINT32_MAX))) {}

  void Resize(size_t groups) override { states_.resize(groups); }
  void Update(const store::ColumnBlock& block, const uint32_t* rows, size_t count, const uint32_t* groups) override {
    codes_.resize(count);
    GatherCode(source_, block, rows, count, codes_.data());
    const uint64_t* codes = codes_.data();
    if (!groups) {
      Uniq::State& state = states_[0];
      size_t idx = 0;
      for (; idx < count && state.bitmap.empty(); ++idx) {
        if (codes[idx] != store::kAbsentId) Uniq::UpdateId(state, static_cast<uint32_t>(codes[idx]), id_limit_);
      }
      if (idx == count) return;
      // Bitmap mode: one OR per row inside the bitmap's range; the absent id 0 sets bit 0 when
      // the range starts at 0 (cleared afterwards: 0 is never a real id) and is skipped otherwise.
      uint64_t* bits = state.bitmap.data();
      uint64_t words = state.bitmap.size();
      uint64_t base = state.base;
      for (; idx < count; ++idx) {
        const uint64_t id = codes[idx];
        const uint64_t word = (id >> 6) - base;  // wraps below the base
        if (word < words) {
          bits[word] |= uint64_t{1} << (id & 63);
        } else if (id != store::kAbsentId) {
          Uniq::UpdateId(state, static_cast<uint32_t>(id), id_limit_);  // may widen the bitmap
          bits = state.bitmap.data();
          words = state.bitmap.size();
          base = state.base;
        }
      }
      if (base == 0) bits[0] &= ~uint64_t{1};
      return;
    }
    for (size_t idx = 0; idx < count; ++idx) {
      if (codes[idx] != store::kAbsentId) {
        Uniq::UpdateId(states_[groups[idx]], static_cast<uint32_t>(codes[idx]), id_limit_);
      }
    }
  }
  void Merge(const MetricAccumulator& other, const uint32_t* group_map) override {
    auto& from = static_cast<const UniqIdAccumulator&>(other).states_;
    for (size_t group = 0; group < from.size(); ++group) Uniq::Combine(states_[group_map[group]], from[group]);
  }
  bool CanAddSummary(const store::ColumnBlock& block) const override {
    const store::ColumnSummary* column = SummaryOf(source_, *block.summary);
    return column != nullptr && (column->type == store::ColumnSummary::Type::kAbsent ||
                                 (column->type == store::ColumnSummary::Type::kCodes && column->exact) ||
                                 column->DenseRange());
  }
  void AddSummary(const store::ColumnBlock& block, uint32_t group) override {
    const store::ColumnSummary& column = *SummaryOf(source_, *block.summary);
    if (column.DenseRange()) {
      for (uint64_t id = column.min_code; id <= column.max_code; ++id) {
        Uniq::UpdateId(states_[group], static_cast<uint32_t>(id), id_limit_);
      }
      return;
    }
    for (const auto& [code, rows] : column.codes) {
      if (code != store::kAbsentId) Uniq::UpdateId(states_[group], code, id_limit_);
    }
  }
  // Each entry has one code of each key field: its row's.
  bool AddsRollup(const store::ColumnBlock& block) const override {
    return source_.type == ColumnSource::Type::kString && RollupOf(block).Keys(source_.field);
  }
  void AddRollup(const store::ColumnBlock& block, const uint32_t*, size_t count, const uint32_t* rows,
                 const uint32_t* groups) override {
    Update(block, rows, count, groups);
  }
  Cell Finalize(size_t group) override { return Uniq::Finalize(states_[group]); }
  void ReleaseScratch() override { codes_ = {}; }
  size_t MemoryBytes() const override {
    size_t bytes = VectorBytes(states_) + VectorBytes(codes_);
    for (const auto& state : states_) bytes += UniqBytes(state);
    return bytes;
  }

 private:
  ColumnSource source_;
  uint32_t id_limit_;
  std::vector<Uniq::State> states_;
  std::vector<uint64_t> codes_;
};

class RateAccumulator final : public MetricAccumulator {
 public:
  RateAccumulator(ColumnSource source, uint64_t target) : source_(source), target_(target) {}

  void Resize(size_t groups) override { states_.resize(groups); }
  void Update(const store::ColumnBlock& block, const uint32_t* rows, size_t count, const uint32_t* groups) override {
    codes_.resize(count);
    GatherCode(source_, block, rows, count, codes_.data());
    if (!groups) {
      uint64_t hits = 0;
      for (size_t idx = 0; idx < count; ++idx) hits += codes_[idx] == target_;
      Rate::UpdateMany(states_[0], hits, count);
      return;
    }
    for (size_t idx = 0; idx < count; ++idx) Rate::Update(states_[groups[idx]], codes_[idx] == target_);
  }
  void Merge(const MetricAccumulator& other, const uint32_t* group_map) override {
    auto& from = static_cast<const RateAccumulator&>(other).states_;
    for (size_t group = 0; group < from.size(); ++group) Rate::Combine(states_[group_map[group]], from[group]);
  }
  bool CanAddSummary(const store::ColumnBlock& block) const override {
    const store::BlockSummary& summary = *block.summary;
    const store::ColumnSummary* column = SummaryOf(source_, summary);
    uint64_t hits = 0;
    return column != nullptr && column->RowsWithCode(summary.rows, static_cast<uint32_t>(target_), &hits);
  }
  void AddSummary(const store::ColumnBlock& block, uint32_t group) override {
    const store::BlockSummary& summary = *block.summary;
    uint64_t hits = 0;
    SummaryOf(source_, summary)->RowsWithCode(summary.rows, static_cast<uint32_t>(target_), &hits);
    Rate::UpdateMany(states_[group], hits, summary.rows);
  }
  bool AddsRollup(const store::ColumnBlock&) const override {
    return source_.type == ColumnSource::Type::kEnum && source_.field == FieldId::kStatus &&
           target_ == static_cast<uint64_t>(EventStatus::kError);
  }
  void AddRollup(const store::ColumnBlock& block, const uint32_t* entries, size_t count, const uint32_t*,
                 const uint32_t* groups) override {
    const store::UserRollup& rollup = RollupOf(block);
    for (size_t idx = 0; idx < count; ++idx) {
      Rate::UpdateMany(states_[groups[idx]], rollup.errors[entries[idx]], rollup.rows(entries[idx]));
    }
  }
  bool Subtracts() const override { return true; }
  void Subtract(const MetricAccumulator& other, uint32_t group) override {
    const Rate::State& from = static_cast<const RateAccumulator&>(other).states_[0];
    states_[group].hits -= from.hits;
    states_[group].total -= from.total;
  }
  Cell Finalize(size_t group) override { return OptionalCell(Rate::Finalize(states_[group]), Output::kDouble); }
  void ReleaseScratch() override { codes_ = {}; }
  size_t MemoryBytes() const override { return VectorBytes(states_) + VectorBytes(codes_); }

 private:
  ColumnSource source_;
  uint64_t target_;
  std::vector<Rate::State> states_;
  std::vector<uint64_t> codes_;
};

// days:ts. Days are the query's 1-day buckets in its zone (Plan::days), kept by their number on
// that clock (TimeBucketer::Number), which does not depend on the query's range: cached states
// merge into any later query.
class DaysAccumulator final : public MetricAccumulator {
 public:
  explicit DaysAccumulator(const DayGrid& days) : days_(days.bucketer), from_ms_(days.from_ms), to_ms_(days.to_ms) {
    // A range of at most 64 days (the users dashboard's periods): one word per group, bit d for
    // the range's day d, so that a day is set without a branch or a heap read.
    if (from_ms_ != INT64_MIN && to_ms_ != INT64_MAX && from_ms_ < to_ms_) {
      const int64_t first = days_.Number(from_ms_);
      if (days_.Number(to_ms_ - 1) - first < kFlatDays) {
        flat_ = true;
        first_day_ = first;
      }
    }
  }

  void Resize(size_t groups) override {
    if (flat_) return flat_words_.resize(groups, 0);
    states_.resize(groups);
    last_day_.resize(groups, INT64_MIN);
  }
  void Update(const store::ColumnBlock& block, const uint32_t* rows, size_t count, const uint32_t* groups) override {
    const int64_t first = days_.Number(std::max(block.min_ts, from_ms_));
    const int64_t last = days_.Number(std::min(block.max_ts, to_ms_ - 1));
    if (first == last) {  // the usual block: every row on one day, ts not read
      if (!groups) return Set(0, first);
      for (size_t idx = 0; idx < count; ++idx) Set(groups[idx], first);
      return;
    }
    // A block across midnight: a row's day is `first` plus the day starts it has passed.
    constexpr int64_t kMaxStarts = 16;
    int64_t starts[kMaxStarts];
    const int64_t bounds = std::min(last - first, kMaxStarts);
    for (int64_t bound = 0; bound < bounds; ++bound) starts[bound] = days_.StartOfNumber(first + 1 + bound);
    for (size_t idx = 0; idx < count; ++idx) {
      const int64_t ts = block.Ts(rows[idx]);
      int64_t day = first;
      if (last - first <= kMaxStarts) {
        for (int64_t bound = 0; bound < bounds; ++bound) day += ts >= starts[bound];
      } else {
        day = days_.Number(ts);
      }
      Set(groups ? groups[idx] : 0, day);
    }
  }
  void Merge(const MetricAccumulator& other, const uint32_t* group_map) override {
    const auto& from = static_cast<const DaysAccumulator&>(other);
    if (flat_) {
      for (size_t group = 0; group < from.flat_words_.size(); ++group) flat_words_[group_map[group]] |= from.flat_words_[group];
      return;
    }
    for (size_t group = 0; group < from.states_.size(); ++group) Days::Combine(states_[group_map[group]], from.states_[group]);
  }
  bool CanAddSummary(const store::ColumnBlock& block) const override { return AddsBlockRows(block); }
  void AddSummary(const store::ColumnBlock& block, uint32_t group) override { AddBlockRows(block, group, block.rows); }
  bool AddsBlockRows(const store::ColumnBlock& block) const override {
    return days_.Number(std::max(block.min_ts, from_ms_)) == days_.Number(std::min(block.max_ts, to_ms_ - 1));
  }
  void AddBlockRows(const store::ColumnBlock& block, uint32_t group, uint64_t rows) override {
    if (rows > 0) Set(group, days_.Number(std::max(block.min_ts, from_ms_)));
  }
  // An entry's days are those of its first and last row when the block (clamped to the grid's
  // range) spans at most two days: no day lies between them.
  bool AddsRollup(const store::ColumnBlock& block) const override {
    return days_.Number(std::min(block.max_ts, to_ms_ - 1)) - days_.Number(std::max(block.min_ts, from_ms_)) <= 1;
  }
  void AddRollup(const store::ColumnBlock& block, const uint32_t* entries, size_t count, const uint32_t*,
                 const uint32_t* groups) override {
    const store::UserRollup& rollup = RollupOf(block);
    const int64_t low = std::max(block.min_ts, from_ms_);
    const int64_t high = std::min(block.max_ts, to_ms_ - 1);
    const int64_t first_day = days_.Number(low);
    const int64_t last_day = days_.Number(high);
    if (first_day == last_day) {
      if (flat_) {
        const uint64_t bit = FlatBit(first_day);
        for (size_t idx = 0; idx < count; ++idx) flat_words_[groups[idx]] |= bit;
        return;
      }
      for (size_t idx = 0; idx < count; ++idx) Set(groups[idx], first_day);
      return;
    }
    const int64_t edge = days_.StartOfNumber(last_day);
    for (size_t idx = 0; idx < count; ++idx) {
      const int64_t first = block.min_ts + rollup.first_ms[entries[idx]];
      const int64_t last = block.min_ts + rollup.last_ms[entries[idx]];
      if (first < edge) Set(groups[idx], first_day);
      if (last >= edge) Set(groups[idx], last_day);
    }
  }
  Cell Finalize(size_t group) override {
    IntList list;
    if (flat_) {
      // Every group's days are among the word's 64: each day's start is worked out once.
      if (flat_starts_.empty()) flat_starts_.assign(kFlatDays, kNoStart);
      const uint64_t word = flat_words_[group];
      list.values.reserve(static_cast<size_t>(std::popcount(word)));
      for (uint64_t bits = word; bits != 0; bits &= bits - 1) {
        int64_t& start = flat_starts_[static_cast<size_t>(std::countr_zero(bits))];
        if (start == kNoStart) start = days_.StartOfNumber(first_day_ + std::countr_zero(bits));
        list.values.push_back(start);
      }
      return list;
    }
    for (int64_t day : Days::Finalize(states_[group])) list.values.push_back(days_.StartOfNumber(day));
    return list;
  }
  void ReleaseScratch() override { last_day_ = {}; }
  size_t MemoryBytes() const override {
    size_t bytes = VectorBytes(states_) + VectorBytes(last_day_) + VectorBytes(flat_words_) + VectorBytes(flat_starts_);
    for (const Days::State& state : states_) bytes += VectorBytes(state.words);
    return bytes;
  }

 private:
  static constexpr int64_t kFlatDays = 64;
  static constexpr int64_t kNoStart = std::numeric_limits<int64_t>::min();

  // Days are those of the grid's range (block ranges are clamped to it), so within the word.
  uint64_t FlatBit(int64_t day) const { return uint64_t{1} << static_cast<unsigned>(day - first_day_); }
  // A group's rows come in runs on one day: the day set last per group skips the bitmap.
  void Set(uint32_t group, int64_t day) {
    if (flat_) {
      flat_words_[group] |= FlatBit(day);
      return;
    }
    if (last_day_[group] == day) return;
    last_day_[group] = day;
    Days::Update(states_[group], day);
  }

  TimeBucketer days_;
  int64_t from_ms_;  // the range the day grid is exact for
  int64_t to_ms_;
  bool flat_ = false;
  int64_t first_day_ = 0;               // flat_: the day of bit 0
  std::vector<uint64_t> flat_words_;    // flat_: per group, its days
  std::vector<int64_t> flat_starts_;    // flat_: the start of each bit's day, on the first Finalize
  std::vector<Days::State> states_;     // otherwise: per group, its days
  std::vector<int64_t> last_day_;       // per group: the day Set last (scratch)
};

template <typename T>
std::unique_ptr<MetricAccumulator> MakeNumeric(const MetricSpec& metric, const ColumnSource& source, Output output) {
  switch (metric.kind) {
    case AggregateKind::kSum:
      return MakeValue<Sum<T>, T>(source, [output](const typename Sum<T>::State& state) {
        return SumCell(Sum<T>::Finalize(state), output);
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
    case AggregateKind::kPercentile:
      return std::make_unique<QuantileAccumulator>(source, output == Output::kMoney, metric.percentile, nullptr);
    case AggregateKind::kUniq:
      return MakeValue<Uniq, T>(source, [](const Uniq::State& state) { return Cell{Uniq::Finalize(state)}; });
    default:
      return nullptr;
  }
}

}  // namespace

bool IntSumFits(const store::ColumnSummary& column) {
  if (column.type == store::ColumnSummary::Type::kAbsent) return true;
  if (column.type != store::ColumnSummary::Type::kInts) return false;
  const __int128 low = static_cast<__int128>(column.int_min) * column.present;
  const __int128 high = static_cast<__int128>(column.int_max) * column.present;
  return low >= INT64_MIN && high <= INT64_MAX;
}

std::vector<std::unique_ptr<MetricAccumulator>> MakeAccumulators(const std::vector<MetricSpec>& metrics,
                                                                 const store::TableSnapshot& snapshot,
                                                                 const DayGrid* days) {
  // A field with var or stddev and another of count, avg, var, stddev: those share one pass
  // (moments_accumulator.h). A lone var keeps its own accumulator.
  auto moments_of = [&](const FieldRef& field, bool variance_only) {
    return std::count_if(metrics.begin(), metrics.end(), [&](const MetricSpec& other) {
      const bool variance = other.kind == AggregateKind::kVar || other.kind == AggregateKind::kStddev;
      const bool moment = variance || other.kind == AggregateKind::kAvg || other.kind == AggregateKind::kCountPresent;
      return other.field == field && (variance_only ? variance : moment);
    });
  };
  // A score's count and mean too: no summary column holds scores, only their moments
  // (store/block_moments.h), so whole blocks and value slices give them only through moments.
  auto score_moment = [](const MetricSpec& metric) {
    return metric.field.id == FieldId::kScore &&
           (metric.kind == AggregateKind::kAvg || metric.kind == AggregateKind::kCountPresent);
  };
  std::vector<std::unique_ptr<MetricAccumulator>> out;
  for (const MetricSpec& metric : metrics) {
    std::unique_ptr<MetricAccumulator> made;
    if (score_moment(metric) || (moments_of(metric.field, true) > 0 && moments_of(metric.field, false) > 1)) {
      const ColumnSource source = ResolveColumn(snapshot, metric.field);
      if (SharesMoments(metric, source)) {
        for (const auto& earlier : out) {
          if ((made = AliasMoments(*earlier, metric, source))) break;
        }
        if (!made) made = MakeMomentsAccumulator(metric, source, metric.field.kind() == FieldKind::kMoney);
      }
    }
    if (metric.kind == AggregateKind::kPercentile) {
      const ColumnSource source = ResolveColumn(snapshot, metric.field);
      for (const auto& earlier : out) {
        auto* quantile = dynamic_cast<QuantileAccumulator*>(earlier.get());
        if (quantile && quantile->SameField(source)) {
          made = quantile->Alias(metric.percentile);
          break;
        }
      }
    }
    out.push_back(made ? std::move(made) : MakeAccumulator(metric, snapshot, days));
  }
  return out;
}

std::unique_ptr<MetricAccumulator> MakeAccumulator(const MetricSpec& metric, const store::TableSnapshot& snapshot,
                                                   const DayGrid* days) {
  if (metric.kind == AggregateKind::kCount) return std::make_unique<CountAccumulator>();
  if (metric.kind == AggregateKind::kDays) {
    static const DayGrid kUtcDays{TimeBucketer(BucketWidth{86'400'000, 0}, 0)};
    return std::make_unique<DaysAccumulator>(days != nullptr ? *days : kUtcDays);
  }
  if (metric.kind == AggregateKind::kCountPresent) {
    return std::make_unique<CountPresentAccumulator>(ResolveColumn(snapshot, metric.field));
  }
  if (metric.kind == AggregateKind::kRate) {
    if (metric.rate_of == "error") {
      ColumnSource source = ResolveColumn(snapshot, FieldRef{FieldId::kStatus, {}});
      return std::make_unique<RateAccumulator>(source, static_cast<uint64_t>(EventStatus::kError));
    }
    FieldId id = metric.rate_of == "cache_hit" ? FieldId::kCacheHit : FieldId::kStreaming;
    return std::make_unique<RateAccumulator>(ResolveColumn(snapshot, FieldRef{id, {}}), kBoolTrue);
  }
  ColumnSource source = ResolveColumn(snapshot, metric.field);
  if (metric.kind == AggregateKind::kVar || metric.kind == AggregateKind::kStddev) {
    return MakeVarianceAccumulator(metric, source, metric.field.kind() == FieldKind::kMoney);
  }
  if (metric.kind == AggregateKind::kUniq && source.dictionary &&
      (source.type == ColumnSource::Type::kString || source.type == ColumnSource::Type::kTag)) {
    return std::make_unique<UniqIdAccumulator>(source);
  }
  const bool is_double = metric.field.id == FieldId::kScore || metric.field.kind() == FieldKind::kDouble;
  if (is_double) return MakeNumeric<double>(metric, source, Output::kDouble);
  const Output output = metric.field.kind() == FieldKind::kMoney ? Output::kMoney : Output::kInt;
  return MakeNumeric<int64_t>(metric, source, output);
}

}  // namespace mltrack::query
