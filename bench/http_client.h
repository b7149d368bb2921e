#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mltrack::bench {

// One HTTP/1.1 response as the benchmark needs it.
struct HttpResponse {
  int status = 0;
  std::string headers;  // raw header block, lower-cased names not guaranteed
  std::string body;
};

// A blocking keep-alive HTTP/1.1 client on one TCP connection to 127.0.0.1, over plain sockets
// so that the load generator adds as little CPU as possible next to the server it measures.
// Reconnects when the server closed the connection. Not thread-safe: one per thread.
class HttpConnection {
 public:
  HttpConnection(std::string host, int port) : host_(std::move(host)), port_(port) {}
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends one request and reads the whole response (Content-Length or chunked). Returns false
  // and sets `error` on a connection failure; any HTTP status is a success here.
  bool Send(std::string_view method, std::string_view target, std::string_view content_type,
            std::string_view body, HttpResponse& response, std::string& error);

 private:
  bool Connect(std::string& error);
  bool ReadResponse(HttpResponse& response, std::string& error);
  bool Fill(std::string& error);  // reads more bytes into buffer_
  void Close();

  std::string host_;
  int port_;
  int fd_ = -1;
  std::string buffer_;  // bytes read but not yet consumed
};

// Value of header `name` (case-insensitive) in a raw header block, or empty.
std::string_view FindHeader(std::string_view headers, std::string_view name);

}  // namespace mltrack::bench
