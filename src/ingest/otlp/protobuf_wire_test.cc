#include "ingest/otlp/protobuf_wire.h"

#include <gtest/gtest.h>

#include <bit>

#include "core/coding.h"

namespace mltrack::ingest::otlp {
namespace {

TEST(Varint, RoundTripsAtEveryLength) {
  for (uint64_t value : {0ULL, 1ULL, 127ULL, 128ULL, 300ULL, 1ULL << 35, ~0ULL}) {
    std::string bytes;
    AppendVarint64(bytes, value);
    EXPECT_EQ(bytes.size(), Varint64Length(value));
    const char* pos = bytes.data();
    uint64_t decoded = 0;
    ASSERT_TRUE(GetVarint64(pos, bytes.data() + bytes.size(), decoded)) << value;
    EXPECT_EQ(decoded, value);
    EXPECT_EQ(pos, bytes.data() + bytes.size());
  }
}

TEST(Varint, RefusesTruncatedAndOverlongInput) {
  const std::string truncated = "\x80\x80";
  const std::string eleven(10, '\x80');  // ten continuation bytes, then nothing
  const std::string too_big = std::string(9, '\xff') + "\x02";  // 10th byte > 1 overflows 64 bits
  for (const std::string& bytes : {truncated, eleven + "\x01", too_big}) {
    const char* pos = bytes.data();
    uint64_t value = 0;
    EXPECT_FALSE(GetVarint64(pos, bytes.data() + bytes.size(), value));
    EXPECT_EQ(pos, bytes.data());
  }
}

TEST(ProtoReader, ReadsWhatTheWriterWrote) {
  ProtoWriter writer;
  writer.Varint(1, 150);
  writer.Fixed64(7, 0x0102030405060708ULL);
  writer.Bytes(5, "chat");
  writer.Double(4, 0.25);
  ProtoReader reader(writer.str());
  ASSERT_TRUE(reader.Next());
  EXPECT_EQ(reader.field(), 1u);
  EXPECT_EQ(reader.wire_type(), WireType::kVarint);
  EXPECT_EQ(reader.number(), 150u);
  ASSERT_TRUE(reader.Next());
  EXPECT_EQ(reader.field(), 7u);
  EXPECT_EQ(reader.wire_type(), WireType::kFixed64);
  EXPECT_EQ(reader.number(), 0x0102030405060708ULL);
  ASSERT_TRUE(reader.Next());
  EXPECT_EQ(reader.field(), 5u);
  EXPECT_EQ(reader.bytes(), "chat");
  ASSERT_TRUE(reader.Next());
  EXPECT_EQ(std::bit_cast<double>(reader.number()), 0.25);
  EXPECT_FALSE(reader.Next());
  EXPECT_TRUE(reader.error().empty());
}

TEST(ProtoReader, KnownEncodingFromTheProtobufDocs) {
  // protobuf.dev's "encoding" page: field 1 = 150 is 08 96 01; field 2 = "testing" is 12 07 ...
  const std::string bytes = std::string("\x08\x96\x01\x12\x07testing", 12);
  ProtoReader reader(bytes);
  ASSERT_TRUE(reader.Next());
  EXPECT_EQ(reader.number(), 150u);
  ASSERT_TRUE(reader.Next());
  EXPECT_EQ(reader.field(), 2u);
  EXPECT_EQ(reader.bytes(), "testing");
  EXPECT_FALSE(reader.Next());
}

TEST(ProtoReader, ReportsMalformedBytes) {
  struct Case {
    std::string bytes;
    std::string_view error;
  };
  const Case cases[] = {
      {std::string("\x12\x05" "abc", 5), "length past the end of the message"},
      {std::string("\x09\x01\x02", 3), "truncated fixed64"},
      {std::string("\x0d\x01", 2), "truncated fixed32"},
      {std::string("\x08", 1), "truncated or over-long varint"},
      {std::string("\x00\x01", 2), "field number out of range"},
      {std::string("\x0b", 1), "groups (wire types 3 and 4) are not supported"},
      {std::string("\x0e", 1), "wire type 6 or 7 does not exist"},
  };
  for (const Case& test : cases) {
    ProtoReader reader(test.bytes);
    while (reader.Next()) {
    }
    EXPECT_EQ(reader.error(), test.error) << test.error;
  }
}

TEST(ProtoReader, OffsetPointsAtTheBadField) {
  ProtoWriter writer;
  writer.Varint(1, 1);
  std::string bytes = writer.str() + std::string("\x12\x7f", 2);
  ProtoReader reader(bytes);
  EXPECT_TRUE(reader.Next());
  EXPECT_FALSE(reader.Next());
  EXPECT_EQ(reader.offset(), 2u);
}

}  // namespace
}  // namespace mltrack::ingest::otlp
