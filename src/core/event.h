#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mltrack {

// The kind of work an event records (DESIGN.md §6 `operation`).
enum class Operation : uint8_t { kChat = 0, kCompletion, kEmbedding, kTool, kRun, kOther };
inline constexpr int kOperationCount = 6;

// Whether the work succeeded (DESIGN.md §6 `status`).
enum class EventStatus : uint8_t { kOk = 0, kError };

std::string_view OperationName(Operation op);
std::optional<Operation> ParseOperation(std::string_view name);
std::string_view EventStatusName(EventStatus status);
std::optional<EventStatus> ParseEventStatus(std::string_view name);

// Whether `value` is a valid non-empty input_hash (kMaxInputHashBytes, printable ASCII, no space).
bool IsValidInputHash(std::string_view value);

// Money is integer nano-USD everywhere inside the server (1 USD = 1e9); it is converted to
// USD only at the edge (JSON out). Sums never pass through floating point.
using NanoUsd = int64_t;
inline constexpr NanoUsd kNanoPerUsd = 1'000'000'000;

// Limits that validation enforces on every event (DESIGN.md §6).
inline constexpr size_t kMaxIdBytes = 128;
inline constexpr size_t kMaxStringBytes = 1024;  // any other string field or tag value
inline constexpr size_t kMaxKeyBytes = 128;      // a tag key or score name
inline constexpr size_t kMaxTagsPerEvent = 64;
// input_hash: 1–128 bytes of printable ASCII without spaces (0x21–0x7E), e.g. a SHA-256 in hex.
inline constexpr size_t kMaxInputHashBytes = 128;
inline constexpr size_t kMaxScoresPerEvent = 64;

// One unit of tracked work, normally one LLM call: event schema v1 (DESIGN.md §6) after
// decoding and validation. An empty string means the field was absent; an empty optional
// means a number or boolean was absent. A plain value type; not thread-safe to mutate.
struct Event {
  std::string id;  // idempotency key; empty = none
  int64_t ts_ms = 0;  // start time, epoch milliseconds (UTC)
  std::string experiment = "default";
  std::string run_id;
  std::string session_id;
  std::string trace_id;
  std::string user;
  std::string team;
  std::string provider;
  std::string model;
  Operation operation = Operation::kChat;
  std::string endpoint;
  EventStatus status = EventStatus::kOk;
  std::string error_type;
  std::optional<int32_t> http_status;
  std::optional<int64_t> input_tokens;  // includes cached tokens
  std::optional<int64_t> output_tokens;  // includes reasoning tokens
  std::optional<int64_t> cached_input_tokens;
  std::optional<int64_t> cache_write_tokens;
  std::optional<int64_t> reasoning_tokens;
  std::optional<NanoUsd> cost_nano_usd;  // absent = unpriced (unknown model, no cost given)
  std::optional<double> latency_ms;
  std::optional<double> ttft_ms;
  std::optional<bool> cache_hit;
  std::optional<bool> streaming;
  std::string prompt_name;
  std::string prompt_version;
  // A fingerprint of the call's input (prompt/messages); equal inputs carry equal hashes, so
  // repeated prompts and retry storms can be found without storing the prompt. Empty = absent.
  std::string input_hash;
  std::vector<std::pair<std::string, double>> scores;  // name → value, names unique
  std::vector<std::pair<std::string, std::string>> tags;  // key → value, keys unique

  bool operator==(const Event&) const = default;
};

// A batch as one POST delivers it; validated whole and stored whole.
using EventBatch = std::vector<Event>;

}  // namespace mltrack
