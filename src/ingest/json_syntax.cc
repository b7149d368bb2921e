#include "ingest/json_syntax.h"

#include <algorithm>
#include <cctype>

namespace mltrack::ingest {
namespace {

constexpr int kMaxDepth = 1024;

class SyntaxChecker {
 public:
  explicit SyntaxChecker(std::string_view text) : text_(text) {}

  std::optional<JsonSyntaxError> Check() {
    SkipSpace();
    if (pos_ == text_.size()) return Fail("empty input; expected a JSON value");
    if (!Value(0)) return error_;
    SkipSpace();
    if (pos_ != text_.size()) return Fail("unexpected content after the JSON value");
    return std::nullopt;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }

  void SkipSpace() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' || Peek() == '\r')) {
      ++pos_;
    }
  }

  std::optional<JsonSyntaxError> Fail(std::string what) {
    error_ = JsonSyntaxError{pos_, std::move(what)};
    return error_;
  }
  bool Error(std::string what) {
    Fail(std::move(what));
    return false;
  }

  bool Value(int depth) {
    if (AtEnd()) return Error("unexpected end of input; expected a value");
    switch (Peek()) {
      case '{': return Object(depth + 1);
      case '[': return Array(depth + 1);
      case '"': return String();
      case 't': return Literal("true");
      case 'f': return Literal("false");
      case 'n': return Literal("null");
      default:
        if (Peek() == '-' || (Peek() >= '0' && Peek() <= '9')) return Number();
        return Error(std::string("unexpected character '") + Printable(Peek()) +
                     "'; expected a value");
    }
  }

  static std::string Printable(char c) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) {
      static constexpr char kHex[] = "0123456789abcdef";
      const auto byte = static_cast<unsigned char>(c);
      return std::string("\\x") + kHex[byte >> 4] + kHex[byte & 15];
    }
    return std::string(1, c);
  }

  bool Object(int depth) {
    if (depth > kMaxDepth) return Error("nested deeper than 1024 levels");
    ++pos_;  // '{'
    SkipSpace();
    if (!AtEnd() && Peek() == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipSpace();
      if (AtEnd() || Peek() != '"') {
        return Error(AtEnd() ? "unexpected end of input; expected '\"' to start a key"
                             : "expected '\"' to start a key");
      }
      if (!String()) return false;
      SkipSpace();
      if (AtEnd() || Peek() != ':') return Error("expected ':' after the key");
      ++pos_;
      SkipSpace();
      if (!Value(depth)) return false;
      SkipSpace();
      if (AtEnd()) return Error("unexpected end of input; expected ',' or '}'");
      if (Peek() == '}') {
        ++pos_;
        return true;
      }
      if (Peek() != ',') return Error("expected ',' or '}'");
      ++pos_;
    }
  }

  bool Array(int depth) {
    if (depth > kMaxDepth) return Error("nested deeper than 1024 levels");
    ++pos_;  // '['
    SkipSpace();
    if (!AtEnd() && Peek() == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipSpace();
      if (!Value(depth)) return false;
      SkipSpace();
      if (AtEnd()) return Error("unexpected end of input; expected ',' or ']'");
      if (Peek() == ']') {
        ++pos_;
        return true;
      }
      if (Peek() != ',') return Error("expected ',' or ']'");
      ++pos_;
    }
  }

  bool String() {
    const size_t start = pos_;
    ++pos_;  // opening quote
    while (!AtEnd()) {
      const auto c = static_cast<unsigned char>(Peek());
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return Error("control character in a string; escape it");
      if (c == '\\') {
        ++pos_;
        if (AtEnd()) break;
        const char escape = Peek();
        if (escape == 'u') {
          for (int hex_idx = 1; hex_idx <= 4; ++hex_idx) {
            const size_t at = pos_ + hex_idx;
            if (at >= text_.size() || !std::isxdigit(static_cast<unsigned char>(text_[at]))) {
              return Error("invalid \\u escape; expected 4 hex digits");
            }
          }
          pos_ += 4;
        } else if (std::string_view("\"\\/bfnrt").find(escape) == std::string_view::npos) {
          return Error(std::string("invalid escape '\\") + Printable(escape) + "'");
        }
      }
      ++pos_;
    }
    pos_ = start;
    return Error("unterminated string");
  }

  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) {
      return Error("invalid literal; expected true, false or null");
    }
    pos_ += word.size();
    return true;
  }

  bool Digits() {
    const size_t start = pos_;
    while (!AtEnd() && Peek() >= '0' && Peek() <= '9') ++pos_;
    return pos_ > start;
  }

  bool Number() {
    if (Peek() == '-') ++pos_;
    if (AtEnd() || Peek() < '0' || Peek() > '9') return Error("invalid number; expected a digit");
    if (Peek() == '0') {
      ++pos_;
      if (!AtEnd() && Peek() >= '0' && Peek() <= '9') return Error("invalid number; leading zero");
    } else {
      Digits();
    }
    if (!AtEnd() && Peek() == '.') {
      ++pos_;
      if (!Digits()) return Error("invalid number; expected a digit after '.'");
    }
    if (!AtEnd() && (Peek() == 'e' || Peek() == 'E')) {
      ++pos_;
      if (!AtEnd() && (Peek() == '+' || Peek() == '-')) ++pos_;
      if (!Digits()) return Error("invalid number; expected a digit in the exponent");
    }
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
  JsonSyntaxError error_;
};

}  // namespace

std::optional<JsonSyntaxError> FindJsonSyntaxError(std::string_view text) {
  return SyntaxChecker(text).Check();
}

TextPosition PositionOf(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  TextPosition position;
  const std::string_view before = text.substr(0, offset);
  position.line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
  const size_t line_start = before.rfind('\n');
  position.column = line_start == std::string_view::npos ? offset + 1 : offset - line_start;
  return position;
}

}  // namespace mltrack::ingest
