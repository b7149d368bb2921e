#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mltrack::integration {

// A stand-in for an LLM provider on 127.0.0.1:<free port>, for the proxy tests: answers each
// request with the next scripted reply (or, when none is queued, a small chat completion) and
// remembers every request it got. Keep-alive; one thread per connection. Thread-safe.
class FakeUpstream {
 public:
  struct Reply {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::string> pieces;           // the body: one piece is sent with Content-Length,
                                               // several as chunks, each flushed at once
    std::chrono::milliseconds gap{0};          // pause before each piece after the first
    std::chrono::milliseconds before_head{0};  // pause before the response head
    bool close_instead = false;                // close the connection without answering
  };
  struct Received {
    std::string target;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
  };

  FakeUpstream();
  ~FakeUpstream();
  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  uint16_t port() const;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  void Push(Reply reply);
  std::vector<Received> received() const;
  // When each body piece of the last streamed reply was written (steady clock).
  std::vector<std::chrono::steady_clock::time_point> piece_times() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A chat completion body in OpenAI's format, with usage.
std::string ChatCompletionJson(const std::string& model, int prompt_tokens, int completion_tokens);

}  // namespace mltrack::integration
