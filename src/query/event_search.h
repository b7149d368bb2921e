#pragma once
// A search over raw events (POST /api/v1/events/search, docs/events_search.md): filters in the
// QuerySpec filter language, a free-text `q`, one sort with a stable tie-break, and keyset
// paging by an opaque cursor. Backends answer it (backend::Backend::SearchEvents); this file
// holds the value types and the one definition of the order both backends must follow.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "query/query_spec.h"

namespace mltrack::query {

inline constexpr size_t kMaxSearchLimit = 1000;  // a page; larger is a 400 naming `limit`

enum class SearchSort : uint8_t { kTs, kCost, kLatency };
std::string_view SearchSortName(SearchSort sort);

// Where a page starts: after the event whose key is `key`, and after the first `skip` events
// whose key equals it (events identical in every stored field share a key).
struct SearchKey {
  double primary = 0;  // the sort value: ts (epoch ms), cost (nano-USD) or latency (ms); -1 = absent
  int64_t ts = 0;      // second: time
  uint64_t tie = 0;    // last: EventTieHash of the event
  bool operator==(const SearchKey&) const = default;
};

struct SearchCursor {
  SearchKey key;
  uint64_t skip = 0;
};

struct EventSearch {
  int64_t from_ms = 0;  // inclusive
  int64_t to_ms = 0;    // exclusive
  std::vector<Filter> filters;  // ANDed, as in a QuerySpec (no per-key bounds)
  // Case-insensitive (ASCII) substring of model, user, experiment, trace_id, session_id,
  // input_hash or any tag value; empty = no text condition.
  std::string q;
  SearchSort sort = SearchSort::kTs;
  bool descending = true;
  std::optional<SearchCursor> cursor;
  size_t limit = 100;  // the API allows 1..kMaxSearchLimit; internal callers may ask more
};

struct SearchStats {
  uint64_t scanned = 0;  // rows the backend examined
  double elapsed_ms = 0;
};

struct EventPage {
  std::vector<Event> events;              // in the search's order
  std::optional<SearchCursor> next;       // set when more events match after the last one
  SearchStats stats;
};

// The 64-bit hash of every stored field of `event` but `id` (which the embedded store keeps
// only as a hash): the last part of the order, so that paging is stable however the backend
// lays its rows out. XXH3 over a canonical encoding; the same in every backend.
uint64_t EventTieHash(const Event& event);

// The sort value of `event` for `sort` (ts, cost in nano-USD, latency; -1 when absent).
double SortValue(const Event& event, SearchSort sort);
SearchKey KeyOf(const Event& event, SearchSort sort);

// True when `a` comes before `b` in the search's order (every part in the same direction).
bool KeyBefore(const SearchKey& a, const SearchKey& b, bool descending);

// Whether the lower-cased (ASCII) `lowered_q` occurs in one of the searched fields of `event`.
bool MatchesText(const Event& event, std::string_view lowered_q);
std::string LowerAscii(std::string_view text);

// Sorts `events` by the search's order and cuts the page: drops what the cursor has passed,
// keeps `limit`, and sets `page.next` when more remain. `events` must hold every matching
// event that could be on this page (the backends fetch a superset: limit + skip + 1 in order).
void CutPage(std::vector<Event> events, const EventSearch& search, EventPage& page);

// The opaque cursor text ("c1" + hex of the key parts) and back. Decoding checks that the
// cursor was made for the same sort and direction: InvalidArgument naming `cursor` otherwise.
std::string EncodeCursor(const SearchCursor& cursor, SearchSort sort, bool descending);
Result<SearchCursor> DecodeCursor(std::string_view text, SearchSort sort, bool descending);

}  // namespace mltrack::query
