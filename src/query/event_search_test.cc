#include "query/event_search.h"

#include <gtest/gtest.h>

#include "query/event_search_parser.h"

namespace mltrack::query {
namespace {

constexpr int64_t kNow = 1'767'607'200'000;

Event At(int64_t ts, std::string user, std::optional<NanoUsd> cost = std::nullopt) {
  Event event;
  event.ts_ms = ts;
  event.user = std::move(user);
  event.cost_nano_usd = cost;
  return event;
}

std::vector<std::string> Users(const EventPage& page) {
  std::vector<std::string> users;
  for (const Event& event : page.events) users.push_back(event.user);
  return users;
}

TEST(EventSearchTest, CursorRoundTripsAndIsTiedToItsSort) {
  const SearchCursor cursor{{123.25, kNow, 0xfedcba9876543210ull}, 3};
  const std::string text = EncodeCursor(cursor, SearchSort::kLatency, false);
  Result<SearchCursor> back = DecodeCursor(text, SearchSort::kLatency, false);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->key, cursor.key);
  EXPECT_EQ(back->skip, 3u);
  Result<SearchCursor> other = DecodeCursor(text, SearchSort::kTs, false);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().details().front().field, "cursor");
  EXPECT_FALSE(DecodeCursor(text.substr(1), SearchSort::kLatency, false).ok());
}

TEST(EventSearchTest, CutPageOrdersSkipsAndSetsTheNextCursor) {
  EventSearch search;
  search.sort = SearchSort::kCost;
  search.descending = true;
  search.limit = 2;
  std::vector<Event> events = {At(kNow, "cheap", 1), At(kNow, "unpriced"), At(kNow + 1, "dear", 9), At(kNow, "mid", 5)};
  EventPage first;
  CutPage(events, search, first);
  EXPECT_EQ(Users(first), (std::vector<std::string>{"dear", "mid"}));
  ASSERT_TRUE(first.next.has_value());
  EXPECT_EQ(first.next->skip, 1u);
  search.cursor = first.next;
  EventPage second;
  CutPage(events, search, second);
  EXPECT_EQ(Users(second), (std::vector<std::string>{"cheap", "unpriced"}));  // absent cost sorts lowest
  EXPECT_FALSE(second.next.has_value());
}

TEST(EventSearchTest, TieHashIgnoresTagOrderButNotValues) {
  Event a = At(kNow, "u");
  a.tags = {{"x", "1"}, {"y", "2"}};
  Event b = a;
  b.tags = {{"y", "2"}, {"x", "1"}};
  EXPECT_EQ(EventTieHash(a), EventTieHash(b));
  b.tags[0].second = "3";
  EXPECT_NE(EventTieHash(a), EventTieHash(b));
}

TEST(EventSearchTest, ParsesEveryPartAndNamesEachBadField) {
  Result<EventSearch> search = ParseEventSearch(
      R"({"from": "2026-01-01T00:00:00Z", "to": "now", "q": "Ann", "limit": 1000,
          "sort": {"by": "cost", "dir": "asc"}, "filters": [{"field": "model", "op": "eq", "value": "m"}]})",
      kNow);
  ASSERT_TRUE(search.ok()) << search.status().ToString();
  EXPECT_EQ(search->q, "Ann");
  EXPECT_EQ(search->limit, 1000u);
  EXPECT_EQ(search->sort, SearchSort::kCost);
  EXPECT_FALSE(search->descending);
  EXPECT_EQ(search->to_ms, kNow);
  EXPECT_EQ(search->filters.size(), 1u);

  Result<EventSearch> bad = ParseEventSearch(R"({"limit": 5000, "sort": {"by": "x"}, "cursor": 7})", kNow);
  ASSERT_FALSE(bad.ok());
  std::vector<std::string> fields;
  for (const ErrorDetail& detail : bad.status().details()) fields.push_back(detail.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"limit", "sort.by", "cursor"}));
  EXPECT_NE(std::string(bad.status().message()).find("invalid search"), std::string::npos);
}

}  // namespace
}  // namespace mltrack::query
