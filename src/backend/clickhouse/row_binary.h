#pragma once
// ClickHouse's RowBinary format, both ways: rows of an INSERT are written with RowBinaryWriter,
// results of a SELECT ... FORMAT RowBinary are read with RowBinaryReader. Binary, so strings
// travel as their bytes (no escaping) and doubles as their bits (no decimal round trip).
//   String: varint length · bytes     Int*/UInt*/Float64: little-endian
//   Nullable(T): u8 1 = NULL, else u8 0 · T     Array(T): varint count · T*

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "core/coding.h"
#include "core/status.h"

namespace mltrack::backend::clickhouse {

class RowBinaryWriter {
 public:
  explicit RowBinaryWriter(std::string* out) : out_(out) {}

  void Varint(uint64_t value) { AppendVarint64(*out_, value); }
  void String(std::string_view text) {
    Varint(text.size());
    out_->append(text);
  }
  template <typename T>  // fixed-width numbers
  void Fixed(T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));  // x86-64 and aarch64 are little-endian
    out_->append(bytes, sizeof(T));
  }
  template <typename T>
  void Nullable(const std::optional<T>& value) {
    out_->push_back(value ? 0 : 1);
    if (value) Fixed(*value);
  }

 private:
  std::string* out_;
};

// Reads values in the order the caller expects them; any read past the end, or an over-long
// length, sets a sticky error (ok() false) and yields zero values.
class RowBinaryReader {
 public:
  explicit RowBinaryReader(std::string_view data) : data_(data) {}

  bool AtEnd() const { return pos_ >= data_.size(); }
  size_t position() const { return pos_; }
  bool ok() const { return ok_; }
  Status status() const {
    return ok_ ? Status::OK()
               : Status::Internal("ClickHouse result ended or broke at byte " + std::to_string(pos_) + " of " +
                                  std::to_string(data_.size()));
  }

  uint64_t Varint() {
    const char* at = data_.data() + pos_;
    uint64_t value = 0;
    if (!ok_ || !GetVarint64(at, data_.data() + data_.size(), value)) return Fail();
    pos_ = static_cast<size_t>(at - data_.data());
    return value;
  }
  std::string_view String() {
    const uint64_t size = Varint();
    if (!ok_ || size > data_.size() - pos_) return Fail(), std::string_view();
    std::string_view text = data_.substr(pos_, size);
    pos_ += size;
    return text;
  }
  template <typename T>
  T Fixed() {
    if (sizeof(T) > data_.size() - pos_) return Fail(), T{};
    T value;
    std::memcpy(&value, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return value;
  }
  // Reads the Nullable flag: true when a value follows.
  bool Present() { return Fixed<uint8_t>() == 0; }
  template <typename T>
  std::optional<T> Nullable() {
    if (!Present()) return std::nullopt;
    return Fixed<T>();
  }

 private:
  uint64_t Fail() {
    ok_ = false;
    pos_ = data_.size();
    return 0;
  }

  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace mltrack::backend::clickhouse
