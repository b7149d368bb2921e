#include "server/request_body.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "ingest/event_decoder.h"
#include "server/status_mapping.h"

namespace mltrack::server {
namespace {

std::string TrimmedLower(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string Quoted(std::string_view text) { return "\"" + std::string(text.substr(0, 100)) + "\""; }

// Inflates gzip `in` (one or more members) into `out`; an error message, or "" on success.
// `limit_hit` when the output would pass `max_body`; `budget_hit` when `reservation` refused.
std::string Gunzip(std::string_view in, size_t max_body, BodyBudget::Reservation& reservation, size_t held,
                   std::string* out, bool* limit_hit, bool* budget_hit) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return "cannot start the gzip decoder";
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  stream.avail_in = static_cast<uInt>(in.size());
  std::string error;
  size_t produced = 0;
  out->clear();
  while (true) {
    if (produced == out->size()) {
      const size_t grown = std::min(std::max<size_t>(out->size() * 2, 64 * 1024), max_body + 1);
      if (grown <= out->size()) {
        *limit_hit = true;
        break;
      }
      if (!reservation.GrowTo(held + grown + ingest::kDecodePadding)) {
        *budget_hit = true;
        break;
      }
      out->resize(grown);
    }
    stream.next_out = reinterpret_cast<Bytef*>(out->data() + produced);
    stream.avail_out = static_cast<uInt>(out->size() - produced);
    const int result = inflate(&stream, Z_NO_FLUSH);
    produced = out->size() - stream.avail_out;
    if (produced > max_body) {
      *limit_hit = true;
      break;
    }
    if (result == Z_STREAM_END) {
      if (stream.avail_in == 0) break;
      inflateReset(&stream);  // the next gzip member
      continue;
    }
    if (result == Z_BUF_ERROR && stream.avail_in == 0) {
      error = "the gzip data ends early";
      break;
    }
    if (result != Z_OK && result != Z_BUF_ERROR) {
      error = std::string("not valid gzip data") + (stream.msg != nullptr ? std::string(": ") + stream.msg : "");
      break;
    }
  }
  inflateEnd(&stream);
  out->resize(std::min(produced, out->size()));
  return error;
}

}  // namespace

std::optional<HttpResponse> CheckTransferCoding(std::optional<std::string_view> transfer_encoding,
                                                bool has_content_length) {
  if (!transfer_encoding) return std::nullopt;
  if (has_content_length) {
    return JsonError(400, "bad_request",
                     "a request may not have both Transfer-Encoding and Content-Length; send one of them",
                     {ErrorDetail{-1, "Transfer-Encoding", "sent together with Content-Length"}});
  }
  const std::string coding = TrimmedLower(*transfer_encoding);
  if (coding == "chunked") return std::nullopt;
  return JsonError(501, "not_implemented",
                   "Transfer-Encoding " + Quoted(*transfer_encoding) +
                       " is not implemented; only \"chunked\" is (use Content-Encoding: gzip for compression)",
                   {ErrorDetail{-1, "Transfer-Encoding", "only \"chunked\" is implemented"}});
}

std::optional<HttpResponse> DecodeContentEncoding(HttpRequest& request, size_t max_body,
                                                  BodyBudget::Reservation& reservation) {
  const std::optional<std::string_view> header = request.headers.Get("Content-Encoding");
  if (!header) return std::nullopt;
  const std::string coding = TrimmedLower(*header);
  if (coding.empty() || coding == "identity") return std::nullopt;
  if (coding != "gzip" && coding != "x-gzip") {
    return JsonError(415, "unsupported_media_type",
                     "Content-Encoding " + Quoted(*header) + " is not supported; send gzip or no Content-Encoding",
                     {ErrorDetail{-1, "Content-Encoding", "only gzip (and identity) are decoded"}});
  }
  std::string decoded;
  bool limit_hit = false;
  bool budget_hit = false;
  const std::string error =
      Gunzip(request.body, max_body, reservation, request.body.capacity(), &decoded, &limit_hit, &budget_hit);
  if (limit_hit) {
    return JsonError(413, "payload_too_large",
                     "the gzip body decodes to more than the limit of " + std::to_string(max_body) + " bytes",
                     {ErrorDetail{-1, "body", "decoded size over the " + std::to_string(max_body) + "-byte limit"}});
  }
  if (budget_hit) {
    return ErrorResponse(Status::Overloaded("no room to decode the gzip body now (request bodies in flight are at "
                                            "their limit); retry shortly"));
  }
  if (!error.empty()) {
    return JsonError(400, "bad_request", "the body is sent as Content-Encoding: gzip but " + error,
                     {ErrorDetail{-1, "body", error}});
  }
  decoded.reserve(decoded.size() + ingest::kDecodePadding);
  request.body = std::move(decoded);
  request.headers.Set("Content-Encoding", "identity");
  return std::nullopt;
}

}  // namespace mltrack::server
