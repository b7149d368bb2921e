#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace mltrack::proxy {

// Where the proxy sends a call's answer to its client, piece by piece as it comes from the
// upstream. The server implements it over its ResponseStream (server/response_stream.h has the
// contract: Start once, Write, then Finish or Abort). Thread-safe.
class Responder {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  virtual ~Responder() = default;

  virtual void Start(int status, std::string content_type, Headers headers) = 0;
  virtual void Write(std::string piece) = 0;
  virtual void Finish() = 0;
  virtual void Abort() = 0;
  // `callback` runs once, on any thread, when the client goes away.
  virtual void OnClientGone(std::function<void()> callback) = 0;
  // Bytes written and not yet sent; WhenBelow runs `resume` once they are below `limit`.
  virtual size_t pending_bytes() const = 0;
  virtual void WhenBelow(size_t limit, std::function<void()> resume) = 0;
};

}  // namespace mltrack::proxy
