#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mltrack::integration {

// Extra request header fields, in the order they are sent.
using HeaderFields = std::vector<std::pair<std::string, std::string>>;

// What came back: `status` 0 means no response at all (connection refused, reset, timeout) and
// `error` says why.
struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string error;

  std::string Header(const std::string& lower_case_name) const;
  // "status 400: {...}" or "no response: ..." — for assertion messages.
  std::string Describe() const;
};

// A blocking HTTP/1.1 client (Boost.Beast) on one keep-alive connection to 127.0.0.1:port,
// reconnecting when the server closed it. Every call gives up after `timeout`. Not thread-safe:
// one client per thread.
// Sends `bytes` as they are (a request the client library would not write: conflicting framing
// headers, unknown transfer codings) on a fresh connection to 127.0.0.1:port and reads one
// response; the connection is closed afterwards. Gives up (error "…timeout") after `timeout`.
HttpResult RawHttpExchange(uint16_t port, const std::string& bytes,
                           std::chrono::seconds timeout = std::chrono::seconds(30));

class HttpClient {
 public:
  explicit HttpClient(uint16_t port, std::chrono::seconds timeout = std::chrono::seconds(60));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult Get(const std::string& target);
  HttpResult Post(const std::string& target, const std::string& body,
                  const std::string& content_type = "application/json");
  HttpResult Request(const std::string& method, const std::string& target, const std::string& body,
                     const std::string& content_type);
  // The same with extra header fields, sent as given (a test may send bad or repeated ones); a field named here
  // replaces the client's own (Host, Content-Type).
  HttpResult Request(const std::string& method, const std::string& target, const std::string& body,
                     const std::string& content_type, const HeaderFields& headers);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mltrack::integration
