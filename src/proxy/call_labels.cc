#include "proxy/call_labels.h"

#include <charconv>

#include "core/event.h"
#include "ingest/utf8.h"

namespace mltrack::proxy {
namespace {

constexpr std::string_view kPrefix = "x-mltrack-";

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A value the event may carry: UTF-8, no control characters (which could only be there to forge
// something: a header, a log line, a CSV row), at most `max_bytes`. Empty when fine.
std::string ValueProblem(std::string_view value, size_t max_bytes) {
  if (value.size() > max_bytes) {
    return "longer than " + std::to_string(max_bytes) + " bytes (" + std::to_string(value.size()) + ")";
  }
  if (!ingest::FindInvalidUtf8(value).empty()) return "not valid UTF-8";
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) return "contains a control character";
  }
  return {};
}

bool IsTagKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

}  // namespace

bool IsMltrackHeader(std::string_view name) {
  return name.size() >= kPrefix.size() && Lower(name.substr(0, kPrefix.size())) == kPrefix;
}

Result<CallLabels> ReadCallLabels(const std::vector<std::pair<std::string, std::string>>& headers,
                                  std::chrono::seconds max_ttl) {
  CallLabels labels;
  std::vector<ErrorDetail> problems;
  std::vector<std::string> seen;
  auto problem = [&problems](std::string_view name, std::string reason) {
    problems.push_back(ErrorDetail{-1, std::string(name), std::move(reason)});
  };
  for (const auto& [name, raw_value] : headers) {
    if (!IsMltrackHeader(name)) continue;
    const std::string key = Lower(name.substr(kPrefix.size()));
    bool repeated = false;
    for (const std::string& earlier : seen) repeated |= earlier == key;
    if (repeated) {
      problem(name, "repeated (send each X-MLtrack header once)");
      continue;
    }
    seen.push_back(key);
    std::string_view value = raw_value;
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    const bool is_tag = key.starts_with("tag-");
    if (std::string why = ValueProblem(value, kMaxStringBytes); !why.empty()) {
      problem(name, why);
      continue;
    }
    if (key == "user") {
      labels.user = value;
    } else if (key == "experiment") {
      labels.experiment = value;
    } else if (key == "session") {
      labels.session = value;
    } else if (key == "team") {
      labels.team = value;
    } else if (key == "cache") {
      const std::string mode = Lower(value);
      if (mode != "on" && mode != "off") {
        problem(name, "must be on or off");
      } else {
        labels.cache = mode == "on";
      }
    } else if (key == "cache-ttl") {
      int64_t seconds = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (ec != std::errc() || end != value.data() + value.size() || seconds < 1 || seconds > max_ttl.count()) {
        problem(name, "must be a whole number of seconds from 1 to " + std::to_string(max_ttl.count()));
      } else {
        labels.cache_ttl = std::chrono::seconds(seconds);
      }
    } else if (key == "key") {
      // The MLtrack API key (server/auth): checked before the call gets here; never forwarded.
    } else if (is_tag) {
      const std::string tag_key = key.substr(4);
      bool valid_key = !tag_key.empty() && tag_key.size() <= kMaxKeyBytes;
      for (char c : tag_key) valid_key &= IsTagKeyChar(c);
      if (!valid_key) {
        problem(name, "the tag key must be 1 to " + std::to_string(kMaxKeyBytes) + " of a-z, 0-9, _ . -");
      } else if (labels.tags.size() == kMaxTagsPerEvent) {
        problem(name, "more than " + std::to_string(kMaxTagsPerEvent) + " tags");
      } else if (!value.empty()) {
        labels.tags.emplace_back(tag_key, std::string(value));
      }
    } else {
      problem(name, "unknown X-MLtrack header; known: X-MLtrack-User, -Experiment, -Session, -Team, "
                    "-Tag-<key>, -Cache, -Cache-TTL, -Key");
    }
  }
  if (!problems.empty()) {
    const std::string count = std::to_string(problems.size());
    return Status::InvalidArgument(count + (problems.size() == 1 ? " X-MLtrack header is" : " X-MLtrack headers are") +
                                       " invalid; the call was not forwarded",
                                   std::move(problems));
  }
  return labels;
}

}  // namespace mltrack::proxy
