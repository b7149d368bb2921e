#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mltrack::server {

class ResponseStream;

// HTTP header fields in arrival order with case-insensitive lookup (RFC 9110 §5.1). A plain
// value type; not thread-safe to mutate.
class HttpHeaders {
 public:
  void Add(std::string name, std::string value);
  // Replaces every field named `name` (any case) with one field.
  void Set(std::string name, std::string value);
  // The first field named `name` (any case); nullopt when absent.
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }

  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Query parameters, ordered by name; repeated names keep their order of appearance.
using QueryParams = std::multimap<std::string, std::string, std::less<>>;

// One HTTP request as a handler sees it: no Beast types, so handlers and their tests do not
// pay for Beast's compile time.
struct HttpRequest {
  std::string method;  // "GET", "POST", ... as sent (upper case for standard methods)
  std::string path;    // percent-decoded, without the query string: "/api/v1/query"
  QueryParams query;   // decoded; '+' is a space
  HttpHeaders headers;
  std::string body;

  // The first value of query parameter `name`; nullopt when absent.
  std::optional<std::string_view> QueryValue(std::string_view name) const;
  // Every value of query parameter `name` in order of appearance.
  std::vector<std::string_view> QueryValues(std::string_view name) const;
  // The media type of Content-Type without parameters, lower-cased ("application/json");
  // empty when absent.
  std::string ContentType() const;
};

// One HTTP response. `content_type` and `body` become Content-Type and the body;
// Content-Length is computed by the session.
struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra fields
  // Set by a handler whose answer comes later or in pieces (the proxy): the session then sends
  // what the stream produces and ignores the fields above (response_stream.h).
  std::shared_ptr<ResponseStream> stream;

  static HttpResponse Json(int status, std::string body);
  static HttpResponse Text(int status, std::string content_type, std::string body);
  // The value of extra header `name` (any case); nullopt when absent.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// Turns a request into a response. Handlers are synchronous and may block (ingest waits for
// fdatasync); the server runs them on worker threads, several at once, so a handler must be
// thread-safe. An exception escaping a handler becomes a 500 `internal` response.
using Handler = std::function<HttpResponse(const HttpRequest&)>;

// Decodes %XX escapes (and '+' as space when `plus_is_space`). Nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// Splits a request target "/a%20b?x=1&y" into a decoded path and query parameters. Nullopt when
// the target is not an origin-form path or an escape is malformed.
struct ParsedTarget {
  std::string path;
  QueryParams query;
};
std::optional<ParsedTarget> ParseTarget(std::string_view target);

}  // namespace mltrack::server
