#include "analytics/insights.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <exception>
#include <iterator>
#include <optional>
#include <thread>

#include "analytics/insight_rules.h"
#include "analytics/run_ahead.h"
#include "core/json_writer.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr size_t kMaxScoreName = 128;

std::string_view SeverityName(InsightSeverity severity) {
  switch (severity) {
    case InsightSeverity::kCritical: return "critical";
    case InsightSeverity::kWarning: return "warning";
    case InsightSeverity::kInfo: break;
  }
  return "info";
}

std::string_view UnitName(FigureUnit unit) {
  switch (unit) {
    case FigureUnit::kUsd: return "usd";
    case FigureUnit::kShare: return "share";
    case FigureUnit::kMs: return "ms";
    case FigureUnit::kTokens: return "tokens";
    case FigureUnit::kScore: return "score";
    case FigureUnit::kCount: break;
  }
  return "count";
}

// Saving first (largest first, none last), then severity, kind and subject: a stable order.
bool RanksBefore(const Insight& a, const Insight& b) {
  const double saving_a = a.monthly_saving_usd.value_or(-1), saving_b = b.monthly_saving_usd.value_or(-1);
  if (saving_a != saving_b) return saving_a > saving_b;
  if (a.severity != b.severity) return a.severity > b.severity;
  if (a.kind != b.kind) return a.kind < b.kind;
  return a.subject < b.subject;
}

void AppendEscaped(std::string& out, std::string_view value) {
  for (unsigned char ch : value) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out.push_back(static_cast<char>(ch));
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof(buffer), "%%%02X", ch);
      out += buffer;
    }
  }
}

// The rules' first queries (insight_rules.h), for one batch; a spec that cannot be built is left
// to its rule, which reports the error. Not the retry rule's: it runs on its own thread
// (ComputeInsights).
std::vector<query::QuerySpec> LeadSpecs(const RuleInput& input) {
  std::vector<query::QuerySpec> specs;
  Result<query::QuerySpec> exact_cache = ExactCacheSpec(input);
  if (exact_cache.ok()) specs.push_back(std::move(*exact_cache));
  Result<std::vector<query::QuerySpec>> cheaper = CheaperModelSpecs(input);
  if (cheaper.ok()) specs.insert(specs.end(), cheaper->begin(), cheaper->end());
  for (Result<query::QuerySpec> spec :
       {RunawaySpendSpec(input, 0, FieldId::kExperiment), RunawaySpendSpec(input, 0, FieldId::kUser),
        RunawaySpendSpec(input, 1, FieldId::kExperiment), RunawaySpendSpec(input, 1, FieldId::kUser),
        UnpricedModelSpec(input)}) {
    if (spec.ok()) specs.push_back(std::move(*spec));
  }
  return specs;
}

}  // namespace

std::string DashboardLink(std::string_view path, const std::vector<std::pair<std::string, std::string>>& filters) {
  std::string link(path);
  for (size_t idx = 0; idx < filters.size(); ++idx) {
    link.push_back(idx == 0 ? '?' : '&');
    AppendEscaped(link, filters[idx].first);
    link.push_back('=');
    AppendEscaped(link, filters[idx].second);
  }
  return link;
}

Result<InsightsRequest> ParseInsightsRequest(const QueryParams& query, int64_t now_ms) {
  Result<DashboardParams> params = ParseDashboardParams(query, now_ms, {"score"});
  if (!params.ok()) return params.status();
  InsightsRequest request;
  request.params = std::move(*params);
  for (const auto& [key, value] : query) {
    if (key != "score") continue;
    if (value.empty() || value.size() > kMaxScoreName) {
      return Status::InvalidArgument("invalid parameter", {{-1, "score", "must be a score name of 1..128 bytes"}});
    }
    request.quality_score = value;
  }
  return request;
}

Result<InsightsReport> ComputeInsights(const InsightsRequest& request, const InsightsContext& context,
                                       const QueryRunner& run) {
  const DashboardParams& params = request.params;
  InsightsReport report;
  report.from_ms = params.from_ms;
  report.to_ms = params.to_ms;
  const double window_days = static_cast<double>(params.to_ms - params.from_ms) / kDayMs;
  const double month_factor = window_days > 0 ? 30.0 / window_days : 0.0;
  using Rule = Result<std::string> (*)(const RuleInput&, std::vector<Insight>&);
  const std::pair<const char*, Rule> rules[] = {
      {"exact_cache", &ExactCacheRule},       {"cheaper_model", &CheaperModelRule},
      {"runaway_spend", &RunawaySpendRule},   {"unpriced_model", &UnpricedModelRule},
      {"budget_overrun", &BudgetOverrunRule}, {"regression_after_annotation", &RegressionAfterAnnotationRule},
  };
  if (window_days <= 0) {
    for (const auto& [kind, rule] : rules) report.skipped.emplace_back(kind, "the range is empty");
    report.skipped.emplace_back("retry_storm", "the range is empty");
    return report;
  }
  // The retry rule's queries are its own (failures in the last 7 days, then the calls of those
  // requests: each depends on the one before), so it runs on a thread of its own beside the lead
  // batch and the other rules, both cores busy for the whole request (a scan that finds the scan
  // pool's helper busy runs on its own thread). Its insights and skip reason come last, where
  // its turn after the others put them; a failure of an earlier rule is the one reported.
  std::vector<Insight> retry_insights;
  std::optional<Result<std::string>> retry_skipped;
  std::exception_ptr retry_failure;
  {
    std::jthread retry([&] {
      try {
        retry_skipped = RetryStormRule({params, request.quality_score, context, run, month_factor}, retry_insights);
      } catch (...) {
        retry_failure = std::current_exception();
      }
    });
    const QueryRunner batched = RunAhead(run, LeadSpecs({params, request.quality_score, context, run}));
    const RuleInput input{params, request.quality_score, context, batched, month_factor};
    for (const auto& [kind, rule] : rules) {
      Result<std::string> skipped = rule(input, report.insights);
      if (!skipped.ok()) return skipped.status();  // after the retry thread ends (jthread joins)
      if (!skipped->empty()) report.skipped.emplace_back(kind, std::move(*skipped));
    }
  }
  if (retry_failure) std::rethrow_exception(retry_failure);
  if (!retry_skipped->ok()) return retry_skipped->status();
  if (!(*retry_skipped)->empty()) report.skipped.emplace_back("retry_storm", std::move(**retry_skipped));
  report.insights.insert(report.insights.end(), std::make_move_iterator(retry_insights.begin()),
                         std::make_move_iterator(retry_insights.end()));
  std::stable_sort(report.insights.begin(), report.insights.end(), RanksBefore);
  return report;
}

std::string InsightsReportJson(const InsightsReport& report) {
  JsonWriter json;
  json.BeginObject();
  json.Key("from");
  json.Int(report.from_ms);
  json.Key("to");
  json.Int(report.to_ms);
  double total = 0;
  for (const Insight& insight : report.insights) total += insight.monthly_saving_usd.value_or(0);
  json.Key("total_monthly_saving_usd");
  json.Double(total);
  json.Key("insights");
  json.BeginArray();
  for (const Insight& insight : report.insights) {
    json.BeginObject();
    json.Key("id");
    json.String(insight.kind + ":" + insight.subject);
    json.Key("kind");
    json.String(insight.kind);
    json.Key("subject");
    json.String(insight.subject);
    json.Key("severity");
    json.String(SeverityName(insight.severity));
    json.Key("title");
    json.String(insight.title);
    json.Key("detail");
    json.String(insight.detail);
    json.Key("monthly_saving_usd");
    if (insight.monthly_saving_usd) {
      json.Double(*insight.monthly_saving_usd);
    } else {
      json.Null();
    }
    json.Key("evidence");
    json.BeginArray();
    for (const InsightFigure& figure : insight.evidence) {
      json.BeginObject();
      json.Key("label");
      json.String(figure.label);
      json.Key("value");
      json.Double(figure.value);
      json.Key("unit");
      json.String(UnitName(figure.unit));
      json.EndObject();
    }
    json.EndArray();
    json.Key("link");
    json.String(insight.link);
    json.EndObject();
  }
  json.EndArray();
  json.Key("skipped");
  json.BeginArray();
  for (const auto& [rule, reason] : report.skipped) {
    json.BeginObject();
    json.Key("rule");
    json.String(rule);
    json.Key("reason");
    json.String(reason);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  return std::move(json).Take();
}

}  // namespace mltrack::analytics
