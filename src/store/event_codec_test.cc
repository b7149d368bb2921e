#include "store/event_codec.h"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <memory>
#include <random>

namespace mltrack::store {
namespace {

Event FullEvent() {
  Event event;
  event.id = "evt-0001";
  event.ts_ms = 1'732'680'000'123;
  event.experiment = "demo-chat";
  event.run_id = "run-7";
  event.session_id = "sess-1";
  event.trace_id = "trace-abc";
  event.user = "alice@example.com";
  event.team = "search";
  event.provider = "openai";
  event.model = "gpt-4o-mini";
  event.operation = Operation::kEmbedding;
  event.endpoint = "/v1/embeddings";
  event.status = EventStatus::kError;
  event.error_type = "rate_limit";
  event.http_status = 429;
  event.input_tokens = 1200;
  event.output_tokens = 0;
  event.cached_input_tokens = 1024;
  event.cache_write_tokens = 7;
  event.reasoning_tokens = 99;
  event.cost_nano_usd = 123'456'789;
  event.latency_ms = 812.25;
  event.ttft_ms = 0.5;
  event.cache_hit = false;
  event.streaming = true;
  event.prompt_name = "summarize";
  event.prompt_version = "v3";
  event.input_hash = "9f86d081884c7d65";
  event.scores = {{"accuracy", 0.93}, {"toxicity", -1e-9}};
  event.tags = {{"env", "prod"}, {"region", "eu-west-1"}, {"empty", ""}};
  return event;
}

EventBatch RoundTrip(const EventBatch& batch) {
  std::string payload;
  EncodeEventBatch(batch, &payload);
  Result<EventBatch> decoded = DecodeEventBatch(payload);
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  return decoded.ok() ? *decoded : EventBatch{};
}

TEST(EventCodecTest, EmptyBatch) {
  EXPECT_TRUE(RoundTrip({}).empty());
  std::string payload;
  EncodeEventBatch({}, &payload);
  EXPECT_EQ(payload.size(), 2u);
}

TEST(EventCodecTest, FullEventRoundTrips) {
  EventBatch batch = {FullEvent()};
  EXPECT_EQ(RoundTrip(batch), batch);
}

TEST(EventCodecTest, DefaultAndBareEventsRoundTrip) {
  Event bare;
  bare.experiment.clear();  // absent must come back empty, not as "default"
  EventBatch batch = {Event{}, bare};
  EXPECT_EQ(RoundTrip(batch), batch);
}

// Each optional field alone, and each one missing from an otherwise full event.
TEST(EventCodecTest, EveryOptionalPresentAndAbsent) {
  using Toggle = void (*)(Event&);
  const std::vector<Toggle> clear_one = {
      [](Event& e) { e.http_status.reset(); },
      [](Event& e) { e.input_tokens.reset(); },
      [](Event& e) { e.output_tokens.reset(); },
      [](Event& e) { e.cached_input_tokens.reset(); },
      [](Event& e) { e.cache_write_tokens.reset(); },
      [](Event& e) { e.reasoning_tokens.reset(); },
      [](Event& e) { e.cost_nano_usd.reset(); },
      [](Event& e) { e.latency_ms.reset(); },
      [](Event& e) { e.ttft_ms.reset(); },
      [](Event& e) { e.cache_hit.reset(); },
      [](Event& e) { e.streaming.reset(); },
      [](Event& e) { e.scores.clear(); },
      [](Event& e) { e.tags.clear(); },
      [](Event& e) { e.id.clear(); },
      [](Event& e) { e.prompt_version.clear(); },
      [](Event& e) { e.input_hash.clear(); },
  };
  for (size_t toggle_idx = 0; toggle_idx < clear_one.size(); ++toggle_idx) {
    Event missing_one = FullEvent();
    clear_one[toggle_idx](missing_one);
    EXPECT_NE(missing_one, FullEvent()) << toggle_idx;

    // Only this field present: clear all the others.
    Event only_one = FullEvent();
    for (size_t other_idx = 0; other_idx < clear_one.size(); ++other_idx) {
      if (other_idx != toggle_idx) clear_one[other_idx](only_one);
    }
    EventBatch batch = {missing_one, only_one};
    EXPECT_EQ(RoundTrip(batch), batch) << "toggle " << toggle_idx;
  }
  for (bool value : {false, true}) {
    Event event;
    event.cache_hit = value;
    event.streaming = !value;
    EventBatch batch = {event};
    EXPECT_EQ(RoundTrip(batch), batch);
  }
}

// A payload written before input_hash existed (string_mask bit 13 never set) still decodes, and
// the bit is where docs/wal_format.md says: 1 << 13 in string_mask, after prompt_version.
TEST(EventCodecTest, InputHashIsStringBit13) {
  Event event;
  event.experiment.clear();
  event.ts_ms = 5;
  event.model = "m";
  event.input_hash = "h";
  std::string payload;
  EncodeEventBatch(EventBatch{event}, &payload);
  // version 1, count 1, string_mask = bit 8 (model) | bit 13 (input_hash) as a 2-byte varint,
  // value_mask 0, ts delta zigzag(5) = 10, enums 0, "m", "h", no scores, no tags.
  const std::string expected("\x01\x01\x80\x42\x00\x0a\x00\x01m\x01h\x00\x00", 13);
  EXPECT_EQ(payload, expected);

  // The same event as an older binary wrote it: no bit 13, no hash.
  const std::string older("\x01\x01\x80\x02\x00\x0a\x00\x01m\x00\x00", 11);
  Result<EventBatch> decoded = DecodeEventBatch(older);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->size(), 1u);
  EXPECT_EQ((*decoded)[0].model, "m");
  EXPECT_EQ((*decoded)[0].input_hash, "");
}

TEST(EventCodecTest, UnicodeAndBinaryStrings) {
  Event event = FullEvent();
  event.user = "Zoë Ångström 山田太郎 🚀";
  event.model = std::string("nul\0inside", 10);
  event.tags = {{"ключ", "значение"}, {"emoji 🎉", "✓"}};
  event.scores = {{"質", 1.0}};
  event.prompt_name = std::string(1024, 'p');
  EventBatch batch = {event};
  EXPECT_EQ(RoundTrip(batch), batch);
}

TEST(EventCodecTest, ExtremeNumbers) {
  Event event;
  event.ts_ms = std::numeric_limits<int64_t>::min();
  event.http_status = std::numeric_limits<int32_t>::min();
  event.input_tokens = std::numeric_limits<int64_t>::max();
  event.output_tokens = std::numeric_limits<int64_t>::min();
  event.cost_nano_usd = -1;
  event.latency_ms = std::numeric_limits<double>::infinity();
  event.ttft_ms = std::numeric_limits<double>::denorm_min();
  Event next = event;
  next.ts_ms = std::numeric_limits<int64_t>::max();  // delta wraps around
  next.http_status = std::numeric_limits<int32_t>::max();
  Event negative;
  negative.ts_ms = -5;
  EventBatch batch = {event, next, negative, FullEvent()};
  EXPECT_EQ(RoundTrip(batch), batch);
}

TEST(EventCodecTest, ManyEventsAreCompact) {
  EventBatch batch;
  for (int event_idx = 0; event_idx < 1000; ++event_idx) {
    Event event = FullEvent();
    event.id = "id-" + std::to_string(event_idx);
    event.ts_ms += event_idx;
    batch.push_back(event);
  }
  std::string payload;
  EncodeEventBatch(batch, &payload);
  EXPECT_LT(payload.size(), 1000u * 250);
  EXPECT_EQ(RoundTrip(batch), batch);
}

// Every prefix of a valid payload is corrupt (never read past the end), and so is any payload
// with bytes after the last event.
TEST(EventCodecTest, TruncatedAndTrailingPayloadsAreCorruption) {
  std::string payload;
  EncodeEventBatch(EventBatch{FullEvent(), Event{}}, &payload);
  for (size_t len = 0; len < payload.size(); ++len) {
    Result<EventBatch> decoded = DecodeEventBatch(std::string_view(payload).substr(0, len));
    ASSERT_FALSE(decoded.ok()) << "prefix " << len;
    EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
  }
  Result<EventBatch> trailing = DecodeEventBatch(payload + "x");
  ASSERT_FALSE(trailing.ok());
  EXPECT_NE(trailing.status().message().find("trailing bytes"), std::string::npos);
}

TEST(EventCodecTest, HostileHeadersAreCorruption) {
  // Version 2, a count of 2^63, and a string length of 2^40 inside an event.
  EXPECT_FALSE(DecodeEventBatch(std::string("\x02\x00", 2)).ok());
  EXPECT_FALSE(DecodeEventBatch(std::string("\x01\xff\xff\xff\xff\xff\xff\xff\xff\x7f")).ok());
  std::string long_string("\x01\x01\x01\x00\x00\x00\x80\x80\x80\x80\x80\x20", 12);
  Result<EventBatch> decoded = DecodeEventBatch(long_string);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
  // An 11-byte varint.
  EXPECT_FALSE(
      DecodeEventBatch(std::string("\x01\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01")).ok());
  // Operation 15.
  EXPECT_FALSE(DecodeEventBatch(std::string("\x01\x01\x00\x00\x00\x0f\x00\x00", 8)).ok());
}

// Random damage either decodes to something or is reported; it never crashes or hangs.
TEST(EventCodecTest, RandomDamageNeverReadsOutOfBounds) {
  std::string payload;
  EncodeEventBatch(EventBatch{FullEvent(), FullEvent(), Event{}}, &payload);
  std::mt19937 rng(7);
  int corrupt = 0;
  for (int trial = 0; trial < 5000; ++trial) {
    std::string damaged = payload;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int flip = 0; flip < flips; ++flip)
      damaged[rng() % damaged.size()] ^= static_cast<char>(1 + rng() % 255);
    // A heap copy of exactly the payload size, so a sanitizer build would catch overreads.
    std::unique_ptr<char[]> exact(new char[damaged.size()]);
    std::memcpy(exact.get(), damaged.data(), damaged.size());
    Result<EventBatch> decoded = DecodeEventBatch(std::string_view(exact.get(), damaged.size()));
    if (!decoded.ok()) {
      EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
      ++corrupt;
    }
  }
  EXPECT_GT(corrupt, 0);
}

}  // namespace
}  // namespace mltrack::store
