#pragma once
// The server's messages of the live protocol (docs/api.md "Live"), written in one place.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/live_figures.h"
#include "core/event.h"

namespace mltrack::server::live {

// {"type":"snapshot","at":…,"totals":{…},"bucket":{…},"events":[…]}
std::string SnapshotMessage(const analytics::LiveReport& report, const std::vector<Event>& events, int64_t at_ms);
// {"type":"update","at":…,"lag_ms":…,"totals":{…},"bucket":{…},"events":[…]}: lag_ms is the
// time from the first event of this update becoming durable to the message being queued.
std::string UpdateMessage(const analytics::LiveReport& report, const std::vector<Event>& events, int64_t at_ms,
                          double lag_ms);
// {"type":"error","field":…,"reason":…}
std::string ErrorMessage(std::string_view field, std::string_view reason);
// One event as the `events` lists show it: its schema fields (DESIGN.md §6), absent ones left out.
void WriteLiveEvent(JsonWriter& json, const Event& event);

}  // namespace mltrack::server::live
