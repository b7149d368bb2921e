#include "query/block_scan.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "core/event.h"
#include "query/block_answer.h"
#include "query/chunk_gathers.h"
#include "query/limit_guard.h"
#include "query/rare_code_rows.h"
#include "query/slice_rows.h"
#include "query/sparse_slice_scan.h"
#include "store/block_bin_cells.h"
#include "store/block_hour_cells.h"
#include "store/block_slices.h"
#include "store/block_user_rollup.h"
#include "store/packed_column.h"

namespace mltrack::query {
namespace {

// A block whose in-range rows span at most this many time buckets maps ts to a bucket by
// comparisons with the bucket starts when the buckets are not of fixed width (months).
constexpr int64_t kMaxBlockBuckets = 16;
// Chunks of a counts-only query whose keys span fewer than this many values tally them in a
// window on the stack (CountSmallKeys).
constexpr uint64_t kNarrowKeys = 512;
// Bin windows (one bin group_by part) index groups directly over at most this many bins.
constexpr int64_t kMaxBinWindow = 1 << 16;

// Row numbers 0, 1, 2, …: the selection of a whole block that needs no filtering.
const uint32_t* Identity(size_t rows) {
  static const std::vector<uint32_t> identity = [] {
    std::vector<uint32_t> values(size_t{1} << 20);
    for (size_t idx = 0; idx < values.size(); ++idx) values[idx] = static_cast<uint32_t>(idx);
    return values;
  }();
  return rows <= identity.size() ? identity.data() : nullptr;
}

// Bin codes: 0 = absent, else zigzag(bin) + 1; GroupBin::kBinOutOfRange becomes
// kOutOfRangeCode (the largest code), which PartCodes takes out of the scan.
uint64_t BinCode(int64_t bin) {
  return ((static_cast<uint64_t>(bin) << 1) ^ static_cast<uint64_t>(bin >> 63)) + 1;
}
constexpr uint64_t kOutOfRangeCode = ~uint64_t{0};
static_assert(((static_cast<uint64_t>(GroupBin::kBinOutOfRange) << 1) ^ 0) + 1 == kOutOfRangeCode);
int64_t BinFromCode(uint64_t code) {
  const uint64_t zigzag = code - 1;
  return static_cast<int64_t>(zigzag >> 1) ^ -static_cast<int64_t>(zigzag & 1);
}

// ⌊dividend / width⌋ for dividend, width < 2^32 (reciprocal = ⌈2^64 / width⌉): the error of the
// reciprocal times the dividend stays below 1 / width, so the floor is exact.
inline uint64_t DivideByReciprocal(uint64_t dividend, uint64_t reciprocal) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(dividend) * reciprocal) >> 64);
}

// The bin code of `value` (NaN = absent) under an integer bin width: bounds are exact products,
// so one division and an exact correction; GroupBin::BinOf for huge widths and quotients.
inline uint64_t IntegerWidthBinCode(const GroupBin& bin, double value) {
  if (std::isnan(value)) return 0;
  if (bin.width_units >= (int64_t{1} << 30)) return BinCode(bin.BinOf(value));
  const double width = static_cast<double>(bin.width_units);
  double estimate = std::floor(value / width);
  if (!(std::fabs(estimate) < 4e15)) return BinCode(bin.BinOf(value));  // kOutOfRangeCode past 2^53
  estimate -= value < estimate * width ? 1 : 0;
  estimate += value >= (estimate + 1) * width ? 1 : 0;
  return BinCode(static_cast<int64_t>(estimate));
}

// Bin codes of a scaled double column (value = double(k) / scale, k = base + u) under an
// integer bin width w, from the stored integers: the bin is ⌊k / (w · scale)⌋. That equals the
// double path's max{e : e·w ≤ value}: for an integer N below 2^33, value ≥ N ⟺ k ≥ N · scale,
// because k < N · scale means k / scale ≤ N − 1/scale, and 1/scale (scale ≤ 10^6 < 2^20) is more
// than half a double's spacing below N, so the rounded quotient stays below N. False (nothing
// written) when the column or the width does not qualify.
bool GatherScaledBinCodes(const GroupBin& bin, const ColumnSource& source, const store::ColumnBlock& block,
                          const uint32_t* rows, size_t count, uint64_t* codes) {
  if (source.type != ColumnSource::Type::kDouble || bin.width_decimals != 0) return false;
  const store::ColumnData& stored = block.column(source.field);
  if (!stored.present() || stored.width == 8 || !(stored.scale > 0 && stored.scale <= 1e6) || stored.base < -1) {
    return false;
  }
  const double divisor_double = static_cast<double>(bin.width_units) * stored.scale;
  if (!(divisor_double >= 2 && divisor_double < 4294967296.0)) return false;
  const uint64_t divisor = static_cast<uint64_t>(divisor_double);
  const uint64_t reciprocal = ~uint64_t{0} / divisor + 1;
  const uint64_t base = static_cast<uint64_t>(stored.base);  // k = base + u ≥ 0 for u ≥ 1
  auto bin_code = [&](uint64_t offset) -> uint64_t {
    const uint64_t k = base + offset;
    const uint64_t quotient = k < (uint64_t{1} << 32) ? DivideByReciprocal(k, reciprocal) : k / divisor;
    return offset == 0 ? 0 : 2 * quotient + 1;  // BinCode of a non-negative bin
  };
  if (const size_t code_count = store::CodeCount(stored); code_count > 0) {
    // Each code's value binned once; the codes index that table.
    std::array<uint64_t, 256> table;
    for (size_t code = 0; code < code_count; ++code) table[code] = bin_code(store::CodeValue(stored, code));
    store::MapCodes(stored, table.data(), rows, count, codes);
  } else if (stored.packed()) {
    store::ForEachBitsValue(stored, rows, count, [&](size_t idx, uint32_t offset) { codes[idx] = bin_code(offset); });
  } else {
    const uint32_t* positions = nullptr;
    const store::ColumnData column = SelectColumn(stored, rows, count, &positions);
    auto bins = [&](const auto* data) {
      for (size_t idx = 0; idx < count; ++idx) codes[idx] = bin_code(data[positions[idx]]);
    };
    switch (column.width) {
      case 1: bins(column.as<uint8_t>()); break;
      case 2: bins(column.as<uint16_t>()); break;
      default: bins(column.as<uint32_t>()); break;
    }
  }
  if (stored.exception_count > 0 && store::IsRowRun(rows, count)) {
    // A run of rows (a whole block or chunk): its exceptions are found in the sorted list, and
    // the other rows of u == 0 are absent (code 0 already).
    const uint32_t first = rows[0];
    const uint16_t* listed = stored.exception_rows;
    const uint16_t* end = listed + stored.exception_count;
    const uint16_t* next = std::lower_bound(listed, end, first);
    for (; next < end && *next < first + count; ++next) {
      codes[*next - first] = IntegerWidthBinCode(bin, stored.exception_values[next - listed]);
    }
    return true;
  }
  thread_local std::vector<uint32_t> zero_offsets;  // positions whose u is 0, when exceptions exist
  zero_offsets.resize(count);
  uint32_t* exceptions = zero_offsets.data();
  size_t exception_count = 0;
  if (stored.exception_count > 0) {
    for (size_t idx = 0; idx < count; ++idx) {
      exceptions[exception_count] = static_cast<uint32_t>(idx);
      exception_count += codes[idx] == 0;
    }
  }
  // Rows stored as u == 0 are absent or exceptions (exact values kept aside): the double path.
  if (exception_count > 0) {
    thread_local std::vector<uint32_t> exception_rows;
    thread_local std::vector<double> exception_values;
    exception_rows.resize(exception_count);
    exception_values.resize(exception_count);
    for (size_t idx = 0; idx < exception_count; ++idx) exception_rows[idx] = rows[exceptions[idx]];
    GatherDouble(source, block, exception_rows.data(), exception_count, exception_values.data());
    for (size_t idx = 0; idx < exception_count; ++idx) {
      codes[exceptions[idx]] = IntegerWidthBinCode(bin, exception_values[idx]);
    }
  }
  return true;
}

void GatherBinCodes(const GroupBin& bin, const ColumnSource& source, const store::ColumnBlock& block,
                    const uint32_t* rows, size_t count, double* values, uint64_t* codes) {
  if (GatherScaledBinCodes(bin, source, block, rows, count, codes)) return;
  GatherDouble(source, block, rows, count, values);
  if (GetFieldInfo(source.field).kind == FieldKind::kMoney) {
    // Money bins are in USD (the unit of the API), not the stored nano-USD.
    for (size_t idx = 0; idx < count; ++idx) values[idx] /= static_cast<double>(kNanoPerUsd);
  }
  if (bin.width_decimals == 0) {
    for (size_t idx = 0; idx < count; ++idx) codes[idx] = IntegerWidthBinCode(bin, values[idx]);
    return;
  }
  for (size_t idx = 0; idx < count; ++idx) {
    codes[idx] = std::isnan(values[idx]) ? 0 : BinCode(bin.BinOf(values[idx]));
  }
}

// How one block maps the ts of its in-range rows to bucket indexes, cheapest first: one bucket
// for the whole block; fixed-width buckets: first + ⌊(ts − start(first)) / width⌋ as a
// multiply-high by a 64-bit reciprocal (exact for dividends and widths below 2^32); calendar
// months: comparisons with the (≤ 16) bucket starts; else TimeBucketer::Index per row.
struct BlockBuckets {
  enum class Mode : uint8_t { kOne, kReciprocal, kStarts, kIndex } mode = Mode::kIndex;
  int64_t first = 0;
  int64_t first_start = 0;  // kReciprocal: epoch ms where bucket `first` starts (on the rows' clock)
  uint64_t reciprocal = 0;  // kReciprocal: ⌈2^64 / width⌉
  int count = 0;            // kStarts: boundaries used
  int64_t starts[kMaxBlockBuckets] = {};
};

BlockBuckets MakeBlockBuckets(const Plan& plan, const store::ColumnBlock& block) {
  BlockBuckets buckets;
  if (!plan.bucketer) return buckets;
  const QuerySpec& spec = *plan.spec;
  const int64_t low = std::max(block.min_ts, spec.from_ms);
  const int64_t high = std::min(block.max_ts, spec.to_ms - 1);
  const int64_t first = plan.bucketer->Index(low);
  const int64_t last = plan.bucketer->Index(high);
  buckets.first = first;
  if (first == last) {
    buckets.mode = BlockBuckets::Mode::kOne;
    return buckets;
  }
  const int64_t width = spec.bucket_ms;
  if (spec.bucket_months == 0 && width > 1 && width < (int64_t{1} << 32)) {
    // The start of bucket `first` on the clock of the block's rows (with a zone: when no offset
    // change falls inside the block; a local bucket may have begun under another offset).
    const std::optional<int64_t> origin = plan.bucketer->LinearOrigin(low, high);
    if (origin && block.max_ts - *origin < (int64_t{1} << 32)) {
      buckets.first_start = *origin;
      buckets.mode = BlockBuckets::Mode::kReciprocal;
      buckets.reciprocal = ~uint64_t{0} / static_cast<uint64_t>(width) + 1;
      return buckets;
    }
  }
  if (last - first >= kMaxBlockBuckets) return buckets;
  buckets.mode = BlockBuckets::Mode::kStarts;
  buckets.count = static_cast<int>(last - first);
  for (int idx = 0; idx < buckets.count; ++idx) buckets.starts[idx] = plan.bucketer->Start(first + 1 + idx);
  return buckets;
}

void BucketCodes(const Plan& plan, const BlockBuckets& buckets, const store::ColumnBlock& block,
                 const uint32_t* rows, size_t count, uint64_t* codes) {
  const uint64_t first = static_cast<uint64_t>(buckets.first);
  switch (buckets.mode) {
    case BlockBuckets::Mode::kOne:
      std::fill(codes, codes + count, first);
      return;
    case BlockBuckets::Mode::kReciprocal: {
      const uint64_t reciprocal = buckets.reciprocal;
      if (block.ts_offsets != nullptr) {
        // ts − start(first) = offset + (min_ts − start(first)), modulo 2^64 (the second term
        // is negative when `from` cuts the block); non-negative for every in-range row.
        const uint64_t lead = static_cast<uint64_t>(block.min_ts - buckets.first_start);
        const uint32_t* offsets = block.ts_offsets;
        for (size_t idx = 0; idx < count; ++idx) {
          codes[idx] = first + DivideByReciprocal(offsets[rows[idx]] + lead, reciprocal);
        }
      } else {
        const int64_t* ts = block.ts;
        const int64_t start = buckets.first_start;
        for (size_t idx = 0; idx < count; ++idx) {
          codes[idx] = first + DivideByReciprocal(static_cast<uint64_t>(ts[rows[idx]] - start), reciprocal);
        }
      }
      return;
    }
    case BlockBuckets::Mode::kStarts:
      for (size_t idx = 0; idx < count; ++idx) codes[idx] = first;
      for (int bound = 0; bound < buckets.count; ++bound) {
        const int64_t start = buckets.starts[bound];
        for (size_t idx = 0; idx < count; ++idx) codes[idx] += block.Ts(rows[idx]) >= start;
      }
      return;
    case BlockBuckets::Mode::kIndex:
      for (size_t idx = 0; idx < count; ++idx) codes[idx] = static_cast<uint64_t>(plan.bucketer->Index(block.Ts(rows[idx])));
      return;
  }
}

uint32_t WindowGroup(Partial& partial, uint64_t code) {
  if (code == 0) {
    if (partial.absent_group == 0) partial.absent_group = partial.table.FindOrInsert(&code) + 1;
    return partial.absent_group - 1;
  }
  const int64_t bin = BinFromCode(code);
  std::vector<uint32_t>& window = partial.window;
  if (window.empty()) {
    partial.window_low = bin;
    window.assign(1, 0);
  }
  int64_t offset = bin - partial.window_low;
  if (offset < 0 || offset >= static_cast<int64_t>(window.size())) {
    const int64_t low = std::min(partial.window_low, bin);
    const int64_t high = std::max(partial.window_low + static_cast<int64_t>(window.size()) - 1, bin);
    if (high - low >= kMaxBinWindow) return partial.table.FindOrInsert(&code);  // sparse: hash
    if (low < partial.window_low) window.insert(window.begin(), static_cast<size_t>(partial.window_low - low), 0);
    window.resize(static_cast<size_t>(high - low + 1), 0);
    partial.window_low = low;
    offset = bin - low;
  }
  uint32_t& slot = window[static_cast<size_t>(offset)];
  if (slot == 0) slot = partial.table.FindOrInsert(&code) + 1;
  return slot - 1;
}

// Groups of packed keys through the direct table (Partial::Direct). Out of line on purpose:
// inlined into ScanBlock, this loop ran out of registers and spilled its index to the stack
// (10–20% more CPU for one-dimension group-bys).
[[gnu::noinline]] void DirectGroups(const uint64_t* keys, size_t count, Partial& partial, uint32_t* groups) {
  uint32_t* direct = partial.direct.data();
  const uint64_t direct_size = partial.direct.size();
  for (size_t idx = 0; idx < count; ++idx) {
    if (keys[idx] >= direct_size) {  // an id past the dictionary size seen at planning
      groups[idx] = partial.table.FindOrInsert(&keys[idx]);
      continue;
    }
    uint32_t& slot = direct[keys[idx]];
    if (slot == 0) slot = partial.table.FindOrInsert(&keys[idx]) + 1;
    groups[idx] = slot - 1;
  }
}

// The groups of a one-part key whose column stores codes of at most 8 bits, straight from the
// codes: each code's group is looked up once, and the codes are mapped to groups in one pass
// (instead of mapping them to keys, then each key to its group). A code whose key has no group
// yet maps to kNewGroup + code, and gets its group at its first row (groups are made in row
// order, as DirectGroups makes them). False when the key does not qualify.
bool CodeGroups(const Plan& plan, const store::ColumnBlock& block, const uint32_t* rows, size_t count,
                Partial& partial, uint32_t* groups) {
  if (plan.parts.size() != 1 || plan.parts[0].is_bucket || plan.parts[0].bin) return false;
  std::array<uint64_t, 256> keys;
  store::ColumnData stored;
  if (!GatherCodeTable(plan.parts[0].source, block, keys, &stored)) return false;
  constexpr uint32_t kNewGroup = ~uint32_t{0} - 255;
  const size_t codes = store::CodeCount(stored);
  if (const DenseIds* dense = plan.parts[0].dense.get()) {
    for (size_t code = 0; code < codes; ++code) keys[code] = dense->Code(keys[code]);
  }
  const uint32_t* direct = partial.direct.data();
  const uint64_t direct_size = partial.direct.size();
  std::array<uint32_t, 256> code_groups;
  for (size_t code = 0; code < codes; ++code) {
    const uint64_t key = keys[code];
    code_groups[code] = key < direct_size && direct[key] != 0 ? direct[key] - 1 : kNewGroup + static_cast<uint32_t>(code);
  }
  store::MapCodes(stored, code_groups.data(), rows, count, groups);
  for (size_t idx = 0; idx < count; ++idx) {
    if (groups[idx] < kNewGroup) continue;
    const uint32_t code = groups[idx] - kNewGroup;
    if (code_groups[code] >= kNewGroup) DirectGroups(&keys[code], 1, partial, &code_groups[code]);
    groups[idx] = code_groups[code];
  }
  return true;
}

// The codes of one key part for the selected rows, into partial.codes.
void PartCodes(const Plan& plan, const KeyPart& part, const BlockBuckets& buckets, const store::ColumnBlock& block,
               const uint32_t* rows, size_t count, Partial& partial) {
  uint64_t* codes = partial.codes.data();
  if (part.is_bucket) {
    BucketCodes(plan, buckets, block, rows, count, codes);
  } else if (part.bin) {
    GatherBinCodes(*part.bin, part.source, block, rows, count, partial.values.data(), codes);
    for (size_t idx = 0; idx < count; ++idx) {
      if (codes[idx] != kOutOfRangeCode) continue;
      // A value whose bin cannot be numbered exactly: remembered (the executor refuses the
      // query), grouped as absent meanwhile.
      double value = 0;
      GatherDouble(part.source, block, rows + idx, 1, &value);
      if (GetFieldInfo(part.source.field).kind == FieldKind::kMoney) value /= static_cast<double>(kNanoPerUsd);
      partial.bin_out_of_range = std::max(partial.bin_out_of_range, std::fabs(value));
      partial.bin_out_of_range_part = &part;
      codes[idx] = 0;
    }
  } else {
    GatherCode(part.source, block, rows, count, codes);
    if (const DenseIds* dense = part.dense.get()) {
      for (size_t idx = 0; idx < count; ++idx) codes[idx] = dense->Code(codes[idx]);
    }
  }
}

// The small keys of the selected rows when plan.bin_window() (bin codes) or plan.direct()
// (packed keys of at most Plan::kDirectBits bits).
const uint64_t* SmallKeys(const Plan& plan, const BlockBuckets& buckets, const store::ColumnBlock& block,
                          const uint32_t* rows, size_t count, Partial& partial) {
  // One part: its code is the key (a dictionary id indexes the group array directly).
  if (plan.parts.size() == 1) {
    PartCodes(plan, plan.parts[0], buckets, block, rows, count, partial);
    return partial.codes.data();
  }
  partial.keys.assign(count, 0);
  uint64_t* packed = partial.keys.data();
  const uint64_t* codes = partial.codes.data();
  for (const KeyPart& part : plan.parts) {
    PartCodes(plan, part, buckets, block, rows, count, partial);
    for (size_t idx = 0; idx < count; ++idx) packed[idx] |= codes[idx] << part.shift;
  }
  return packed;
}

// The group of a small key (see SmallKeys).
uint32_t SmallKeyGroup(const Plan& plan, Partial& partial, uint64_t key) {
  if (plan.bin_window()) return WindowGroup(partial, key);
  if (key >= partial.direct.size()) return partial.table.FindOrInsert(&key);
  uint32_t& slot = partial.direct[key];
  if (slot == 0) slot = partial.table.FindOrInsert(&key) + 1;
  return slot - 1;
}

// A chunk of a query whose key is small and whose metrics all count rows (the latency
// histogram, status per day): the rows are tallied per key, then each key seen adds its rows
// to its group once, instead of a group lookup and a count per row.
void CountSmallKeys(const Plan& plan, const BlockBuckets& buckets, const store::ColumnBlock& block,
                    const uint32_t* rows, size_t count, Partial& partial) {
  if (plan.direct() && partial.direct.empty()) partial.direct.assign(size_t{1} << plan.key_bits, 0);
  const uint64_t* keys = SmallKeys(plan, buckets, block, rows, count, partial);
  auto add = [&](uint64_t key, uint64_t rows_of_key) {
    const uint32_t group = SmallKeyGroup(plan, partial, key);
    for (auto& metric : partial.metrics) {
      metric->Resize(partial.table.size());
      metric->AddRows(group, rows_of_key);
    }
  };
  uint64_t low = ~uint64_t{0};
  uint64_t high = 0;
  for (size_t idx = 0; idx < count; ++idx) {
    low = std::min(low, keys[idx]);
    high = std::max(high, keys[idx]);
  }
  if (high - low < kNarrowKeys) {
    // Keys within a narrow window (the usual case: a few dozen bins, days × statuses): four
    // tallies taken in turn, so that runs of one key do not wait on each other's increments.
    uint32_t lanes[4][kNarrowKeys] = {};
    size_t idx = 0;
    for (; idx + 4 <= count; idx += 4) {
      for (size_t lane = 0; lane < 4; ++lane) ++lanes[lane][keys[idx + lane] - low];
    }
    for (; idx < count; ++idx) ++lanes[0][keys[idx] - low];
    for (uint64_t offset = 0; offset <= high - low; ++offset) {
      const uint64_t rows_of_key = uint64_t{lanes[0][offset]} + lanes[1][offset] + lanes[2][offset] + lanes[3][offset];
      if (rows_of_key > 0) add(low + offset, rows_of_key);
    }
    return;
  }
  if (!plan.bin_window()) {
    // Dictionary ids spread wide (a dimension with thousands of values, such as user): most
    // keys of a chunk are distinct, so tallying first only adds work. Count per row instead.
    uint32_t* groups = partial.groups.data();
    DirectGroups(keys, count, partial, groups);
    for (auto& metric : partial.metrics) {
      metric->Resize(partial.table.size());
      metric->Update(block, rows, count, groups);
    }
    return;
  }
  // Bins spread wide: rows per key of this chunk (all zero between chunks), and the keys seen.
  thread_local std::vector<uint32_t> tally(size_t{1} << Plan::kDirectBits, 0);
  thread_local std::vector<uint64_t> seen;
  seen.clear();
  const uint64_t limit = tally.size();
  uint32_t* counts = tally.data();
  for (size_t idx = 0; idx < count; ++idx) {
    const uint64_t key = keys[idx];
    if (key >= limit) {  // a bin code past the tally (far bins, negative values): alone
      add(key, 1);
      continue;
    }
    if (counts[key]++ == 0) seen.push_back(key);
  }
  for (uint64_t key : seen) {
    add(key, counts[key]);
    counts[key] = 0;
  }
}

void AssignGroups(const Plan& plan, const BlockBuckets& buckets, const store::ColumnBlock& block,
                  const uint32_t* rows, size_t count, Partial& partial) {
  const size_t parts = plan.parts.size();
  uint64_t* codes = partial.codes.data();
  uint32_t* groups = partial.groups.data();
  auto part_codes = [&](const KeyPart& part) { PartCodes(plan, part, buckets, block, rows, count, partial); };
  if (plan.bin_window()) {
    part_codes(plan.parts[0]);
    for (size_t idx = 0; idx < count; ++idx) groups[idx] = WindowGroup(partial, codes[idx]);
  } else if (partial.Direct(plan)) {
    if (partial.direct.empty()) partial.direct.assign(size_t{1} << plan.key_bits, 0);
    if (!CodeGroups(plan, block, rows, count, partial, groups)) {
      DirectGroups(SmallKeys(plan, buckets, block, rows, count, partial), count, partial, groups);
    }
  } else {
    partial.keys.assign(count * plan.key_words, 0);
    uint64_t* keys = partial.keys.data();
    for (size_t part_idx = 0; part_idx < parts; ++part_idx) {
      const KeyPart& part = plan.parts[part_idx];
      part_codes(part);
      if (plan.packed) {
        for (size_t idx = 0; idx < count; ++idx) keys[idx] |= codes[idx] << part.shift;
      } else {
        for (size_t idx = 0; idx < count; ++idx) keys[idx * parts + part_idx] = codes[idx];
      }
    }
    for (size_t idx = 0; idx < count; ++idx) {
      groups[idx] = partial.table.FindOrInsert(&keys[idx * plan.key_words]);
    }
  }
  for (auto& metric : partial.metrics) metric->Resize(partial.table.size());
}

// Reads every row of `block` (wholly in range) that `filters` keep into the metrics
// `metric_indexes` of group `group` (restricted by `slice_rows` when not null).
void ScanOneGroup(const Plan& plan, const store::ColumnBlock& block, std::span<const RowFilter* const> filters,
                  const std::vector<size_t>& metric_indexes, uint32_t group, Partial& partial,
                  const SliceRows* slice_rows = nullptr) {
  partial.scanned += block.rows;
  const uint32_t* identity = Identity(block.rows);
  uint32_t* groups = nullptr;
  if (!plan.parts.empty()) {
    groups = partial.groups.data();
    std::fill(groups, groups + kChunkRows, group);
  }
  uint32_t* selected = partial.rows.data();
  const ChunkGathers::Scope gathers;
  for (size_t begin = 0; begin < block.rows; begin += kChunkRows) {
    ChunkGathers::NextChunk();
    size_t count = std::min(begin + kChunkRows, block.rows) - begin;
    const uint32_t* rows = identity + begin;
    if (!filters.empty()) {
      std::copy(rows, rows + count, selected);
      for (const RowFilter* filter : filters) {
        if (count == 0) break;
        count = filter->Apply(block, selected, count);
      }
      if (count == 0) continue;
      rows = selected;
    }
    UpdateOnly(plan, block, rows, count, groups, partial, metric_indexes, slice_rows);
  }
}

// The rows of one chunk (selected and filtered) into `partial`'s groups and aggregates.
void AggregateChunk(const Plan& plan, const BlockBuckets& buckets, const store::ColumnBlock& block,
                    const uint32_t* rows, size_t count, Partial& partial, const std::vector<size_t>* only,
                    const SliceRows* slice_rows) {
  if (only == nullptr && !plan.parts.empty() && (plan.bin_window() || plan.direct()) && partial.counts_only) {
    CountSmallKeys(plan, buckets, block, rows, count, partial);
    return;
  }
  // Every metric left reads only some slices' rows: the others are dropped before grouping.
  const uint64_t* slice_codes = nullptr;
  if (only != nullptr && slice_rows != nullptr && slice_rows->restricted()) {
    thread_local std::vector<uint32_t> kept_rows(kChunkRows);
    thread_local std::vector<uint64_t> kept_codes(kChunkRows);
    count = KeepSliceRows(plan, block, *slice_rows, rows, count, kept_rows.data(), kept_codes.data());
    if (count == 0) return;
    rows = kept_rows.data();
    slice_codes = kept_codes.data();
  }
  const uint32_t* groups = nullptr;
  if (!plan.parts.empty()) {
    AssignGroups(plan, buckets, block, rows, count, partial);
    groups = partial.groups.data();
  }
  if (only != nullptr) {
    UpdateOnly(plan, block, rows, count, groups, partial, *only, slice_rows, slice_codes);
    return;
  }
  for (auto& metric : partial.metrics) metric->Update(block, rows, count, groups);
}

// The filters `block` needs row by row (its summary drops those every row passes); false when
// one passes no row, so the block is skipped.
bool BlockFilters(const Plan& plan, const store::ColumnBlock& block, std::vector<const RowFilter*>& filters) {
  filters.reserve(plan.filters.size());
  for (const RowFilter& filter : plan.filters) {
    const FilterVerdict verdict = block.summary ? filter.Judge(*block.summary) : FilterVerdict::kSome;
    if (verdict == FilterVerdict::kNone) return false;
    if (verdict == FilterVerdict::kSome) filters.push_back(&filter);
  }
  return true;
}

// Adds to `group` the metrics of *unanswered (a whole block's, all of one group) that the block's
// user rollup gives (`uniq:user` of an ungrouped query: one row per entry instead of every row),
// and drops them from *unanswered.
void AddOneGroupFromRollup(const store::ColumnBlock& block, uint32_t group, Partial& partial,
                           std::vector<size_t>* unanswered) {
  const store::UserRollup* rollup = block.summary->user_rollup.get();
  if (rollup == nullptr) return;
  thread_local std::vector<size_t> taken;
  taken.clear();
  std::erase_if(*unanswered, [&](size_t idx) {
    const bool adds = partial.metrics[idx]->AddsRollup(block);
    if (adds) taken.push_back(idx);
    return adds;
  });
  if (taken.empty()) return;
  thread_local std::vector<uint32_t> rows(kChunkRows);
  thread_local std::vector<uint32_t> groups(kChunkRows);
  std::fill(groups.begin(), groups.end(), group);
  for (size_t begin = 0; begin < rollup->size(); begin += kChunkRows) {
    const size_t count = std::min(kChunkRows, rollup->size() - begin);
    for (size_t idx = 0; idx < count; ++idx) rows[idx] = rollup->row[begin + idx];
    const uint32_t* entries = Identity(rollup->size()) + begin;
    for (size_t idx : taken) partial.metrics[idx]->AddRollup(block, entries, count, rows.data(), groups.data());
  }
}

// Whether the block summary answered the block for `plan` (a whole block without row filters).
bool AnsweredWhole(const Plan& plan, const store::ColumnBlock& block, Partial& partial) {
  std::vector<size_t> unanswered;
  uint32_t group = 0;
  if (!AnswerFromSummary(plan, block, partial, &unanswered, &group)) return false;
  if (!unanswered.empty()) AddOneGroupFromRollup(block, group, partial, &unanswered);
  if (!unanswered.empty()) ScanOneGroup(plan, block, {}, unanswered, group, partial);
  return true;
}

// Reads the metrics `rest` that the value slices left (all rows of kept slices: `group`, or each
// row's own group when kSeveralGroups) from the block's sparse slice rows
// (sparse_slice_scan.h) instead of every row's code; false, with nothing read, when they do not
// give every one.
bool ReadSparseRows(const Plan& plan, const store::ColumnBlock& block, const std::vector<size_t>& rest,
                         const SliceRows& slice_rows, uint32_t group, Partial& partial) {
  thread_local SparseMetricRows sparse;
  if (!SparseSliceMetricRows(plan, block, rest, slice_rows, &sparse)) return false;
  const BlockBuckets buckets = MakeBlockBuckets(plan, block);
  const ChunkGathers::Scope gathers;
  for (size_t idx = 0; idx < rest.size(); ++idx) {
    const std::vector<uint32_t>& rows = sparse.rows[sparse.list_of[idx]];
    partial.scanned += rows.size();
    for (size_t begin = 0; begin < rows.size(); begin += kChunkRows) {
      ChunkGathers::NextChunk();
      const size_t count = std::min(kChunkRows, rows.size() - begin);
      uint32_t* groups = nullptr;
      if (!plan.parts.empty()) {
        if (group == kSeveralGroups) {
          AssignGroups(plan, buckets, block, rows.data() + begin, count, partial);
        } else {
          std::fill_n(partial.groups.data(), count, group);
        }
        groups = partial.groups.data();
      }
      partial.metrics[rest[idx]]->Update(block, rows.data() + begin, count, groups);
    }
  }
  return true;
}

// Whether the block's value slices answered it for `plan` (a whole block whose row filters are
// `filters`; block_answer.h).
// (*rest: as for AnsweredFromSummaries.)
bool AnsweredBySlices(const Plan& plan, const store::ColumnBlock& block, std::span<const RowFilter* const> filters,
                      Partial& partial, std::vector<size_t>* rest, SliceRows* slice_rows) {
  uint32_t group = 0;
  if (!AnswerFromSlices(plan, block, filters, partial, rest, &group, slice_rows)) return false;
  if (rest->empty()) return true;
  if (ReadSparseRows(plan, block, *rest, *slice_rows, group, partial)) {
    rest->clear();
    return true;
  }
  if (group == kSeveralGroups) return false;  // the caller reads *rest with each row's group
  ScanOneGroup(plan, block, filters, *rest, group, partial, slice_rows);
  rest->clear();
  return true;
}

// Whether a group part is constant over each entry of `rollup`: its key fields, and the time
// bucket of a block within one bucket.
bool ConstantOverRollupEntries(const Plan& plan, const store::ColumnBlock& block, const store::UserRollup& rollup) {
  for (const KeyPart& part : plan.parts) {
    if (part.bin) return false;
    if (part.is_bucket) {
      if (plan.bucketer->Index(block.min_ts) != plan.bucketer->Index(block.max_ts)) return false;
      continue;
    }
    if (part.source.type != ColumnSource::Type::kString || !rollup.Keys(part.source.field)) return false;
  }
  return true;
}

// Whether every filter keeps or drops each entry of `rollup` whole: it reads one key field.
bool FiltersKeepWholeEntries(std::span<const RowFilter* const> filters, const store::UserRollup& rollup) {
  for (const RowFilter* filter : filters) {
    const std::optional<FieldId> field = filter->StringField();
    if (!field || !rollup.Keys(*field)) return false;
  }
  return true;
}

// Whether the block's user rollup (store/block_user_rollup.h) answered it for `plan` (a whole
// block whose row filters, `filters`, each read one key field of the rollup): each entry whose
// row passes the filters goes to its group (found from the entry's row, as a row's would be) and
// adds every metric that follows from it. When only some do, *rest lists the others, whose rows
// the caller reads; false with *rest empty and `partial` unchanged when the rollup gives nothing.
bool AnsweredByRollup(const Plan& plan, const store::ColumnBlock& block, std::span<const RowFilter* const> filters,
                      Partial& partial, std::vector<size_t>* rest) {
  const store::UserRollup* rollup = block.summary->user_rollup.get();
  if (rollup == nullptr || !ConstantOverRollupEntries(plan, block, *rollup) ||
      !FiltersKeepWholeEntries(filters, *rollup)) {
    return false;
  }
  thread_local std::vector<uint8_t> adds;
  const size_t metrics = partial.metrics.size();
  adds.assign(metrics, 0);
  rest->clear();
  for (size_t idx = 0; idx < metrics; ++idx) {
    adds[idx] = partial.metrics[idx]->AddsRollup(block);
    if (!adds[idx]) rest->push_back(idx);
  }
  if (rest->size() == metrics) {
    rest->clear();
    return false;
  }
  const BlockBuckets buckets = MakeBlockBuckets(plan, block);
  thread_local std::vector<uint32_t> rows(kChunkRows);
  thread_local std::vector<uint32_t> entries(kChunkRows);
  thread_local std::vector<uint32_t> one_group(kChunkRows, 0);
  for (size_t begin = 0; begin < rollup->size(); begin += kChunkRows) {
    size_t count = std::min(kChunkRows, rollup->size() - begin);
    for (size_t idx = 0; idx < count; ++idx) rows[idx] = rollup->row[begin + idx];
    const uint32_t* chunk_entries = Identity(rollup->size()) + begin;
    if (!filters.empty()) {
      for (const RowFilter* filter : filters) count = filter->Apply(block, rows.data(), count);
      if (count == 0) continue;
      // The kept rows are a subsequence of the entries' (ascending) rows: their entries by a walk.
      size_t entry = begin;
      for (size_t idx = 0; idx < count; ++idx) {
        while (rollup->row[entry] != rows[idx]) ++entry;
        entries[idx] = static_cast<uint32_t>(entry);
      }
      chunk_entries = entries.data();
    }
    const uint32_t* groups = one_group.data();
    if (plan.parts.empty()) {
      for (auto& metric : partial.metrics) metric->Resize(partial.table.size());
    } else {
      AssignGroups(plan, buckets, block, rows.data(), count, partial);
      groups = partial.groups.data();
    }
    for (size_t idx = 0; idx < metrics; ++idx) {
      if (adds[idx]) partial.metrics[idx]->AddRollup(block, chunk_entries, count, rows.data(), groups);
    }
  }
  return rest->empty();
}

// Whether the block's hour slices should be tried before its hour cells: a block without row
// filters whose group parts other than a time bucket are constant over it, read by a query of
// latency_ms. Such a block is answered per hour slice (~9 a block) more cheaply than per hour cell
// (~220), and the cells gave no latency_ms before they carried it, so these queries keep the
// slices they used then (ScanBlock tries the cells after the slices). Other shapes try the cells
// first, as before.
bool HourSlicesFirst(const Plan& plan, const store::ColumnBlock& block, std::span<const RowFilter* const> filters) {
  if (!filters.empty() || !plan.bucketer) return false;
  const bool reads_latency = std::any_of(plan.spec->metrics.begin(), plan.spec->metrics.end(),
                                         [](const MetricSpec& metric) { return metric.field.id == FieldId::kLatencyMs; });
  if (!reads_latency) return false;
  for (const KeyPart& part : plan.parts) {
    if (part.bin) return false;
    if (part.is_bucket) continue;
    const store::ColumnSummary* column = SummaryOf(part.source, *block.summary);
    uint32_t code = 0;
    if (column == nullptr || !column->SingleCode(block.summary->rows, &code)) return false;
  }
  return true;
}

// Every row's bin code of `part` (a bin) in `block`, as PartCodes gives them; empty when a value's
// bin cannot be numbered exactly (GroupBin::kBinOutOfRange: the rows path remembers it and the
// executor refuses the query).
std::vector<uint64_t> BlockBinCodes(const KeyPart& part, const store::ColumnBlock& block) {
  std::vector<uint64_t> codes(block.rows);
  thread_local std::vector<double> values(kChunkRows);
  thread_local std::vector<uint32_t> rows(kChunkRows);
  for (size_t begin = 0; begin < block.rows; begin += kChunkRows) {
    const size_t count = std::min(kChunkRows, block.rows - begin);
    for (size_t idx = 0; idx < count; ++idx) rows[idx] = static_cast<uint32_t>(begin + idx);
    GatherBinCodes(*part.bin, part.source, block, rows.data(), count, values.data(), codes.data() + begin);
  }
  if (std::find(codes.begin(), codes.end(), kOutOfRangeCode) != codes.end()) return {};
  return codes;
}

// Whether the block's bin cells (store/block_bin_cells.h) answered it for `plan` (a whole block
// whose row filters are `filters`): a query whose every metric counts rows, grouped by one bin of
// a measure and by any of the hour cells' keys (and a time bucket the whole block lies in), whose
// filters each read one of those keys (each cell kept whole or dropped). Each kept cell adds its
// rows to the group its rows would have gone to: the counts are the row scan's. False, with
// `partial` unchanged, when the block does not qualify or keeps other widths' cells
// (store::kMaxBinCellSets). The cells of the (measure, width) are made on first use.
bool AnsweredFromBinCells(const Plan& plan, const store::ColumnBlock& block, std::span<const RowFilter* const> filters,
                          Partial& partial) {
  if (!partial.counts_only || block.summary == nullptr || block.rows == 0) return false;
  const KeyPart* bin_part = nullptr;
  uint64_t bucket = 0;
  thread_local std::vector<size_t> key_of_part;  // by part: its index in kHourCellKeys
  key_of_part.assign(plan.parts.size(), 0);
  for (size_t part_idx = 0; part_idx < plan.parts.size(); ++part_idx) {
    const KeyPart& part = plan.parts[part_idx];
    if (part.bin) {
      if (bin_part != nullptr) return false;
      bin_part = &part;
    } else if (part.is_bucket) {
      const int64_t first = plan.bucketer->Index(block.min_ts);
      if (plan.bucketer->Index(block.max_ts) != first) return false;
      bucket = static_cast<uint64_t>(first);
    } else if (part.source.type == ColumnSource::Type::kString && store::IsHourCellKey(part.source.field)) {
      key_of_part[part_idx] = static_cast<size_t>(
          std::find(store::kHourCellKeys.begin(), store::kHourCellKeys.end(), part.source.field) -
          store::kHourCellKeys.begin());
    } else {
      return false;
    }
  }
  if (bin_part == nullptr) return false;
  for (const RowFilter* filter : filters) {
    const std::optional<FieldId> field = filter->StringField();
    if (!field || !store::IsHourCellKey(*field)) return false;
  }
  store::BinCellsKey cells_key{static_cast<uint8_t>(bin_part->source.type),
                               static_cast<uint16_t>(bin_part->source.field),
                               static_cast<uint32_t>(bin_part->source.index), bin_part->bin->width_units,
                               bin_part->bin->width_decimals};
  // Filters that keep exactly one value slice of a spend dimension (a dashboard's `?model=`): the
  // cells of that slice's rows, whose bins the filtered width suits.
  for (const FieldId field : store::kHourCellKeys) {
    if (filters.empty()) break;
    const store::ValueSlice* kept = nullptr;
    size_t kept_count = 0;
    bool decided = true;
    for (const store::ValueSlice& slice : store::SlicesOf(*block.summary, field)) {
      bool keep = true;
      for (const RowFilter* filter : filters) {
        const FilterVerdict verdict = filter->Judge(slice.summary);
        decided &= verdict != FilterVerdict::kSome;
        keep &= verdict == FilterVerdict::kAll;
      }
      if (!decided) break;
      kept_count += keep;
      if (keep) kept = &slice;
    }
    if (decided && kept_count == 1) {
      cells_key.sliced = true;
      cells_key.slice_field = static_cast<uint16_t>(field);
      cells_key.slice_code = kept->code;
      break;
    }
  }
  const std::shared_ptr<const store::BinCells> made =
      store::BinCellsOf(block, cells_key, [&] { return BlockBinCodes(*bin_part, block); });
  if (made == nullptr || made->cells.empty()) return false;
  // Every cell is judged and keyed first, so that a refusal leaves `partial` as it was.
  const size_t words = plan.key_words;
  thread_local store::BlockSummary summary;  // only the key columns are ever written
  thread_local std::vector<uint32_t> kept;
  thread_local std::vector<uint64_t> keys;
  kept.clear();
  keys.clear();
  for (uint32_t cell_idx = 0; cell_idx < made->cells.size(); ++cell_idx) {
    const store::BinCell& cell = made->cells[cell_idx];
    store::BinCellSummary(cell, &summary);
    bool keep = true;
    for (const RowFilter* filter : filters) {
      const FilterVerdict verdict = filter->Judge(summary);
      if (verdict == FilterVerdict::kSome) return false;
      keep &= verdict == FilterVerdict::kAll;
    }
    if (!keep) continue;
    keys.resize(keys.size() + words, 0);
    uint64_t* key = keys.data() + keys.size() - words;
    for (size_t part_idx = 0; part_idx < plan.parts.size(); ++part_idx) {
      const KeyPart& part = plan.parts[part_idx];
      const uint64_t code = part.bin ? cell.bin : part.is_bucket ? bucket : cell.codes[key_of_part[part_idx]];
      if (!FitsPart(plan, part_idx, code)) return false;
      SetPartCode(plan, part_idx, code, key);
    }
    kept.push_back(cell_idx);
  }
  for (size_t kept_idx = 0; kept_idx < kept.size(); ++kept_idx) {
    const uint32_t group = partial.table.FindOrInsert(keys.data() + kept_idx * words);
    for (auto& metric : partial.metrics) {
      metric->Resize(partial.table.size());
      metric->AddRows(group, made->cells[kept[kept_idx]].rows);
    }
  }
  return true;
}

// Whether summaries answered a whole block (wholly in the plan's range) with row filters
// `filters`. When not, *rest lists the only metrics (by index) its rows must still be read for,
// or is empty when every metric must; *slice_rows then says which rows each of them reads.
bool AnsweredFromSummaries(const Plan& plan, const store::ColumnBlock& block,
                           std::span<const RowFilter* const> filters, Partial& partial, std::vector<size_t>* rest,
                           SliceRows* slice_rows) {
  rest->clear();
  slice_rows->codes.clear();
  if (block.summary == nullptr) return false;
  if (filters.empty() && AnsweredWhole(plan, block, partial)) return true;
  if (AnsweredBySlices(plan, block, filters, partial, rest, slice_rows)) return true;
  if (!rest->empty()) return false;  // the slices gave some metrics: the caller reads the rest
  slice_rows->codes.clear();
  if (AnsweredFromBinCells(plan, block, filters, partial)) return true;
  if (!HourSlicesFirst(plan, block, filters) && AnswerFromHourCells(plan, block, filters, partial)) return true;
  if (AnswerFromTagCells(plan, block, filters, partial)) return true;
  if (AnswerFromScoreCells(plan, block, filters, partial)) return true;
  return AnsweredByRollup(plan, block, filters, partial, rest);
}

// Whether a whole block (wholly in the plan's range) that no summary answered whole and none
// answered in part (*rest empty) was answered from its hour cells, wholly (a block
// HourSlicesFirst sent to the hour slices first, which did not answer it) or in part: the metrics
// the cells give (an hourly count and cost beside p95:latency_ms) are added from them, and *rest
// lists the others, whose rows are still read. The rows' groups get the same rows in the same
// order as when every metric reads them, so double sums are the same to the last bit. Tried
// after the answers per hour slice and across a bucket edge, which read fewer rows.
bool AnsweredInPartFromHourCells(const Plan& plan, const store::ColumnBlock& block,
                                 std::span<const RowFilter* const> filters, Partial& partial,
                                 std::vector<size_t>* rest, const SliceRows& slice_rows) {
  if (!rest->empty() || !slice_rows.codes.empty()) return false;
  return AnswerFromHourCells(plan, block, filters, partial, rest) && rest->empty();
}

// One plan's part of a shared scan: `narrow` when the block is not wholly inside the plan's own
// range, so that the selected rows (of the scan's wider range) are cut to it first.
struct PlanScan {
  const Plan* plan;
  Partial* partial;
  bool narrow;
  // The metrics (by index) to update, when not all: the others came from value slices.
  const std::vector<size_t>* only = nullptr;
  const SliceRows* slice_rows = nullptr;  // with `only`
};

// The rows of `block` in [from_ms, to_ms) and through `filters`, chunk by chunk, each chunk
// handed to every scan of `scans` (cut to its plan's range where narrow); the selection vector
// lives in the first partial. `candidates` (ascending; null = every row): the only rows that
// can pass (a rare code's, rare_code_rows.h, whose filter is not in `filters`).
void ScanChunks(const store::ColumnBlock& block, const std::vector<const RowFilter*>& filters, int64_t from_ms,
                int64_t to_ms, std::span<const PlanScan> scans, const std::vector<uint16_t>* candidates = nullptr) {
  const Plan& first = *scans.front().plan;
  const bool whole = block.min_ts >= from_ms && block.max_ts < to_ms;
  // A whole block without filters needs no selection vector: its rows are 0 … rows − 1.
  const uint32_t* identity = whole && filters.empty() && candidates == nullptr ? Identity(block.rows) : nullptr;
  size_t next_candidate = 0;
  std::vector<BlockBuckets> buckets;
  buckets.reserve(scans.size());
  for (const PlanScan& scan : scans) {
    scan.partial->scanned += candidates != nullptr ? candidates->size() : block.rows;
    buckets.push_back(MakeBlockBuckets(*scan.plan, block));
  }
  uint32_t* selected = scans.front().partial->rows.data();
  thread_local std::vector<uint32_t> narrowed(kChunkRows);
  // Every spec's metrics gather a column of a chunk once (chunk_gathers.h).
  const ChunkGathers::Scope gathers;
  for (size_t begin = 0; begin < block.rows; begin += kChunkRows) {
    ChunkGathers::NextChunk();
    // Many filters can make one block take seconds: the deadline is checked within blocks too
    // (every 8 chunks: a clock read costs ~50 ns).
    if (first.guard != nullptr && begin % (8 * kChunkRows) == 0 && first.guard->CheckDeadline()) return;
    const size_t end = std::min(begin + kChunkRows, block.rows);
    const uint32_t* rows;
    size_t count = 0;
    if (identity) {
      rows = identity + begin;
      count = end - begin;
    } else {
      if (candidates != nullptr) {
        for (; next_candidate < candidates->size() && (*candidates)[next_candidate] < end; ++next_candidate) {
          const uint32_t row = (*candidates)[next_candidate];
          const int64_t ts = block.Ts(row);
          selected[count] = row;
          count += whole || ((ts >= from_ms) & (ts < to_ms));
        }
      } else if (whole) {
        // Copied from the identity rows (a memcpy, not a store per row: 8 % of a filtered scan).
        count = end - begin;
        if (const uint32_t* all = Identity(block.rows)) {
          std::copy(all + begin, all + end, selected);
        } else {
          for (size_t row = begin; row < end; ++row) selected[row - begin] = static_cast<uint32_t>(row);
        }
      } else {
        for (size_t row = begin; row < end; ++row) {
          const int64_t ts = block.Ts(row);
          selected[count] = static_cast<uint32_t>(row);
          count += (ts >= from_ms) & (ts < to_ms);
        }
      }
      for (const RowFilter* filter : filters) {
        if (count == 0) break;
        count = filter->Apply(block, selected, count);
      }
      rows = selected;
    }
    if (count == 0) continue;
    for (size_t scan = 0; scan < scans.size(); ++scan) {
      const Plan& plan = *scans[scan].plan;
      if (!scans[scan].narrow) {
        AggregateChunk(plan, buckets[scan], block, rows, count, *scans[scan].partial, scans[scan].only,
                       scans[scan].slice_rows);
        continue;
      }
      const int64_t from = plan.spec->from_ms;
      const int64_t to = plan.spec->to_ms;
      ChunkGathers::Forget(narrowed.data());
      size_t kept = 0;
      for (size_t idx = 0; idx < count; ++idx) {
        const int64_t ts = block.Ts(rows[idx]);
        narrowed[kept] = rows[idx];
        kept += (ts >= from) & (ts < to);
      }
      if (kept > 0) {
        AggregateChunk(plan, buckets[scan], block, narrowed.data(), kept, *scans[scan].partial, scans[scan].only,
                       scans[scan].slice_rows);
      }
    }
  }
}

}  // namespace

void ScanBlock(const Plan& plan, const store::ColumnBlock& block, Partial& partial) {
  std::vector<const RowFilter*> filters;
  if (!BlockFilters(plan, block, filters)) return;
  const QuerySpec& spec = *plan.spec;
  const bool whole = block.min_ts >= spec.from_ms && block.max_ts < spec.to_ms;
  thread_local std::vector<size_t> rest;
  thread_local SliceRows slice_rows;
  rest.clear();
  slice_rows.codes.clear();
  if (whole && AnsweredFromSummaries(plan, block, filters, partial, &rest, &slice_rows)) return;
  if (whole && filters.empty() && rest.empty() && slice_rows.codes.empty() &&
      (AnswerAcrossBucketEdge(plan, block, partial) || AnswerFromHourSlices(plan, block, partial))) {
    return;
  }
  if (whole && AnsweredInPartFromHourCells(plan, block, filters, partial, &rest, slice_rows)) return;
  const PlanScan scan{&plan, &partial, false, rest.empty() ? nullptr : &rest, &slice_rows};
  std::shared_ptr<const store::SparseRows> keep;
  const std::vector<uint16_t>* candidates = RareCodeRows(plan, block, &filters, &keep);
  ScanChunks(block, filters, spec.from_ms, spec.to_ms, std::span(&scan, 1), candidates);
}

void ScanBlockShared(std::span<const Plan* const> plans, const store::ColumnBlock& block,
                     std::span<Partial* const> partials, int64_t from_ms, int64_t to_ms) {
  if (plans.empty()) return;
  // The plans share their filters: the first one's judge the block for all.
  std::vector<const RowFilter*> filters;
  if (!BlockFilters(*plans.front(), block, filters)) return;
  thread_local std::vector<PlanScan> scans;
  thread_local std::vector<std::vector<size_t>> rests;
  thread_local std::vector<SliceRows> slice_rows;
  scans.clear();
  if (rests.size() < plans.size()) rests.resize(plans.size());
  if (slice_rows.size() < plans.size()) slice_rows.resize(plans.size());
  for (size_t idx = 0; idx < plans.size(); ++idx) {
    const QuerySpec& spec = *plans[idx]->spec;
    if (block.max_ts < spec.from_ms || block.min_ts >= spec.to_ms) continue;
    const bool whole = block.min_ts >= spec.from_ms && block.max_ts < spec.to_ms;
    rests[idx].clear();
    slice_rows[idx].codes.clear();
    if (whole && AnsweredFromSummaries(*plans[idx], block, filters, *partials[idx], &rests[idx], &slice_rows[idx])) {
      continue;
    }
    if (whole && filters.empty() && rests[idx].empty() && slice_rows[idx].codes.empty() &&
        (AnswerAcrossBucketEdge(*plans[idx], block, *partials[idx]) ||
         AnswerFromHourSlices(*plans[idx], block, *partials[idx]))) {
      continue;
    }
    if (whole &&
        AnsweredInPartFromHourCells(*plans[idx], block, filters, *partials[idx], &rests[idx], slice_rows[idx])) {
      continue;
    }
    scans.push_back(
        PlanScan{plans[idx], partials[idx], !whole, rests[idx].empty() ? nullptr : &rests[idx], &slice_rows[idx]});
  }
  if (scans.empty()) return;
  std::shared_ptr<const store::SparseRows> keep;
  const std::vector<uint16_t>* candidates = RareCodeRows(*plans.front(), block, &filters, &keep);
  ScanChunks(block, filters, from_ms, to_ms, scans, candidates);
}

}  // namespace mltrack::query
