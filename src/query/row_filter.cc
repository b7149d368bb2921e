#include "query/row_filter.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "core/event.h"
#include "store/packed_column.h"
#include "store/string_filter.h"

namespace mltrack::query {
namespace {

using Type = ColumnSource::Type;

// eq / in filters on a local string field of at most this many literals found in the dictionary
// judge a block by its string filter (kMaxProbedLiterals in scan_plan.cc: the same bound).
constexpr size_t kMaxProbedIds = 16;

bool Compare(FilterOp op, double value, double literal) {
  switch (op) {
    case FilterOp::kGt: return value > literal;
    case FilterOp::kGte: return value >= literal;
    case FilterOp::kLt: return value < literal;
    case FilterOp::kLte: return value <= literal;
    default: return value == literal;
  }
}

// Offset layouts: u == 0 is code 0 (absent), otherwise code base + u. The value of rows[idx] is
// column[positions[idx]] (SelectColumn); positions may alias rows.
// Without a branch per row: a column mostly absent with values scattered among its rows (a tag
// such as `step` on a third of the rows) would mispredict one row in three. An absent row reads
// match[base] too, and a mask picks the absent verdict.
template <typename T>
size_t CompactOffsets(const T* column, const uint32_t* positions, int64_t base, uint32_t* rows, size_t count,
                      const std::vector<uint8_t>& match) {
  size_t kept = 0;
  const uint8_t absent = match[0];
  if (base < 0 || static_cast<uint64_t>(base) >= match.size()) {  // every row absent (no id past the table)
    return absent ? count : 0;
  }
  const uint8_t* table = match.data() + base;
  for (size_t idx = 0; idx < count; ++idx) {
    const T offset = column[positions[idx]];
    const uint32_t row = rows[idx];
    const uint8_t present = table[offset];
    const uint8_t is_absent = static_cast<uint8_t>(-static_cast<uint8_t>(offset == 0));  // 0xFF or 0
    rows[kept] = row;
    kept += static_cast<uint8_t>((present & ~is_absent) | (absent & is_absent));
  }
  return kept;
}

// `exists` on a string or tag: keeps rows whose offset is present (u != 0) as `present`, absent
// ones as `absent`, without a table by id (input_hash and trace_id have millions of ids).
template <typename T>
size_t CompactPresence(const T* column, const uint32_t* positions, uint32_t* rows, size_t count, uint8_t absent,
                       uint8_t present) {
  size_t kept = 0;
  for (size_t idx = 0; idx < count; ++idx) {
    const uint32_t row = rows[idx];
    rows[kept] = row;
    kept += column[positions[idx]] == 0 ? absent : present;
  }
  return kept;
}

size_t CompactBytes(const uint8_t* column, const uint32_t* positions, uint32_t* rows, size_t count,
                    const std::vector<uint8_t>& match) {
  size_t kept = 0;
  const uint8_t* table = match.data();
  for (size_t idx = 0; idx < count; ++idx) {
    const uint8_t code = column[positions[idx]];
    const uint32_t row = rows[idx];
    rows[kept] = row;
    kept += table[code];
  }
  return kept;
}

// A run of rows (a block or a chunk of one, IsRowRun) of a column of 1-, 2-, 4- or 8-bit codes
// (store::CodeCount > 0) filtered through keep[code] 64 bits of codes at a time, without a flag
// per row: each lane of a word is compared with the few codes kept (or dropped, when fewer),
// which sets the lane's top bit when it matches, and only the kept rows are written, found by
// counting trailing zeros. A tag on a third of the rows (`step`: 2-bit codes, three values and
// absent) costs a few operations per 32 rows plus one per kept row. nullopt (nothing written)
// when the rows are not a run, the codes are of 3, 5, 6 or 7 bits, or more than
// kMaxLaneCompares codes would have to be compared.
constexpr size_t kMaxLaneCompares = 4;

template <unsigned kBits>
size_t CompactLaneRun(const uint8_t* codes, const uint8_t* keep, size_t code_count, uint32_t first, size_t count,
                      uint32_t* rows) {
  constexpr unsigned kLanes = 64 / kBits;
  constexpr uint64_t kLaneMask = (uint64_t{1} << kBits) - 1;
  constexpr uint64_t kOnes = ~uint64_t{0} / kLaneMask;  // the lowest bit of every lane
  constexpr uint64_t kHigh = kOnes << (kBits - 1);      // the top bit of every lane
  constexpr uint64_t kLow = ~kHigh;                     // every lane's bits but its top one
  // Compare with the kept codes, or with the dropped ones and invert, whichever are fewer.
  size_t kept_codes = 0;
  for (size_t code = 0; code < code_count; ++code) kept_codes += keep[code] != 0;
  const bool invert = kept_codes > code_count - kept_codes;
  std::array<uint64_t, kMaxLaneCompares> patterns;  // a code repeated in every lane
  size_t compares = 0;
  for (size_t code = 0; code < code_count; ++code) {
    if ((keep[code] != 0) != invert) patterns[compares++] = kOnes * code;
  }
  // Past code_count no row's code lies (palette codes are below its size), so those codes
  // need no compare either way.
  auto one = [&](uint32_t row) {
    return keep[(codes[row / (8 / kBits)] >> ((row % (8 / kBits)) * kBits)) & kLaneMask] != 0;
  };
  size_t kept = 0;
  size_t idx = 0;
  uint32_t row = first;
  for (; idx < count && row % kLanes != 0; ++idx, ++row) {
    rows[kept] = row;
    kept += one(row);
  }
  for (; idx + kLanes <= count; idx += kLanes, row += kLanes) {
    uint64_t word;
    std::memcpy(&word, codes + row / 8 * kBits, sizeof word);
    uint64_t match = 0;
    for (size_t compare = 0; compare < compares; ++compare) {
      const uint64_t diff = word ^ patterns[compare];
      match |= ~(((diff & kLow) + kLow) | diff) & kHigh;  // top bit set where the lane is 0
    }
    if (invert) match ^= kHigh;
    while (match != 0) {
      rows[kept++] = row + static_cast<uint32_t>(__builtin_ctzll(match) / kBits);
      match &= match - 1;
    }
  }
  for (; idx < count; ++idx, ++row) {
    rows[kept] = row;
    kept += one(row);
  }
  return kept;
}

std::optional<size_t> CompactCodeRun(const store::ColumnData& column, const uint8_t* keep, uint32_t* rows,
                                     size_t count) {
  const unsigned bits = column.code_bits;
  if ((bits != 1 && bits != 2 && bits != 4 && bits != 8) || !store::IsRowRun(rows, count)) return std::nullopt;
  const size_t codes = store::CodeCount(column);
  size_t kept_codes = 0;
  for (size_t code = 0; code < codes; ++code) kept_codes += keep[code] != 0;
  if (std::min(kept_codes, codes - kept_codes) > kMaxLaneCompares) return std::nullopt;
  const auto* data = static_cast<const uint8_t*>(column.data);
  switch (bits) {
    case 1: return CompactLaneRun<1>(data, keep, codes, rows[0], count, rows);
    case 2: return CompactLaneRun<2>(data, keep, codes, rows[0], count, rows);
    case 4: return CompactLaneRun<4>(data, keep, codes, rows[0], count, rows);
    default: return CompactLaneRun<8>(data, keep, codes, rows[0], count, rows);
  }
}

// A column of codes of at most 8 bits (store::CodeCount, packed_column.h) filtered through
// keep[code], the filter's verdict on each code's value: no row passes when no code does, every
// row when every code does; otherwise the codes of the rows are mapped to keep flags without
// expanding the stored values.
size_t CompactCodes(const store::ColumnData& column, const uint8_t* keep, uint32_t* rows, size_t count) {
  const size_t codes = store::CodeCount(column);
  bool any = false;
  bool all = true;
  for (size_t code = 0; code < codes; ++code) {
    any |= keep[code] != 0;
    all &= keep[code] != 0;
  }
  if (!any) return 0;
  if (all) return count;
  if (const std::optional<size_t> kept = CompactCodeRun(column, keep, rows, count)) return *kept;
  thread_local std::vector<uint8_t> flags;
  flags.resize(count);
  store::MapCodes(column, keep, rows, count, flags.data());
  size_t kept = 0;
  for (size_t idx = 0; idx < count; ++idx) {
    const uint32_t row = rows[idx];
    rows[kept] = row;
    kept += flags[idx];
  }
  return kept;
}

// Whether a present value `name` (a string, enum name) satisfies a string op.
bool MatchesString(FilterOp op, std::string_view name, const std::vector<FilterValue>& values) {
  switch (op) {
    case FilterOp::kEq:
    case FilterOp::kIn:
    case FilterOp::kNe:
    case FilterOp::kNotIn:
      for (const FilterValue& value : values) {
        if (std::get<std::string>(value) == name) return true;
      }
      return false;
    case FilterOp::kContains: return name.find(std::get<std::string>(values[0])) != std::string_view::npos;
    default: {
      int cmp = name.compare(std::get<std::string>(values[0]));
      return Compare(op, cmp, 0);
    }
  }
}

bool IsNegated(FilterOp op) { return op == FilterOp::kNe || op == FilterOp::kNotIn; }

FilterVerdict Flip(FilterVerdict verdict) {
  if (verdict == FilterVerdict::kAll) return FilterVerdict::kNone;
  if (verdict == FilterVerdict::kNone) return FilterVerdict::kAll;
  return verdict;
}

// The verdict over a block whose `absent` rows all pass (absent_keep) or all fail, and whose
// `present` rows have the verdict `on_present`.
FilterVerdict WithAbsent(FilterVerdict on_present, uint32_t present, bool absent_keep, uint32_t absent) {
  const FilterVerdict on_absent = absent_keep ? FilterVerdict::kAll : FilterVerdict::kNone;
  if (present == 0) return on_absent;
  if (absent == 0 || on_present == on_absent) return on_present;
  return FilterVerdict::kSome;
}

// Whether `op` against `literal` holds for every / no value in [low, high].
FilterVerdict CompareRange(FilterOp op, double low, double high, double literal) {
  bool always = false;
  bool never = false;
  switch (op) {
    case FilterOp::kGt: always = low > literal; never = high <= literal; break;
    case FilterOp::kGte: always = low >= literal; never = high < literal; break;
    case FilterOp::kLt: always = high < literal; never = low >= literal; break;
    case FilterOp::kLte: always = high <= literal; never = low > literal; break;
    default: always = low == literal && high == literal; never = literal < low || literal > high; break;
  }
  return always ? FilterVerdict::kAll : never ? FilterVerdict::kNone : FilterVerdict::kSome;
}

}  // namespace

Result<RowFilter> RowFilter::Compile(const Filter& filter, const store::TableSnapshot& snapshot) {
  RowFilter compiled;
  if (IsKeyedBound(filter)) {
    // A table by dictionary id of the `by` field: its bound, or one no ts passes.
    compiled.mode_ = Mode::kKeyedBound;
    compiled.op_ = filter.op;
    compiled.source_ = ResolveColumn(snapshot, *filter.by);
    const bool lower = filter.op == FilterOp::kGt || filter.op == FilterOp::kGte;
    const int64_t none = lower ? INT64_MAX : INT64_MIN;
    const store::Dictionary* dictionary = compiled.source_.dictionary;
    compiled.bounds_.assign(dictionary ? dictionary->size() + 1 : 1, none);
    for (const auto& [value, bound] : filter.bounds) {
      const std::optional<uint32_t> id = dictionary ? dictionary->Find(value) : std::nullopt;
      if (id && *id != store::kAbsentId && *id < compiled.bounds_.size()) compiled.bounds_[*id] = bound;
    }
    return compiled;
  }
  compiled.source_ = ResolveColumn(snapshot, filter.field);
  compiled.op_ = filter.op;
  compiled.exists_ = filter.exists;
  const ColumnSource& source = compiled.source_;
  const bool negated = IsNegated(filter.op);
  std::vector<uint8_t>& match = compiled.match_;

  // Code-table fields. Index 0 is "absent" for strings, tags, bools and http_status.
  auto absent_matches = [&] { return filter.op == FilterOp::kExists ? !filter.exists : negated; };
  switch (source.type) {
    case Type::kNone:
      if (filter.field.id == FieldId::kScore) break;  // numeric path handles absent scores
      match.assign(1, absent_matches());
      return compiled;
    case Type::kString:
    case Type::kTag: {
      if (filter.op == FilterOp::kExists) {
        // {absent, present}: an id range without a listed id proves the present rows' verdict.
        match = {static_cast<uint8_t>(absent_matches()), static_cast<uint8_t>(filter.exists)};
        compiled.presence_ = true;
        compiled.listed_ = true;
        compiled.unlisted_match_ = filter.exists;
        return compiled;
      }
      const size_t size = source.dictionary->size();
      match.assign(size + 1, 0);
      match[0] = absent_matches();
      if (filter.op == FilterOp::kEq || filter.op == FilterOp::kIn || negated) {
        // Look the literals up instead of scanning the dictionary.
        std::fill(match.begin() + 1, match.end(), negated);
        for (const FilterValue& value : filter.values) {
          std::optional<uint32_t> id = source.dictionary->Find(std::get<std::string>(value));
          if (id && *id != store::kAbsentId && *id <= size) {
            match[*id] = !negated;
            compiled.listed_ids_.push_back(*id);
          }
        }
        std::sort(compiled.listed_ids_.begin(), compiled.listed_ids_.end());
        compiled.listed_ = true;
        compiled.unlisted_match_ = negated;
      } else {
        source.dictionary->ForEach(size, [&](uint32_t id, std::string_view name) {
          match[id] = MatchesString(filter.op, name, filter.values);
        });
      }
      return compiled;
    }
    case Type::kEnum: {
      match.assign(256, 0);
      for (int code = 0; code < 256; ++code) {
        std::string_view name = filter.field.id == FieldId::kOperation
                                    ? (code < kOperationCount ? OperationName(static_cast<Operation>(code)) : "")
                                    : (code <= 1 ? EventStatusName(static_cast<EventStatus>(code)) : "");
        if (name.empty()) continue;
        if (filter.op == FilterOp::kExists) match[code] = filter.exists;
        else match[code] = MatchesString(filter.op, name, filter.values) != negated;
      }
      return compiled;
    }
    case Type::kBool: {
      match.assign(3, 0);
      match[kBoolAbsent] = absent_matches();
      for (uint8_t code : {kBoolFalse, kBoolTrue}) {
        if (filter.op == FilterOp::kExists) {
          match[code] = filter.exists;
          continue;
        }
        bool hit = false;
        for (const FilterValue& value : filter.values) hit |= std::get<bool>(value) == (code == kBoolTrue);
        match[code] = hit != negated;
      }
      return compiled;
    }
    case Type::kHttpStatus: {
      match.assign(65536, 0);
      match[0] = absent_matches();
      for (int code = 1; code < 65536; ++code) {
        if (filter.op == FilterOp::kExists) {
          match[code] = filter.exists;
          continue;
        }
        bool hit = false;
        for (const FilterValue& value : filter.values) hit |= Compare(filter.op, code, std::get<double>(value));
        match[code] = hit != negated;
      }
      return compiled;
    }
    default:
      break;
  }
  compiled.mode_ = Mode::kNumeric;
  const double scale = filter.field.kind() == FieldKind::kMoney ? 1e9 : 1.0;
  for (const FilterValue& value : filter.values) {
    double literal = std::get<double>(value) * scale;
    if (scale != 1.0) literal = std::round(literal);  // money literals are exact to the nano-USD
    compiled.numbers_.push_back(literal);
  }
  return compiled;
}

size_t RowFilter::MemoryBytes() const {
  return sizeof(RowFilter) + match_.capacity() + listed_ids_.capacity() * sizeof(uint32_t) +
         numbers_.capacity() * sizeof(double);
}

size_t RowFilter::Apply(const store::ColumnBlock& block, uint32_t* rows, size_t count) const {
  if (mode_ == Mode::kNumeric) return ApplyNumeric(block, rows, count);
  if (mode_ == Mode::kKeyedBound) return ApplyKeyedBound(block, rows, count);
  switch (source_.type) {
    case Type::kString:
    case Type::kTag:
    case Type::kHttpStatus: {
      const store::ColumnData stored =
          source_.type == Type::kTag ? block.tag(source_.index) : block.column(source_.field);
      if (!stored.present()) break;
      if (const size_t codes = store::CodeCount(stored); codes > 0) {
        // A code of the bits form may stand for no row's value (u past the block's largest):
        // past the table, it is kept as no id is.
        std::array<uint8_t, 256> keep;
        for (size_t code = 0; code < codes; ++code) {
          const uint32_t offset = store::CodeValue(stored, code);
          const uint64_t id = static_cast<uint64_t>(stored.base + offset);
          keep[code] = offset == 0 ? match_[0] : presence_ ? match_[1] : id < match_.size() ? match_[id] : 0;
        }
        return CompactCodes(stored, keep.data(), rows, count);
      }
      if (stored.packed()) {
        // Ids of more than 8 bits (users): each row's verdict from its packed offset.
        const uint8_t absent = match_[0];
        size_t kept = 0;
        if (presence_) {
          const uint8_t present = match_[1];
          store::ForEachBitsValue(stored, rows, count, [&](size_t idx, uint32_t offset) {
            const uint32_t row = rows[idx];
            rows[kept] = row;
            kept += offset == 0 ? absent : present;
          });
          return kept;
        }
        const uint8_t* table = match_.data() + stored.base;
        store::ForEachBitsValue(stored, rows, count, [&](size_t idx, uint32_t offset) {
          const uint32_t row = rows[idx];
          rows[kept] = row;
          kept += offset == 0 ? absent : table[offset];
        });
        return kept;
      }
      const uint32_t* positions = nullptr;
      const store::ColumnData column = SelectColumn(stored, rows, count, &positions);
      if (presence_) {
        switch (column.width) {
          case 1: return CompactPresence(column.as<uint8_t>(), positions, rows, count, match_[0], match_[1]);
          case 2: return CompactPresence(column.as<uint16_t>(), positions, rows, count, match_[0], match_[1]);
          default: return CompactPresence(column.as<uint32_t>(), positions, rows, count, match_[0], match_[1]);
        }
      }
      // A code past the table (an id newer than the compiled dictionary) cannot be in a block
      // of this snapshot; the table covers every id the snapshot's dictionaries held.
      switch (column.width) {
        case 1: return CompactOffsets(column.as<uint8_t>(), positions, column.base, rows, count, match_);
        case 2: return CompactOffsets(column.as<uint16_t>(), positions, column.base, rows, count, match_);
        default: return CompactOffsets(column.as<uint32_t>(), positions, column.base, rows, count, match_);
      }
    }
    case Type::kEnum:
    case Type::kBool: {
      const store::ColumnData& stored = block.column(source_.field);
      if (!stored.present()) break;
      if (const size_t codes = store::CodeCount(stored); codes > 0) {
        std::array<uint8_t, 256> keep;
        for (size_t code = 0; code < codes; ++code) {
          const uint32_t value = store::CodeValue(stored, code);
          keep[code] = value < match_.size() ? match_[value] : 0;  // past the table: no row's value
        }
        return CompactCodes(stored, keep.data(), rows, count);
      }
      const uint32_t* positions = nullptr;
      const store::ColumnData column = SelectColumn(stored, rows, count, &positions);
      return CompactBytes(column.as<uint8_t>(), positions, rows, count, match_);
    }
    default:
      break;
  }
  // No column in this block: every row has code 0.
  return match_[0] ? count : 0;
}

std::optional<FieldId> RowFilter::StringField() const {
  if (mode_ != Mode::kCodeTable || source_.type != Type::kString) return std::nullopt;
  return source_.field;
}

std::optional<FieldId> RowFilter::IntField() const {
  if (mode_ != Mode::kNumeric || source_.type != Type::kInt) return std::nullopt;
  return source_.field;
}

std::optional<size_t> RowFilter::TagKey() const {
  if (mode_ != Mode::kCodeTable || source_.type != Type::kTag) return std::nullopt;
  return source_.index;
}

FilterVerdict RowFilter::Judge(const store::BlockSummary& summary) const {
  if (mode_ == Mode::kKeyedBound) return FilterVerdict::kSome;
  // eq / in on trace_id or input_hash: the block's string filter. Needed, not only faster: a
  // query does not intern the strings of such a block (ArmLocalFields in scan_plan.cc), and
  // another query may intern them while this one runs, giving the block ids past match_.
  if (source_.type == Type::kString && store::IsLocalStringField(source_.field) && listed_ && !presence_ &&
      !unlisted_match_ && !match_[0] && summary.string_filtered && listed_ids_.size() <= kMaxProbedIds) {
    const store::StringFilter* filter = nullptr;
    for (const auto& [field, field_filter] : summary.string_filters) {
      if (field == source_.field) filter = &field_filter;
    }
    if (filter == nullptr) return FilterVerdict::kNone;  // no row of the block has the field
    if (std::none_of(listed_ids_.begin(), listed_ids_.end(), [&](uint32_t id) {
          return filter->MayContain(store::StringFilter::Hash(source_.dictionary->Get(id)));
        })) {
      return FilterVerdict::kNone;
    }
  }
  const store::ColumnSummary* column = SummaryOf(source_, summary);
  if (column == nullptr) return FilterVerdict::kSome;
  return mode_ == Mode::kNumeric ? JudgeNumbers(*column, summary.rows) : JudgeCodes(*column, summary.rows);
}

FilterVerdict RowFilter::JudgeCodes(const store::ColumnSummary& column, uint32_t rows) const {
  using Type = store::ColumnSummary::Type;
  if (column.type == Type::kAbsent) return match_[0] ? FilterVerdict::kAll : FilterVerdict::kNone;
  if (column.type != Type::kCodes) return FilterVerdict::kSome;
  if (column.exact) {
    bool any = false;
    bool all = true;
    for (const auto& [code, code_rows] : column.codes) {
      const uint32_t index = presence_ ? code != 0 : code;
      if (index >= match_.size()) return FilterVerdict::kSome;
      any |= match_[index] != 0;
      all &= match_[index] != 0;
    }
    return all ? FilterVerdict::kAll : any ? FilterVerdict::kSome : FilterVerdict::kNone;
  }
  if (!listed_) return FilterVerdict::kSome;
  // Only the range of the present ids is known: uniform when no listed id falls inside it.
  auto listed = std::lower_bound(listed_ids_.begin(), listed_ids_.end(), column.min_code);
  if (listed != listed_ids_.end() && *listed <= column.max_code) return FilterVerdict::kSome;
  return WithAbsent(unlisted_match_ ? FilterVerdict::kAll : FilterVerdict::kNone, column.present, match_[0] != 0,
                    rows - column.present);
}

FilterVerdict RowFilter::JudgeNumbers(const store::ColumnSummary& column, uint32_t rows) const {
  using Type = store::ColumnSummary::Type;
  const bool negated = IsNegated(op_);
  const bool absent_keep = op_ == FilterOp::kExists ? !exists_ : negated;
  if (column.type == Type::kAbsent) return absent_keep ? FilterVerdict::kAll : FilterVerdict::kNone;
  if (column.type != Type::kInts && column.type != Type::kDoubles) return FilterVerdict::kSome;
  const bool ints = column.type == Type::kInts;
  const double low = ints ? static_cast<double>(column.int_min) : column.double_min;
  const double high = ints ? static_cast<double>(column.int_max) : column.double_max;
  FilterVerdict on_present = exists_ ? FilterVerdict::kAll : FilterVerdict::kNone;
  if (op_ != FilterOp::kExists) {
    // The literals are OR-ed: one that holds everywhere decides; all failing everywhere too.
    bool any_all = false;
    bool all_none = true;
    for (double literal : numbers_) {
      const FilterVerdict verdict = CompareRange(op_, low, high, literal);
      any_all |= verdict == FilterVerdict::kAll;
      all_none &= verdict == FilterVerdict::kNone;
    }
    on_present = any_all ? FilterVerdict::kAll : all_none ? FilterVerdict::kNone : FilterVerdict::kSome;
    if (negated) on_present = Flip(on_present);
  }
  return WithAbsent(on_present, column.present, absent_keep, rows - column.present);
}

size_t RowFilter::ApplyNumeric(const store::ColumnBlock& block, uint32_t* rows, size_t count) const {
  thread_local std::vector<double> values;
  values.resize(count);
  GatherDouble(source_, block, rows, count, values.data());
  const bool negated = IsNegated(op_);
  size_t kept = 0;
  for (size_t idx = 0; idx < count; ++idx) {
    const double value = values[idx];
    bool keep;
    if (std::isnan(value)) {
      keep = op_ == FilterOp::kExists ? !exists_ : negated;
    } else if (op_ == FilterOp::kExists) {
      keep = exists_;
    } else {
      bool hit = false;
      for (double literal : numbers_) hit |= Compare(op_, value, literal);
      keep = hit != negated;
    }
    rows[kept] = rows[idx];
    kept += keep;
  }
  return kept;
}

size_t RowFilter::ApplyKeyedBound(const store::ColumnBlock& block, uint32_t* rows, size_t count) const {
  thread_local std::vector<uint64_t> codes;
  codes.resize(count);
  if (source_.type == Type::kString || source_.type == Type::kTag) {
    GatherCode(source_, block, rows, count, codes.data());
  } else {
    std::fill(codes.begin(), codes.end(), 0);  // a tag key no row carries: no value, no bound
  }
  const int64_t* bounds = bounds_.data();
  const uint64_t limit = bounds_.size();
  size_t kept = 0;
  for (size_t idx = 0; idx < count; ++idx) {
    const uint32_t row = rows[idx];
    const uint64_t code = codes[idx];
    // An id past the table was added after planning: it has no bound.
    const int64_t bound = code < limit ? bounds[code] : bounds[0];
    const int64_t ts = block.Ts(row);
    bool pass;
    switch (op_) {
      case FilterOp::kGt: pass = ts > bound; break;
      case FilterOp::kGte: pass = ts >= bound; break;
      case FilterOp::kLt: pass = ts < bound; break;
      default: pass = ts <= bound; break;
    }
    rows[kept] = row;
    kept += pass;
  }
  return kept;
}

}  // namespace mltrack::query
