#include "backend/clickhouse/statement_limits.h"

#include <gtest/gtest.h>

#include <thread>

namespace mltrack::backend::clickhouse {
namespace {

std::string Setting(const CallOptions& call, const std::string& name) {
  for (const auto& [key, value] : call.settings) {
    if (key == name) return value;
  }
  return "";
}

TEST(StatementOptions, SendsTheLimitsAsClickHouseSettings) {
  Result<CallOptions> call = StatementOptions(query::QueryLimits::FromNow(2'500, 1 << 20), 100);
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(Setting(*call, "max_execution_time"), "3");  // whole seconds, rounded up
  EXPECT_EQ(Setting(*call, "max_memory_usage"), "1048576");
  EXPECT_EQ(Setting(*call, "max_query_size"), "");
  EXPECT_GT(call->timeout.count(), 2'500);  // the HTTP call waits past it for ClickHouse's answer
  EXPECT_LE(call->timeout.count(), 4'500);

  Result<CallOptions> none = StatementOptions(query::QueryLimits{}, 300'000);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->timeout.count(), 0);
  ASSERT_EQ(none->settings.size(), 1u);
  EXPECT_EQ(Setting(*none, "max_query_size"), "300001");  // a long list of per-key bounds
}

TEST(StatementOptions, APassedDeadlineIsTheEmbeddedTimeout) {
  const query::QueryLimits limits = query::QueryLimits::FromNow(1, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  Result<CallOptions> call = StatementOptions(limits, 100);
  ASSERT_EQ(call.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(call.status().message().find("(--query-timeout)"), std::string::npos) << call.status().message();
}

TEST(LimitStatus, MapsClickHouseErrorsToTheEmbeddedOnes) {
  const query::QueryLimits limits = query::QueryLimits::FromNow(5'000, 64 << 20);
  const Status timeout = LimitStatus(
      limits, Status::Internal("ClickHouse answered 500: Code: 159, e.displayText() = DB::Exception: Timeout exceeded: "
                               "elapsed 5.001 seconds, maximum: 5"));
  EXPECT_EQ(timeout.code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(timeout.message(), "the query ran past the time limit of 5 s (--query-timeout) and was stopped; narrow "
                               "its time range, filters or group_by");
  EXPECT_EQ(LimitStatus(limits, Status::DeadlineExceeded("no answer within 7000 ms")).code(),
            StatusCode::kDeadlineExceeded);

  const Status memory = LimitStatus(
      limits, Status::Internal("ClickHouse answered 500: Code: 241. DB::Exception: Memory limit (for query) exceeded: "
                               "would use 96.50 MiB (attempt to allocate chunk of 4194304 bytes), maximum: 64.00 MiB"));
  EXPECT_EQ(memory.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(memory.message().find("memory limit of 64 MiB per query (--query-memory)"), std::string::npos)
      << memory.message();
  EXPECT_NE(memory.message().find("at least 96 MiB"), std::string::npos) << memory.message();
  ASSERT_EQ(memory.details().size(), 1u);
  EXPECT_EQ(memory.details()[0].field, "query");

  // Other errors, and limit errors without that limit set, stay what they are.
  const Status syntax = Status::Internal("ClickHouse answered 400: Code: 62, Syntax error");
  EXPECT_EQ(LimitStatus(limits, syntax).code(), StatusCode::kInternal);
  EXPECT_EQ(LimitStatus(query::QueryLimits{}, Status::Internal("Code: 241, Memory limit")).code(),
            StatusCode::kInternal);
}

TEST(WouldUseBytes, ReadsClickHousesSize) {
  EXPECT_EQ(WouldUseBytes("Memory limit (for query) exceeded: would use 1.50 GiB (attempt"), size_t{3} << 29);
  EXPECT_EQ(WouldUseBytes("would use 512.00 KiB, maximum"), 512u * 1024);
  EXPECT_EQ(WouldUseBytes("would use 10 B"), 10u);
  EXPECT_EQ(WouldUseBytes("Memory limit exceeded"), 0u);
  EXPECT_EQ(WouldUseBytes("would use lots"), 0u);
}

}  // namespace
}  // namespace mltrack::backend::clickhouse
