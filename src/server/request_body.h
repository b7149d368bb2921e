#pragma once
// How the server reads a request body beyond what Beast's parser checks: the transfer codings it
// implements (only chunked) and the content codings it decodes (only gzip). Everything else is
// refused with a precise status rather than read as something it is not.

#include <cstddef>
#include <optional>
#include <string_view>

#include "server/body_budget.h"
#include "server/http_types.h"

namespace mltrack::server {

// Checks a request's framing headers before its body is read (RFC 9112 §6): a Transfer-Encoding
// next to a Content-Length is 400 `bad_request` (a smuggling vector: the two disagree about
// where the body ends); a Transfer-Encoding other than exactly `chunked` (`gzip, chunked`,
// `xchunked`, `gzip`) is 501 `not_implemented` naming the coding. nullopt: read the body.
std::optional<HttpResponse> CheckTransferCoding(std::optional<std::string_view> transfer_encoding,
                                                bool has_content_length);

// Decodes a body sent with `Content-Encoding: gzip` (or x-gzip; several gzip members are read
// one after the other) in place; `identity` or no header leaves it alone. The decoded body may
// be at most `max_body` bytes (413 `payload_too_large`, a "zip bomb" stops there) and grows
// `reservation` as it grows (503 `overloaded` when the body budget has no room). A body that is
// not gzip is 400 `bad_request`; any other coding (br, deflate, zstd, a list) is 415
// `unsupported_media_type`. nullopt: the request now holds the plain body (with
// ingest::kDecodePadding spare capacity) and no Content-Encoding. Thread-safe (no shared state).
std::optional<HttpResponse> DecodeContentEncoding(HttpRequest& request, size_t max_body,
                                                  BodyBudget::Reservation& reservation);

}  // namespace mltrack::server
