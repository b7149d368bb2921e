#include "ingest/event_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace mltrack {
// Readable failure output for ErrorDetail; static so it cannot clash with another test file.
[[maybe_unused]] static void PrintTo(const ErrorDetail& detail, std::ostream* out) {
  *out << "{" << detail.index << ", \"" << detail.field << "\", \"" << detail.reason << "\"}";
}
}  // namespace mltrack

namespace mltrack::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t kTs = 1795757287000;  // 2026-11-27T05:28:07Z

EventBatch MustDecode(std::string_view body, BodyFormat format = BodyFormat::kJson) {
  Result<EventBatch> batch = DecodeEvents(body, format);
  EXPECT_TRUE(batch.ok()) << batch.status().ToString() << "\nbody: " << body;
  return batch.ok() ? std::move(batch).value() : EventBatch{};
}

Status MustFail(std::string_view body, BodyFormat format = BodyFormat::kJson) {
  Result<EventBatch> batch = DecodeEvents(body, format);
  EXPECT_FALSE(batch.ok()) << "decoded " << (batch.ok() ? batch->size() : 0) << " events from "
                           << body;
  if (batch.ok()) return Status::OK();
  EXPECT_EQ(batch.status().code(), StatusCode::kInvalidArgument);
  return batch.status();
}

// A valid event with `extra` members appended ("" for none).
std::string WithFields(std::string_view extra) {
  std::string event = R"({"ts": "2026-11-27T05:28:07Z", "model": "gpt-4o")";
  if (!extra.empty()) event += ", " + std::string(extra);
  return event + "}";
}

// Decoding one event with `extra` fails with exactly one problem, on `field`, whose reason
// contains `reason_part`.
void ExpectOneProblem(std::string_view extra, std::string_view field, std::string_view reason_part) {
  SCOPED_TRACE(extra);
  const Status status = MustFail(WithFields(extra));
  EXPECT_EQ(status.message(), "1 of 1 events are invalid; nothing was stored");
  ASSERT_EQ(status.details().size(), 1u) << status.ToString();
  EXPECT_EQ(status.details()[0].index, 0);
  EXPECT_EQ(status.details()[0].field, field);
  EXPECT_THAT(status.details()[0].reason, HasSubstr(std::string(reason_part)));
}

// ---- Good input ----------------------------------------------------------------------------

TEST(DecodeEvents, MinimalObjectGetsDefaults) {
  EventBatch batch = MustDecode(WithFields(""));
  ASSERT_EQ(batch.size(), 1u);
  Event expected;
  expected.ts_ms = kTs;
  expected.model = "gpt-4o";
  EXPECT_EQ(batch[0], expected);
  EXPECT_EQ(batch[0].experiment, "default");
  EXPECT_EQ(batch[0].operation, Operation::kChat);
  EXPECT_EQ(batch[0].status, EventStatus::kOk);
}

TEST(DecodeEvents, AllFields) {
  const std::string body = R"({
    "id": "evt-1", "ts": "2026-11-27T06:28:07.123+01:00", "experiment": "support-bot",
    "run_id": "run-7", "session_id": "sess-3", "trace_id": "trace-9", "user": "ada", "team": "ml",
    "provider": "openai", "model": "gpt-4o-mini", "operation": "completion",
    "endpoint": "/v1/chat/completions", "status": "error", "error_type": "rate_limit",
    "http_status": 429, "input_tokens": 1200, "output_tokens": 350, "cached_input_tokens": 1000,
    "cache_write_tokens": 0, "reasoning_tokens": 100, "cost_usd": 0.000123,
    "latency_ms": 812.5, "ttft_ms": 120, "cache_hit": false, "streaming": true,
    "prompt_name": "triage", "prompt_version": "v3",
    "input_hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "scores": {"accuracy": 0.9, "helpfulness": 4},
    "tags": {"env": "prod", "feature": "search"}
  })";
  EventBatch batch = MustDecode(body);
  ASSERT_EQ(batch.size(), 1u);
  Event expected;
  expected.id = "evt-1";
  expected.ts_ms = kTs + 123;
  expected.experiment = "support-bot";
  expected.run_id = "run-7";
  expected.session_id = "sess-3";
  expected.trace_id = "trace-9";
  expected.user = "ada";
  expected.team = "ml";
  expected.provider = "openai";
  expected.model = "gpt-4o-mini";
  expected.operation = Operation::kCompletion;
  expected.endpoint = "/v1/chat/completions";
  expected.status = EventStatus::kError;
  expected.error_type = "rate_limit";
  expected.http_status = 429;
  expected.input_tokens = 1200;
  expected.output_tokens = 350;
  expected.cached_input_tokens = 1000;
  expected.cache_write_tokens = 0;
  expected.reasoning_tokens = 100;
  expected.cost_nano_usd = 123000;
  expected.latency_ms = 812.5;
  expected.ttft_ms = 120;
  expected.cache_hit = false;
  expected.streaming = true;
  expected.prompt_name = "triage";
  expected.prompt_version = "v3";
  expected.input_hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  expected.scores = {{"accuracy", 0.9}, {"helpfulness", 4}};
  expected.tags = {{"env", "prod"}, {"feature", "search"}};
  EXPECT_EQ(batch[0], expected);
}

// Strings and keys without a backslash are taken from the body as they are; with one they are
// unescaped. Both must give the same values, in every position (field, key, tag, last member).
TEST(DecodeEvents, EscapedAndPlainStringsAndKeys) {
  EventBatch batch = MustDecode(WithFields(
      R"("us\u0065r": "a\"b\\c\n\u00e9\/", "team": "plain", "tags": {"k\u0031": "v\t1", "k2": "x"}, )"
      R"("pro\u0076ider": "openai", "endpoint": "\/v1\/chat")"));
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch[0].user, "a\"b\\c\n\xC3\xA9/");
  EXPECT_EQ(batch[0].team, "plain");
  EXPECT_EQ(batch[0].provider, "openai");
  EXPECT_EQ(batch[0].endpoint, "/v1/chat");
  ASSERT_EQ(batch[0].tags.size(), 2u);
  EXPECT_EQ(batch[0].tags[0], (std::pair<std::string, std::string>{"k1", "v\t1"}));
  EXPECT_EQ(batch[0].tags[1], (std::pair<std::string, std::string>{"k2", "x"}));
  // An escaped key that names a known field twice is still a duplicate.
  ExpectOneProblem(R"("user": "a", "us\u0065r": "b")", "user", "duplicate field");
  ExpectOneProblem(R"("tags": {"k": "a", "\u006b": "b"})", "tags.k", "duplicate tag key");
}

TEST(DecodeEvents, ArrayOfEvents) {
  EventBatch batch = MustDecode(R"([{"ts": 1795757287000, "model": "a"},
                                    {"ts": 1795757287001, "model": "b"},
                                    {"ts": "2026-11-27T05:28:07.002Z", "model": "c"}])");
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch[0].model, "a");
  EXPECT_EQ(batch[2].ts_ms, kTs + 2);
}

TEST(DecodeEvents, EmptyArrayIsAnEmptyBatch) { EXPECT_TRUE(MustDecode(" [ ] ").empty()); }

TEST(DecodeEvents, NdjsonWithBlankLinesAndCrLf) {
  const std::string body = "\r\n" + WithFields(R"("user": "a")") + "\r\n\r\n   \n" +
                           WithFields(R"("user": "b")") + "\n" + WithFields(R"("user": "c")");
  EventBatch batch = MustDecode(body, BodyFormat::kNdjson);
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch[0].user, "a");
  EXPECT_EQ(batch[1].user, "b");
  EXPECT_EQ(batch[2].user, "c");
}

TEST(DecodeEvents, JsonLinesSentAsJsonAreDetected) {
  const std::string body = WithFields(R"("user": "a")") + "\n" + WithFields(R"("user": "b")") + "\n";
  EXPECT_EQ(MustDecode(body, BodyFormat::kJson).size(), 2u);
}

TEST(DecodeEvents, PrettyPrintedObjectIsOneEvent) {
  EventBatch batch = MustDecode("{\n  \"ts\": 1795757287000,\n  \"model\": \"m\"\n}\n");
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch[0].model, "m");
}

TEST(DecodeEvents, UnicodeStrings) {
  EventBatch batch = MustDecode(WithFields(
      R"("user": "Zoë 張伟 🚀", "team": "caf\u00e9 \ud83d\ude00", "tags": {"região": "são-paulo"})"));
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch[0].user, "Zoë 張伟 🚀");
  EXPECT_EQ(batch[0].team, "café 😀");
  EXPECT_EQ(batch[0].tags[0].first, "região");
}

TEST(DecodeEvents, NullMeansAbsent) {
  EventBatch batch = MustDecode(WithFields(
      R"("user": null, "input_tokens": null, "cost_usd": null, "cache_hit": null, "tags": {"a": null}, "scores": null, "operation": null)"));
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch[0].user, "");
  EXPECT_FALSE(batch[0].input_tokens.has_value());
  EXPECT_FALSE(batch[0].cost_nano_usd.has_value());
  EXPECT_FALSE(batch[0].cache_hit.has_value());
  EXPECT_TRUE(batch[0].tags.empty());
  EXPECT_EQ(batch[0].operation, Operation::kChat);
}

TEST(DecodeEvents, EmptyExperimentKeepsDefault) {
  EXPECT_EQ(MustDecode(WithFields(R"("experiment": "")"))[0].experiment, "default");
}

TEST(DecodeEvents, ModelNotRequiredForToolRunOther) {
  for (std::string_view op : {"tool", "run", "other"}) {
    const std::string body = R"({"ts": 1795757287000, "operation": ")" + std::string(op) + "\"}";
    EXPECT_EQ(MustDecode(body).size(), 1u) << op;
  }
}

TEST(DecodeEvents, CostIsExactNanoUsd) {
  EXPECT_EQ(MustDecode(WithFields(R"("cost_usd": 0.1)"))[0].cost_nano_usd, 100'000'000);
  EXPECT_EQ(MustDecode(WithFields(R"("cost_usd": 12.345678901)"))[0].cost_nano_usd, 12'345'678'901);
  EXPECT_EQ(MustDecode(WithFields(R"("cost_usd": 1.23e-4)"))[0].cost_nano_usd, 123'000);
  EXPECT_EQ(MustDecode(WithFields(R"("cost_usd": 0)"))[0].cost_nano_usd, 0);
}

TEST(DecodeEvents, TokenCountLimitsAreInclusive) {
  EventBatch batch = MustDecode(WithFields(
      R"("input_tokens": 1000000000, "cached_input_tokens": 1000000000, "output_tokens": 0, "reasoning_tokens": 0)"));
  EXPECT_EQ(batch[0].input_tokens, 1'000'000'000);
}

TEST(DecodeEvents, MillisecondLimitsAreInclusive) {
  EventBatch batch = MustDecode(WithFields(R"("latency_ms": 604800000, "ttft_ms": 604800000)"));
  EXPECT_EQ(batch[0].latency_ms, 604'800'000.0);
  ExpectOneProblem(R"("latency_ms": 604800000.5)", "latency_ms",
                   "must be ≤ 604800000 (7 days in milliseconds), got 604800000.5");
  ExpectOneProblem(R"("ttft_ms": 1e19)", "ttft_ms", "must be ≤ 604800000 (7 days in milliseconds), got 1e19");
}

TEST(DecodeEvents, StringLimitsAreInclusive) {
  const std::string id(128, 'i');
  const std::string user(1024, 'u');
  const std::string key(128, 'k');
  EventBatch batch = MustDecode(WithFields("\"id\": \"" + id + "\", \"user\": \"" + user +
                                          "\", \"tags\": {\"" + key + "\": \"" + user + "\"}"));
  EXPECT_EQ(batch[0].id, id);
  EXPECT_EQ(batch[0].user, user);
}

// input_hash: 1..128 bytes of printable ASCII without spaces; anything else is a problem on
// input_hash that names the rule, and an empty string is absent like any other string field.
TEST(DecodeEvents, InputHashIsBoundedPrintableAscii) {
  const std::string longest(kMaxInputHashBytes, 'a');
  EXPECT_EQ(MustDecode(WithFields("\"input_hash\": \"" + longest + "\""))[0].input_hash, longest);
  EXPECT_EQ(MustDecode(WithFields(R"("input_hash": "h-1:v2/~!")"))[0].input_hash, "h-1:v2/~!");
  EXPECT_EQ(MustDecode(WithFields(R"("input_hash": "")"))[0].input_hash, "");
  EXPECT_EQ(MustDecode(WithFields(R"("input_hash": null)"))[0].input_hash, "");
  ExpectOneProblem("\"input_hash\": \"" + longest + "a\"", "input_hash", "128");
  ExpectOneProblem(R"("input_hash": "two words")", "input_hash", "printable ASCII without spaces");
  ExpectOneProblem(R"("input_hash": "caf\u00e9")", "input_hash", "printable ASCII without spaces");
  ExpectOneProblem(R"("input_hash": "tab\there")", "input_hash", "printable ASCII without spaces");
  ExpectOneProblem(R"("input_hash": 42)", "input_hash", "must be a string");
}

TEST(DecodeEvents, Utf8ByteOrderMarkIsIgnored) {
  EXPECT_EQ(MustDecode("\xEF\xBB\xBF" + WithFields("")).size(), 1u);
}

TEST(DecodeEvents, InPlaceDecodeDoesNotCopyAReservedBody) {
  std::string body = WithFields("");
  body.reserve(body.size() + kDecodePadding);
  const char* before = body.data();
  Result<EventBatch> batch = DecodeEvents(&body, BodyFormat::kJson);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(body.data(), before);
  EXPECT_EQ(body, WithFields(""));
}

TEST(DecodeEvents, DecoderIsReusable) {
  EventDecoder decoder;
  for (int round = 0; round < 3; ++round) {
    EXPECT_TRUE(decoder.Decode(WithFields(""), BodyFormat::kJson).ok());
    EXPECT_FALSE(decoder.Decode("{", BodyFormat::kJson).ok());
    EXPECT_FALSE(decoder.Decode(WithFields(R"("x": 1)"), BodyFormat::kNdjson).ok());
  }
}

// ---- Unknown and duplicate fields ------------------------------------------------------------

TEST(DecodeEvents, UnknownFieldSuggestsClosestName) {
  const Status status = MustFail(R"({"ts": 1795757287000, "modle": "gpt-4o"})");
  EXPECT_THAT(status.details(),
              ElementsAre(ErrorDetail{0, "modle", "unknown field (did you mean \"model\"?)"},
                          ErrorDetail{0, "model", "missing (required: operation defaults to "
                                                  "\"chat\"; use operation \"tool\", \"run\" or "
                                                  "\"other\" for work without a model)"}));
}

TEST(DecodeEvents, UnknownFieldSuggestsAliases) {
  ExpectOneProblem(R"("prompt_tokens": 5)", "prompt_tokens",
                   "unknown field (did you mean \"input_tokens\"?)");
  ExpectOneProblem(R"("metadata": {})", "metadata", "did you mean \"tags\"?");
  ExpectOneProblem(R"("Latency_MS": 5)", "Latency_MS", "did you mean \"latency_ms\"?");
}

TEST(DecodeEvents, UnknownFieldWithoutSuggestion) {
  ExpectOneProblem(R"("zzzzzz": [1, {"a": 2}])", "zzzzzz", "unknown field");
  ExpectOneProblem(R"("total_tokens": 5)", "total_tokens", "derived");
  ExpectOneProblem(R"("tokens_per_s": 42.5)", "tokens_per_s", "derived");
}

TEST(DecodeEvents, DuplicateTopLevelField) {
  ExpectOneProblem(R"("user": "a", "user": "b")", "user", "duplicate field");
}

TEST(DecodeEvents, DuplicateTagKeyIsAnError) {
  ExpectOneProblem(R"("tags": {"env": "prod", "env": "dev"})", "tags.env", "duplicate tag key");
}

TEST(DecodeEvents, DuplicateScoreNameIsAnError) {
  ExpectOneProblem(R"("scores": {"acc": 1, "acc": 2})", "scores.acc", "duplicate score name");
}

// ---- ts ----------------------------------------------------------------------------------------

TEST(DecodeEvents, TsRequired) {
  const Status status = MustFail(R"({"model": "gpt-4o"})");
  EXPECT_THAT(status.details(), ElementsAre(ErrorDetail{0, "ts", "missing (required)"}));
  EXPECT_THAT(MustFail(R"({"model": "m", "ts": null})").details(),
              ElementsAre(ErrorDetail{0, "ts", "missing (required)"}));
}

TEST(DecodeEvents, TsNegative) {
  EXPECT_THAT(MustFail(R"({"model": "m", "ts": -5})").details(),
              ElementsAre(ErrorDetail{0, "ts", "must not be negative, got -5"}));
}

TEST(DecodeEvents, TsInEpochSecondsIsCalledOut) {
  EXPECT_THAT(MustFail(R"({"model": "m", "ts": 1795757287})").details(),
              ElementsAre(ErrorDetail{0, "ts",
                                      "looks like epoch seconds (1795757287 = "
                                      "2026-11-27T05:28:07.000Z); ts takes epoch milliseconds: "
                                      "send 1795757287000"}));
}

TEST(DecodeEvents, TsInMicrosOrNanosIsCalledOut) {
  EXPECT_THAT(MustFail(R"({"model": "m", "ts": 1795757287000000})").details()[0].reason,
              HasSubstr("looks like epoch microseconds"));
  EXPECT_THAT(MustFail(R"({"model": "m", "ts": 1795757287000000000})").details()[0].reason,
              HasSubstr("looks like epoch nanoseconds"));
}

TEST(DecodeEvents, TsBefore2000OrAfter2200) {
  EXPECT_THAT(MustFail(R"({"model": "m", "ts": 12345})").details()[0].reason,
              HasSubstr("before 2000-01-01"));
  EXPECT_THAT(MustFail(R"({"model": "m", "ts": "1999-12-31T23:59:59Z"})").details()[0].reason,
              HasSubstr("before 2000-01-01, got 1999-12-31T23:59:59.000Z"));
  EXPECT_THAT(MustFail(R"({"model": "m", "ts": "2200-01-01T00:00:00Z"})").details()[0].reason,
              HasSubstr("after 2200-01-01"));
  EXPECT_THAT(MustFail(R"({"model": "m", "ts": 99999999999999999999999})").details()[0].reason,
              HasSubstr("after 2200-01-01"));
}

TEST(DecodeEvents, TsMustBeWholeMilliseconds) {
  EXPECT_THAT(MustFail(R"({"model": "m", "ts": 1795757287000.5})").details()[0].reason,
              HasSubstr("integer epoch milliseconds (a whole number), got 1795757287000.5"));
}

TEST(DecodeEvents, TsBadRfc3339) {
  EXPECT_THAT(MustFail(R"({"model": "m", "ts": "2026-13-01T00:00:00Z"})").details(),
              ElementsAre(ErrorDetail{0, "ts",
                                      "not an RFC 3339 time (\"2026-13-01T00:00:00Z\"): month "
                                      "must be 01..12"}));
  EXPECT_THAT(MustFail(R"({"model": "m", "ts": "2026-11-27T05:28:07"})").details()[0].reason,
              HasSubstr("missing the UTC offset"));
}

TEST(DecodeEvents, TsWrongType) {
  EXPECT_THAT(MustFail(R"({"model": "m", "ts": true})").details(),
              ElementsAre(ErrorDetail{0, "ts",
                                      "must be an RFC 3339 string or integer epoch milliseconds, "
                                      "got true"}));
}

// ---- strings -----------------------------------------------------------------------------------

TEST(DecodeEvents, StringFieldWithNumber) {
  ExpectOneProblem(R"("user": 12)", "user", "must be a string, got 12");
  ExpectOneProblem(R"("team": ["a"])", "team", "must be a string, got an array");
}

TEST(DecodeEvents, ModelWithWrongTypeIsNotAlsoMissing) {
  EXPECT_THAT(MustFail(R"({"ts": 1795757287000, "model": 4})").details(),
              ElementsAre(ErrorDetail{0, "model", "must be a string, got 4"}));
}

TEST(DecodeEvents, IdLongerThan128Bytes) {
  ExpectOneProblem("\"id\": \"" + std::string(129, 'x') + "\"", "id",
                   "longer than 128 bytes (got 129)");
}

TEST(DecodeEvents, StringLongerThan1024Bytes) {
  ExpectOneProblem("\"endpoint\": \"" + std::string(1025, 'x') + "\"", "endpoint",
                   "longer than 1024 bytes (got 1025)");
}

TEST(DecodeEvents, TagKeyLongerThan128Bytes) {
  const std::string key(129, 'k');
  ExpectOneProblem("\"tags\": {\"" + key + "\": \"v\"}", "tags." + key.substr(1) + "...",
                   "the tag key is longer than 128 bytes (got 129)");
}

TEST(DecodeEvents, TagValueLongerThan1024Bytes) {
  ExpectOneProblem("\"tags\": {\"k\": \"" + std::string(1025, 'v') + "\"}", "tags.k",
                   "longer than 1024 bytes");
}

TEST(DecodeEvents, MoreThan64Tags) {
  std::string tags;
  for (int tag_idx = 0; tag_idx < 65; ++tag_idx) {
    tags += (tag_idx ? ", \"k" : "\"k") + std::to_string(tag_idx) + "\": \"v\"";
  }
  ExpectOneProblem("\"tags\": {" + tags + "}", "tags", "more than 64 entries");
}

TEST(DecodeEvents, MoreThan64Scores) {
  std::string scores;
  for (int score_idx = 0; score_idx < 70; ++score_idx) {
    scores += (score_idx ? ", \"s" : "\"s") + std::to_string(score_idx) + "\": 1";
  }
  ExpectOneProblem("\"scores\": {" + scores + "}", "scores", "more than 64 entries");
}

TEST(DecodeEvents, EmptyTagKey) {
  ExpectOneProblem(R"("tags": {"": "v"})", "tags", "an empty tag key is not allowed");
}

TEST(DecodeEvents, TagValueMustBeString) {
  ExpectOneProblem(R"("tags": {"attempt": 3})", "tags.attempt",
                   "must be a string (tag values are strings: write \"3\", not 3), got 3");
  ExpectOneProblem(R"("tags": {"ratio": 0.25 })", "tags.ratio",
                   "must be a string (tag values are strings: write \"0.25\", not 0.25), got 0.25");
  ExpectOneProblem(R"("tags": {"beta": true})", "tags.beta",
                   "must be a string (tag values are strings: write \"true\", not true), got true");
  ExpectOneProblem(R"("tags": {"nested": {"a": "b"}})", "tags.nested", "must be a string, got an object");
}

TEST(DecodeEvents, TagsMustBeAnObject) {
  ExpectOneProblem(R"("tags": ["env:prod"])", "tags",
                   "must be an object of string → string, got an array");
}

TEST(DecodeEvents, LoneSurrogateEscape) {
  ExpectOneProblem(R"("user": "\ud800")", "user", "invalid escape");
}

// Events are decoded in place into the batch while it is clean; an invalid one drops the batch,
// and the events after it are still checked (each problem named) without being kept. The same
// decoder then gives every event of a clean body, each with only its own fields.
TEST(DecodeEvents, ValidEventsAroundAnInvalidOneAndTheNextBody) {
  EventDecoder decoder;
  for (const BodyFormat format : {BodyFormat::kJson, BodyFormat::kNdjson}) {
    const bool lines = format == BodyFormat::kNdjson;
    auto body_of = [&](std::initializer_list<std::string> events) {
      std::string body = lines ? "" : "[";
      for (const std::string& event : events) body += event + (lines ? "\n" : ",");
      if (!lines) body.back() = ']';
      return body;
    };
    const Result<EventBatch> bad = decoder.Decode(
        body_of({WithFields(R"("user": "u0")"), WithFields(R"("input_tokens": -1)"),
                 WithFields(R"("user": "u2")"), WithFields(R"("team": 7)")}),
        format);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.status().message(), "2 of 4 events are invalid; nothing was stored");
    ASSERT_EQ(bad.status().details().size(), 2u);
    EXPECT_EQ(bad.status().details()[0].index, 1);
    EXPECT_EQ(bad.status().details()[1].index, 3);

    const Result<EventBatch> good = decoder.Decode(
        body_of({WithFields(R"("user": "u0", "tags": {"k": "v"})"), WithFields(R"("team": "t1")")}), format);
    ASSERT_TRUE(good.ok()) << good.status().ToString();
    ASSERT_EQ(good->size(), 2u);
    EXPECT_EQ((*good)[0].user, "u0");
    EXPECT_EQ((*good)[0].tags.size(), 1u);
    EXPECT_EQ((*good)[1].user, "");
    EXPECT_EQ((*good)[1].team, "t1");
    EXPECT_TRUE((*good)[1].tags.empty());
  }
}

// ---- UTF-8 -----------------------------------------------------------------------------------

TEST(DecodeEvents, InvalidUtf8InNdjsonIsAttributedToLineAndField) {
  const std::string body = WithFields("") + "\n" + WithFields("\"user\": \"bad\xFF\"") + "\n" +
                           WithFields("\"tags\": {\"k\": \"\xC0\xAF\"}");
  const Status status = MustFail(body, BodyFormat::kNdjson);
  EXPECT_EQ(status.message(), "2 of 3 events are invalid; nothing was stored");
  EXPECT_THAT(status.details(), ElementsAre(ErrorDetail{1, "user", "not valid UTF-8"},
                                            ErrorDetail{2, "tags.k", "not valid UTF-8"}));
}

TEST(DecodeEvents, InvalidUtf8InArrayIsAttributedToEvent) {
  const std::string body = "[" + WithFields("") + ", " + WithFields("\"team\": \"\xED\xA0\x80\"") + "]";
  EXPECT_THAT(MustFail(body).details(), ElementsAre(ErrorDetail{1, "team", "not valid UTF-8"}));
}

TEST(DecodeEvents, InvalidUtf8InKeys) {
  EXPECT_THAT(MustFail(WithFields("\"tags\": {\"k\xFF\": \"v\"}")).details(),
              ElementsAre(ErrorDetail{0, "tags.k?", "the tag key is not valid UTF-8"}));
  EXPECT_THAT(MustFail(WithFields("\"us\xFF\": \"v\"")).details(),
              ElementsAre(ErrorDetail{0, "us?", "unknown field (its name is not valid UTF-8)"}));
}

TEST(DecodeEvents, InvalidUtf8OutsideStringsIsMalformedJson) {
  const Status status = MustFail("[" + WithFields("") + ",\xFF]");
  EXPECT_EQ(status.message(), "malformed JSON; nothing was stored");
  ASSERT_EQ(status.details().size(), 1u);
  EXPECT_EQ(status.details()[0].field, "body");
  EXPECT_THAT(status.details()[0].reason, HasSubstr("not valid UTF-8"));
}

// ---- numbers -----------------------------------------------------------------------------------

TEST(DecodeEvents, TokenCountFraction) {
  ExpectOneProblem(R"("input_tokens": 1.5)", "input_tokens", "must be an integer ≥ 0, got 1.5");
}

TEST(DecodeEvents, TokenCountNegative) {
  ExpectOneProblem(R"("output_tokens": -3)", "output_tokens", "must be an integer ≥ 0, got -3");
}

TEST(DecodeEvents, TokenCountAsString) {
  ExpectOneProblem(R"("input_tokens": "12")", "input_tokens",
                   "must be an integer ≥ 0, got \"12\"");
}

TEST(DecodeEvents, TokenCountAboveABillion) {
  ExpectOneProblem(R"("cache_write_tokens": 1000000001)", "cache_write_tokens",
                   "must be ≤ 1000000000 (10^9 tokens for one call), got 1000000001");
  ExpectOneProblem(R"("cache_write_tokens": 9007199254740993)", "cache_write_tokens",
                   "must be ≤ 1000000000 (10^9 tokens for one call), got 9007199254740993");
}

TEST(DecodeEvents, TokenCountWithExponent) {
  ExpectOneProblem(R"("input_tokens": 1e3)", "input_tokens", "must be an integer ≥ 0, got 1e3");
}

TEST(DecodeEvents, CachedAboveInputNamesBoth) {
  ExpectOneProblem(R"("input_tokens": 100, "cached_input_tokens": 150)", "cached_input_tokens",
                   "cached_input_tokens (150) must be ≤ input_tokens (100)");
}

TEST(DecodeEvents, ReasoningAboveOutputNamesBoth) {
  ExpectOneProblem(R"("output_tokens": 10, "reasoning_tokens": 11)", "reasoning_tokens",
                   "reasoning_tokens (11) must be ≤ output_tokens (10)");
}

TEST(DecodeEvents, CostNegative) {
  ExpectOneProblem(R"("cost_usd": -0.5)", "cost_usd", "must be a number ≥ 0 (USD), got -0.5");
}

TEST(DecodeEvents, CostAsString) {
  ExpectOneProblem(R"("cost_usd": "0.01")", "cost_usd", "got \"0.01\"");
}

TEST(DecodeEvents, CostTooLarge) {
  ExpectOneProblem(R"("cost_usd": 1e300)", "cost_usd", "must be ≤ 1000000 USD for one event");
}

TEST(DecodeEvents, LatencyNegative) {
  ExpectOneProblem(R"("latency_ms": -1)", "latency_ms",
                   "must be a finite number ≥ 0 (milliseconds), got -1");
}

TEST(DecodeEvents, LatencyNotFinite) {
  ExpectOneProblem(R"("ttft_ms": 1e999)", "ttft_ms", "got 1e999 (out of range)");
}

TEST(DecodeEvents, LatencyAsString) {
  ExpectOneProblem(R"("latency_ms": "fast")", "latency_ms", "got \"fast\"");
}

TEST(DecodeEvents, BooleansAreStrict) {
  ExpectOneProblem(R"("cache_hit": "true")", "cache_hit", "must be true or false, got \"true\"");
  ExpectOneProblem(R"("streaming": 1)", "streaming", "must be true or false, got 1");
}

TEST(DecodeEvents, HttpStatusRange) {
  ExpectOneProblem(R"("http_status": 42)", "http_status", "must be an integer 100..599, got 42");
  ExpectOneProblem(R"("http_status": 600)", "http_status", "got 600");
  ExpectOneProblem(R"("http_status": 404.5)", "http_status", "got 404.5");
  ExpectOneProblem(R"("http_status": "404")", "http_status", "got \"404\"");
}

TEST(DecodeEvents, ScoresMustBeFiniteNumbers) {
  ExpectOneProblem(R"("scores": {"acc": "high"})", "scores.acc",
                   "must be a finite number, got \"high\"");
  ExpectOneProblem(R"("scores": {"acc": 1e400})", "scores.acc", "must be a finite number, got 1e400");
  ExpectOneProblem(R"("scores": [1])", "scores", "must be an object of name → number");
}

// ---- enums -------------------------------------------------------------------------------------

TEST(DecodeEvents, OperationEnumListsAllowedValues) {
  ExpectOneProblem(R"("operation": "Chat")", "operation",
                   "must be one of \"chat\", \"completion\", \"embedding\", \"tool\", \"run\", "
                   "\"other\", got \"Chat\"");
}

TEST(DecodeEvents, StatusEnumListsAllowedValues) {
  ExpectOneProblem(R"("status": "failed")", "status",
                   "must be one of \"ok\", \"error\", got \"failed\"");
}

TEST(DecodeEvents, ModelRequiredForLlmOperations) {
  EXPECT_THAT(MustFail(R"({"ts": 1795757287000, "operation": "embedding"})").details(),
              ElementsAre(ErrorDetail{0, "model",
                                      "missing (required when operation is \"embedding\")"}));
  EXPECT_THAT(MustFail(R"({"ts": 1795757287000, "model": ""})").details()[0].field, "model");
}

// ---- bodies ------------------------------------------------------------------------------------

TEST(DecodeEvents, EmptyBody) {
  for (std::string_view body : {"", "  \n\r\n\t "}) {
    for (BodyFormat format : {BodyFormat::kJson, BodyFormat::kNdjson}) {
      const Status status = MustFail(body, format);
      EXPECT_EQ(status.message(), "empty body; nothing was stored");
      EXPECT_THAT(status.details(), ElementsAre(ErrorDetail{-1, "body", "empty body"}));
    }
  }
}

TEST(DecodeEvents, MalformedObjectNamesLineColumnAndByte) {
  const Status status = MustFail("{\n  \"ts\": 1795757287000,\n  \"model\": \"m\"\n  \"user\": \"u\"\n}");
  EXPECT_EQ(status.message(), "malformed JSON; nothing was stored");
  EXPECT_THAT(status.details(),
              ElementsAre(ErrorDetail{-1, "body",
                                      "malformed JSON at line 4, column 3 (byte 42): expected ',' "
                                      "or '}'"}));
}

TEST(DecodeEvents, MalformedArray) {
  const Status status = MustFail("[" + WithFields("") + ", {\"ts\": 1,}]");
  EXPECT_EQ(status.message(), "malformed JSON; nothing was stored");
  EXPECT_THAT(status.details()[0].reason, HasSubstr("expected '\"' to start a key"));
}

TEST(DecodeEvents, TrailingContentAfterArray) {
  const Status status = MustFail("[" + WithFields("") + "] x");
  EXPECT_EQ(status.message(), "malformed JSON; nothing was stored");
  EXPECT_THAT(status.details()[0].reason, HasSubstr("unexpected content after the JSON value"));
}

TEST(DecodeEvents, MalformedNdjsonLineDoesNotHideOtherLines) {
  const std::string body = WithFields("") + "\n{\"ts\": 1795757287000, \"model\": }\n\n" +
                           WithFields(R"("input_tokens": -1)") + "\n" + WithFields("");
  const Status status = MustFail(body, BodyFormat::kNdjson);
  EXPECT_EQ(status.message(), "2 of 4 events are invalid; nothing was stored");
  EXPECT_THAT(status.details(),
              ElementsAre(ErrorDetail{1, "",
                                      "line 2: malformed JSON at column 32: unexpected character "
                                      "'}'; expected a value"},
                          ErrorDetail{2, "input_tokens", "must be an integer ≥ 0, got -1"}));
}

TEST(DecodeEvents, NdjsonLineWithTwoObjects) {
  const Status status = MustFail(WithFields("") + " " + WithFields(""), BodyFormat::kNdjson);
  EXPECT_THAT(status.details()[0].reason, HasSubstr("unexpected content after the JSON value"));
}

TEST(DecodeEvents, NdjsonLineThatIsNotAnObject) {
  EXPECT_THAT(MustFail("[1]\n", BodyFormat::kNdjson).details(),
              ElementsAre(ErrorDetail{0, "", "line 1: each line must be one JSON object, got an array"}));
}

TEST(DecodeEvents, ArrayElementThatIsNotAnObject) {
  EXPECT_THAT(MustFail("[" + WithFields("") + ", 7, \"x\"]").details(),
              ElementsAre(ErrorDetail{1, "", "an event must be a JSON object, got a number"},
                          ErrorDetail{2, "", "an event must be a JSON object, got a string"}));
}

TEST(DecodeEvents, ScalarBody) {
  const Status status = MustFail("\"hello\"");
  EXPECT_EQ(status.message(), "invalid body; nothing was stored");
  EXPECT_THAT(status.details()[0].reason, HasSubstr("got a string"));
}

TEST(DecodeEvents, EveryProblemOfEveryEventIsListed) {
  const std::string body = "[" + WithFields("") + ", " +
                           R"({"ts": -1, "model": 5, "input_tokens": 1.5, "colour": "red"})" + ", " +
                           R"({"model": "m", "cache_hit": "yes"})" + "]";
  const Status status = MustFail(body);
  EXPECT_EQ(status.message(), "2 of 3 events are invalid; nothing was stored");
  EXPECT_THAT(status.details(),
              ElementsAre(ErrorDetail{1, "ts", "must not be negative, got -1"},
                          ErrorDetail{1, "model", "must be a string, got 5"},
                          ErrorDetail{1, "input_tokens", "must be an integer ≥ 0, got 1.5"},
                          ErrorDetail{1, "colour", "unknown field"},
                          ErrorDetail{2, "cache_hit", "must be true or false, got \"yes\""},
                          ErrorDetail{2, "ts", "missing (required)"}));
}

TEST(DecodeEvents, ProblemListIsCappedButCounted) {
  std::string body;
  for (int event_idx = 0; event_idx < 1500; ++event_idx) body += "{\"model\": \"m\"}\n";
  const Status status = MustFail(body, BodyFormat::kNdjson);
  EXPECT_EQ(status.message(), "1500 of 1500 events are invalid; nothing was stored");
  ASSERT_EQ(status.details().size(), kMaxListedProblems + 1);
  EXPECT_EQ(status.details().back(), (ErrorDetail{-1, "", "... and 500 more problems not listed"}));
}

TEST(DecodeEvents, PrettyPrintedObjectsOneAfterAnotherAreMalformed) {
  // Not JSON lines (the first line is not a complete object), so read as one document.
  const Status status = MustFail("{\n \"ts\": 1795757287000, \"model\": \"m\"\n}\n{\n \"ts\": 1\n}\n");
  EXPECT_EQ(status.message(), "malformed JSON; nothing was stored");
  EXPECT_THAT(status.details()[0].reason,
              HasSubstr("line 4, column 1 (byte 39): unexpected content after the JSON value"));
}

}  // namespace
}  // namespace mltrack::ingest
