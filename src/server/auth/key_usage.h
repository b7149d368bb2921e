#pragma once
// When each API key was last used, for `mltrack keys list` (docs/security.md, "Last used"). Kept
// in memory by the server as keys are admitted (a map update under a lock: cheap on every request)
// and written to <data>/api_keys_used by a background thread at most once a minute, and at
// Stop(). A crash loses at most the last minute. The file is separate from api_keys so that the
// server never rewrites the key file the CLI owns. Thread-safe.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "core/status.h"

namespace mltrack::server::auth {

class KeyUsage {
 public:
  static constexpr const char* kFileName = "api_keys_used";

  // Loads what earlier runs wrote (a missing or unreadable file: none) and starts the writer.
  KeyUsage(std::filesystem::path data_dir, std::chrono::milliseconds flush_interval = std::chrono::minutes(1));
  ~KeyUsage();  // Stop()
  KeyUsage(const KeyUsage&) = delete;
  KeyUsage& operator=(const KeyUsage&) = delete;

  // Key `id` was used at `now_ms`.
  void Touch(std::string_view id, int64_t now_ms);
  // Writes what changed and stops the writer. Idempotent.
  void Stop();

  // The file's contents: key id → last use (Unix ms); empty when there is no file.
  static std::map<std::string, int64_t> Read(const std::filesystem::path& data_dir);

 private:
  void Loop();
  Status Write();  // writes a copy of used_ if dirty

  const std::filesystem::path path_;
  const std::chrono::milliseconds flush_interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, int64_t> used_;
  bool dirty_ = false;
  bool stopping_ = false;
  std::thread writer_;  // last: starts after the members it uses
};

}  // namespace mltrack::server::auth
