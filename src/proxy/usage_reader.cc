#include "proxy/usage_reader.h"

#include <simdjson.h>

#include <cstring>

namespace mltrack::proxy {
namespace {

namespace dom = simdjson::dom;

constexpr int64_t kMaxCount = int64_t{1} << 53;

// Anthropic's usage fields as sent: input_tokens excludes cache reads and writes.
struct AnthropicRaw {
  std::optional<int64_t> input;
  std::optional<int64_t> cache_read;
  std::optional<int64_t> cache_write;
};

std::optional<int64_t> Count(dom::object object, std::string_view key) {
  int64_t value = 0;
  if (object[key].get(value) != simdjson::SUCCESS || value < 0 || value > kMaxCount) return std::nullopt;
  return value;
}

// `*target` = the count at `object[key]`, when there is one.
void SetCount(dom::object object, std::string_view key, std::optional<int64_t>& target) {
  if (std::optional<int64_t> value = Count(object, key)) target = value;
}

void SetNested(dom::object object, std::string_view outer, std::string_view key, std::optional<int64_t>& target) {
  dom::object inner;
  if (object[outer].get(inner) == simdjson::SUCCESS) SetCount(inner, key, target);
}

void ApplyUsageObject(Dialect dialect, dom::object object, CallUsage& usage, AnthropicRaw& raw) {
  if (dialect == Dialect::kAnthropic) {
    SetCount(object, "input_tokens", raw.input);
    SetCount(object, "cache_read_input_tokens", raw.cache_read);
    SetCount(object, "cache_creation_input_tokens", raw.cache_write);
    SetCount(object, "output_tokens", usage.output_tokens);
    if (raw.input || raw.cache_read || raw.cache_write) {
      usage.input_tokens = raw.input.value_or(0) + raw.cache_read.value_or(0) + raw.cache_write.value_or(0);
    }
    usage.cached_input_tokens = raw.cache_read;
    usage.cache_write_tokens = raw.cache_write;
    return;
  }
  // Chat Completions, Completions and Embeddings say prompt/completion; the Responses API
  // says input/output. Both count cached tokens in the input and reasoning in the output.
  SetCount(object, "prompt_tokens", usage.input_tokens);
  SetCount(object, "input_tokens", usage.input_tokens);
  SetCount(object, "completion_tokens", usage.output_tokens);
  SetCount(object, "output_tokens", usage.output_tokens);
  SetNested(object, "prompt_tokens_details", "cached_tokens", usage.cached_input_tokens);
  SetNested(object, "input_tokens_details", "cached_tokens", usage.cached_input_tokens);
  SetNested(object, "completion_tokens_details", "reasoning_tokens", usage.reasoning_tokens);
  SetNested(object, "output_tokens_details", "reasoning_tokens", usage.reasoning_tokens);
}

// One JSON object of a response or event; `depth` bounds the unwrapping of nested objects.
void ApplyObject(Dialect dialect, dom::element element, CallUsage& usage, AnthropicRaw& raw, int depth = 0) {
  dom::object object;
  if (depth > 2 || element.get(object) != simdjson::SUCCESS) return;
  std::string_view model;
  if (object["model"].get(model) == simdjson::SUCCESS && !model.empty() && model.size() <= 1024) {
    usage.model = std::string(model);
  }
  dom::object usage_object;
  if (object["usage"].get(usage_object) == simdjson::SUCCESS) ApplyUsageObject(dialect, usage_object, usage, raw);
  dom::object error;
  if (object["error"].get(error) == simdjson::SUCCESS) {
    std::string_view type;
    if ((error["code"].get(type) == simdjson::SUCCESS && !type.empty()) ||
        (error["type"].get(type) == simdjson::SUCCESS && !type.empty())) {
      usage.error_type = std::string(type.substr(0, 128));
    }
  }
  // The Responses API's stream events carry the response; Anthropic's message_start the message.
  for (std::string_view wrapper : {"response", "message"}) {
    dom::element inner;
    if (object[wrapper].get(inner) == simdjson::SUCCESS) ApplyObject(dialect, inner, usage, raw, depth + 1);
  }
}

}  // namespace

CallUsage ReadResponseUsage(Dialect dialect, std::string_view body) {
  thread_local dom::parser parser;
  CallUsage usage;
  AnthropicRaw raw;
  dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) == simdjson::SUCCESS) ApplyObject(dialect, root, usage, raw);
  return usage;
}

struct SseUsageReader::Parser {
  dom::parser json;
  AnthropicRaw raw;
};

SseUsageReader::SseUsageReader(Dialect dialect) : dialect_(dialect), parser_(std::make_unique<Parser>()) {}
SseUsageReader::~SseUsageReader() = default;

void SseUsageReader::Feed(std::string_view bytes) {
  if (after_cr_ && !bytes.empty() && bytes.front() == '\n') bytes.remove_prefix(1);  // the rest of "\r\n"
  after_cr_ = false;
  while (!bytes.empty()) {
    const size_t end = bytes.find_first_of("\r\n");
    if (end == std::string_view::npos) {
      if (line_overflow_ || line_.size() + bytes.size() > kMaxEventBytes) {
        line_overflow_ = true;
        line_.clear();
      } else {
        line_.append(bytes);
      }
      return;
    }
    if (line_overflow_ || line_.size() + end > kMaxEventBytes) {
      skipping_ = true;  // a line too long to keep: its event is dropped
    } else {
      line_.append(bytes.substr(0, end));
      Line(line_);
    }
    line_.clear();
    line_overflow_ = false;
    if (bytes[end] == '\r') {
      if (end + 1 == bytes.size()) after_cr_ = true;
      else if (bytes[end + 1] == '\n') bytes.remove_prefix(1);
    }
    bytes.remove_prefix(end + 1);
  }
}

void SseUsageReader::Line(std::string_view line) {
  if (line.empty()) {  // the end of an event
    if (!skipping_) Dispatch();
    skipping_ = false;
    data_.clear();
    return;
  }
  if (skipping_ || line.front() == ':') return;  // an oversized event's rest, or a comment
  const size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field != "data") return;  // event, id, retry: the data says all we need
  if (data_.size() + value.size() + 1 > kMaxEventBytes) {
    skipping_ = true;
    data_.clear();
    return;
  }
  data_.append(value);
  data_.push_back('\n');
}

void SseUsageReader::Dispatch() {
  if (data_.empty()) return;
  data_.pop_back();  // the last data line's newline
  ++events_;
  if (data_ == "[DONE]") {
    complete_ = true;
  } else {
    dom::element root;
    if (parser_->json.parse(data_).get(root) == simdjson::SUCCESS) {
      ApplyObject(dialect_, root, usage_, parser_->raw);
      std::string_view type;
      if (root["type"].get(type) == simdjson::SUCCESS &&
          (type == "message_stop" || type == "response.completed")) {
        complete_ = true;
      }
    }
  }
  data_.clear();
}

void SseUsageReader::Finish() {
  if (!line_overflow_ && !line_.empty()) Line(line_);
  if (!skipping_) Dispatch();
  line_.clear();
  data_.clear();
  line_overflow_ = false;
  skipping_ = false;
}

}  // namespace mltrack::proxy
