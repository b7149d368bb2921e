// Bad input gets a clear 4xx that names the field and changes nothing (DESIGN.md §7, §9;
// docs/api.md). Each case is its own test: a batch of one valid event plus the bad one is
// refused whole, the store count is unchanged, and a valid batch is still accepted afterwards.
#include <gtest/gtest.h>

#include "test_support.h"

namespace mltrack::integration {
namespace {

constexpr int64_t kMaxBodyForTests = 1 << 20;  // `--max-body`, so the 413 case stays small

class BadInputTest : public IntegrationTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartServer({"--max-body", std::to_string(kMaxBodyForTests)}));
    HttpResult seed = Ingest(JsonArray({EventJson("seed-1"), EventJson("seed-2")}));
    ASSERT_EQ(seed.status, 200) << seed.Describe();
    ASSERT_EQ(CountEvents(), 2);
  }

  // Sends `body`, expects `status` with error `code`; nothing stored; the server still works.
  ErrorBody ExpectRejected(const std::string& body, int status, const std::string& code,
                           const std::string& content_type = "application/json") {
    HttpResult result = Ingest(body, content_type);
    EXPECT_EQ(result.status, status) << result.Describe();
    auto error = ParseErrorBody(result.body);
    EXPECT_TRUE(error.has_value()) << "not a JSON error body: " << result.Describe();
    if (error) {
      EXPECT_EQ(error->code, code) << result.body;
      EXPECT_FALSE(error->message.empty()) << result.body;
    }
    EXPECT_EQ(CountEvents(), 2) << "a rejected batch changed the store";
    HttpResult after = Ingest(EventJson("after-" + std::to_string(++after_count_)));
    EXPECT_EQ(after.status, 200) << "a valid event after the bad one: " << after.Describe();
    EXPECT_EQ(CountEvents(), 2 + after_count_);
    return error.value_or(ErrorBody{});
  }

  // A batch [valid, bad]: the 400 lists the bad event at index 1 with `field`.
  void ExpectBadEvent(const std::string& bad_event, const std::string& field) {
    ErrorBody error = ExpectRejected(JsonArray({EventJson("ok-in-bad-batch"), bad_event}), 400, "invalid_event");
    bool found = false;
    for (const ErrorDetailView& detail : error.details) {
      if (detail.field == field) {
        found = true;
        EXPECT_EQ(detail.index, 1) << "the bad event is the second of the batch";
        EXPECT_FALSE(detail.reason.empty());
      }
    }
    EXPECT_TRUE(found) << "no detail names field \"" << field << "\"";
    EXPECT_EQ(CountById("ok-in-bad-batch"), 0) << "the valid event of a rejected batch was stored";
  }

  int64_t after_count_ = 0;
};

std::string Event(const std::string& members) {
  return R"({"id":"bad","ts":"2026-01-01T00:00:00Z","model":"gpt-4o-mini")" + members + "}";
}

TEST_F(BadInputTest, MalformedJson) {
  ExpectRejected(R"([{"id":"x","ts":"2026-01-01T00:00:00Z","model":"gpt-4o")", 400, "invalid_json");
}

// A broken NDJSON line is a problem of that event (the other lines are still checked), so it is
// reported as an invalid event with its index rather than as a malformed body.
TEST_F(BadInputTest, MalformedNdjsonLine) {
  ExpectRejected(Ndjson({EventJson("nd-ok"), "{not json"}), 400, "invalid_event", "application/x-ndjson");
}

TEST_F(BadInputTest, WrongType) { ExpectBadEvent(Event(R"(,"input_tokens":"many")"), "input_tokens"); }

TEST_F(BadInputTest, NegativeTokenCount) { ExpectBadEvent(Event(R"(,"output_tokens":-5)"), "output_tokens"); }

TEST_F(BadInputTest, FractionalTokenCount) { ExpectBadEvent(Event(R"(,"input_tokens":10.5)"), "input_tokens"); }

TEST_F(BadInputTest, UnknownTopLevelField) { ExpectBadEvent(Event(R"(,"modle":"gpt-4o")"), "modle"); }

TEST_F(BadInputTest, MissingTs) { ExpectBadEvent(R"({"id":"bad","model":"gpt-4o-mini"})", "ts"); }

TEST_F(BadInputTest, UnparsableTs) {
  ExpectBadEvent(R"({"id":"bad","ts":"2026-02-30T00:00:00Z","model":"gpt-4o-mini"})", "ts");
}

TEST_F(BadInputTest, StringOverItsLimit) {
  ExpectBadEvent(Event(R"(,"user":")" + std::string(1025, 'u') + R"(")"), "user");
}

TEST_F(BadInputTest, IdOverItsLimit) {
  ExpectBadEvent(R"({"id":")" + std::string(129, 'i') + R"(","ts":"2026-01-01T00:00:00Z","model":"gpt-4o-mini"})",
                 "id");
}

TEST_F(BadInputTest, InvalidUtf8) {
  // Invalid UTF-8 may be caught by the JSON parser (invalid_json) or by field validation
  // (invalid_event naming the field); either way it is a 400 and nothing is stored.
  HttpResult result = Ingest(JsonArray({EventJson("utf8-ok"), Event(",\"user\":\"bad\xC3\x28\"")}));
  EXPECT_EQ(result.status, 400) << result.Describe();
  auto error = ParseErrorBody(result.body);
  ASSERT_TRUE(error.has_value()) << result.body;
  EXPECT_TRUE(error->code == "invalid_json" || (error->code == "invalid_event" && error->NamesField("user")))
      << result.body;
  EXPECT_EQ(CountEvents(), 2);
}

TEST_F(BadInputTest, EmptyBody) { ExpectRejected("", 400, "invalid_json"); }

TEST_F(BadInputTest, EmptyArray) {
  // An empty batch stores nothing; either a 400 or a 200 with accepted 0 is acceptable.
  HttpResult result = Ingest("[]");
  EXPECT_TRUE(result.status == 400 || result.status == 200) << result.Describe();
  EXPECT_EQ(CountEvents(), 2);
}

TEST_F(BadInputTest, BodyOverLimit) {
  std::vector<std::string> events;
  size_t bytes = 0;
  for (int event_idx = 0; bytes <= static_cast<size_t>(kMaxBodyForTests); ++event_idx) {
    events.push_back(EventJson("big-" + std::to_string(event_idx)));
    bytes += events.back().size() + 1;
  }
  ExpectRejected(Ndjson(events), 413, "payload_too_large", "application/x-ndjson");
  EXPECT_EQ(CountById("big-0"), 0);
}

TEST_F(BadInputTest, UnsupportedContentType) {
  ExpectRejected(EventJson("xml"), 415, "unsupported_media_type", "application/xml");
}

TEST_F(BadInputTest, UnknownMetricInQuery) {
  HttpResult result = Query(R"("metrics":["bogus:latency_ms"])");
  EXPECT_EQ(result.status, 400) << result.Describe();
  auto error = ParseErrorBody(result.body);
  ASSERT_TRUE(error.has_value()) << result.body;
  EXPECT_EQ(error->code, "invalid_query");
  EXPECT_NE(result.body.find("bogus"), std::string::npos) << "the error should quote the bad metric";
}

TEST_F(BadInputTest, UnknownFieldInQueryMetric) {
  HttpResult result = Query(R"("metrics":["sum:no_such_field"])");
  EXPECT_EQ(result.status, 400) << result.Describe();
  auto error = ParseErrorBody(result.body);
  ASSERT_TRUE(error.has_value()) << result.body;
  EXPECT_EQ(error->code, "invalid_query");
  EXPECT_NE(result.body.find("no_such_field"), std::string::npos);
}

TEST_F(BadInputTest, UnknownFieldInQueryGroupBy) {
  HttpResult result = Query(R"("group_by":["no_such_field"],"metrics":["count"])");
  EXPECT_EQ(result.status, 400) << result.Describe();
  auto error = ParseErrorBody(result.body);
  ASSERT_TRUE(error.has_value()) << result.body;
  EXPECT_EQ(error->code, "invalid_query");
  EXPECT_NE(result.body.find("no_such_field"), std::string::npos);
}

TEST_F(BadInputTest, MalformedQueryJson) {
  HttpResult result = client().Post("/api/v1/query", "{\"metrics\":[");
  EXPECT_EQ(result.status, 400) << result.Describe();
  auto error = ParseErrorBody(result.body);
  ASSERT_TRUE(error.has_value()) << result.body;
  EXPECT_TRUE(error->code == "invalid_json" || error->code == "invalid_query") << result.body;
}

}  // namespace
}  // namespace mltrack::integration
