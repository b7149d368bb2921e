// The retry-storm rule of /api/analytics/insights (docs/analytics/insights.md, "Retry storms"):
// the same request — one caller (session, else user), one model, one input (input hash, else
// trace) — sent again and again within a short window after it failed. The waste: what the
// storm's calls cost beyond its dearest one.

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "analytics/dashboard_support.h"
#include "analytics/insight_rules.h"
#include "analytics/insight_support.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kWindowMs = 15 * 60'000;  // "a short window": one 15-minute bucket
constexpr double kMinCalls = 4;              // the first call and at least 3 retries
constexpr size_t kMaxCandidates = 1000;      // request keys with the most failures
constexpr double kWarningSavingUsd = 100;

// The columns every query of the rule groups by, after the bucket.
std::vector<FieldRef> KeyFields() {
  return {FieldRef{FieldId::kSessionId, ""}, FieldRef{FieldId::kUser, ""}, FieldRef{FieldId::kModel, ""},
          *ParseFieldRef(kInputHashField), FieldRef{FieldId::kTraceId, ""}};
}

struct StormKey {
  std::string caller;   // "session s-1" or "user u-1"
  std::string model;
  std::string request;  // "input h-1" or "trace t-1"
  int64_t bucket = 0;
  auto operator<=>(const StormKey&) const = default;
};

// The key of a row (bucket, session, user, model, input hash, trace, ...); nullopt without a
// model or without an input hash and a trace (nothing identifies the request then).
std::optional<StormKey> KeyOf(const std::vector<query::Cell>& row) {
  if (IsNullCell(row[3]) || (IsNullCell(row[4]) && IsNullCell(row[5]))) return std::nullopt;
  StormKey key;
  key.bucket = CellInt(row[0]).value_or(0);
  key.caller = !IsNullCell(row[1]) ? "session " + std::string(CellString(row[1]))
               : !IsNullCell(row[2]) ? "user " + std::string(CellString(row[2]))
                                     : std::string("no user");
  key.model = std::string(CellString(row[3]));
  key.request = !IsNullCell(row[4]) ? "input " + std::string(CellString(row[4])) : "trace " + std::string(CellString(row[5]));
  return key;
}

// A request as a sentence shows it: a long input hash (a SHA-256 is 64 hex digits, one unbreakable
// word on a phone) cut to its first 12 characters, as git shortens commit ids.
std::string ShownRequest(const std::string& request) {
  constexpr std::string_view kInput = "input ";
  constexpr size_t kShown = 12;
  if (!request.starts_with(kInput) || request.size() <= kInput.size() + kShown + 4) return request;
  return request.substr(0, kInput.size() + kShown) + "…";
}

struct Calls {
  double calls = 0, errors = 0, cost = 0, max_cost = 0;
};

query::QuerySpec KeySpec(const RuleInput& input) {
  query::QuerySpec spec = BaseSpec(input.params, input.params.from_ms, input.params.to_ms);
  spec.bucket_ms = kWindowMs;
  spec.group_by = KeyFields();
  spec.limit = query::kMaxQueryLimit;
  spec.any_order = true;
  return spec;
}

}  // namespace

Result<std::string> RetryStormRule(const RuleInput& input, std::vector<Insight>& out) {
  // 1. Failed calls by key: the candidates (input hashes and traces that failed).
  query::QuerySpec failed = KeySpec(input);
  failed.filters.push_back(EqFilter(FieldRef{FieldId::kStatus, ""}, std::string("error")));
  MLTRACK_RETURN_IF_ERROR(AddMetrics(failed, {"count"}));
  Result<query::QueryResult> failures = input.run(failed);
  if (!failures.ok()) return failures.status();
  std::map<std::string, double> hashes, traces;  // value → failures
  for (const auto& row : failures->rows) {
    if (!KeyOf(row)) continue;
    const double count = CellNumber(row[6]).value_or(0);
    if (!IsNullCell(row[4])) hashes[std::string(CellString(row[4]))] += count;
    else traces[std::string(CellString(row[5]))] += count;
  }
  if (hashes.empty() && traces.empty()) return std::string("no failed call carries an input hash or a trace");

  // 2. Every call of those inputs and traces, by key and window.
  std::map<StormKey, Calls> windows;
  for (auto* values : {&hashes, &traces}) {
    if (values->empty()) continue;
    std::vector<std::pair<double, std::string>> ranked;
    for (const auto& [value, count] : *values) ranked.emplace_back(-count, value);
    std::sort(ranked.begin(), ranked.end());
    if (ranked.size() > kMaxCandidates) ranked.resize(kMaxCandidates);
    query::QuerySpec all = KeySpec(input);
    query::Filter among;
    among.field = values == &hashes ? *ParseFieldRef(kInputHashField) : FieldRef{FieldId::kTraceId, ""};
    among.op = query::FilterOp::kIn;
    for (auto& [count, value] : ranked) among.values.emplace_back(std::move(value));
    all.filters.push_back(std::move(among));
    MLTRACK_RETURN_IF_ERROR(AddMetrics(all, {"count", "rate:error", "sum:cost_usd", "max:cost_usd"}));
    Result<query::QueryResult> result = input.run(all);
    if (!result.ok()) return result.status();
    for (const auto& row : result->rows) {
      std::optional<StormKey> key = KeyOf(row);
      if (!key || (values == &traces && !IsNullCell(row[4]))) continue;  // hashed calls count by hash
      Calls& calls = windows[*key];
      const double count = CellNumber(row[6]).value_or(0);
      calls.calls += count;
      calls.errors += count * CellNumber(row[7]).value_or(0);
      calls.cost += CellNumber(row[8]).value_or(0);
      calls.max_cost = std::max(calls.max_cost, CellNumber(row[9]).value_or(0));
    }
  }

  // 3. Storms per model: every call but the dearest one of a storm was waste (refused calls are
  // usually not billed: then only billed duplicates count).
  struct ModelStorms {
    double storms = 0, calls = 0, errors = 0, waste = 0, worst_calls = 0;
    std::string worst;  // "session s-1, input h-1"
  };
  std::map<std::string, ModelStorms> by_model;
  for (const auto& [key, calls] : windows) {
    if (calls.calls < kMinCalls || calls.errors < 0.5) continue;
    ModelStorms& storms = by_model[key.model];
    storms.storms += 1;
    storms.calls += calls.calls;
    storms.errors += calls.errors;
    storms.waste += calls.cost - calls.max_cost;
    if (calls.calls > storms.worst_calls) storms.worst_calls = calls.calls, storms.worst = key.caller + ", " + ShownRequest(key.request);
  }
  for (const auto& [model, storms] : by_model) {
    Insight insight;
    insight.kind = "retry_storm";
    insight.subject = "model " + model;
    insight.title = "Back off retries of " + model;
    insight.detail = "Requests to " + model + " were retried in " + FormatCount(storms.storms) +
                     (storms.storms == 1 ? " storm" : " storms") + " (the same caller, model and input sent " +
                     FormatCount(kMinCalls) + " or more times within 15 minutes after failing): " +
                     FormatCount(storms.calls) + " calls, " + FormatCount(storms.errors) + " failed; the largest: " +
                     FormatCount(storms.worst_calls) + " calls of " + storms.worst +
                     ". Retry with exponential backoff and a cap, and do not retry errors that cannot pass.";
    insight.monthly_saving_usd = storms.waste * input.month_factor;
    insight.severity = *insight.monthly_saving_usd >= kWarningSavingUsd ? InsightSeverity::kWarning : InsightSeverity::kInfo;
    insight.evidence = {{"retry storms", storms.storms, FigureUnit::kCount},
                        {"calls in storms", storms.calls, FigureUnit::kCount},
                        {"failed calls in storms", storms.errors, FigureUnit::kCount},
                        {"cost of the retries", storms.waste, FigureUnit::kUsd}};
    insight.link = DashboardLink("/performance", {{"model", model}});
    out.push_back(std::move(insight));
  }
  return std::string();
}

}  // namespace mltrack::analytics
