#include "ingest/value_reader.h"

#include <charconv>
#include <cmath>
#include <optional>

#include "core/event.h"

namespace mltrack::ingest {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;
using od::json_type;

std::string FieldPath::str() const {
  return key.empty() ? std::string(field) : std::string(field) + "." + Clip(key, kMaxKeyBytes);
}

std::string_view TrimJson(std::string_view token) {
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' ||
                            token.back() == '\t')) {
    token.remove_suffix(1);
  }
  return token;
}

std::string Clip(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

std::optional<double> ToFiniteDouble(std::string_view token) {
  double parsed = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), parsed);
  if (ec != std::errc() || end != token.data() + token.size() || !std::isfinite(parsed)) {
    return std::nullopt;  // from_chars reports out of range for 1e999 and for denormal underflow
  }
  return parsed == 0 ? 0.0 : parsed;
}

bool ValueReader::HasBadUtf8(std::string_view raw) const {
  if (context_.bad_utf8->empty()) return false;
  const size_t begin = static_cast<size_t>(raw.data() - context_.buffer);
  return Overlaps(*context_.bad_utf8, begin, begin + raw.size());
}

bool ValueReader::HasBadUtf8Key(od::field& field) const {
  if (context_.bad_utf8->empty()) return false;
  const char* begin = field.key().raw();  // just after the opening quote
  const char* end = begin;
  while (*end != '"') end += *end == '\\' ? 2 : 1;  // the key was checked to be terminated
  return HasBadUtf8(std::string_view(begin, static_cast<size_t>(end - begin)));
}

namespace {

// The bytes of a JSON string whose first content byte is at `begin` (just after the opening
// quote), when it holds no escape: then they are the string itself. Stage 1 checked that the
// string is terminated, so the scan stops at its closing quote at the latest.
std::optional<std::string_view> UnescapedAsIs(const char* begin) {
  const char* end = begin;
  while (*end != '"' && *end != '\\') ++end;
  if (*end != '"') return std::nullopt;
  return std::string_view(begin, static_cast<size_t>(end - begin));
}

}  // namespace

error_code ValueReader::Key(od::field& field, std::string_view& key) {
  if (std::optional<std::string_view> plain = UnescapedAsIs(field.key().raw())) {
    key = *plain;
    return SUCCESS;
  }
  return field.unescaped_key().get(key);
}

error_code ValueReader::ConsumeNull(od::value& value) {
  bool is_null = false;
  if (error_code err = value.is_null().get(is_null)) return err;
  return is_null ? SUCCESS : simdjson::N_ATOM_ERROR;
}

error_code ValueReader::TypeOrNull(od::value& value, json_type& type, bool& is_null) {
  if (error_code err = value.type().get(type)) return err;
  is_null = type == json_type::null;
  return is_null ? ConsumeNull(value) : SUCCESS;
}

std::string ValueReader::Got(od::value& value, json_type type) {
  if (type == json_type::object) return "got an object";
  if (type == json_type::array) return "got an array";
  return "got " + Clip(TrimJson(value.raw_json_token()));
}

error_code ValueReader::ReadText(od::value& value, json_type type, const FieldPath& path,
                                 size_t max_bytes, std::string_view type_rule,
                                 std::string_view& text, bool& usable) {
  usable = false;
  if (type != json_type::string) {
    Problem(path.str(), std::string(type_rule) + ", " + Got(value, type));
    return SUCCESS;
  }
  if (!context_.bad_utf8->empty() && HasBadUtf8(value.raw_json_token())) {
    Problem(path.str(), "not valid UTF-8");
    return SUCCESS;
  }
  // Most strings have no escape: take them from the body as they are, without simdjson copying
  // them into its string buffer (the value is then skipped by the iteration, as a scalar is).
  if (std::optional<std::string_view> plain = UnescapedAsIs(value.raw_json_token().data() + 1)) {
    text = *plain;
  } else {
    const error_code err = value.get_string().get(text);
    if (err == simdjson::STRING_ERROR) {
      Problem(path.str(), "invalid escape in the string (e.g. a lone surrogate such as \\ud800)");
      return SUCCESS;
    }
    if (err) return err;
  }
  if (text.size() > max_bytes) {
    Problem(path.str(), "longer than " + std::to_string(max_bytes) + " bytes (got " +
                            std::to_string(text.size()) + ")");
    return SUCCESS;
  }
  usable = true;
  return SUCCESS;
}

}  // namespace mltrack::ingest
