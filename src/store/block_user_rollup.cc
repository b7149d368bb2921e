#include "store/block_user_rollup.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "core/event.h"
#include "store/block_slices.h"

namespace mltrack::store {
namespace {

constexpr uint64_t kMaxCount = std::numeric_limits<uint16_t>::max();
constexpr int64_t kMaxSpanMs = std::numeric_limits<uint32_t>::max();

int64_t IntAt(const BlockValues::Column* column, size_t row) { return column ? column->ints[row] : kNullInt; }

struct Key {
  int64_t user, team, experiment, model, provider;
  bool operator==(const Key&) const = default;
};

struct KeyHash {
  size_t operator()(const Key& key) const {
    uint64_t hash = static_cast<uint64_t>(key.user) * 0x9E3779B97F4A7C15ull;
    hash ^= static_cast<uint64_t>(key.team) * 0xC2B2AE3D27D4EB4Full + (hash >> 29);
    hash ^= static_cast<uint64_t>(key.experiment) * 0x165667B19E3779F9ull + (hash >> 31);
    hash ^= static_cast<uint64_t>(key.model) * 0x27D4EB2F165667C5ull + (hash >> 27);
    hash ^= static_cast<uint64_t>(key.provider) * 0x94D049BB133111EBull + (hash >> 30);
    return static_cast<size_t>(hash);
  }
};

struct Totals {
  uint64_t rows = 0, errors = 0, priced = 0;
  int64_t first = 0, last = 0;
  __int128 input = 0, output = 0, cost = 0;
};

bool FitsInt64(__int128 value) {
  return value >= std::numeric_limits<int64_t>::min() && value <= std::numeric_limits<int64_t>::max();
}

}  // namespace

void RollupSums::Assign(const std::vector<int64_t>& sums) {
  narrow_.clear();
  wide_.clear();
  const bool fits = std::all_of(sums.begin(), sums.end(), [](int64_t sum) {
    return sum >= std::numeric_limits<int32_t>::min() && sum <= std::numeric_limits<int32_t>::max();
  });
  if (fits) {
    narrow_.assign(sums.begin(), sums.end());
  } else {
    wide_ = sums;
  }
}

size_t UserRollup::MemoryBytes() const {
  return row.capacity() * 2 + rows_minus_one.capacity() * 2 + errors.capacity() * 2 + priced.capacity() * 2 +
         first_ms.capacity() * 4 + last_ms.capacity() * 4 + input_tokens.MemoryBytes() + output_tokens.MemoryBytes() +
         cost.MemoryBytes();
}

UserRollup RollUpUsers(const BlockValues& values, bool by_model) {
  UserRollup rollup;
  rollup.by_model = by_model;
  const size_t rows = values.ts.size();
  if (rows == 0 || rows > size_t{kMaxCount} + 1) return rollup;
  int64_t min_ts = values.ts[0];
  int64_t max_ts = values.ts[0];
  for (int64_t ts : values.ts) {
    min_ts = std::min(min_ts, ts);
    max_ts = std::max(max_ts, ts);
  }
  if (max_ts - min_ts > kMaxSpanMs) return rollup;
  const BlockValues::Column* user = values.column(FieldId::kUser);
  const BlockValues::Column* team = values.column(FieldId::kTeam);
  const BlockValues::Column* experiment = values.column(FieldId::kExperiment);
  const BlockValues::Column* model = by_model ? values.column(FieldId::kModel) : nullptr;
  const BlockValues::Column* provider = by_model ? values.column(FieldId::kProvider) : nullptr;
  const BlockValues::Column* status = values.column(FieldId::kStatus);
  const BlockValues::Column* input = values.column(FieldId::kInputTokens);
  const BlockValues::Column* output = values.column(FieldId::kOutputTokens);
  const BlockValues::Column* cost = values.column(FieldId::kCostUsd);
  const size_t max_entries = rows / kRollupRowsPerEntry;
  std::unordered_map<Key, uint32_t, KeyHash> index;
  index.reserve(max_entries + 1);
  std::vector<Totals> totals;
  std::vector<uint32_t> first_row;
  for (size_t row = 0; row < rows; ++row) {
    const Key key{IntAt(user, row), IntAt(team, row), IntAt(experiment, row), IntAt(model, row), IntAt(provider, row)};
    auto [found, inserted] = index.try_emplace(key, static_cast<uint32_t>(totals.size()));
    if (inserted) {
      if (totals.size() == max_entries) return rollup;  // too many entries to pay
      totals.push_back({0, 0, 0, values.ts[row], values.ts[row]});
      first_row.push_back(static_cast<uint32_t>(row));
    }
    Totals& entry = totals[found->second];
    const int64_t ts = values.ts[row];
    ++entry.rows;
    entry.errors += status != nullptr && status->bytes[row] == static_cast<uint8_t>(EventStatus::kError);
    entry.first = std::min(entry.first, ts);
    entry.last = std::max(entry.last, ts);
    if (const int64_t value = IntAt(input, row); value != kNullInt) entry.input += value;
    if (const int64_t value = IntAt(output, row); value != kNullInt) entry.output += value;
    if (const int64_t value = IntAt(cost, row); value != kNullInt) {
      entry.cost += value;
      ++entry.priced;
    }
  }
  for (const Totals& entry : totals) {
    if (entry.rows - 1 > kMaxCount || entry.errors > kMaxCount || entry.priced > kMaxCount ||
        !FitsInt64(entry.input) || !FitsInt64(entry.output) || !FitsInt64(entry.cost)) {
      return rollup;
    }
  }
  // Entries in order of their first row (they were created in that order).
  std::vector<int64_t> input_sums, output_sums, cost_sums;
  for (size_t idx = 0; idx < totals.size(); ++idx) {
    const Totals& entry = totals[idx];
    rollup.row.push_back(static_cast<uint16_t>(first_row[idx]));
    rollup.rows_minus_one.push_back(static_cast<uint16_t>(entry.rows - 1));
    rollup.errors.push_back(static_cast<uint16_t>(entry.errors));
    rollup.priced.push_back(static_cast<uint16_t>(entry.priced));
    rollup.first_ms.push_back(static_cast<uint32_t>(entry.first - min_ts));
    rollup.last_ms.push_back(static_cast<uint32_t>(entry.last - min_ts));
    input_sums.push_back(static_cast<int64_t>(entry.input));
    output_sums.push_back(static_cast<int64_t>(entry.output));
    cost_sums.push_back(static_cast<int64_t>(entry.cost));
  }
  rollup.input_tokens.Assign(input_sums);
  rollup.output_tokens.Assign(output_sums);
  rollup.cost.Assign(cost_sums);
  return rollup;
}

void EncodeUserRollup(const UserRollup& rollup, std::string* out) {
  segment::PutVarint(out, rollup.size());
  uint64_t previous = 0;
  for (size_t idx = 0; idx < rollup.size(); ++idx) {
    segment::PutVarint(out, rollup.row[idx] - previous);
    previous = rollup.row[idx];
    segment::PutVarint(out, rollup.rows_minus_one[idx]);
    segment::PutVarint(out, rollup.errors[idx]);
    segment::PutVarint(out, rollup.priced[idx]);
    segment::PutVarint(out, rollup.first_ms[idx]);
    segment::PutVarint(out, rollup.last_ms[idx] - rollup.first_ms[idx]);
    segment::PutSigned(out, rollup.input_tokens[idx]);
    segment::PutSigned(out, rollup.output_tokens[idx]);
    segment::PutSigned(out, rollup.cost[idx]);
  }
}

bool DecodeUserRollup(segment::FooterReader& reader, uint32_t block_rows, int64_t span_ms, bool by_model,
                      UserRollup* out) {
  *out = UserRollup{};
  out->by_model = by_model;
  uint64_t count = 0;
  if (!reader.GetVarint(&count) || count > block_rows) return false;
  if (count == 0) return true;
  if (block_rows > kMaxCount + 1) return false;  // rows would not fit `row`
  UserRollup& rollup = *out;
  uint64_t row = 0;
  uint64_t total_rows = 0;
  std::vector<int64_t> input_sums, output_sums, cost_sums;
  for (uint64_t idx = 0; idx < count; ++idx) {
    uint64_t delta = 0, rows = 0, errors = 0, priced = 0, first = 0, length = 0;
    int64_t input = 0, output = 0, cost = 0;
    if (!reader.GetVarint(&delta) || !reader.GetVarint(&rows) || !reader.GetVarint(&errors) ||
        !reader.GetVarint(&priced) || !reader.GetVarint(&first) || !reader.GetVarint(&length) ||
        !reader.GetSigned(&input) || !reader.GetSigned(&output) || !reader.GetSigned(&cost)) {
      return false;
    }
    if ((idx > 0 && delta == 0) || delta >= block_rows || row + delta >= block_rows) return false;
    row += delta;
    if (rows > kMaxCount || errors > rows + 1 || priced > rows + 1 || errors > kMaxCount || priced > kMaxCount) {
      return false;
    }
    if (first > static_cast<uint64_t>(span_ms) || length > static_cast<uint64_t>(span_ms) - first) return false;
    total_rows += rows + 1;
    rollup.row.push_back(static_cast<uint16_t>(row));
    rollup.rows_minus_one.push_back(static_cast<uint16_t>(rows));
    rollup.errors.push_back(static_cast<uint16_t>(errors));
    rollup.priced.push_back(static_cast<uint16_t>(priced));
    rollup.first_ms.push_back(static_cast<uint32_t>(first));
    rollup.last_ms.push_back(static_cast<uint32_t>(first + length));
    input_sums.push_back(input);
    output_sums.push_back(output);
    cost_sums.push_back(cost);
  }
  rollup.input_tokens.Assign(input_sums);
  rollup.output_tokens.Assign(output_sums);
  rollup.cost.Assign(cost_sums);
  return total_rows == block_rows;
}

}  // namespace mltrack::store
