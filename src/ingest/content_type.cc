#include "ingest/content_type.h"

#include <string>

namespace mltrack::ingest {
namespace {

constexpr std::string_view kAccepted =
    "application/json, application/x-ndjson, application/jsonl or text/plain";

std::string_view Trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Checks `; name=value` parameters; only charset has a meaning for us.
Status CheckParameters(std::string_view params, std::string_view media_type) {
  while (!params.empty()) {
    const size_t semicolon = params.find(';');
    const std::string_view param = Trim(params.substr(0, semicolon));
    params = semicolon == std::string_view::npos ? std::string_view() : params.substr(semicolon + 1);
    const size_t equals = param.find('=');
    if (equals == std::string_view::npos) continue;
    if (Lower(Trim(param.substr(0, equals))) != "charset") continue;
    std::string charset = Lower(Trim(param.substr(equals + 1)));
    if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') {
      charset = charset.substr(1, charset.size() - 2);
    }
    if (charset != "utf-8" && charset != "utf8" && charset != "us-ascii") {
      return Status::UnsupportedMediaType("unsupported charset \"" + charset + "\" for " +
                                          std::string(media_type) + ": event bodies must be utf-8");
    }
  }
  return Status::OK();
}

}  // namespace

std::string_view BodyFormatName(BodyFormat format) {
  return format == BodyFormat::kNdjson ? "ndjson" : "json";
}

Result<BodyFormat> BodyFormatFromContentType(std::string_view content_type) {
  const size_t semicolon = content_type.find(';');
  const std::string media_type = Lower(Trim(content_type.substr(0, semicolon)));
  if (semicolon != std::string_view::npos) {
    MLTRACK_RETURN_IF_ERROR(CheckParameters(content_type.substr(semicolon + 1), media_type));
  }
  // curl's `-d` sends application/x-www-form-urlencoded unless told otherwise; the body is what
  // the user typed, so it is read by content like text/plain rather than refused.
  if (media_type.empty() || media_type == "text/plain" ||
      media_type == "application/x-www-form-urlencoded") {
    return BodyFormat::kJson;
  }
  if (media_type == "application/json" || media_type == "text/json") return BodyFormat::kJson;
  if (media_type.starts_with("application/") && media_type.ends_with("+json")) {
    return BodyFormat::kJson;
  }
  for (std::string_view ndjson : {"application/x-ndjson", "application/ndjson", "application/jsonl",
                                  "application/x-jsonl", "application/jsonlines",
                                  "application/x-jsonlines"}) {
    if (media_type == ndjson) return BodyFormat::kNdjson;
  }
  std::string shown = std::string(Trim(content_type.substr(0, semicolon)).substr(0, 100));
  return Status::UnsupportedMediaType("unsupported Content-Type \"" + shown + "\"; send " +
                                      std::string(kAccepted));
}

}  // namespace mltrack::ingest
