// Cost over time stacked by a dimension, and the hour × weekday heatmap. Both come from one
// hourly scan grouped by the stack dimension when the chart's buckets are whole hours (or
// months), since hours nest in them; otherwise each has its own query.
#include <algorithm>
#include <map>
#include <tuple>

#include "analytics/cost_sections.h"
#include "analytics/dashboard_support.h"
#include "core/time_zone.h"

namespace mltrack::analytics::cost {
namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDayMs = 24 * kHourMs;

using query::QueryResult;
using query::QuerySpec;

Result<query::BucketWidth> ChartWidth(const DashboardParams& params, std::string& label) {
  if (params.bucket != "auto") {
    label = params.bucket;
    return query::ParseBucket(params.bucket, params.from_ms, params.to_ms);
  }
  const int64_t length = params.to_ms - params.from_ms;
  const int64_t ms = length <= 3 * kDayMs ? kHourMs : length <= 180 * kDayMs ? kDayMs : 7 * kDayMs;
  label = ms == kHourMs ? "1h" : ms == kDayMs ? "1d" : "1w";
  return query::BucketWidth{ms, 0};
}

// Per stack value, its cost per chart bucket; whether a bucket has events.
struct StackFold {
  std::map<std::string, std::vector<NanoUsd>> cost;
  std::vector<bool> has_events;
};

void AddToStack(StackFold& fold, size_t buckets, int64_t bucket_idx, const std::string& key,
                NanoUsd cost, int64_t calls) {
  if (bucket_idx < 0 || bucket_idx >= static_cast<int64_t>(buckets)) return;
  std::vector<NanoUsd>& series = fold.cost[key];
  if (series.empty()) series.assign(buckets, 0);
  series[bucket_idx] += cost;
  if (calls > 0) fold.has_events[bucket_idx] = true;
}

// `zone` null = UTC. Hourly buckets are local hours, so the local reading of a bucket's start is
// its hour of day (a day with a DST change has 23 or 25 of them; a repeated hour adds to one cell).
void AddToHeatmap(CostHeatmap& heatmap, const TimeZone* zone, int64_t hour_start_ms, NanoUsd cost, int64_t calls) {
  const int64_t local_ms = hour_start_ms + (zone ? int64_t{zone->OffsetAt(hour_start_ms)} * 1000 : 0);
  const int64_t days = local_ms >= 0 ? local_ms / kDayMs : (local_ms - kDayMs + 1) / kDayMs;
  const int64_t hour = (local_ms - days * kDayMs) / kHourMs;
  const int64_t weekday = ((days % 7) + 7 + 3) % 7;  // 1970-01-01 was a Thursday; 0 = Monday
  HeatCell& cell = heatmap.cells[weekday][hour];
  cell.cost += cost;
  cell.calls += calls;
}

// The top stack values by total cost become series; the rest are summed into "(other)". Values
// without any cost are no series (unpriced models are listed as unpriced in the report).
void FinishSeries(StackFold& fold, size_t top, CostOverTime& over_time) {
  std::vector<std::pair<std::string, NanoUsd>> totals;
  for (const auto& [key, series] : fold.cost) {
    NanoUsd total = 0;
    for (NanoUsd cost : series) total += cost;
    if (total > 0) totals.push_back({key, total});
  }
  std::sort(totals.begin(), totals.end(), [](const auto& a, const auto& b) {
    return std::tie(b.second, a.first) < std::tie(a.second, b.first);
  });
  CostSeries other{std::string(kOther), std::vector<NanoUsd>(over_time.starts.size(), 0)};
  for (size_t idx = 0; idx < totals.size(); ++idx) {
    std::vector<NanoUsd>& series = fold.cost[totals[idx].first];
    if (idx < top) {
      over_time.series.push_back({totals[idx].first, std::move(series)});
    } else {
      for (size_t bucket = 0; bucket < series.size(); ++bucket) other.cost[bucket] += series[bucket];
    }
  }
  if (totals.size() > top) over_time.series.push_back(std::move(other));
  over_time.has_events = std::move(fold.has_events);
}


}  // namespace

Result<QuerySpec> StackSpec(const DashboardParams& params, const FieldRef& stack_by, const query::BucketWidth& width) {
  QuerySpec spec = BaseSpec(params, params.from_ms, params.to_ms);
  SetBucket(spec, width);
  spec.group_by = {stack_by};
  MLTRACK_RETURN_IF_ERROR(AddMetrics(spec, {"sum:cost_usd", "count"}));
  spec.limit = query::kMaxQueryLimit;
  return spec;
}

Result<QuerySpec> HourlyStackSpec(const DashboardParams& params, const FieldRef& stack_by) {
  Result<QuerySpec> spec = StackSpec(params, stack_by, {kHourMs, 0});
  // Its rows are only summed into maps and heatmap cells, and only when none was cut: any order.
  if (spec.ok()) spec->any_order = true;
  return spec;
}

Status ComputeCostOverTime(const DashboardParams& params, const CostOptions& options,
                           const QueryRunner& run, CostReport& report) {
  CostOverTime& over_time = report.over_time;
  Result<query::BucketWidth> width = ChartWidth(params, over_time.bucket);
  if (!width.ok()) return width.status();
  over_time.width = *width;
  over_time.stack_by = options.stack_by.Name();
  QuerySpec chart = BaseSpec(params, params.from_ms, params.to_ms);
  SetBucket(chart, *width);
  Result<std::vector<int64_t>> starts = BucketStarts(chart);  // in the dashboard's zone
  if (!starts.ok()) return starts.status();
  over_time.starts = std::move(*starts);
  report.heatmap.tz = params.tz;
  std::shared_ptr<const TimeZone> zone;
  if (params.tz != "UTC") {
    Result<std::shared_ptr<const TimeZone>> loaded = TimeZone::Load(params.tz);
    if (!loaded.ok()) return loaded.status();
    zone = std::move(*loaded);
  }
  const size_t buckets = over_time.starts.size();
  // The chart bucket holding an instant: the last start at or before it (buckets of any zone).
  auto bucket_of = [&](int64_t ts_ms) {
    auto after = std::upper_bound(over_time.starts.begin(), over_time.starts.end(), ts_ms);
    return static_cast<int64_t>(after - over_time.starts.begin()) - 1;
  };
  StackFold fold;
  fold.has_events.assign(buckets, false);

  // Local hours nest in local days, weeks and months, as UTC hours do in UTC ones.
  const bool hours_nest = width->months > 0 || (width->ms >= kHourMs && width->ms % kHourMs == 0);
  if (hours_nest) {
    Result<QuerySpec> hourly_spec = HourlyStackSpec(params, options.stack_by);
    if (!hourly_spec.ok()) return hourly_spec.status();
    Result<QueryResult> hourly = run(*hourly_spec);
    if (!hourly.ok()) return hourly.status();
    if (!hourly->truncated) {
      for (const auto& cells : hourly->rows) {
        const int64_t hour_start = CellInt(cells[0]).value_or(0);
        const NanoUsd cost = CellNanoUsd(cells[2]).value_or(0);
        const int64_t calls = CellInt(cells[3]).value_or(0);
        // The first local hour may start before `from`: it belongs to the first bucket.
        AddToStack(fold, buckets, std::max<int64_t>(0, bucket_of(hour_start)), KeyOf(cells[1]), cost, calls);
        AddToHeatmap(report.heatmap, zone.get(), hour_start, cost, calls);
      }
      FinishSeries(fold, options.top, over_time);
      return Status::OK();
    }
  }

  // Buckets finer than an hour, or too many hourly rows: a query for each chart.
  Result<QuerySpec> stacked_spec = StackSpec(params, options.stack_by, *width);
  if (!stacked_spec.ok()) return stacked_spec.status();
  Result<QueryResult> stacked = run(*stacked_spec);
  if (!stacked.ok()) return stacked.status();
  for (const auto& cells : stacked->rows) {
    AddToStack(fold, buckets, std::max<int64_t>(0, bucket_of(CellInt(cells[0]).value_or(0))), KeyOf(cells[1]),
               CellNanoUsd(cells[2]).value_or(0), CellInt(cells[3]).value_or(0));
  }
  FinishSeries(fold, options.top, over_time);

  QuerySpec hourly = BaseSpec(params, params.from_ms, params.to_ms);
  SetBucket(hourly, {kHourMs, 0});
  MLTRACK_RETURN_IF_ERROR(AddMetrics(hourly, {"sum:cost_usd", "count"}));
  hourly.limit = query::kMaxQueryLimit;
  Result<QueryResult> heat = run(hourly);
  if (!heat.ok()) return heat.status();
  for (const auto& cells : heat->rows) {
    AddToHeatmap(report.heatmap, zone.get(), CellInt(cells[0]).value_or(0), CellNanoUsd(cells[1]).value_or(0),
                 CellInt(cells[2]).value_or(0));
  }
  return Status::OK();
}

}  // namespace mltrack::analytics::cost
