#include "query/column_source.h"

#include <cmath>
#include <limits>
#include <vector>

namespace mltrack::query {
namespace {

using Type = ColumnSource::Type;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

template <typename T, typename Convert>
void GatherWith(const T* column, const uint32_t* rows, size_t count, Convert convert,
                decltype(convert(T{}))* out) {
  for (size_t idx = 0; idx < count; ++idx) out[idx] = convert(column[rows[idx]]);
}

const uint32_t* IdColumn(const ColumnSource& source, const store::ColumnBlock& block) {
  return source.type == Type::kTag ? block.tag(source.index) : block.strings(source.field);
}

}  // namespace

ColumnSource ResolveColumn(const store::TableSnapshot& snapshot, const FieldRef& field) {
  ColumnSource source;
  source.field = field.id;
  if (field.id == FieldId::kTag) {
    std::optional<size_t> index = snapshot.FindTagKey(field.key);
    if (!index) return source;
    source.type = Type::kTag;
    source.index = *index;
    source.dictionary = &snapshot.tag_dictionary(*index);
    return source;
  }
  if (field.id == FieldId::kScore) {
    std::optional<size_t> index = snapshot.FindScore(field.key);
    if (!index) return source;
    source.type = Type::kScore;
    source.index = *index;
    return source;
  }
  if (field.id == FieldId::kHttpStatus) {
    source.type = Type::kHttpStatus;
  } else if (field.id == FieldId::kTotalTokens) {
    source.type = Type::kTotalTokens;
  } else {
    switch (field.kind()) {
      case FieldKind::kString:
        source.type = Type::kString;
        source.dictionary = snapshot.dictionary(field.id);
        break;
      case FieldKind::kEnum: source.type = Type::kEnum; break;
      case FieldKind::kBool: source.type = Type::kBool; break;
      case FieldKind::kInt:
      case FieldKind::kMoney: source.type = Type::kInt; break;
      case FieldKind::kDouble: source.type = Type::kDouble; break;
      case FieldKind::kTime: source.type = Type::kNone; break;
    }
  }
  return source;
}

void GatherInt(const ColumnSource& source, const store::ColumnBlock& block, const uint32_t* rows,
               size_t count, int64_t* out) {
  auto fill = [&](int64_t value) { std::fill_n(out, count, value); };
  switch (source.type) {
    case Type::kNone:
    case Type::kDouble:
    case Type::kScore: return fill(kNullInt);
    case Type::kString:
    case Type::kTag: {
      const uint32_t* column = IdColumn(source, block);
      if (!column) return fill(kNullInt);
      return GatherWith(column, rows, count,
                        [](uint32_t id) { return id == store::kAbsentId ? kNullInt : int64_t{id}; }, out);
    }
    case Type::kEnum: {
      const uint8_t* column = block.enums(source.field);
      if (!column) return fill(0);
      return GatherWith(column, rows, count, [](uint8_t value) { return int64_t{value}; }, out);
    }
    case Type::kBool: {
      const uint8_t* column = block.bools(source.field);
      if (!column) return fill(kNullInt);
      return GatherWith(column, rows, count,
                        [](uint8_t code) { return code == kBoolAbsent ? kNullInt : int64_t{code}; }, out);
    }
    case Type::kInt: {
      const int64_t* column = block.ints(source.field);
      if (!column) return fill(kNullInt);
      return GatherWith(column, rows, count, [](int64_t value) { return value; }, out);
    }
    case Type::kHttpStatus: {
      const uint16_t* column = block.http_status();
      if (!column) return fill(kNullInt);
      return GatherWith(column, rows, count,
                        [](uint16_t value) { return value == 0 ? kNullInt : int64_t{value}; }, out);
    }
    case Type::kTotalTokens: {
      const int64_t* input = block.ints(FieldId::kInputTokens);
      const int64_t* output = block.ints(FieldId::kOutputTokens);
      for (size_t idx = 0; idx < count; ++idx) {
        int64_t in = input ? input[rows[idx]] : kNullInt;
        int64_t outv = output ? output[rows[idx]] : kNullInt;
        out[idx] = (in == kNullInt && outv == kNullInt)
                       ? kNullInt
                       : (in == kNullInt ? 0 : in) + (outv == kNullInt ? 0 : outv);
      }
      return;
    }
  }
}

void GatherDouble(const ColumnSource& source, const store::ColumnBlock& block, const uint32_t* rows,
                  size_t count, double* out) {
  if (source.type == Type::kDouble || source.type == Type::kScore) {
    const double* column = source.type == Type::kDouble ? block.doubles(source.field) : block.score(source.index);
    if (!column) {
      std::fill_n(out, count, kNaN);
      return;
    }
    for (size_t idx = 0; idx < count; ++idx) out[idx] = column[rows[idx]];
    return;
  }
  thread_local std::vector<int64_t> buffer;
  buffer.resize(count);
  int64_t* ints = buffer.data();
  GatherInt(source, block, rows, count, ints);
  for (size_t idx = 0; idx < count; ++idx) {
    int64_t value = ints[idx];
    out[idx] = value == kNullInt ? kNaN : static_cast<double>(value);
  }
}

void GatherCode(const ColumnSource& source, const store::ColumnBlock& block, const uint32_t* rows,
                size_t count, uint64_t* out) {
  switch (source.type) {
    case Type::kString:
    case Type::kTag: {
      const uint32_t* column = IdColumn(source, block);
      if (!column) break;
      return GatherWith(column, rows, count, [](uint32_t id) { return uint64_t{id}; }, out);
    }
    case Type::kEnum:
    case Type::kBool: {
      const uint8_t* column = block.enums(source.field);
      if (!column) break;
      return GatherWith(column, rows, count, [](uint8_t value) { return uint64_t{value}; }, out);
    }
    case Type::kHttpStatus: {
      const uint16_t* column = block.http_status();
      if (!column) break;
      return GatherWith(column, rows, count, [](uint16_t value) { return uint64_t{value}; }, out);
    }
    default:
      break;
  }
  std::fill_n(out, count, uint64_t{0});
}

}  // namespace mltrack::query
