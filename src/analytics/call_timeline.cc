#include "analytics/call_timeline.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/event_json.h"
#include "core/json_writer.h"

namespace mltrack::analytics {
namespace {

constexpr int64_t kApiFirstMs = 946684800000;   // 2000-01-01, the earliest time the API takes
constexpr int64_t kApiEndMs = 7258118400000;    // 2200-01-01, exclusive

}  // namespace

query::EventSearch TimelineSearch(FieldId field, const std::string& id) {
  query::EventSearch search;
  search.from_ms = kApiFirstMs;
  search.to_ms = kApiEndMs;
  search.filters.push_back(query::Filter{FieldRef{field, ""}, query::FilterOp::kEq, {id}, true, std::nullopt, {}});
  search.sort = query::SearchSort::kTs;
  search.descending = false;
  search.limit = kMaxTimelineCalls;
  return search;
}

CallTimeline SummarizeCalls(std::string kind, std::string id, query::EventPage page) {
  CallTimeline timeline;
  timeline.kind = std::move(kind);
  timeline.id = std::move(id);
  timeline.truncated = page.next.has_value();
  timeline.calls = std::move(page.events);
  TimelineTotals& totals = timeline.totals;
  totals.calls = timeline.calls.size();
  if (!timeline.calls.empty()) totals.start_ms = totals.end_ms = timeline.calls.front().ts_ms;
  for (const Event& call : timeline.calls) {
    totals.errors += call.status == EventStatus::kError;
    totals.input_tokens += call.input_tokens.value_or(0);
    totals.output_tokens += call.output_tokens.value_or(0);
    if (call.cost_nano_usd) totals.cost_nano_usd += *call.cost_nano_usd;
    else ++totals.unpriced;
    const int64_t end = call.ts_ms + static_cast<int64_t>(std::llround(call.latency_ms.value_or(0)));
    totals.end_ms = std::max(totals.end_ms, end);
    if (!call.model.empty() && std::find(totals.models.begin(), totals.models.end(), call.model) == totals.models.end()) {
      totals.models.push_back(call.model);
    }
  }
  return timeline;
}

std::string CallTimelineJson(const CallTimeline& timeline) {
  const TimelineTotals& totals = timeline.totals;
  JsonWriter out;
  out.BeginObject();
  out.Key("kind");
  out.String(timeline.kind);
  out.Key("id");
  out.String(timeline.id);
  out.Key("truncated");
  out.Bool(timeline.truncated);
  out.Key("max_calls");
  out.Int(static_cast<int64_t>(kMaxTimelineCalls));
  out.Key("totals");
  out.BeginObject();
  out.Key("calls");
  out.Int(static_cast<int64_t>(totals.calls));
  out.Key("errors");
  out.Int(static_cast<int64_t>(totals.errors));
  out.Key("input_tokens");
  out.Int(totals.input_tokens);
  out.Key("output_tokens");
  out.Int(totals.output_tokens);
  out.Key("cost_usd");
  out.Money(totals.cost_nano_usd);
  out.Key("unpriced");
  out.Int(static_cast<int64_t>(totals.unpriced));
  out.Key("start");
  out.Int(totals.start_ms);
  out.Key("end");
  out.Int(totals.end_ms);
  out.Key("duration_ms");
  out.Int(totals.end_ms - totals.start_ms);
  out.Key("models");
  out.BeginArray();
  for (const std::string& model : totals.models) out.String(model);
  out.EndArray();
  out.EndObject();
  out.Key("calls");
  out.BeginArray();
  for (const Event& call : timeline.calls) WriteEventJson(out, call);
  out.EndArray();
  out.EndObject();
  return std::move(out).Take();
}

}  // namespace mltrack::analytics
