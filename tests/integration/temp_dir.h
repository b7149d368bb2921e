#pragma once

#include <filesystem>
#include <string>

namespace mltrack::integration {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
// Set MLTRACK_KEEP_TEMP=1 to keep it for a post-mortem.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "mltrack-it-");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace mltrack::integration
