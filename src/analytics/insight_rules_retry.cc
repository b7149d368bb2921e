// The retry-storm rule of /api/analytics/insights (docs/analytics/insights.md, "Retry storms"):
// the same request — one caller (session, else user), one model, one input (input hash, else
// trace) — sent again and again within a short window after it failed. The waste: what the
// storm's calls cost beyond its dearest one.

#include <algorithm>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "analytics/dashboard_support.h"
#include "analytics/insight_rules.h"
#include "analytics/insight_support.h"
#include "query/time_bucket.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kWindowMs = 15 * 60'000;  // "a short window": one 15-minute bucket
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kStormRangeMs = 7 * kDayMs;  // storms are looked for in the last 7 days of the range
constexpr double kMinCalls = 4;              // the first call and at least 3 retries
constexpr int64_t kMaxCandidates = 1000;     // request keys with the most failures
constexpr double kWarningSavingUsd = 100;

// The request's identity after the bucket: caller (session, user), model, then the input hash
// (hashed calls) or the trace (calls without a hash).
std::vector<FieldRef> KeyFields(FieldId request) {
  return {FieldRef{FieldId::kSessionId, ""}, FieldRef{FieldId::kUser, ""}, FieldRef{FieldId::kModel, ""},
          request == FieldId::kTraceId ? FieldRef{FieldId::kTraceId, ""} : *ParseFieldRef(kInputHashField)};
}

struct StormKey {
  std::string caller;   // "session s-1" or "user u-1"
  std::string model;
  std::string request;  // "input h-1" or "trace t-1"
  int64_t bucket = 0;
  auto operator<=>(const StormKey&) const = default;
};

// A row's storm key as views into its result (bucket, session, user, model, input hash or trace,
// ...): the caller is the session, else the user. Hashed, so that the tens of thousands of rows
// of a week are folded without building a string per row; only the windows that are storms
// become StormKeys.
struct RowKey {
  int64_t bucket = 0;
  int caller_kind = 0;  // 0 session, 1 user, 2 none
  std::string_view caller, model, request;
  bool by_trace = false;
  bool operator==(const RowKey&) const = default;
};

struct RowKeyHash {
  size_t operator()(const RowKey& key) const {
    size_t hash = std::hash<int64_t>()(key.bucket) * 31 + static_cast<size_t>(key.caller_kind) * 2 + key.by_trace;
    for (std::string_view part : {key.caller, key.model, key.request}) {
      hash = hash * 0x9E3779B97F4A7C15ULL + std::hash<std::string_view>()(part);
    }
    return hash;
  }
};

RowKey RowKeyOf(const std::vector<query::Cell>& row, bool by_trace) {
  RowKey key;
  key.bucket = CellInt(row[0]).value_or(0);
  key.caller_kind = !IsNullCell(row[1]) ? 0 : !IsNullCell(row[2]) ? 1 : 2;
  if (key.caller_kind < 2) key.caller = CellString(row[1 + key.caller_kind]);
  key.model = CellString(row[3]);
  key.request = CellString(row[4]);
  key.by_trace = by_trace;
  return key;
}

StormKey KeyOf(const RowKey& row) {
  StormKey key;
  key.bucket = row.bucket;
  key.caller = row.caller_kind == 0   ? "session " + std::string(row.caller)
               : row.caller_kind == 1 ? "user " + std::string(row.caller)
                                      : std::string("no user");
  key.model = std::string(row.model);
  key.request = (row.by_trace ? "trace " : "input ") + std::string(row.request);
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

int64_t StormFrom(const RuleInput& input) {
  return std::max(input.params.from_ms, input.params.to_ms - kStormRangeMs);
}

// Calls with a model and, for `request` = input hash, a hash; for trace, a trace and no hash
// (a hashed call is identified by its hash) — from `from` to the end of the range.
query::QuerySpec RequestSpec(const RuleInput& input, FieldId request, int64_t from) {
  query::QuerySpec spec = BaseSpec(input.params, from, input.params.to_ms);
  spec.filters.push_back(ExistsFilter(FieldRef{FieldId::kModel, ""}));
  const FieldRef hash = *ParseFieldRef(kInputHashField);
  query::Filter has_hash = ExistsFilter(hash);
  if (request == FieldId::kTraceId) {
    spec.filters.push_back(ExistsFilter(FieldRef{FieldId::kTraceId, ""}));
    has_hash.exists = false;
  }
  spec.filters.push_back(std::move(has_hash));
  return spec;
}

// A per-caller bound on `ts` (`by` session or user) for CallsOfFailingCallers.
query::Filter CallerBound(FieldId by, query::FilterOp op, std::vector<std::pair<std::string, int64_t>> bounds) {
  query::Filter filter;
  filter.field = FieldRef{FieldId::kTs, ""};
  filter.op = op;
  filter.by = FieldRef{by, ""};
  filter.bounds = std::move(bounds);
  return filter;
}

// `all` (every call of the candidates, by bucket and key) cut to the calls that can be in a
// storm, as one spec or several whose groups together are those of `all` that hold a failure:
// a storm's bucket holds a failure of its caller (its session, else its user), so only the
// callers that failed, from the start of the bucket of their first failure to the end of that of
// their last, are read. `failures` is `all` kept to failed calls, grouped by session and user
// with min:ts and max:ts. Every bucket is whole or not read, so a storm's sums are those of
// `all`. Popular prompts are sent by many callers, most of whom never failed: at 10M this reads
// ~7.5k of the ~73k groups `all` has. Empty when the failures do not fit one result (then `all`
// is read as it is).
Result<std::vector<query::QuerySpec>> CallsOfFailingCallers(const query::QuerySpec& all,
                                                          const query::QueryResult& failures) {
  std::vector<query::QuerySpec> specs;
  if (failures.truncated) return specs;
  Result<query::TimeBucketer> bucketer =
      query::MakeTimeBucketer(query::BucketWidth{all.bucket_ms, 0}, all.from_ms, all.to_ms, all.tz);
  if (!bucketer.ok()) return bucketer.status();
  // By caller kind (session, user without a session, neither): [first bucket's start, last
  // bucket's end) of its failures (a session may come with several users: one range for all).
  std::unordered_map<std::string_view, std::pair<int64_t, int64_t>> ranges[2];
  std::optional<std::pair<int64_t, int64_t>> nobody;
  auto widen = [](std::optional<std::pair<int64_t, int64_t>>& range, int64_t start, int64_t end) {
    range = range ? std::pair{std::min(range->first, start), std::max(range->second, end)} : std::pair{start, end};
  };
  for (const auto& row : failures.rows) {
    const std::optional<int64_t> first = CellInt(row[2]), last = CellInt(row[3]);
    if (!first || !last) continue;
    const int64_t start = bucketer->Start(bucketer->Index(*first)), end = bucketer->Start(bucketer->Index(*last) + 1);
    const int kind = !IsNullCell(row[0]) ? 0 : !IsNullCell(row[1]) ? 1 : 2;
    if (kind == 2) {
      widen(nobody, start, end);
      continue;
    }
    const auto [range, added] = ranges[kind].try_emplace(CellString(row[kind]), start, end);
    if (!added) range->second = {std::min(range->second.first, start), std::max(range->second.second, end)};
  }
  for (int kind = 0; kind < 2; ++kind) {
    if (ranges[kind].empty()) continue;
    // In caller order: the same spec (and query cache key) whatever order the failures came in.
    std::vector<std::pair<std::string_view, std::pair<int64_t, int64_t>>> sorted(ranges[kind].begin(),
                                                                                  ranges[kind].end());
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::pair<std::string, int64_t>> low, high;
    for (const auto& [caller, range] : sorted) {
      low.emplace_back(caller, range.first);
      high.emplace_back(caller, range.second);
    }
    const FieldId by = kind == 0 ? FieldId::kSessionId : FieldId::kUser;
    query::QuerySpec spec = all;
    if (kind == 1) {
      query::Filter no_session = ExistsFilter(FieldRef{FieldId::kSessionId, ""});
      no_session.exists = false;
      spec.filters.push_back(std::move(no_session));
    }
    spec.filters.push_back(CallerBound(by, query::FilterOp::kGte, std::move(low)));
    spec.filters.push_back(CallerBound(by, query::FilterOp::kLt, std::move(high)));
    specs.push_back(std::move(spec));
  }
  if (nobody) {
    query::QuerySpec spec = all;
    for (FieldId field : {FieldId::kSessionId, FieldId::kUser}) {
      query::Filter absent = ExistsFilter(FieldRef{field, ""});
      absent.exists = false;
      spec.filters.push_back(std::move(absent));
    }
    spec.from_ms = std::max(all.from_ms, nobody->first);
    spec.to_ms = std::min(all.to_ms, nobody->second);
    specs.push_back(std::move(spec));
  }
  return specs;
}

// One path of the rule (0: input hashes, 1: traces): the requests with the most failed calls in
// the window (the candidates), then every call of those in the window by key and 15-minute bucket.
// The paths' queries depend only on their own path's, so the two run side by side.
struct PathCalls {
  bool any_candidate = false;
  Status candidates_status, reads_status;
  std::vector<query::QueryResult> results;  // the reads, in order; folded once both paths ended
};

// Every call of `candidates` (values of the path's request field) in [from, to), by key and bucket;
// the largest groups first, so that a cut result keeps every group that can be a storm.
Status ReadCalls(const RuleInput& input, FieldId request, int64_t from, std::vector<std::string> candidates,
                 std::vector<query::QueryResult>& results) {
  query::QuerySpec all = RequestSpec(input, request, from);
  all.bucket_ms = kWindowMs;
  all.group_by = KeyFields(request);
  query::Filter among;
  among.field = all.group_by.back();
  among.op = query::FilterOp::kIn;
  for (std::string& value : candidates) among.values.emplace_back(std::move(value));
  all.filters.push_back(std::move(among));
  MLTRACK_RETURN_IF_ERROR(AddMetrics(all, {"count", "rate:error", "sum:cost_usd", "max:cost_usd"}));
  all.order_by = {{"count", true}};
  all.limit = query::kMaxQueryLimit;
  all.any_order = true;  // folded by the rule: sorted only when cut
  std::vector<query::QuerySpec> reads;
  if (request == FieldId::kInputHash) {
    // Hashes are shared by callers (popular prompts): read only the callers that failed. A
    // trace is one caller's request, so its calls are few and the trace path reads them all.
    query::QuerySpec failed = all;
    failed.bucket_ms = 0;
    failed.filters.push_back(EqFilter(FieldRef{FieldId::kStatus, ""}, std::string("error")));
    failed.group_by = {FieldRef{FieldId::kSessionId, ""}, FieldRef{FieldId::kUser, ""}};
    failed.metrics.clear();
    MLTRACK_RETURN_IF_ERROR(AddMetrics(failed, {"min:ts", "max:ts"}));
    failed.order_by.clear();
    Result<query::QueryResult> failures = input.run(failed);
    if (!failures.ok()) return failures.status();
    Result<std::vector<query::QuerySpec>> bounded = CallsOfFailingCallers(all, *failures);
    if (!bounded.ok()) return bounded.status();
    if (failures->rows.empty()) return Status::OK();  // no failure, no storm
    reads = std::move(*bounded);
  }
  if (reads.empty()) reads.push_back(std::move(all));
  for (const query::QuerySpec& read : reads) {
    Result<query::QueryResult> result = input.run(read);
    if (!result.ok()) return result.status();
    results.push_back(std::move(*result));
  }
  return Status::OK();
}

// Path `path`'s candidates (`spec`, from RetryCandidateSpecs), then its reads.
void RunPath(const RuleInput& input, size_t path, const query::QuerySpec& spec, int64_t from, PathCalls& out) {
  Result<query::QueryResult> failures = input.run(spec);
  if (!failures.ok()) {
    out.candidates_status = failures.status();
    return;
  }
  std::vector<std::string> candidates;
  for (const auto& row : failures->rows) candidates.emplace_back(CellString(row[0]));
  out.any_candidate = !candidates.empty();
  if (!out.any_candidate) return;
  out.reads_status = ReadCalls(input, path == 0 ? FieldId::kInputHash : FieldId::kTraceId, from,
                               std::move(candidates), out.results);
}

}  // namespace

Result<std::vector<query::QuerySpec>> RetryCandidateSpecs(const RuleInput& input) {
  std::vector<query::QuerySpec> specs;
  for (FieldId request : {FieldId::kInputHash, FieldId::kTraceId}) {
    query::QuerySpec failed = RequestSpec(input, request, StormFrom(input));
    failed.filters.push_back(EqFilter(FieldRef{FieldId::kStatus, ""}, std::string("error")));
    failed.group_by = {KeyFields(request).back()};
    MLTRACK_RETURN_IF_ERROR(AddMetrics(failed, {"count"}));
    failed.order_by = {{"count", true}, {failed.group_by.front().Name(), false}};
    failed.limit = kMaxCandidates;
    specs.push_back(std::move(failed));
  }
  return specs;
}

Result<std::string> RetryStormRule(const RuleInput& input, std::vector<Insight>& out) {
  // 1. The input hashes and the traces with the most failed calls in the last 7 days: the
  // candidates (a storm has at least one failure). 2. Every call of those inputs and traces in
  // the window, by key and 15-minute bucket. The trace path runs on a thread of its own beside
  // the hash path (the rule's chain was the longer of the request's two); the error reported is
  // the one the paths' queries in turn would meet first (candidates by hash, by trace, then the
  // reads of hashes, of traces).
  Result<std::vector<query::QuerySpec>> candidate_specs = RetryCandidateSpecs(input);
  if (!candidate_specs.ok()) return candidate_specs.status();
  const int64_t from = StormFrom(input);
  PathCalls paths[2];
  {
    std::exception_ptr trace_failure;
    std::jthread traces([&] {
      try {
        RunPath(input, 1, (*candidate_specs)[1], from, paths[1]);
      } catch (...) {
        trace_failure = std::current_exception();
      }
    });
    RunPath(input, 0, (*candidate_specs)[0], from, paths[0]);
    traces.join();
    if (trace_failure) std::rethrow_exception(trace_failure);
  }
  for (const PathCalls& path : paths) MLTRACK_RETURN_IF_ERROR(path.candidates_status);
  if (!paths[0].any_candidate && !paths[1].any_candidate) {
    // Nothing failed in the window; whether nothing could have (the reason to skip) is asked of
    // the whole range only when the window is shorter.
    bool any = false;
    for (FieldId request : {FieldId::kInputHash, FieldId::kTraceId}) {
      if (from == input.params.from_ms || any) break;
      query::QuerySpec failed = RequestSpec(input, request, input.params.from_ms);
      failed.filters.push_back(EqFilter(FieldRef{FieldId::kStatus, ""}, std::string("error")));
      MLTRACK_RETURN_IF_ERROR(AddMetrics(failed, {"count"}));
      Result<query::QueryResult> result = input.run(failed);
      if (!result.ok()) return result.status();
      any = CellNumber(SingleCell(*result, "count")).value_or(0) > 0;
    }
    return any ? std::string() : std::string("no failed call carries an input hash or a trace");
  }
  for (const PathCalls& path : paths) MLTRACK_RETURN_IF_ERROR(path.reads_status);
  // The rows of both paths by storm key (views into the results, which stay put from here on).
  std::unordered_map<RowKey, Calls, RowKeyHash> windows;
  for (size_t path = 0; path < 2; ++path) {
    for (const query::QueryResult& result : paths[path].results) {
      for (const auto& row : result.rows) {
        Calls& calls = windows[RowKeyOf(row, path == 1)];
        const double count = CellNumber(row[5]).value_or(0);
        calls.calls += count;
        calls.errors += count * CellNumber(row[6]).value_or(0);
        calls.cost += CellNumber(row[7]).value_or(0);
        calls.max_cost = std::max(calls.max_cost, CellNumber(row[8]).value_or(0));
      }
    }
  }

  // 3. Storms per model: every call but the dearest one of a storm was waste (refused calls are
  // usually not billed: then only billed duplicates count).
  struct ModelStorms {
    double storms = 0, calls = 0, errors = 0, waste = 0, worst_calls = 0;
    std::string worst;  // "session s-1, input h-1"
  };
  std::vector<std::pair<StormKey, Calls>> storm_windows;  // in key order, as the sums were always taken
  for (const auto& [key, calls] : windows) {
    if (calls.calls >= kMinCalls && calls.errors >= 0.5) storm_windows.emplace_back(KeyOf(key), calls);
  }
  std::sort(storm_windows.begin(), storm_windows.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::map<std::string, ModelStorms> by_model;
  for (const auto& [key, calls] : storm_windows) {
    ModelStorms& storms = by_model[key.model];
    storms.storms += 1;
    storms.calls += calls.calls;
    storms.errors += calls.errors;
    storms.waste += calls.cost - calls.max_cost;
    if (calls.calls > storms.worst_calls) storms.worst_calls = calls.calls, storms.worst = key.caller + ", " + ShownRequest(key.request);
  }
  const bool cut = from > input.params.from_ms;
  const double month_factor = 30.0 * kDayMs / static_cast<double>(input.params.to_ms - from);
  for (const auto& [model, storms] : by_model) {
    Insight insight;
    insight.kind = "retry_storm";
    insight.subject = "model " + model;
    insight.title = "Back off retries of " + model;
    insight.detail = "Requests to " + model + " were retried in " + FormatCount(storms.storms) +
                     (storms.storms == 1 ? " storm" : " storms") + (cut ? " in the last 7 days" : "") +
                     " (the same caller, model and input sent " + FormatCount(kMinCalls) +
                     " or more times within 15 minutes after failing): " +
                     FormatCount(storms.calls) + " calls, " + FormatCount(storms.errors) + " failed; the largest: " +
                     FormatCount(storms.worst_calls) + " calls of " + storms.worst +
                     ". Retry with exponential backoff and a cap, and do not retry errors that cannot pass.";
    insight.monthly_saving_usd = storms.waste * month_factor;
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
