#pragma once
// The protobuf wire format (protobuf.dev/programming-guides/encoding), read and written directly:
// OTLP needs a handful of messages, and a reader of ~100 lines has no code generator, no
// reflection and is easy to fuzz. Proto3 semantics: unknown fields are skipped; for a repeated
// message each occurrence is one element; for a singular scalar the last occurrence wins.

#include <cstdint>
#include <string>
#include <string_view>

namespace mltrack::ingest::otlp {

enum class WireType : uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,  // deprecated groups: refused
  kEndGroup = 4,
  kFixed32 = 5,
};

std::string_view WireTypeName(WireType type);

// Iterates the fields of one serialized message, in order. A value type over bytes it does not
// own (the caller keeps `message` alive while reading it and the views it hands out).
//
//   ProtoReader reader(bytes);
//   while (reader.Next()) { switch (reader.field()) { case 1: ... reader.bytes() ... } }
//   if (!reader.error().empty()) ...  // malformed
class ProtoReader {
 public:
  explicit ProtoReader(std::string_view message) : pos_(message.data()), end_(message.data() + message.size()), begin_(message.data()) {}

  // Reads the next field. False at the end of the message, or when the bytes are malformed:
  // then error() says why (a truncated value, a length past the end, field number 0, a wire type
  // that does not exist or a group) and offset() where.
  bool Next();

  uint32_t field() const { return field_; }
  WireType wire_type() const { return wire_type_; }
  // The value of the current field; valid for its wire type only (varint and fixed hold the
  // number, length-delimited the bytes).
  uint64_t number() const { return number_; }
  std::string_view bytes() const { return bytes_; }

  // Empty while the message is well-formed so far.
  std::string_view error() const { return error_; }
  // Bytes from the start of the message to the field being read (for error messages).
  size_t offset() const { return static_cast<size_t>(field_start_ - begin_); }

 private:
  bool Fail(std::string_view why);

  const char* pos_;
  const char* end_;
  const char* begin_;
  const char* field_start_ = nullptr;
  uint32_t field_ = 0;
  WireType wire_type_ = WireType::kVarint;
  uint64_t number_ = 0;
  std::string_view bytes_;
  std::string_view error_;
};

// Appends protobuf fields to a string. Not thread-safe.
class ProtoWriter {
 public:
  void Varint(uint32_t field, uint64_t value);
  void Fixed64(uint32_t field, uint64_t value);
  void Double(uint32_t field, double value);
  void Bytes(uint32_t field, std::string_view value);
  // An embedded message, already serialized.
  void Message(uint32_t field, std::string_view serialized) { Bytes(field, serialized); }

  const std::string& str() const { return out_; }
  std::string Take() && { return std::move(out_); }

 private:
  void Tag(uint32_t field, WireType type);

  std::string out_;
};

}  // namespace mltrack::ingest::otlp
