#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace mltrack::integration {

// A blocking WebSocket client (Boost.Beast) for tests: connects to ws://127.0.0.1:port/target,
// sends text, and reads messages with a timeout. A read left waiting by a timeout stays pending
// and completes in a later Read. Not thread-safe: one client per thread.
class WsClient {
 public:
  // `receive_buffer` > 0 sets SO_RCVBUF before connecting (a client that reads slowly).
  WsClient(uint16_t port, const std::string& target = "/api/analytics/live", int receive_buffer = 0);
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Empty when connected and upgraded; else why not.
  const std::string& error() const;
  bool Send(const std::string& text);
  // The next message, or nullopt when none arrives in `timeout` or the connection ended
  // (closed() then says so).
  std::optional<std::string> Read(std::chrono::milliseconds timeout);
  bool closed() const;
  // The close frame's code and reason (0 and "" when the connection ended without one).
  int close_code() const;
  std::string close_reason() const;
  void Close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mltrack::integration
