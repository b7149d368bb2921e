#include "ingest/otlp/protobuf_wire.h"

#include <bit>
#include <cstring>

#include "core/coding.h"

namespace mltrack::ingest::otlp {

std::string_view WireTypeName(WireType type) {
  switch (type) {
    case WireType::kVarint: return "varint";
    case WireType::kFixed64: return "fixed64";
    case WireType::kLengthDelimited: return "length-delimited";
    case WireType::kStartGroup: return "start-group";
    case WireType::kEndGroup: return "end-group";
    case WireType::kFixed32: return "fixed32";
  }
  return "unknown";
}

bool ProtoReader::Fail(std::string_view why) {
  error_ = why;
  pos_ = end_;
  return false;
}

bool ProtoReader::Next() {
  if (pos_ >= end_) return false;
  field_start_ = pos_;
  uint64_t tag = 0;
  if (!GetVarint64(pos_, end_, tag)) return Fail("truncated or over-long field tag");
  const uint64_t field = tag >> 3;
  if (field == 0 || field > 0x1FFFFFFF) return Fail("field number out of range");
  field_ = static_cast<uint32_t>(field);
  const uint64_t type = tag & 7;
  switch (type) {
    case 0:
      wire_type_ = WireType::kVarint;
      if (!GetVarint64(pos_, end_, number_)) return Fail("truncated or over-long varint");
      return true;
    case 1:
      wire_type_ = WireType::kFixed64;
      if (end_ - pos_ < 8) return Fail("truncated fixed64");
      std::memcpy(&number_, pos_, 8);
      if constexpr (std::endian::native == std::endian::big) number_ = __builtin_bswap64(number_);
      pos_ += 8;
      return true;
    case 2: {
      wire_type_ = WireType::kLengthDelimited;
      uint64_t length = 0;
      if (!GetVarint64(pos_, end_, length)) return Fail("truncated or over-long length");
      if (length > static_cast<uint64_t>(end_ - pos_)) return Fail("length past the end of the message");
      bytes_ = std::string_view(pos_, static_cast<size_t>(length));
      pos_ += length;
      return true;
    }
    case 5: {
      wire_type_ = WireType::kFixed32;
      if (end_ - pos_ < 4) return Fail("truncated fixed32");
      uint32_t value = 0;
      std::memcpy(&value, pos_, 4);
      if constexpr (std::endian::native == std::endian::big) value = __builtin_bswap32(value);
      number_ = value;
      pos_ += 4;
      return true;
    }
    case 3:
    case 4: return Fail("groups (wire types 3 and 4) are not supported");
    default: return Fail("wire type 6 or 7 does not exist");
  }
}

void ProtoWriter::Tag(uint32_t field, WireType type) {
  AppendVarint64(out_, (static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(type));
}

void ProtoWriter::Varint(uint32_t field, uint64_t value) {
  Tag(field, WireType::kVarint);
  AppendVarint64(out_, value);
}

void ProtoWriter::Fixed64(uint32_t field, uint64_t value) {
  Tag(field, WireType::kFixed64);
  char bytes[8];
  for (int byte_idx = 0; byte_idx < 8; ++byte_idx) bytes[byte_idx] = static_cast<char>(value >> (8 * byte_idx));
  out_.append(bytes, 8);
}

void ProtoWriter::Double(uint32_t field, double value) { Fixed64(field, std::bit_cast<uint64_t>(value)); }

void ProtoWriter::Bytes(uint32_t field, std::string_view value) {
  Tag(field, WireType::kLengthDelimited);
  AppendVarint64(out_, value.size());
  out_.append(value);
}

}  // namespace mltrack::ingest::otlp
