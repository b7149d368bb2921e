#include "core/price_match.h"

#include <algorithm>
#include <cctype>

namespace mltrack {

MatchRule MatchRule::Text(Kind kind, std::string_view text) {
  MatchRule rule;
  rule.kind_ = kind;
  // The operand is lower-cased but not trimmed, as upstream compares it.
  rule.text_.reserve(text.size());
  for (char c : text)
    rule.text_.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return rule;
}

MatchRule MatchRule::Regex(const std::string& pattern) {
  MatchRule rule;
  rule.kind_ = Kind::kRegex;
  rule.text_ = pattern;
  rule.regex_ = std::make_shared<const std::regex>(pattern, std::regex::ECMAScript);
  return rule;
}

MatchRule MatchRule::Any(std::vector<MatchRule> children) {
  MatchRule rule;
  rule.kind_ = Kind::kOr;
  rule.children_ = std::move(children);
  return rule;
}

MatchRule MatchRule::All(std::vector<MatchRule> children) {
  MatchRule rule;
  rule.kind_ = Kind::kAnd;
  rule.children_ = std::move(children);
  return rule;
}

bool MatchRule::Matches(std::string_view name) const {
  switch (kind_) {
    case Kind::kNever:
      return false;
    case Kind::kEquals:
      return name == text_;
    case Kind::kStartsWith:
      return name.starts_with(text_);
    case Kind::kEndsWith:
      return name.ends_with(text_);
    case Kind::kContains:
      return name.find(text_) != std::string_view::npos;
    case Kind::kRegex:
      return std::regex_search(name.begin(), name.end(), *regex_);
    case Kind::kOr:
      return std::any_of(children_.begin(), children_.end(),
                         [name](const MatchRule& child) { return child.Matches(name); });
    case Kind::kAnd:
      return std::all_of(children_.begin(), children_.end(),
                         [name](const MatchRule& child) { return child.Matches(name); });
  }
  return false;
}

std::string NormalizePriceName(std::string_view name) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!name.empty() && is_space(name.front())) name.remove_prefix(1);
  while (!name.empty() && is_space(name.back())) name.remove_suffix(1);
  std::string out(name);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

namespace {

bool IsDigits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int ToInt(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

bool IsValidDate(int year, int month, int day) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max_day = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max_day;
}

}  // namespace

std::string ExpandCompactDates(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 4);
  size_t pos = 0;
  while (pos < name.size()) {
    // "-20YYMMDD" followed by '-', ':' or the end of the name.
    if (name[pos] == '-' && pos + 9 <= name.size() && name.substr(pos + 1, 2) == "20" &&
        IsDigits(name.substr(pos + 1, 8)) &&
        (pos + 9 == name.size() || name[pos + 9] == '-' || name[pos + 9] == ':')) {
      std::string_view digits = name.substr(pos + 1, 8);
      int year = ToInt(digits.substr(0, 4));
      int month = ToInt(digits.substr(4, 2));
      int day = ToInt(digits.substr(6, 2));
      if (IsValidDate(year, month, day)) {
        out.append("-").append(digits.substr(0, 4)).append("-").append(digits.substr(4, 2));
        out.append("-").append(digits.substr(6, 2));
        pos += 9;
        continue;
      }
    }
    out.push_back(name[pos]);
    ++pos;
  }
  return out;
}

}  // namespace mltrack
