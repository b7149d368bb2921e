#pragma once
// Internal to the OTLP decoders: where in the export the decoder is, named as OTLP/JSON names it
// ("resourceSpans[0].scopeSpans[1].spans[2].attributes[3].value"), and the first failure there.
// The path is a stack of parts, turned into text only when something fails.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mltrack::ingest::otlp {

class ErrorPath {
 public:
  // Pushes a part for the life of the scope: a field ("status"), or an element of a list
  // ("spans", 2).
  class Scope {
   public:
    Scope(ErrorPath& path, std::string_view name, int64_t index = -1) : path_(path) {
      path_.parts_.push_back({name, index});
    }
    ~Scope() { path_.parts_.pop_back(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    ErrorPath& path_;
  };

  // Records the failure at the current path and returns false (for `return Fail(...)`). Only the
  // first failure is kept: the innermost, where the decoder noticed it.
  bool Fail(std::string reason) {
    if (!reason_.empty()) return false;
    for (const Part& part : parts_) {
      if (!where_.empty()) where_ += '.';
      where_ += part.name;
      if (part.index >= 0) where_ += "[" + std::to_string(part.index) + "]";
    }
    if (where_.empty()) where_ = "body";
    reason_ = std::move(reason);
    return false;
  }

  const std::string& where() const { return where_; }
  const std::string& reason() const { return reason_; }

 private:
  struct Part {
    std::string_view name;
    int64_t index;
  };
  std::vector<Part> parts_;
  std::string where_;
  std::string reason_;
};

}  // namespace mltrack::ingest::otlp
