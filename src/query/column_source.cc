#include "query/column_source.h"

#include <cmath>
#include <limits>
#include <vector>

namespace mltrack::query {
namespace {

using Type = ColumnSource::Type;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Calls fn(const uintN_t* offsets) for a narrow (width 1/2/4) column.
template <typename Fn>
void ForNarrow(const store::ColumnData& column, Fn&& fn) {
  switch (column.width) {
    case 1: return fn(column.as<uint8_t>());
    case 2: return fn(column.as<uint16_t>());
    default: return fn(column.as<uint32_t>());
  }
}

// Offset layouts (ids, narrow ints): u == 0 is absent, otherwise base + u.
void GatherOffsets(const store::ColumnData& column, const uint32_t* rows, size_t count,
                   int64_t absent, int64_t* out) {
  const int64_t base = column.base;
  ForNarrow(column, [&](const auto* data) {
    for (size_t idx = 0; idx < count; ++idx) {
      const int64_t offset = data[rows[idx]];
      out[idx] = offset == 0 ? absent : base + offset;
    }
  });
}

void GatherBytes(const uint8_t* data, const uint32_t* rows, size_t count, int64_t absent_code,
                 int64_t absent, int64_t* out) {
  for (size_t idx = 0; idx < count; ++idx) {
    const int64_t code = data[rows[idx]];
    out[idx] = code == absent_code ? absent : code;
  }
}

store::ColumnData IdColumn(const ColumnSource& source, const store::ColumnBlock& block) {
  return source.type == Type::kTag ? block.tag(source.index) : block.column(source.field);
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
    case Type::kTag:
    case Type::kHttpStatus: {
      const store::ColumnData column = source.type == Type::kHttpStatus
                                           ? block.column(FieldId::kHttpStatus)
                                           : IdColumn(source, block);
      if (!column.present()) return fill(kNullInt);
      return GatherOffsets(column, rows, count, kNullInt, out);
    }
    case Type::kEnum: {
      const store::ColumnData& column = block.column(source.field);
      if (!column.present()) return fill(0);
      return GatherBytes(column.as<uint8_t>(), rows, count, -1, 0, out);
    }
    case Type::kBool: {
      const store::ColumnData& column = block.column(source.field);
      if (!column.present()) return fill(kNullInt);
      return GatherBytes(column.as<uint8_t>(), rows, count, kBoolAbsent, kNullInt, out);
    }
    case Type::kInt: {
      const store::ColumnData& column = block.column(source.field);
      if (!column.present()) return fill(kNullInt);
      if (column.width == 8) {
        const int64_t* data = column.as<int64_t>();
        for (size_t idx = 0; idx < count; ++idx) out[idx] = data[rows[idx]];
        return;
      }
      return GatherOffsets(column, rows, count, kNullInt, out);
    }
    case Type::kTotalTokens: {
      ColumnSource input_source{Type::kInt, FieldId::kInputTokens};
      ColumnSource output_source{Type::kInt, FieldId::kOutputTokens};
      thread_local std::vector<int64_t> output_buffer;
      output_buffer.resize(count);
      GatherInt(input_source, block, rows, count, out);
      GatherInt(output_source, block, rows, count, output_buffer.data());
      for (size_t idx = 0; idx < count; ++idx) {
        const int64_t in = out[idx];
        const int64_t outv = output_buffer[idx];
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
    const store::ColumnData column =
        source.type == Type::kDouble ? block.column(source.field) : block.score(source.index);
    if (!column.present()) {
      std::fill_n(out, count, kNaN);
      return;
    }
    if (column.width == 8) {
      const double* data = column.as<double>();
      for (size_t idx = 0; idx < count; ++idx) out[idx] = data[rows[idx]];
      return;
    }
    // Scaled integers: the writer checked that this division reproduces each value exactly.
    const int64_t base = column.base;
    const double scale = column.scale;
    ForNarrow(column, [&](const auto* data) {
      for (size_t idx = 0; idx < count; ++idx) {
        const int64_t offset = data[rows[idx]];
        out[idx] = offset == 0 ? kNaN : static_cast<double>(base + offset) / scale;
      }
    });
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
    case Type::kTag:
    case Type::kHttpStatus: {
      const store::ColumnData column = source.type == Type::kHttpStatus
                                           ? block.column(FieldId::kHttpStatus)
                                           : IdColumn(source, block);
      if (!column.present()) break;
      const uint64_t base = static_cast<uint64_t>(column.base);
      ForNarrow(column, [&](const auto* data) {
        for (size_t idx = 0; idx < count; ++idx) {
          const uint64_t offset = data[rows[idx]];
          out[idx] = offset == 0 ? 0 : base + offset;
        }
      });
      return;
    }
    case Type::kEnum:
    case Type::kBool: {
      const store::ColumnData& column = block.column(source.field);
      if (!column.present()) break;
      const uint8_t* data = column.as<uint8_t>();
      for (size_t idx = 0; idx < count; ++idx) out[idx] = data[rows[idx]];
      return;
    }
    default:
      break;
  }
  std::fill_n(out, count, uint64_t{0});
}

}  // namespace mltrack::query
