#pragma once
// The durable list of annotations (annotation.h) in the data directory: one small checksummed
// text file, <data>/ANNOTATIONS, replaced atomically on every change (store/checked_file.h), so
// an acknowledged change survives a crash and a damaged file is refused, never half-read.
// Byte layout and recovery rules: docs/annotations_format.md.
//
// Thread-safe: any number of threads may add, remove and list at once; a change is durable
// (fsynced and renamed into place) before Add/Remove return.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "analytics/annotation.h"
#include "core/status.h"

namespace mltrack::analytics {

class AnnotationStore {
 public:
  // At most this many annotations are kept; Add beyond it is InvalidArgument.
  static constexpr size_t kMaxAnnotations = 10'000;

  // Opens (or starts) the list in `dir`, which must exist. kCorruption when the file fails its
  // checksum or cannot be parsed: the server then refuses to start rather than lose the list
  // on its next write (move the file away to start afresh). kIOError when it cannot be read.
  static Result<std::unique_ptr<AnnotationStore>> Open(const std::filesystem::path& dir);

  AnnotationStore(const AnnotationStore&) = delete;
  AnnotationStore& operator=(const AnnotationStore&) = delete;

  // Stores `annotation` with a new id and `created_ms`, and returns it as stored. On an I/O
  // error (kIOError, kNoSpace) nothing changes, in memory or on disk.
  Result<Annotation> Add(Annotation annotation, int64_t created_ms);

  // Removes the annotation `id`; kNotFound when there is none. On an I/O error nothing changes.
  Status Remove(int64_t id);

  // Annotations overlapping [from_ms, to_ms), by ts then id.
  std::vector<Annotation> List(int64_t from_ms, int64_t to_ms) const;

  size_t size() const;

 private:
  explicit AnnotationStore(std::filesystem::path path) : path_(std::move(path)) {}
  // Writes `annotations` and `next_id` as the new file; the caller holds mutex_.
  Status Persist(const std::vector<Annotation>& annotations, int64_t next_id) const;

  const std::filesystem::path path_;
  mutable std::mutex mutex_;
  std::vector<Annotation> annotations_;  // by id (= creation order)
  int64_t next_id_ = 1;
};

}  // namespace mltrack::analytics
