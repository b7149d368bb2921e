#include "mlflow/search_filter.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <span>

namespace mltrack::mlflow {
namespace {

constexpr const char* kRunStringAttributes[] = {"run_id", "run_name", "status", "user_id", "lifecycle_stage"};
constexpr const char* kRunNumberAttributes[] = {"start_time", "end_time"};

Status FilterError(std::string_view field, const std::string& reason) {
  return Status::InvalidArgument("Invalid " + std::string(field) + ": " + reason, {{-1, std::string(field), reason}});
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

bool Contains(std::span<const char* const> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// A hand-written scanner over the filter text; positions in errors are 0-based characters.
class Scanner {
 public:
  Scanner(std::string_view text, std::string_view field) : text_(text), field_(field) {}

  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ >= text_.size();
  }
  size_t pos() const { return pos_; }
  Status Error(const std::string& what) const {
    return FilterError(field_, what + " at character " + std::to_string(pos_) + " of \"" + std::string(text_) + "\"");
  }

  // A quoted string ('...' or "..."; a doubled quote or a backslash escapes the quote).
  Result<std::string> Quoted() {
    SkipSpace();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"' && text_[pos_] != '`')) {
      return Error("expected a quoted string");
    }
    const char quote = text_[pos_++];
    std::string out;
    while (pos_ < text_.size()) {
      char ch = text_[pos_++];
      if (ch == '\\' && pos_ < text_.size()) {
        out += text_[pos_++];
      } else if (ch == quote) {
        if (pos_ < text_.size() && text_[pos_] == quote) {
          out += quote;
          ++pos_;
        } else {
          return out;
        }
      } else {
        out += ch;
      }
    }
    return Error("unterminated string");
  }

  // A bare word of letters, digits, '_' and '.'.
  std::string Word() {
    SkipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_' ||
                                   text_[pos_] == '.' || text_[pos_] == '-' || text_[pos_] == '+')) {
      ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  // `prefix.key`, the key bare or quoted (backticks or double quotes).
  Result<std::pair<std::string, std::string>> Identifier() {
    SkipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) ++pos_;
    std::string prefix(text_.substr(start, pos_ - start));
    if (prefix.empty()) return Error("expected a key such as metrics.<name>");
    if (pos_ >= text_.size() || text_[pos_] != '.') return std::make_pair(std::string(), prefix);
    ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '`' || text_[pos_] == '"')) {
      Result<std::string> key = Quoted();
      if (!key.ok()) return key.status();
      return std::make_pair(prefix, *key);
    }
    std::string key;
    while (pos_ < text_.size() && !std::isspace(static_cast<unsigned char>(text_[pos_])) &&
           std::string_view("=!<>").find(text_[pos_]) == std::string_view::npos) {
      key += text_[pos_++];
    }
    if (key.empty()) return Error("expected a key after \"" + prefix + ".\"");
    return std::make_pair(prefix, key);
  }

  std::string Operator() {
    SkipSpace();
    for (std::string_view op : {"!=", "<=", ">=", "=", "<", ">"}) {
      if (text_.substr(pos_, op.size()) == op) {
        pos_ += op.size();
        return std::string(op);
      }
    }
    size_t save = pos_;
    std::string word = Upper(Word());
    if (word == "NOT") {
      if (Upper(Word()) == "IN") return "NOT IN";
    } else if (word == "LIKE" || word == "ILIKE" || word == "IN") {
      return word;
    }
    pos_ = save;
    return "";
  }

  bool Peek(char ch) {
    SkipSpace();
    return pos_ < text_.size() && text_[pos_] == ch;
  }
  void Skip() { ++pos_; }

 private:
  std::string_view text_;
  std::string_view field_;
  size_t pos_ = 0;
};

std::optional<KeyKind> KindOf(std::string_view prefix) {
  std::string lower(prefix);
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower.empty() || lower == "attribute" || lower == "attributes" || lower == "attr" || lower == "run") {
    return KeyKind::kAttribute;
  }
  if (lower == "metric" || lower == "metrics") return KeyKind::kMetric;
  if (lower == "param" || lower == "params" || lower == "parameter" || lower == "parameters") return KeyKind::kParam;
  if (lower == "tag" || lower == "tags") return KeyKind::kTag;
  return std::nullopt;
}

enum class Target { kRuns, kExperiments };

// Checks that `comparison` makes sense for its key; the value is already read.
Status CheckComparison(const Comparison& comparison, Target target, Scanner& scanner) {
  const std::string& op = comparison.op;
  const bool in_list = op == "IN" || op == "NOT IN";
  const bool like = op == "LIKE" || op == "ILIKE";
  const bool ordering = op == "<" || op == "<=" || op == ">" || op == ">=";
  bool numeric = false;
  if (comparison.kind == KeyKind::kMetric) {
    if (target == Target::kExperiments) return scanner.Error("experiments have no metrics");
    numeric = true;
  } else if (comparison.kind == KeyKind::kParam && target == Target::kExperiments) {
    return scanner.Error("experiments have no params");
  } else if (comparison.kind == KeyKind::kAttribute) {
    if (target == Target::kExperiments) {
      if (comparison.key != "name") return scanner.Error("unknown experiment attribute \"" + comparison.key + "\" (name is known)");
    } else if (Contains(kRunNumberAttributes, comparison.key)) {
      numeric = true;
    } else if (!Contains(kRunStringAttributes, comparison.key)) {
      return scanner.Error("unknown attribute \"" + comparison.key +
                           "\" (run_id, run_name, status, user_id, lifecycle_stage, start_time, end_time are known)");
    }
  }
  if (numeric) {
    if (!comparison.number) return scanner.Error("\"" + comparison.key + "\" is compared with numbers");
    if (in_list || like) return scanner.Error(op + " does not apply to the number \"" + comparison.key + "\"");
    return Status::OK();
  }
  if (comparison.number) return scanner.Error("\"" + comparison.key + "\" is compared with a quoted string");
  if (ordering) return scanner.Error(op + " does not apply to the string \"" + comparison.key + "\"");
  if (in_list && !(comparison.kind == KeyKind::kAttribute && target == Target::kRuns)) {
    return scanner.Error(op + " applies to run attributes only");
  }
  return Status::OK();
}

Result<SearchFilter> ParseFilter(std::string_view text, Target target) {
  SearchFilter filter;
  Scanner scanner(text, "filter");
  if (scanner.AtEnd()) return filter;
  while (true) {
    Result<std::pair<std::string, std::string>> identifier = scanner.Identifier();
    if (!identifier.ok()) return identifier.status();
    std::optional<KeyKind> kind = KindOf(identifier->first);
    if (!kind) return scanner.Error("unknown key type \"" + identifier->first + "\" (metrics, params, tags, attributes)");
    Comparison comparison;
    comparison.kind = *kind;
    comparison.key = identifier->second;
    comparison.op = scanner.Operator();
    if (comparison.op.empty()) return scanner.Error("expected a comparison (=, !=, <, <=, >, >=, LIKE, ILIKE, IN)");
    if (comparison.op == "IN" || comparison.op == "NOT IN") {
      if (!scanner.Peek('(')) return scanner.Error("expected ( after " + comparison.op);
      scanner.Skip();
      do {
        if (scanner.Peek(',')) scanner.Skip();
        Result<std::string> item = scanner.Quoted();
        if (!item.ok()) return item.status();
        comparison.strings.push_back(*item);
      } while (scanner.Peek(','));
      if (!scanner.Peek(')')) return scanner.Error("expected )");
      scanner.Skip();
    } else if (scanner.Peek('\'') || scanner.Peek('"')) {
      Result<std::string> value = scanner.Quoted();
      if (!value.ok()) return value.status();
      comparison.strings.push_back(*value);
    } else {
      std::string word = scanner.Word();
      double number = 0;
      auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), number);
      if (word.empty() || ec != std::errc() || end != word.data() + word.size()) {
        return scanner.Error("expected a number or a quoted string");
      }
      comparison.number = number;
    }
    MLTRACK_RETURN_IF_ERROR(CheckComparison(comparison, target, scanner));
    filter.push_back(std::move(comparison));
    if (scanner.AtEnd()) return filter;
    if (Upper(scanner.Word()) != "AND") return scanner.Error("expected AND (OR is not supported by MLflow)");
  }
}

// SQL LIKE: % any run, _ one character.
bool Like(std::string_view text, std::string_view pattern, bool fold) {
  auto same = [fold](char a, char b) {
    return fold ? std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b)) : a == b;
  };
  size_t t = 0, p = 0, star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '_' || (pattern[p] != '%' && same(pattern[p], text[t])))) {
      ++t;
      ++p;
    } else if (p < pattern.size() && pattern[p] == '%') {
      star_p = p++;
      star_t = t;
    } else if (star_p != std::string_view::npos) {
      p = star_p + 1;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

bool CompareString(const Comparison& comparison, const std::optional<std::string>& value) {
  if (!value) return false;  // a run without the param or tag never matches, as in MLflow
  const std::string& op = comparison.op;
  if (op == "IN" || op == "NOT IN") {
    bool found = std::find(comparison.strings.begin(), comparison.strings.end(), *value) != comparison.strings.end();
    return op == "IN" ? found : !found;
  }
  const std::string& wanted = comparison.strings.front();
  if (op == "=") return *value == wanted;
  if (op == "!=") return *value != wanted;
  return Like(*value, wanted, op == "ILIKE");
}

bool CompareNumber(const Comparison& comparison, std::optional<double> value) {
  if (!value) return false;
  const double wanted = *comparison.number;
  const std::string& op = comparison.op;
  if (op == "=") return *value == wanted;
  if (op == "!=") return *value != wanted;
  if (op == "<") return *value < wanted;
  if (op == "<=") return *value <= wanted;
  if (op == ">") return *value > wanted;
  return *value >= wanted;
}

template <typename Map>
std::optional<std::string> Lookup(const Map& map, const std::string& key) {
  auto found = map.find(key);
  if (found == map.end()) return std::nullopt;
  return found->second;
}

std::optional<std::string> StringAttribute(const Run& run, const std::string& key) {
  if (key == "run_id") return run.run_id;
  if (key == "run_name") return run.run_name;
  if (key == "status") return std::string(RunStatusName(run.status));
  if (key == "user_id") return run.user_id;
  if (key == "lifecycle_stage") return std::string(run.deleted ? "deleted" : "active");
  return std::nullopt;
}

std::optional<double> NumberAttribute(const Run& run, const std::string& key) {
  if (key == "start_time") return static_cast<double>(run.start_time);
  if (key == "end_time" && run.end_time) return static_cast<double>(*run.end_time);
  return std::nullopt;
}

std::optional<double> MetricValue(const Run& run, const std::string& key) {
  auto found = run.metrics.find(key);
  if (found == run.metrics.end()) return std::nullopt;
  return found->second.value;
}

}  // namespace

Result<SearchFilter> ParseRunFilter(std::string_view text) { return ParseFilter(text, Target::kRuns); }
Result<SearchFilter> ParseExperimentFilter(std::string_view text) { return ParseFilter(text, Target::kExperiments); }

bool RunMatches(const SearchFilter& filter, const Run& run) {
  for (const Comparison& comparison : filter) {
    bool holds = false;
    switch (comparison.kind) {
      case KeyKind::kMetric:
        holds = CompareNumber(comparison, MetricValue(run, comparison.key));
        break;
      case KeyKind::kParam:
        holds = CompareString(comparison, Lookup(run.params, comparison.key));
        break;
      case KeyKind::kTag:
        holds = CompareString(comparison, Lookup(run.tags, comparison.key));
        break;
      case KeyKind::kAttribute:
        holds = comparison.number ? CompareNumber(comparison, NumberAttribute(run, comparison.key))
                                  : CompareString(comparison, StringAttribute(run, comparison.key));
        break;
    }
    if (!holds) return false;
  }
  return true;
}

bool ExperimentMatches(const SearchFilter& filter, const Experiment& experiment) {
  for (const Comparison& comparison : filter) {
    std::optional<std::string> value =
        comparison.kind == KeyKind::kTag ? Lookup(experiment.tags, comparison.key) : experiment.name;
    if (!CompareString(comparison, value)) return false;
  }
  return true;
}

Result<std::vector<OrderKey>> ParseRunOrder(const std::vector<std::string>& entries) {
  std::vector<OrderKey> order;
  for (const std::string& entry : entries) {
    Scanner scanner(entry, "order_by");
    Result<std::pair<std::string, std::string>> identifier = scanner.Identifier();
    if (!identifier.ok()) return identifier.status();
    std::optional<KeyKind> kind = KindOf(identifier->first);
    if (!kind) return scanner.Error("unknown key type \"" + identifier->first + "\" (metrics, params, tags, attributes)");
    OrderKey key{*kind, identifier->second, true};
    if (key.kind == KeyKind::kAttribute && !Contains(kRunStringAttributes, key.key) &&
        !Contains(kRunNumberAttributes, key.key)) {
      return scanner.Error("unknown attribute \"" + key.key + "\"");
    }
    if (!scanner.AtEnd()) {
      std::string direction = Upper(scanner.Word());
      if (direction != "ASC" && direction != "DESC") return scanner.Error("expected ASC or DESC");
      key.ascending = direction == "ASC";
    }
    if (!scanner.AtEnd()) return scanner.Error("unexpected text after the direction");
    order.push_back(std::move(key));
  }
  return order;
}

void SortRuns(std::vector<Run>& runs, const std::vector<OrderKey>& order) {
  // -1: a before b, 1: b before a, 0: tie on this key. Missing values go last either way.
  auto compare_key = [](const OrderKey& key, const Run& a, const Run& b) -> int {
    std::optional<double> number_a, number_b;
    std::optional<std::string> text_a, text_b;
    switch (key.kind) {
      case KeyKind::kMetric:
        number_a = MetricValue(a, key.key), number_b = MetricValue(b, key.key);
        break;
      case KeyKind::kParam:
        text_a = Lookup(a.params, key.key), text_b = Lookup(b.params, key.key);
        break;
      case KeyKind::kTag:
        text_a = Lookup(a.tags, key.key), text_b = Lookup(b.tags, key.key);
        break;
      case KeyKind::kAttribute:
        if (Contains(kRunNumberAttributes, key.key)) {
          number_a = NumberAttribute(a, key.key), number_b = NumberAttribute(b, key.key);
        } else {
          text_a = StringAttribute(a, key.key), text_b = StringAttribute(b, key.key);
        }
        break;
    }
    const bool has_a = number_a || text_a, has_b = number_b || text_b;
    if (has_a != has_b) return has_a ? -1 : 1;
    if (!has_a) return 0;
    int cmp = number_a ? (*number_a < *number_b ? -1 : *number_a > *number_b ? 1 : 0) : text_a->compare(*text_b);
    cmp = cmp < 0 ? -1 : cmp > 0 ? 1 : 0;
    return key.ascending ? cmp : -cmp;
  };
  std::stable_sort(runs.begin(), runs.end(), [&](const Run& a, const Run& b) {
    for (const OrderKey& key : order) {
      if (int cmp = compare_key(key, a, b); cmp != 0) return cmp < 0;
    }
    if (a.start_time != b.start_time) return a.start_time > b.start_time;
    return a.run_id < b.run_id;
  });
}

}  // namespace mltrack::mlflow
