#include "server/config/toml.h"

#include <charconv>
#include <cstdint>
#include <set>
#include <utility>

namespace mltrack::server::config {
namespace {

bool IsBareKeyChar(char ch) {
  return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
}
bool IsDigit(char ch) { return ch >= '0' && ch <= '9'; }

void AppendUtf8(uint32_t code, std::string& out) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// A cursor over the whole text (arrays may span lines); every error names the current line.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<std::vector<TomlEntry>> Parse() {
    std::vector<TomlEntry> entries;
    std::string table;
    std::set<std::string> tables;
    std::set<std::pair<std::string, std::string>> keys;
    while (pos_ < text_.size()) {
      SkipSpaces();
      if (AtLineEnd()) {
        MLTRACK_RETURN_IF_ERROR(EndLine());
        continue;
      }
      if (Peek() == '[') {
        Result<std::string> header = ParseTableHeader();
        if (!header.ok()) return header.status();
        if (!tables.insert(*header).second) return Error("table [" + *header + "] is given twice");
        table = std::move(*header);
        MLTRACK_RETURN_IF_ERROR(EndLine());
        continue;
      }
      TomlEntry entry;
      entry.table = table;
      entry.line = line_;
      Result<std::string> key = ParseKey();
      if (!key.ok()) return key.status();
      entry.key = std::move(*key);
      SkipSpaces();
      if (Peek() != '=') return Error("expected = after the key \"" + entry.key + "\"");
      ++pos_;
      SkipSpaces();
      Result<TomlValue> value = ParseValue(entry.key);
      if (!value.ok()) return value.status();
      entry.value = std::move(*value);
      if (!keys.insert({entry.table, entry.key}).second) {
        return Status::InvalidArgument("line " + std::to_string(entry.line) + ": key \"" + entry.key + "\" is given twice" +
                                       (table.empty() ? std::string() : " in [" + table + "]"));
      }
      MLTRACK_RETURN_IF_ERROR(EndLine());
      entries.push_back(std::move(entry));
    }
    return entries;
  }

 private:
  char Peek(size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  bool AtLineEnd() const { return pos_ >= text_.size() || Peek() == '\n' || Peek() == '#' || Peek() == '\r'; }
  Status Error(const std::string& reason) const {
    return Status::InvalidArgument("line " + std::to_string(line_) + ": " + reason);
  }

  void SkipSpaces() {
    while (Peek() == ' ' || Peek() == '\t') ++pos_;
  }
  // Spaces, comments and newlines (inside an array).
  Status SkipBlank() {
    for (;;) {
      SkipSpaces();
      if (Peek() == '#' || Peek() == '\n' || Peek() == '\r') {
        MLTRACK_RETURN_IF_ERROR(EndLine());
        continue;
      }
      return Status::OK();
    }
  }
  // A comment up to the end of the line, the newline itself; anything else is an error.
  Status EndLine() {
    SkipSpaces();
    if (Peek() == '#') {
      while (pos_ < text_.size() && Peek() != '\n') {
        const unsigned char ch = static_cast<unsigned char>(Peek());
        if (ch < 0x20 && ch != '\t' && ch != '\r') return Error("control character in a comment");
        ++pos_;
      }
    }
    if (Peek() == '\r' && Peek(1) == '\n') ++pos_;
    if (pos_ >= text_.size()) return Status::OK();
    if (Peek() != '\n') return Error("unexpected text \"" + std::string(Rest()) + "\" after the value");
    ++pos_;
    ++line_;
    return Status::OK();
  }
  std::string_view Rest() const {
    const size_t end = text_.find('\n', pos_);
    std::string_view rest = text_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_);
    return rest.size() > 40 ? rest.substr(0, 40) : rest;
  }

  Result<std::string> ParseKey() {
    if (Peek() == '"' || Peek() == '\'') return Error("quoted keys are not supported; use a bare key such as max-body");
    const size_t start = pos_;
    while (IsBareKeyChar(Peek())) ++pos_;
    if (pos_ == start) return Error("expected a key (letters, digits, - and _), found \"" + std::string(Rest()) + "\"");
    std::string key(text_.substr(start, pos_ - start));
    SkipSpaces();
    if (Peek() == '.') return Error("dotted keys (" + key + ".…) are not supported; use a [table]");
    return key;
  }

  Result<std::string> ParseTableHeader() {
    ++pos_;  // '['
    if (Peek() == '[') return Error("arrays of tables ([[...]]) are not supported");
    SkipSpaces();
    Result<std::string> name = ParseKey();
    if (!name.ok()) return name.status();
    SkipSpaces();
    if (Peek() != ']') return Error("expected ] after the table name \"" + *name + "\"");
    ++pos_;
    return name;
  }

  Result<TomlValue> ParseValue(const std::string& key) {
    const char ch = Peek();
    if (ch == '"' || ch == '\'') {
      Result<std::string> text = ParseString();
      if (!text.ok()) return text.status();
      return TomlValue(std::move(*text));
    }
    if (ch == '[') return ParseArray();
    if (ch == '{') return Error("inline tables are not supported; use a [table]");
    if (text_.substr(pos_).starts_with("true") && !IsBareKeyChar(Peek(4))) {
      pos_ += 4;
      return TomlValue(true);
    }
    if (text_.substr(pos_).starts_with("false") && !IsBareKeyChar(Peek(5))) {
      pos_ += 5;
      return TomlValue(false);
    }
    if (IsDigit(ch) || ch == '+' || ch == '-') return ParseNumber();
    if (AtLineEnd()) return Error("the key \"" + key + "\" has no value");
    return Error("\"" + std::string(Rest()) + "\" is not a value: quote a string, as in " + key + " = \"...\"");
  }

  Result<std::string> ParseString() {
    const char quote = Peek();
    if (Peek(1) == quote && Peek(2) == quote) return Error("multi-line strings are not supported");
    ++pos_;
    std::string out;
    for (;;) {
      if (pos_ >= text_.size() || Peek() == '\n') return Error("the string is not closed on its line");
      const char ch = text_[pos_++];
      if (ch == quote) return out;
      if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t') return Error("control character in a string");
      if (ch != '\\' || quote == '\'') {
        out += ch;
        continue;
      }
      const char escaped = Peek();
      ++pos_;
      switch (escaped) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u':
        case 'U': {
          const size_t digits = escaped == 'u' ? 4 : 8;
          uint32_t code = 0;
          const std::string_view hex = text_.substr(pos_, digits);
          auto [ptr, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), code, 16);
          if (hex.size() != digits || ec != std::errc() || ptr != hex.data() + hex.size() || code > 0x10FFFF ||
              (code >= 0xD800 && code <= 0xDFFF)) {
            return Error("bad \\" + std::string(1, escaped) + " escape in a string");
          }
          pos_ += digits;
          AppendUtf8(code, out);
          break;
        }
        default:
          return Error("unknown escape \\" + std::string(1, escaped) + " in a string");
      }
    }
  }

  Result<TomlValue> ParseArray() {
    ++pos_;  // '['
    std::vector<std::string> items;
    for (;;) {
      MLTRACK_RETURN_IF_ERROR(SkipBlank());
      if (Peek() == ']') break;
      if (pos_ >= text_.size()) return Error("the array is not closed");
      if (Peek() != '"' && Peek() != '\'') return Error("arrays may hold only strings");
      Result<std::string> item = ParseString();
      if (!item.ok()) return item.status();
      items.push_back(std::move(*item));
      MLTRACK_RETURN_IF_ERROR(SkipBlank());
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (Peek() != ']') return Error("expected , or ] in the array");
    }
    ++pos_;
    return TomlValue(std::move(items));
  }

  Result<TomlValue> ParseNumber() {
    const size_t start = pos_;
    while (IsBareKeyChar(Peek()) || Peek() == '.' || Peek() == '+' || Peek() == ':') ++pos_;
    const std::string_view raw = text_.substr(start, pos_ - start);
    std::string digits;
    bool is_float = false;
    for (size_t idx = 0; idx < raw.size(); ++idx) {
      const char ch = raw[idx];
      if (ch == '_') {
        if (idx == 0 || idx + 1 == raw.size() || !IsDigit(raw[idx - 1]) || !IsDigit(raw[idx + 1])) {
          return Error("\"" + std::string(raw) + "\" is not a number: _ must sit between digits");
        }
        continue;
      }
      if (ch == '.' || ch == 'e' || ch == 'E') is_float = true;
      digits += ch;
    }
    const std::string invalid = "\"" + std::string(raw) + "\" is not a number (durations and sizes are strings: \"30s\", \"16MiB\")";
    if (raw.find(':') != std::string_view::npos || (raw.size() > 4 && raw[4] == '-' && IsDigit(raw[0]))) {
      return Error("dates and times are not supported; " + invalid);
    }
    const char* begin = digits.data() + (digits.starts_with('+') ? 1 : 0);
    const char* end = digits.data() + digits.size();
    const char* unsigned_begin = begin + (*begin == '-' ? 1 : 0);
    if (end - unsigned_begin > 1 && *unsigned_begin == '0' && unsigned_begin[1] != '.' && unsigned_begin[1] != 'e' &&
        unsigned_begin[1] != 'E') {
      return Error("\"" + std::string(raw) + "\" is not a number: leading zeros are not allowed");
    }
    if (is_float) {
      double value = 0;
      auto [ptr, ec] = std::from_chars(begin, end, value);
      if (ec != std::errc() || ptr != end || !IsDigit(*unsigned_begin)) return Error(invalid);
      return TomlValue(value);
    }
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec == std::errc::result_out_of_range) return Error("\"" + std::string(raw) + "\" is out of the 64-bit range");
    if (ec != std::errc() || ptr != end) return Error(invalid);
    return TomlValue(value);
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

Result<std::vector<TomlEntry>> ParseToml(std::string_view text) { return Parser(text).Parse(); }

const char* TomlTypeName(const TomlValue& value) {
  switch (value.index()) {
    case 0: return "string";
    case 1: return "integer";
    case 2: return "float";
    case 3: return "boolean";
    default: return "array of strings";
  }
}

}  // namespace mltrack::server::config
