#include "server/live/live_subscription.h"

#include <gtest/gtest.h>

namespace mltrack::server::live {
namespace {

constexpr int64_t kNow = 1'764'201'600'000;  // 2025-11-27T00:00:00Z

// The field an error names, or "" when the message parsed.
std::string ErrorField(std::string_view message) {
  Result<LiveSubscription> parsed = ParseSubscribe(message, kNow);
  if (parsed.ok()) return "";
  return parsed.status().details().at(0).field;
}

TEST(LiveSubscription, ParsesFiltersAsDashboardParameters) {
  Result<LiveSubscription> parsed = ParseSubscribe(
      R"({"type":"subscribe","events":20,"filters":{"from":"now-1h","model":["gpt-4o","o3"],"team":"core",)"
      R"("tags":{"env":"prod"}}})",
      kNow);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->events, 20u);
  Result<analytics::DashboardParams> params = ParamsAt(*parsed, kNow);
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(params->from_ms, kNow - 3'600'000);
  EXPECT_EQ(params->to_ms, kNow);
  EXPECT_EQ(params->filters.size(), 3u);  // tag, model (in), team
  EXPECT_TRUE(OpenEnded(*parsed));
}

TEST(LiveSubscription, DefaultsAndCanonicalKey) {
  Result<LiveSubscription> plain = ParseSubscribe(R"({"type":"subscribe"})", kNow);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->events, kDefaultLiveEvents);
  // The same filters in another order share a key; other filters do not.
  Result<LiveSubscription> first =
      ParseSubscribe(R"({"type":"subscribe","filters":{"team":"a","model":"m"}})", kNow);
  Result<LiveSubscription> second =
      ParseSubscribe(R"({"filters":{"model":"m","team":"a"},"type":"subscribe"})", kNow);
  Result<LiveSubscription> third = ParseSubscribe(R"({"type":"subscribe","filters":{"team":"a"}})", kNow);
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  EXPECT_EQ(first->key, second->key);
  EXPECT_NE(first->key, third->key);
}

TEST(LiveSubscription, BadMessagesNameTheField) {
  EXPECT_EQ(ErrorField("not json"), "message");
  EXPECT_EQ(ErrorField("[]"), "message");
  EXPECT_EQ(ErrorField(R"({"filters":{}})"), "type");
  EXPECT_EQ(ErrorField(R"({"type":"unsubscribe"})"), "type");
  EXPECT_EQ(ErrorField(R"({"type":"subscribe","events":501})"), "events");
  EXPECT_EQ(ErrorField(R"({"type":"subscribe","events":-1})"), "events");
  EXPECT_EQ(ErrorField(R"({"type":"subscribe","events":"ten"})"), "events");
  EXPECT_EQ(ErrorField(R"({"type":"subscribe","filter":{}})"), "filter");
  EXPECT_EQ(ErrorField(R"({"type":"subscribe","filters":{"modle":"x"}})"), "filters.modle");
  EXPECT_EQ(ErrorField(R"({"type":"subscribe","filters":{"model":""}})"), "filters.model");
  EXPECT_EQ(ErrorField(R"({"type":"subscribe","filters":{"model":[1]}})"), "filters.model");
  EXPECT_EQ(ErrorField(R"({"type":"subscribe","filters":{"from":"yesterday"}})"), "filters.from");
  EXPECT_EQ(ErrorField(R"({"type":"subscribe","filters":{"from":0}})"), "filters.from");  // before 2000
  EXPECT_EQ(ErrorField(R"({"type":"subscribe","filters":{"from":"now","to":"now-1h"}})"), "filters.from");
  EXPECT_EQ(ErrorField(R"({"type":"subscribe","filters":{"tags":{"env":3}}})"), "filters.tags.env");
  EXPECT_EQ(ErrorField(R"({"type":"subscribe","filters":{"bucket":"fortnight"}})"), "filters.bucket");
  EXPECT_EQ(ErrorField(R"({"type":"subscribe","filters":{"tz":"Mars/Olympus"}})"), "filters.tz");
  EXPECT_EQ(ErrorField(R"({"type":"subscribe","filters":{"tz":"Europe/Paris","bucket":"1h"}})"), "");
}

Event Sample() {
  Event event;
  event.ts_ms = kNow - 1000;
  event.model = "gpt-4o";
  event.team = "core";
  event.tags = {{"env", "prod"}};
  return event;
}

analytics::DashboardParams Params(std::string_view filters) {
  Result<LiveSubscription> parsed =
      ParseSubscribe(std::string(R"({"type":"subscribe","filters":)") + std::string(filters) + "}", kNow);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return *ParamsAt(*parsed, kNow);
}

TEST(LiveSubscription, EventMatching) {
  const Event event = Sample();
  EXPECT_TRUE(EventMatches(Params("{}"), true, event));
  EXPECT_TRUE(EventMatches(Params(R"({"model":["o3","gpt-4o"],"team":"core"})"), true, event));
  EXPECT_FALSE(EventMatches(Params(R"({"model":"o3"})"), true, event));
  EXPECT_TRUE(EventMatches(Params(R"({"tags":{"env":"prod"}})"), true, event));
  EXPECT_FALSE(EventMatches(Params(R"({"tags":{"env":"dev"}})"), true, event));
  EXPECT_FALSE(EventMatches(Params(R"({"tags":{"region":"eu"}})"), true, event));  // tag absent
  EXPECT_FALSE(EventMatches(Params(R"({"user":"ann"})"), true, event));              // field absent
  // Time: before `from` never; after `to` only when the range is open-ended (to = now).
  Event late = event;
  late.ts_ms = kNow + 500;
  EXPECT_TRUE(EventMatches(Params("{}"), true, late));
  EXPECT_FALSE(EventMatches(Params("{}"), false, late));
  Event early = event;
  early.ts_ms = kNow - 31LL * 86'400'000;
  EXPECT_FALSE(EventMatches(Params("{}"), true, early));
}

TEST(LiveSubscription, FixedEndIsNotOpenEnded) {
  Result<LiveSubscription> fixed =
      ParseSubscribe(R"({"type":"subscribe","filters":{"from":"2025-11-01T00:00:00Z","to":"2025-11-02T00:00:00Z"}})", kNow);
  ASSERT_TRUE(fixed.ok());
  EXPECT_FALSE(OpenEnded(*fixed));
  Result<LiveSubscription> relative = ParseSubscribe(R"({"type":"subscribe","filters":{"to":"now"}})", kNow);
  ASSERT_TRUE(relative.ok());
  EXPECT_TRUE(OpenEnded(*relative));
}

}  // namespace
}  // namespace mltrack::server::live
