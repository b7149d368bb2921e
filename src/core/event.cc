#include "core/event.h"

#include <array>

namespace mltrack {
namespace {

constexpr std::array<std::string_view, kOperationCount> kOperationNames = {
    "chat", "completion", "embedding", "tool", "run", "other"};

}  // namespace

std::string_view OperationName(Operation op) { return kOperationNames[static_cast<size_t>(op)]; }

std::optional<Operation> ParseOperation(std::string_view name) {
  for (size_t op_idx = 0; op_idx < kOperationNames.size(); ++op_idx) {
    if (kOperationNames[op_idx] == name) return static_cast<Operation>(op_idx);
  }
  return std::nullopt;
}

std::string_view EventStatusName(EventStatus status) {
  return status == EventStatus::kOk ? "ok" : "error";
}

std::optional<EventStatus> ParseEventStatus(std::string_view name) {
  if (name == "ok") return EventStatus::kOk;
  if (name == "error") return EventStatus::kError;
  return std::nullopt;
}

bool IsValidInputHash(std::string_view value) {
  if (value.empty() || value.size() > kMaxInputHashBytes) return false;
  for (const char byte : value) {
    if (byte < 0x21 || byte > 0x7e) return false;
  }
  return true;
}

}  // namespace mltrack
