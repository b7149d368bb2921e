#pragma once
// Request ids (X-Request-Id, docs/operations.md "## Logs"): each request gets one, echoed in the
// response and written with every log line logged while it is served, so that a client's report
// and the server's logs can be matched.

#include <string>
#include <string_view>

namespace mltrack::server::logging {

// The client's X-Request-Id when it is a usable id (1–128 characters of A–Z a–z 0–9 and
// `-_.:`), so a caller's trace id carries through; otherwise a new one (16 hex digits, unique in
// the process, random across restarts). A value with anything else (spaces, CR/LF, quotes) is
// replaced rather than echoed: it could split a header or a log line.
std::string RequestIdFor(std::string_view client_value);
bool IsUsableRequestId(std::string_view value);

// The id of the request the calling thread serves now ("" when none): the JSON log format adds
// it to each line. Set for the scope of a ScopedRequestId.
std::string_view CurrentRequestId();

class ScopedRequestId {
 public:
  explicit ScopedRequestId(std::string_view id);
  ~ScopedRequestId();
  ScopedRequestId(const ScopedRequestId&) = delete;
  ScopedRequestId& operator=(const ScopedRequestId&) = delete;

 private:
  std::string_view previous_;
};

}  // namespace mltrack::server::logging
