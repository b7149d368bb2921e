#include "analytics/performance.h"

#include <charconv>
#include <cmath>

#include "analytics/dashboard_support.h"
#include "analytics/performance_sections.h"
#include "analytics/run_ahead.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;
constexpr int64_t kWeekMs = 7 * kDayMs;

std::optional<double> ParseNumber(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

// "auto": days beyond a week (30 points for the default 30 days, as the executive dashboard),
// else the query model's auto (at most 200 buckets: 1 h for 7 days, 15 min for a day). Day
// buckets also keep the bucketed percentile query cheap at scale: a block of rows that lies
// within one bucket is answered from its summary (percentile sketch included) without reading
// it, and at 10M events most blocks lie within one day but none within six hours.
Result<query::BucketWidth> ResolveBucket(const DashboardParams& params) {
  if (params.bucket == "auto" && params.to_ms - params.from_ms > kWeekMs) return query::BucketWidth{kDayMs, 0};
  return query::ParseBucket(params.bucket, params.from_ms, params.to_ms);
}

}  // namespace

const std::vector<std::string>& PerformanceParamNames() {
  static const std::vector<std::string> kNames = {"top", "slo_ms", "slo_target"};
  return kNames;
}

Result<PerformanceOptions> ParsePerformanceOptions(const QueryParams& params) {
  PerformanceOptions options;
  std::vector<ErrorDetail> errors;
  bool has_target = false;
  for (const auto& [key, value] : params) {
    if (key == "top") {
      std::optional<double> top = ParseNumber(value);
      if (!top || *top < 1 || *top > 50 || *top != std::floor(*top)) {
        errors.push_back({-1, "top", "must be a whole number from 1 to 50"});
        continue;
      }
      options.top_models = static_cast<size_t>(*top);
    } else if (key == "slo_ms") {
      std::optional<double> slo = ParseNumber(value);
      if (!slo || *slo <= 0 || *slo > 1e9) {
        errors.push_back({-1, "slo_ms", "must be a latency in milliseconds above 0"});
        continue;
      }
      options.slo_ms = *slo;
    } else if (key == "slo_target") {
      std::optional<double> target = ParseNumber(value);
      if (!target || *target <= 0 || *target >= 100) {
        errors.push_back({-1, "slo_target", "must be a percentage above 0 and below 100, e.g. 99.5"});
        continue;
      }
      options.slo_target = *target;
      has_target = true;
    }
  }
  if (has_target && !options.slo_ms && errors.empty()) {
    errors.push_back({-1, "slo_target", "needs slo_ms (the latency the target is about)"});
  }
  if (!errors.empty()) return Status::InvalidArgument("invalid dashboard parameters", std::move(errors));
  return options;
}

// Every query of the sections but the scatter's (which need the models), for RunAhead.
std::vector<query::QuerySpec> PerformanceSpecs(const DashboardParams& params, const PerformanceOptions& options,
                                               const PerformanceReport& report) {
  std::vector<Result<query::QuerySpec>> built;
  built.push_back(OverallSpec(params, params.from_ms, params.to_ms));
  built.push_back(OverallSpec(params, report.previous_from_ms, params.from_ms));
  built.push_back(SeriesSpec(params, report.bucket, options.slo_ms.has_value()));
  if (options.slo_ms) {
    for (bool errors : {false, true}) built.push_back(FastCallsSpec(params, report.bucket, *options.slo_ms, errors));
  }
  built.push_back(ModelSpec(params));
  std::vector<query::QuerySpec> specs = ErrorSpecs(params, report.bucket, report.previous_from_ms);
  for (Result<query::QuerySpec>& spec : built) {
    if (spec.ok()) specs.push_back(std::move(spec).value());  // one that fails fails where asked for
  }
  return specs;
}

Result<PerformanceReport> ComputePerformance(const DashboardParams& params, const PerformanceOptions& options,
                                             const QueryRunner& direct, std::vector<Annotation> annotations) {
  Result<query::BucketWidth> width = ResolveBucket(params);
  if (!width.ok()) return width.status();
  PerformanceReport report;
  report.from_ms = params.from_ms;
  report.to_ms = params.to_ms;
  report.previous_from_ms = params.from_ms - (params.to_ms - params.from_ms);
  report.bucket = *width;
  report.bucket_label = params.bucket == "auto" ? BucketLabel(*width) : params.bucket;
  report.demo = options.demo;
  const QueryRunner run = RunAhead(direct, PerformanceSpecs(params, options, report));

  MLTRACK_RETURN_IF_ERROR(AddSeriesSection(params, options, run, report));
  MLTRACK_RETURN_IF_ERROR(AddModelSection(params, options, run, report));
  report.matrix = BuildMatrix(report.models);
  MLTRACK_RETURN_IF_ERROR(AddErrorSection(params, run, report));
  MLTRACK_RETURN_IF_ERROR(AddScatterSection(params, run, report));
  for (Annotation& annotation : annotations) {
    if (AnnotationInRange(annotation, params.from_ms, params.to_ms) && AnnotationConcerns(annotation, params.filters)) {
      report.annotations.push_back(std::move(annotation));
    }
  }
  return report;
}

}  // namespace mltrack::analytics
