#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace mltrack::integration {

// The path of the `mltrack` binary under test: $MLTRACK_BINARY, else the one CMake built.
std::string MltrackBinary();

// A free TCP port on 127.0.0.1 (bound and released; another process could take it meanwhile,
// which Start() reports).
uint16_t FreePort();

// One `mltrack serve` child process on 127.0.0.1:<free port> with its own data directory. Its
// stdout and stderr go to `log_path()`; failures quote the log's tail. The destructor kills
// (SIGKILL) and reaps a process still running, so a failing test leaves nothing behind; the
// child also dies with the test process (PR_SET_PDEATHSIG). Not thread-safe.
//
// Sanitized builds (`make sanitize`): whenever the process is reaped, a sanitizer report in its
// log (ASan, LSan, UBSan) fails the current test, and the destructor stops the server with
// SIGTERM instead of SIGKILL so that LeakSanitizer checks it at exit.
class ServerProcess {
 public:
  // `extra_args` are appended to `serve --data DIR --listen 127.0.0.1:PORT`.
  ServerProcess(std::filesystem::path data_dir, std::filesystem::path log_path,
                std::vector<std::string> extra_args = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and waits (up to 60 s) until GET /api/health answers 200.
  ::testing::AssertionResult Start();
  // SIGKILL, then reap. No-op when not running.
  void Kill();
  // SIGTERM, then waits (up to `timeout`, then SIGKILL) and returns the exit code; -N when the
  // process died of signal N.
  int Terminate(std::chrono::seconds timeout = std::chrono::seconds(60));
  // Kill() if running, then Start() again on the same data directory and (if free) port.
  ::testing::AssertionResult Restart();

  bool running() const { return pid_ > 0; }
  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  const std::filesystem::path& log_path() const { return log_path_; }
  // The last `max_bytes` of the server's log.
  std::string LogTail(size_t max_bytes = 4000) const;

 private:
  ::testing::AssertionResult Spawn();
  // Fails the current test when the log, past what was checked before, holds a sanitizer report.
  void CheckSanitizerReports();
  // Waits for the child; returns its wait status, or -1 when it did not exit in `timeout`.
  int WaitExit(std::chrono::milliseconds timeout);

  std::filesystem::path data_dir_;
  std::filesystem::path log_path_;
  std::vector<std::string> extra_args_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  size_t log_checked_ = 0;
};

// The first sanitizer report in `log` (from "ERROR: AddressSanitizer", "ERROR: LeakSanitizer" or
// a UBSan "runtime error:" on), at most `max_bytes`; empty when there is none.
std::string SanitizerReport(std::string_view log, size_t max_bytes = 6000);

// True when this test binary (and so the `mltrack` built with it) has AddressSanitizer. GCC
// defines __SANITIZE_ADDRESS__; clang 14 (make sanitize) only answers __has_feature.
#if defined(__has_feature)
#define MLTRACK_HAS_ASAN_FEATURE __has_feature(address_sanitizer)
#else
#define MLTRACK_HAS_ASAN_FEATURE 0
#endif
constexpr bool kSanitized =
#if defined(__SANITIZE_ADDRESS__) || MLTRACK_HAS_ASAN_FEATURE
    true;
#else
    false;
#endif

}  // namespace mltrack::integration
