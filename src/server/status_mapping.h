#pragma once

#include <string_view>
#include <vector>

#include "core/status.h"
#include "server/http_types.h"

namespace mltrack::server {

// The one place that maps a StatusCode to an HTTP status and a default error code
// (STYLE.md "Errors"; docs/api.md lists the codes):
//   InvalidArgument → 400 invalid_request     NotFound → 404 not_found
//   PayloadTooLarge → 413 payload_too_large   UnsupportedMediaType → 415 unsupported_media_type
//   NoSpace → 507 no_space                    Overloaded → 503 overloaded (+ Retry-After: 1)
//   Unavailable → 503 unavailable             Corruption → 500 corruption
//   IOError → 500 io_error                    Internal (and OK, a caller bug) → 500 internal
int HttpStatusFor(StatusCode code);
std::string_view DefaultErrorCode(StatusCode code);

// The JSON error response for a failed Status: {"error":{"code","message","details":[...]}}.
// `code_override` replaces the default code of a kInvalidArgument status (e.g. "invalid_event",
// "invalid_query"); other statuses keep theirs (a 5xx such as "unavailable" while ClickHouse is
// down stays retryable-looking to a client).
HttpResponse ErrorResponse(const Status& status, std::string_view code_override = {});

// An error response with an explicit HTTP status, for errors that are not a Status (404 and
// 405 from the router, 400 for a malformed request line).
HttpResponse JsonError(int http_status, std::string_view code, std::string_view message,
                       const std::vector<ErrorDetail>& details = {});

}  // namespace mltrack::server
