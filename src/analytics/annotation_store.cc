#include "analytics/annotation_store.h"

#include <simdjson.h>

#include <algorithm>

#include "analytics/id_lines_file.h"
#include "core/checked_file.h"

namespace mltrack::analytics {
namespace {

constexpr std::string_view kFirstLine = "mltrack-annotations 1";
constexpr std::string_view kFileName = "ANNOTATIONS";

// One annotation line as WriteAnnotationJson wrote it; nullopt when it is not one.
std::optional<Annotation> ParseLine(std::string_view line) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(line);
  simdjson::dom::element root;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS) return std::nullopt;
  Annotation out;
  std::string_view text, kind;
  simdjson::dom::element end, scope;
  if (root["id"].get(out.id) || root["ts"].get(out.ts_ms) || root["text"].get(text) ||
      root["kind"].get(kind) || root["created"].get(out.created_ms) || root["end"].get(end) ||
      root["scope"].get(scope)) {
    return std::nullopt;
  }
  out.text = std::string(text);
  std::optional<AnnotationKind> parsed_kind = ParseAnnotationKind(kind);
  if (!parsed_kind) return std::nullopt;
  out.kind = *parsed_kind;
  if (!end.is_null()) {
    int64_t end_ms = 0;
    if (end.get(end_ms)) return std::nullopt;
    out.end_ms = end_ms;
  }
  if (!scope.is_null()) {
    std::string_view field, value;
    if (scope["field"].get(field) || scope["value"].get(value)) return std::nullopt;
    std::optional<FieldRef> ref = ParseFieldRef(field);
    if (!ref) return std::nullopt;
    out.scope = AnnotationScope{*ref, std::string(value)};
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<AnnotationStore>> AnnotationStore::Open(const std::filesystem::path& dir) {
  std::unique_ptr<AnnotationStore> store(new AnnotationStore(dir / kFileName));
  Result<std::optional<std::string>> read = ReadCheckedFile(store->path_);
  if (!read.ok()) return read.status();
  if (!read->has_value()) return store;
  auto corrupt = [&](const std::string& what) {
    return Status::Corruption(store->path_.string() + ": " + what +
                              " (move the file away to start with no annotations)");
  };
  Result<IdLines> split = SplitIdLines(kFirstLine, **read);
  if (!split.ok()) return corrupt(std::string(split.status().message()));
  store->next_id_ = split->next_id;
  for (const std::string& line : split->lines) {
    std::optional<Annotation> annotation = ParseLine(line);
    if (!annotation || annotation->id >= store->next_id_) return corrupt("bad annotation line");
    store->annotations_.push_back(std::move(*annotation));
  }
  return store;
}

Status AnnotationStore::Persist(const std::vector<Annotation>& annotations, int64_t next_id) const {
  return WriteCheckedFile(path_, FormatIdLines(kFirstLine, next_id, annotations, WriteAnnotationJson));
}

Result<Annotation> AnnotationStore::Add(Annotation annotation, int64_t created_ms) {
  std::lock_guard lock(mutex_);
  if (annotations_.size() >= kMaxAnnotations) {
    return Status::InvalidArgument(
        "at most " + std::to_string(kMaxAnnotations) + " annotations are kept; delete some first",
        {{-1, "annotations", "limit of " + std::to_string(kMaxAnnotations) + " reached"}});
  }
  annotation.id = next_id_;
  annotation.created_ms = created_ms;
  std::vector<Annotation> next = annotations_;
  next.push_back(annotation);
  MLTRACK_RETURN_IF_ERROR(Persist(next, next_id_ + 1));
  annotations_ = std::move(next);
  ++next_id_;
  return annotation;
}

Status AnnotationStore::Remove(int64_t id) {
  std::lock_guard lock(mutex_);
  auto found = std::find_if(annotations_.begin(), annotations_.end(),
                            [id](const Annotation& annotation) { return annotation.id == id; });
  if (found == annotations_.end()) return Status::NotFound("no annotation with id " + std::to_string(id));
  std::vector<Annotation> next = annotations_;
  next.erase(next.begin() + (found - annotations_.begin()));
  MLTRACK_RETURN_IF_ERROR(Persist(next, next_id_));
  annotations_ = std::move(next);
  return Status::OK();
}

std::vector<Annotation> AnnotationStore::List(int64_t from_ms, int64_t to_ms) const {
  std::vector<Annotation> out;
  {
    std::lock_guard lock(mutex_);
    for (const Annotation& annotation : annotations_) {
      if (AnnotationInRange(annotation, from_ms, to_ms)) out.push_back(annotation);
    }
  }
  std::sort(out.begin(), out.end(), [](const Annotation& a, const Annotation& b) {
    return a.ts_ms != b.ts_ms ? a.ts_ms < b.ts_ms : a.id < b.id;
  });
  return out;
}

size_t AnnotationStore::size() const {
  std::lock_guard lock(mutex_);
  return annotations_.size();
}

}  // namespace mltrack::analytics
