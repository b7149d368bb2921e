#include "backend/clickhouse/statement_limits.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "query/limit_guard.h"

namespace mltrack::backend::clickhouse {
namespace {

constexpr size_t kDefaultMaxQuerySize = 256 * 1024;
// The HTTP call waits this much past the deadline for ClickHouse's own timeout error.
constexpr std::chrono::milliseconds kAnswerGrace{2000};

bool HasCode(const std::string& message, int code) {
  return message.find("Code: " + std::to_string(code) + ",") != std::string::npos ||
         message.find("Code: " + std::to_string(code) + ".") != std::string::npos;
}

}  // namespace

Result<CallOptions> StatementOptions(const query::QueryLimits& limits, size_t sql_bytes) {
  CallOptions call;
  if (limits.timeout_ms > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(limits.deadline -
                                                                             std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      query::LimitGuard guard(limits);
      guard.CheckDeadline();
      return guard.status();
    }
    call.settings.emplace_back("max_execution_time", std::to_string((left.count() + 999) / 1000));
    call.timeout = left + kAnswerGrace;
  }
  if (limits.memory_bytes > 0) call.settings.emplace_back("max_memory_usage", std::to_string(limits.memory_bytes));
  if (sql_bytes >= kDefaultMaxQuerySize) call.settings.emplace_back("max_query_size", std::to_string(sql_bytes + 1));
  return call;
}

Status LimitStatus(const query::QueryLimits& limits, const Status& status) {
  if (status.ok()) return status;
  const std::string& message = status.message();
  query::LimitGuard guard(limits);
  const bool timed_out = status.code() == StatusCode::kDeadlineExceeded ||
                         (status.code() == StatusCode::kInternal && (HasCode(message, 159) || HasCode(message, 160)));
  if (timed_out && limits.timeout_ms > 0) {
    query::QueryLimits passed = limits;
    passed.deadline = std::chrono::steady_clock::time_point::min();
    query::LimitGuard stopped(passed);
    stopped.CheckDeadline();
    return stopped.status();
  }
  if (status.code() == StatusCode::kInternal && HasCode(message, 241) && limits.memory_bytes > 0) {
    const size_t bytes = std::max(WouldUseBytes(message), limits.memory_bytes + 1);
    guard.CheckMemory(bytes, "ClickHouse's hash tables and value arrays for it");
    return guard.status();
  }
  return status;
}

size_t WouldUseBytes(const std::string& message) {
  const size_t at = message.find("would use ");
  if (at == std::string::npos) return 0;
  const char* start = message.c_str() + at + 10;
  char* end = nullptr;
  const double number = std::strtod(start, &end);
  if (end == start || number < 0) return 0;
  std::string unit;
  for (const char* c = end; *c == ' ' || std::isalpha(static_cast<unsigned char>(*c)); ++c) {
    if (*c != ' ') unit.push_back(*c);
    else if (!unit.empty()) break;
  }
  double scale = 1;
  if (unit == "KiB") scale = 1024.0;
  else if (unit == "MiB") scale = 1024.0 * 1024;
  else if (unit == "GiB") scale = 1024.0 * 1024 * 1024;
  else if (unit == "TiB") scale = 1024.0 * 1024 * 1024 * 1024;
  else if (unit != "B" && unit != "bytes") return 0;
  return static_cast<size_t>(number * scale);
}

}  // namespace mltrack::backend::clickhouse
