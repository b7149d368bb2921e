#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mltrack::integration {

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
  // As above, with extra header fields (sent as given: a test may send bad ones).
  HttpResult Request(const std::string& method, const std::string& target, const std::string& body,
                     const std::string& content_type, const std::vector<std::pair<std::string, std::string>>& headers);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mltrack::integration
