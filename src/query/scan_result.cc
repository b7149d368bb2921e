#include "query/scan_result.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/event.h"
#include "query/limit_guard.h"
#include "query/result_order.h"

namespace mltrack::query {
namespace {

using Type = ColumnSource::Type;

// Bin codes (block_scan.cc): 0 = absent, else zigzag(bin) + 1.
int64_t BinFromCode(uint64_t code) {
  const uint64_t zigzag = code - 1;
  return static_cast<int64_t>(zigzag >> 1) ^ -static_cast<int64_t>(zigzag & 1);
}

Cell DimensionCell(const Plan& plan, const KeyPart& part, uint64_t code) {
  if (part.is_bucket) return plan.bucketer->Start(static_cast<int64_t>(code));
  if (part.bin) {
    if (code == 0) return {};
    const int64_t bin = BinFromCode(code);
    if (part.bin->width_decimals == 0) return bin * part.bin->width_units;  // exact integer bound
    return part.bin->Lower(bin);
  }
  switch (part.source.type) {
    case Type::kString:
    case Type::kTag:
      if (code == store::kAbsentId) return {};
      return std::string(part.source.dictionary->Get(static_cast<uint32_t>(code)));
    case Type::kEnum:
      if (part.source.field == FieldId::kOperation) {
        return std::string(OperationName(static_cast<Operation>(code)));
      }
      return std::string(EventStatusName(static_cast<EventStatus>(code)));
    case Type::kBool:
      if (code == kBoolAbsent) return {};
      return code == kBoolTrue;
    case Type::kHttpStatus:
      if (code == 0) return {};
      return static_cast<int64_t>(code);
    default:
      return {};
  }
}

// Rows of a result cost their cells plus, for strings, the characters: an estimate of 16 bytes
// of text per dimension cell.
size_t RowsBytes(size_t rows, size_t columns, size_t dimensions) {
  return rows * (sizeof(std::vector<Cell>) + columns * sizeof(Cell) + dimensions * 16);
}

}  // namespace

// InvalidArgument naming the group_by item when a scan met a value whose bin number is past
// ±2^53 (GroupBin::kBinOutOfRange), with the narrowest "nice" width that numbers every value.
Status CheckBins(const Plan& plan, const std::vector<const Partial*>& partials) {
  const Partial* worst = nullptr;
  for (const Partial* partial : partials) {
    if (partial != nullptr && partial->bin_out_of_range > 0 &&
        (worst == nullptr || partial->bin_out_of_range > worst->bin_out_of_range)) {
      worst = partial;
    }
  }
  if (worst == nullptr) return Status::OK();
  const KeyPart* part = worst->bin_out_of_range_part;
  const size_t group_idx = static_cast<size_t>(part - plan.parts.data()) - (plan.bucketer ? 1 : 0);
  const double needed = worst->bin_out_of_range / 9007199254740992.0;
  double width = std::pow(10.0, std::floor(std::log10(needed)));
  for (double step : {1.0, 2.0, 5.0, 10.0}) {
    if (step * width >= needed) {
      width *= step;
      break;
    }
  }
  char value[32];
  char wide[32];
  std::snprintf(value, sizeof value, "%g", worst->bin_out_of_range);
  std::snprintf(wide, sizeof wide, "%g", width);
  const std::string item = GroupColumnName(*plan.spec, group_idx);
  const std::string reason = "a value of magnitude " + std::string(value) + " is past the 2^53 bins of this width that " +
                             "can be told apart exactly; use a bin width of at least " + wide +
                             " or filter such values out";
  return Status::InvalidArgument("invalid group_by item \"" + item + "\": " + reason,
                                 {ErrorDetail{static_cast<int64_t>(group_idx), "group_by[" + std::to_string(group_idx) + "]", reason}});
}

Result<QueryResult> ResultOf(const Plan& plan, Partial& main_partial, size_t plan_bytes, LimitGuard& guard) {
  const QuerySpec& spec = *plan.spec;
  // The rows are built for every group before ordering and the limit cut them.
  if (guard.CheckDeadline() ||
      guard.CheckMemory(plan_bytes + PartialBytes(main_partial) +
                            RowsBytes(main_partial.table.size(), plan.parts.size() + spec.metrics.size(),
                                      plan.parts.size()),
                        "the query's " + std::to_string(main_partial.table.size()) + " groups and their rows")) {
    return guard.status();
  }

  QueryResult result;
  if (HasBucket(spec)) result.columns.push_back("t");
  for (size_t group_idx = 0; group_idx < spec.group_by.size(); ++group_idx) {
    result.columns.push_back(GroupColumnName(spec, group_idx));
  }
  for (const MetricSpec& metric : spec.metrics) result.columns.push_back(metric.name);
  result.bucket_ms = spec.bucket_ms;
  result.bucket_months = spec.bucket_months;
  if (!IsUtcName(spec.tz)) result.tz = spec.tz;
  result.scanned = main_partial.scanned;
  result.quarantined = plan.snapshot->quarantined();

  const size_t group_count = main_partial.table.size();
  result.rows.reserve(group_count);
  for (size_t group = 0; group < group_count; ++group) {
    std::vector<Cell> row;
    row.reserve(result.columns.size());
    const uint64_t* key = main_partial.table.key(group);
    for (size_t part_idx = 0; part_idx < plan.parts.size(); ++part_idx) {
      row.push_back(DimensionCell(plan, plan.parts[part_idx], PartCode(plan, key, part_idx)));
    }
    for (auto& metric : main_partial.metrics) row.push_back(metric->Finalize(group));
    result.rows.push_back(std::move(row));
  }
  if (guard.CheckDeadline()) return guard.status();
  OrderAndLimit(spec, result);
  return result;
}

}  // namespace mltrack::query
