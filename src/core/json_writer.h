#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mltrack {

// Builds compact JSON text into a string, with correct escaping and number formatting. Commas
// between members and elements are inserted automatically. Not thread-safe.
//
//   JsonWriter w;
//   w.BeginObject(); w.Key("accepted"); w.Int(3); w.EndObject();
//   std::string body = std::move(w).Take();  // {"accepted":3}
class JsonWriter {
 public:
  JsonWriter() = default;

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(std::string_view key);
  void String(std::string_view value);
  void Int(int64_t value);
  // Shortest representation that round-trips; NaN and infinities become null (JSON has none).
  void Double(double value);
  // Nano-USD written as USD with up to 9 decimals, exactly (no floating point on the way).
  void Money(int64_t nano_usd);
  void Bool(bool value);
  void Null();
  // Inserts already-serialized JSON as one value.
  void Raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string Take() && { return std::move(out_); }

 private:
  void BeforeValue();

  std::string out_;
  // One entry per open container: true once it has a first element.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

// Appends `value` to `out` as a quoted JSON string, escaping control characters, quotes and
// backslashes (input must be valid UTF-8; it is not re-validated here).
void AppendJsonString(std::string& out, std::string_view value);

}  // namespace mltrack
