#include "cli/setup.h"

#include <cstdio>

#include "ingest/pricing.h"

namespace mltrack::cli {

Result<PriceCatalogue> LoadPrices(const std::optional<std::string>& prices_file) {
  std::string_view embedded = EmbeddedPriceCatalogue();
  PriceCatalogue catalogue;
  if (embedded.empty()) {
    std::fprintf(stderr,
                 "mltrack: warning: no price catalogue was embedded at build time (run `make "
                 "prices` before building); costs are only priced from --prices\n");
  } else {
    Result<PriceCatalogue> parsed = PriceCatalogue::Parse(embedded);
    if (!parsed.ok()) return parsed.status();
    catalogue = std::move(*parsed);
  }
  if (prices_file) {
    Result<PriceCatalogue> extra = PriceCatalogue::LoadFile(*prices_file);
    if (!extra.ok()) {
      return Status::InvalidArgument("--prices " + *prices_file + ": " + extra.status().message());
    }
    catalogue.Merge(std::move(*extra));
  }
  return catalogue;
}

Result<size_t> WriteDemoTraffic(backend::Backend& backend, const PriceCatalogue& prices,
                                const demo::DemoOptions& options) {
  demo::DemoTraffic traffic(options.seed);
  size_t stored = 0;
  Status status = traffic.Generate(options, [&](EventBatch&& batch) -> Status {
    ingest::PriceEvents(prices, batch);
    Result<backend::AppendResult> appended = backend.Append(std::move(batch));
    if (!appended.ok()) return appended.status();
    stored += appended->accepted;
    return Status::OK();
  });
  if (!status.ok()) return status;
  return stored;
}

Status WriteDemoAnnotations(analytics::AnnotationStore& annotations, const demo::DemoTimeline& timeline,
                            int64_t now_ms) {
  if (annotations.size() > 0) return Status::OK();
  using analytics::AnnotationKind;
  constexpr int64_t kMinuteMs = 60'000;
  const analytics::AnnotationScope anthropic{FieldRef{FieldId::kProvider, {}}, "anthropic"};
  struct Demo {
    int64_t ts_ms;
    std::optional<int64_t> end_ms;
    const char* text;
    AnnotationKind kind;
    std::optional<analytics::AnnotationScope> scope;
  };
  const Demo demos[] = {
      {timeline.prompt_v3_ms, std::nullopt, "Prompt templates v3 rolled out to every experiment", AnnotationKind::kConfig,
       std::nullopt},
      {timeline.spike_start_ms, timeline.spike_end_ms, "Research nightly benchmark batch job on claude-opus-4-1",
       AnnotationKind::kConfig, analytics::AnnotationScope{FieldRef{FieldId::kTeam, {}}, "research"}},
      {timeline.incident_start_ms - 25 * kMinuteMs, std::nullopt,
       "Gateway v2.14 deployed: new retry and connection-pool settings for Anthropic", AnnotationKind::kDeploy, anthropic},
      {timeline.incident_start_ms, timeline.incident_end_ms,
       "Anthropic API overloaded: HTTP 529 on a third of calls, slow first tokens", AnnotationKind::kIncident, anthropic},
      {timeline.incident_end_ms, std::nullopt, "Gateway rolled back to v2.13", AnnotationKind::kDeploy, anthropic},
  };
  for (const Demo& demo : demos) {
    analytics::Annotation annotation;
    annotation.ts_ms = demo.ts_ms;
    annotation.end_ms = demo.end_ms;
    annotation.text = demo.text;
    annotation.kind = demo.kind;
    annotation.scope = demo.scope;
    Result<analytics::Annotation> added = annotations.Add(std::move(annotation), now_ms);
    if (!added.ok()) return added.status();
  }
  return Status::OK();
}

Status WriteDemoReports(analytics::ReportStore& reports, int64_t now_ms) {
  if (!reports.List().empty()) return Status::OK();
  constexpr std::string_view kDemoReports[] = {
      R"({"name": "Daily cost per model", "chart": "area", "spec": {"from": "now-30d", "to": "now", "bucket": "1d",
          "group_by": ["model"], "metrics": ["sum:cost_usd"], "limit": 1000}})",
      R"({"name": "p95 latency per provider", "chart": "line", "spec": {"from": "now-7d", "to": "now", "bucket": "6h",
          "group_by": ["provider"], "metrics": ["p95:latency_ms"], "limit": 1000}})",
      R"({"name": "Error rate per team", "chart": "bar", "spec": {"from": "now-30d", "to": "now",
          "group_by": ["team"], "metrics": ["rate:error", "count"], "order_by": [{"metric": "rate:error", "dir": "desc"}]}})",
  };
  for (std::string_view body : kDemoReports) {
    Result<analytics::ReportChange> change = analytics::ParseReportChange(body, now_ms, false);
    if (!change.ok()) return change.status();
    Result<analytics::Report> created = reports.Create(*change, now_ms);
    if (!created.ok()) return created.status();
  }
  return Status::OK();
}

}  // namespace mltrack::cli
