#pragma once
// A small client for ClickHouse's HTTP interface (Boost.Beast, blocking, keep-alive).

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backend/clickhouse/connection.h"
#include "core/status.h"

namespace mltrack::backend::clickhouse {

// Per-statement options of HttpClient::Execute.
struct CallOptions {
  // ClickHouse settings of this statement, sent as URL parameters (max_execution_time, ...).
  std::vector<std::pair<std::string, std::string>> settings;
  // How long the call may take (connect, send, answer); 0: the client's timeout. A call past it
  // fails with kDeadlineExceeded instead of kUnavailable, and is not retried.
  std::chrono::milliseconds timeout{0};
};

// Sends one statement per call: `sql` as the POST body, or, when there is a `body` (the rows of
// an INSERT ... FORMAT RowBinary), `sql` in the URL's `query` parameter and the rows as the
// body; with the user, password and database of `options`. Idle connections are kept for reuse.
// Thread-safe: each call takes its own connection.
class HttpClient {
 public:
  explicit HttpClient(ConnectionOptions options, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // The response body on HTTP 200. kUnavailable when the server cannot be reached, the
  // connection breaks or the call times out (the statement may or may not have run);
  // kInternal with ClickHouse's own message for any other status (a rejected statement).
  // `database` false sends no database (for CREATE DATABASE before it exists).
  Result<std::string> Execute(std::string_view sql, std::string_view body = {}, bool database = true,
                              const CallOptions& call = {});

  const ConnectionOptions& options() const { return options_; }

 private:
  struct Connection;
  std::unique_ptr<Connection> Take();
  void Give(std::unique_ptr<Connection> connection);
  Result<std::string> ExecuteOn(Connection& connection, const std::string& target, std::string_view body,
                                std::chrono::milliseconds timeout, bool deadline);

  ConnectionOptions options_;
  std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

// Percent-encodes for a URL query value (RFC 3986 unreserved characters stay).
std::string UrlEncode(std::string_view text);

}  // namespace mltrack::backend::clickhouse
