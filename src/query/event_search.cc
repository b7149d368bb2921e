#include "query/event_search.h"

#include <xxhash.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace mltrack::query {
namespace {

// Canonical bytes of an event for EventTieHash: each part length-prefixed or fixed-width, so no
// two different events encode alike.
class Canon {
 public:
  void Text(std::string_view text) {
    Fixed(static_cast<uint64_t>(text.size()));
    out_.append(text);
  }
  void Fixed(uint64_t value) { out_.append(reinterpret_cast<const char*>(&value), sizeof(value)); }
  void Optional(const std::optional<int64_t>& value) { Fixed(value ? static_cast<uint64_t>(*value) : 0x8000000000000000ull); }
  void Optional(const std::optional<double>& value) {
    uint64_t bits = 0x7ff8dead00000000ull;  // absent
    if (value) std::memcpy(&bits, &*value, sizeof(bits));
    Fixed(bits);
  }
  const std::string& str() const { return out_; }

 private:
  std::string out_;
};

int Compare(double a, double b) { return a < b ? -1 : (a > b ? 1 : 0); }

}  // namespace

std::string_view SearchSortName(SearchSort sort) {
  switch (sort) {
    case SearchSort::kTs: return "ts";
    case SearchSort::kCost: return "cost";
    case SearchSort::kLatency: return "latency";
  }
  return "ts";
}

uint64_t EventTieHash(const Event& event) {
  Canon canon;
  canon.Fixed(static_cast<uint64_t>(event.ts_ms));
  for (const std::string* text : {&event.experiment, &event.run_id, &event.session_id, &event.trace_id, &event.user,
                                  &event.team, &event.provider, &event.model, &event.endpoint, &event.error_type,
                                  &event.prompt_name, &event.prompt_version, &event.input_hash}) {
    canon.Text(*text);
  }
  canon.Fixed(static_cast<uint64_t>(event.operation) << 8 | static_cast<uint64_t>(event.status));
  canon.Optional(event.http_status ? std::optional<int64_t>(*event.http_status) : std::nullopt);
  for (const std::optional<int64_t>* value : {&event.input_tokens, &event.output_tokens, &event.cached_input_tokens,
                                              &event.cache_write_tokens, &event.reasoning_tokens,
                                              &event.cost_nano_usd}) {
    canon.Optional(*value);
  }
  canon.Optional(event.latency_ms);
  canon.Optional(event.ttft_ms);
  for (const std::optional<bool>* flag : {&event.cache_hit, &event.streaming}) {
    canon.Fixed(*flag ? (**flag ? 2 : 1) : 0);
  }
  // Tags and scores as sets: the order a backend returns them in does not matter.
  std::vector<std::pair<std::string, std::string>> tags = event.tags;
  std::sort(tags.begin(), tags.end());
  canon.Fixed(tags.size());
  for (const auto& [key, value] : tags) {
    canon.Text(key);
    canon.Text(value);
  }
  std::vector<std::pair<std::string, double>> scores = event.scores;
  std::sort(scores.begin(), scores.end());
  canon.Fixed(scores.size());
  for (const auto& [name, value] : scores) {
    canon.Text(name);
    canon.Optional(std::optional<double>(value));
  }
  return XXH3_64bits(canon.str().data(), canon.str().size());
}

double SortValue(const Event& event, SearchSort sort) {
  switch (sort) {
    case SearchSort::kTs: return static_cast<double>(event.ts_ms);
    case SearchSort::kCost: return event.cost_nano_usd ? static_cast<double>(*event.cost_nano_usd) : -1.0;
    case SearchSort::kLatency: return event.latency_ms ? *event.latency_ms : -1.0;
  }
  return 0;
}

SearchKey KeyOf(const Event& event, SearchSort sort) {
  return SearchKey{SortValue(event, sort), event.ts_ms, EventTieHash(event)};
}

bool KeyBefore(const SearchKey& a, const SearchKey& b, bool descending) {
  int order = Compare(a.primary, b.primary);
  if (order == 0) order = a.ts < b.ts ? -1 : (a.ts > b.ts ? 1 : 0);
  if (order == 0) order = a.tie < b.tie ? -1 : (a.tie > b.tie ? 1 : 0);
  return descending ? order > 0 : order < 0;
}

std::string LowerAscii(std::string_view text) {
  std::string lowered(text);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lowered;
}

bool MatchesText(const Event& event, std::string_view lowered_q) {
  if (lowered_q.empty()) return true;
  auto has = [lowered_q](std::string_view text) { return LowerAscii(text).find(lowered_q) != std::string::npos; };
  if (has(event.model) || has(event.user) || has(event.experiment) || has(event.trace_id) || has(event.session_id)) {
    return true;
  }
  return std::any_of(event.tags.begin(), event.tags.end(), [&has](const auto& tag) { return has(tag.second); });
}

void CutPage(std::vector<Event> events, const EventSearch& search, EventPage& page) {
  struct Keyed {
    SearchKey key;
    size_t index;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(events.size());
  for (size_t idx = 0; idx < events.size(); ++idx) keyed.push_back({KeyOf(events[idx], search.sort), idx});
  std::stable_sort(keyed.begin(), keyed.end(),
                   [&search](const Keyed& a, const Keyed& b) { return KeyBefore(a.key, b.key, search.descending); });
  uint64_t to_skip = search.cursor ? search.cursor->skip : 0;
  std::optional<SearchCursor> last;
  for (const Keyed& item : keyed) {
    if (search.cursor) {
      if (KeyBefore(item.key, search.cursor->key, search.descending)) continue;
      if (item.key == search.cursor->key && to_skip > 0) {
        --to_skip;
        continue;
      }
    }
    if (page.events.size() == search.limit) {
      page.next = last;
      return;
    }
    if (last && last->key == item.key) {
      ++last->skip;
    } else {
      const uint64_t before = search.cursor && search.cursor->key == item.key ? search.cursor->skip : 0;
      last = SearchCursor{item.key, before + 1};
    }
    page.events.push_back(std::move(events[item.index]));
  }
}

std::string EncodeCursor(const SearchCursor& cursor, SearchSort sort, bool descending) {
  char text[160];
  uint64_t primary_bits = 0;
  std::memcpy(&primary_bits, &cursor.key.primary, sizeof(primary_bits));
  std::snprintf(text, sizeof(text), "c1%c%c%016" PRIx64 "%016" PRIx64 "%016" PRIx64 "%016" PRIx64,
                "tcl"[static_cast<int>(sort)], descending ? 'd' : 'a', primary_bits,
                static_cast<uint64_t>(cursor.key.ts), cursor.key.tie, cursor.skip);
  return text;
}

Result<SearchCursor> DecodeCursor(std::string_view text, SearchSort sort, bool descending) {
  auto bad = [](std::string reason) {
    return Status::InvalidArgument("invalid search: cursor: " + reason, {{-1, "cursor", reason}});
  };
  if (text.size() != 4 + 4 * 16 || !text.starts_with("c1")) {
    return bad("not a cursor this server made (pass next_cursor from a previous page unchanged)");
  }
  if (text[2] != "tcl"[static_cast<int>(sort)] || text[3] != (descending ? 'd' : 'a')) {
    return bad("was made for another sort; keep the same sort and direction while paging");
  }
  uint64_t parts[4];
  for (int part = 0; part < 4; ++part) {
    uint64_t value = 0;
    for (char c : text.substr(4 + part * 16, 16)) {
      int digit = c >= '0' && c <= '9' ? c - '0' : (c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1);
      if (digit < 0) return bad("not a cursor this server made (pass next_cursor from a previous page unchanged)");
      value = value << 4 | static_cast<uint64_t>(digit);
    }
    parts[part] = value;
  }
  SearchCursor cursor;
  std::memcpy(&cursor.key.primary, &parts[0], sizeof(double));
  cursor.key.ts = static_cast<int64_t>(parts[1]);
  cursor.key.tie = parts[2];
  cursor.skip = parts[3];
  return cursor;
}

}  // namespace mltrack::query
