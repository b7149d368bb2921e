#pragma once
// A live subscription (WebSocket /api/analytics/live, docs/api.md "Live"): what a client's
// `{"type":"subscribe","filters":{...},"events":N}` asks for, and whether an event concerns it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "analytics/dashboard_params.h"
#include "core/event.h"
#include "core/status.h"

namespace mltrack::server::live {

// The most newest events one subscription may ask for, and the default.
inline constexpr size_t kMaxLiveEvents = 500;
inline constexpr size_t kDefaultLiveEvents = 50;

struct LiveSubscription {
  // The filters as the dashboards' query parameters (from, to, experiment, …, tag=key:value,
  // bucket, tz): re-parsed at every push, so a relative range ("now-1h") moves with the clock.
  analytics::QueryParams params;
  size_t events = kDefaultLiveEvents;  // how many of the newest matching events to send
  // The filters in canonical form: subscriptions with equal keys share one computation.
  std::string key;
};

// Parses a client message. Errors are InvalidArgument whose first detail names the field
// ("type", "events", "filters.model", "filters.from", …) and the reason; the filters are
// validated as the dashboards validate their parameters (at `now_ms`).
Result<LiveSubscription> ParseSubscribe(std::string_view message, int64_t now_ms);

// The subscription's filters at `now_ms` (they parsed once, so this fails only if the clock
// moved a relative bound out of 2000–2200).
Result<analytics::DashboardParams> ParamsAt(const LiveSubscription& subscription, int64_t now_ms);

// Whether `event` passes the filters and lies in the range. A range whose `to` is relative
// (absent, "now", "now-…") is open at the top: an event stamped slightly ahead of the server's
// clock still counts. Conservative for filters a dashboard never builds (it answers true), so a
// push is never missed; the figures themselves always come from the query runner.
bool EventMatches(const analytics::DashboardParams& params, bool open_ended, const Event& event);
bool OpenEnded(const LiveSubscription& subscription);

}  // namespace mltrack::server::live
