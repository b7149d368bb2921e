#pragma once
// `serve --log-format json` (docs/operations.md "## Logs"): one JSON object per line,
//   {"ts":"2026-03-01T10:00:00.123Z","level":"info","msg":"listening on http://127.0.0.1:8080"}
// with "request_id" when the line was logged while serving a request (request_id.h).

#include <memory>

#include <spdlog/formatter.h>

namespace mltrack::server::logging {

std::unique_ptr<spdlog::formatter> MakeJsonLogFormatter();

// Installs the formatter on every spdlog sink (the default logger's).
void UseJsonLogs();

}  // namespace mltrack::server::logging
