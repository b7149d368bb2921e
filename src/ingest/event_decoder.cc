#include "ingest/event_decoder.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "ingest/event_object.h"
#include "ingest/json_syntax.h"
#include "ingest/utf8.h"

namespace mltrack::ingest {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;

static_assert(kDecodePadding >= simdjson::SIMDJSON_PADDING, "simdjson reads this far past the end");

// simdjson 3.0 has no document::at_end(); current_location() is out of bounds exactly there.
bool AtEnd(od::document& doc) {
  const char* location = nullptr;
  return doc.current_location().get(location) == simdjson::OUT_OF_BOUNDS;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// memchr is vectorized in libc; std::count over chars is not at -O2.
size_t CountLines(std::string_view text) {
  size_t lines = 1;
  for (const char* at = text.data(), *end = text.data() + text.size();
       (at = static_cast<const char*>(std::memchr(at, '\n', static_cast<size_t>(end - at)))) != nullptr;
       ++at) {
    ++lines;
  }
  return lines;
}

bool IsBlank(std::string_view text) { return std::all_of(text.begin(), text.end(), IsSpace); }

std::string_view TypeNoun(od::json_type type) {
  switch (type) {
    case od::json_type::array: return "an array";
    case od::json_type::object: return "an object";
    case od::json_type::number: return "a number";
    case od::json_type::string: return "a string";
    case od::json_type::boolean: return "a boolean";
    case od::json_type::null: return "null";
  }
  return "something else";
}

// A body whose first line is a complete JSON value and that has more after that line can only
// be JSON lines: as a single JSON document it would be invalid (content after the value).
bool LooksLikeJsonLines(std::string_view text, size_t first) {
  const size_t newline = text.find('\n', first);
  if (newline == std::string_view::npos || IsBlank(text.substr(newline + 1))) return false;
  std::string_view line = text.substr(first, newline - first);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return !FindJsonSyntaxError(line).has_value();
}

Status Failure(std::string message, std::string reason) {
  return Status::InvalidArgument(std::move(message), {{-1, "body", std::move(reason)}});
}

// Decodes one body. `text` is followed by kDecodePadding readable bytes. A new one per call.
class BodyDecoder {
 public:
  BodyDecoder(od::parser& parser, std::string_view text, std::vector<ByteRange> bad_utf8)
      : parser_(parser), text_(text), bad_utf8_(std::move(bad_utf8)), sink_(kMaxListedProblems) {}

  Result<EventBatch> Run(BodyFormat format) {
    const size_t first = static_cast<size_t>(
        std::find_if_not(text_.begin(), text_.end(), IsSpace) - text_.begin());
    if (first == text_.size()) return Failure("empty body; nothing was stored", "empty body");
    if (format == BodyFormat::kNdjson ||
        (text_[first] == '{' && LooksLikeJsonLines(text_, first))) {
      DecodeLines();
    } else {
      MLTRACK_RETURN_IF_ERROR(DecodeDocument());
    }
    if (invalid_ > 0) {
      return Status::InvalidArgument(std::to_string(invalid_) + " of " + std::to_string(total_) +
                                         " events are invalid; nothing was stored",
                                     std::move(sink_).Take());
    }
    return std::move(batch_);
  }

 private:
  size_t CapacityFrom(const char* start) const {
    return static_cast<size_t>(text_.data() + text_.size() - start) + kDecodePadding;
  }

  // Where and why `part` (at `part_offset` in the body) is not JSON, for a client to fix it.
  std::string MalformedReason(std::string_view part, size_t part_offset, error_code err,
                              bool with_line) const {
    std::optional<JsonSyntaxError> syntax = FindJsonSyntaxError(part);
    if (!syntax) return std::string("malformed JSON: ") + simdjson::error_message(err);
    const TextPosition position = PositionOf(part, syntax->offset);
    const size_t body_offset = part_offset + syntax->offset;
    std::string what = Overlaps(bad_utf8_, body_offset, body_offset + 1)
                           ? "a byte that is not valid UTF-8 outside a string"
                           : syntax->what;
    std::string where = with_line ? "line " + std::to_string(position.line) + ", column " +
                                        std::to_string(position.column) + " (byte " +
                                        std::to_string(body_offset) + ")"
                                  : "column " + std::to_string(position.column);
    return "malformed JSON at " + where + ": " + what;
  }

  // Where the next event is decoded: in place at the end of the batch while the batch is clean
  // (no move per event), in a scratch event once it is not (it is not returned then).
  Event& NextEvent() {
    if (invalid_ == 0) return batch_.emplace_back();
    scratch_ = Event();
    return scratch_;
  }

  // Counts the event NextEvent() gave; drops the batch's events once one has a problem.
  void FinishEvent(size_t problems_before) {
    ++total_;
    if (sink_.count() == problems_before) return;
    if (invalid_++ == 0) batch_.clear();
  }

  error_code DecodeObject(od::object& object, int64_t index, Event& event) {
    const EventContext context{index, text_.data(), &bad_utf8_};
    return DecodeEventObject(object, context, sink_, event);
  }

  Status DecodeDocument() {
    od::document doc;
    error_code err = parser_.iterate(text_.data(), text_.size(), CapacityFrom(text_.data())).get(doc);
    std::optional<od::json_type> root_type;
    if (!err) err = DecodeRoot(doc, root_type);
    if (!err && root_type && (*root_type == od::json_type::object ||
                              *root_type == od::json_type::array) && !AtEnd(doc)) {
      err = simdjson::TRAILING_CONTENT;
    }
    if (err) {
      return Failure("malformed JSON; nothing was stored",
                     MalformedReason(text_, 0, err, /*with_line=*/true));
    }
    if (*root_type != od::json_type::object && *root_type != od::json_type::array) {
      return Failure("invalid body; nothing was stored",
                     "the body must be a JSON object (one event), an array of events, or NDJSON; "
                     "got " + std::string(TypeNoun(*root_type)));
    }
    return Status::OK();
  }

  error_code DecodeRoot(od::document& doc, std::optional<od::json_type>& root_type) {
    od::json_type type;
    if (error_code err = doc.type().get(type)) return err;
    root_type = type;
    if (type == od::json_type::object) {
      od::object object;
      if (error_code err = doc.get_object().get(object)) return err;
      const size_t problems_before = sink_.count();
      if (error_code err = DecodeObject(object, 0, NextEvent())) return err;
      FinishEvent(problems_before);
      return SUCCESS;
    }
    if (type != od::json_type::array) return SUCCESS;
    od::array array;
    if (error_code err = doc.get_array().get(array)) return err;
    int64_t index = 0;
    for (auto element_result : array) {
      od::value element;
      if (error_code err = std::move(element_result).get(element)) return err;
      od::json_type element_type;
      if (error_code err = element.type().get(element_type)) return err;
      Event& event = NextEvent();
      const size_t problems_before = sink_.count();
      if (element_type == od::json_type::object) {
        od::object object;
        if (error_code err = element.get_object().get(object)) return err;
        if (error_code err = DecodeObject(object, index, event)) return err;
      } else {
        sink_.Add(index, "", "an event must be a JSON object, got " +
                                 std::string(TypeNoun(element_type)));
      }
      FinishEvent(problems_before);
      ++index;
    }
    return SUCCESS;
  }

  void DecodeLines() {
    batch_.reserve(CountLines(text_));
    size_t pos = 0;
    size_t line_number = 0;
    int64_t index = 0;
    while (pos < text_.size()) {
      const void* newline = std::memchr(text_.data() + pos, '\n', text_.size() - pos);
      const size_t end =
          newline ? static_cast<size_t>(static_cast<const char*>(newline) - text_.data()) : text_.size();
      std::string_view line = text_.substr(pos, end - pos);
      const size_t line_offset = pos;
      pos = end + 1;
      ++line_number;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (IsBlank(line)) continue;
      DecodeLine(line, line_offset, line_number, index++);
    }
  }

  // A malformed line is a problem of that event only: the next line is a fresh document.
  void DecodeLine(std::string_view line, size_t line_offset, size_t line_number, int64_t index) {
    Event& event = NextEvent();
    const size_t problems_before = sink_.count();
    od::document doc;
    error_code err = parser_.iterate(line.data(), line.size(), CapacityFrom(line.data())).get(doc);
    od::json_type type = od::json_type::object;
    if (!err) err = doc.type().get(type);
    if (!err && type != od::json_type::object) {
      sink_.Add(index, "", "line " + std::to_string(line_number) +
                               ": each line must be one JSON object, got " +
                               std::string(TypeNoun(type)));
    } else if (!err) {
      od::object object;
      err = doc.get_object().get(object);
      if (!err) err = DecodeObject(object, index, event);
      if (!err && !AtEnd(doc)) err = simdjson::TRAILING_CONTENT;
    }
    if (err) {
      std::string reason = MalformedReason(line, line_offset, err, /*with_line=*/false);
      sink_.Add(index, "", "line " + std::to_string(line_number) + ": " + reason);
    }
    FinishEvent(problems_before);
  }

  od::parser& parser_;
  std::string_view text_;
  std::vector<ByteRange> bad_utf8_;
  ProblemSink sink_;
  EventBatch batch_;
  Event scratch_;
  size_t total_ = 0;
  size_t invalid_ = 0;
};

}  // namespace

struct EventDecoder::Impl {
  od::parser parser;
};

EventDecoder::EventDecoder() : impl_(std::make_unique<Impl>()) {}
EventDecoder::~EventDecoder() = default;

Result<EventBatch> EventDecoder::DecodePadded(std::string_view body, BodyFormat format) {
  // A UTF-8 byte order mark is not JSON, but some Windows tools write one; it carries nothing.
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  if (simdjson::validate_utf8(body.data(), body.size())) {
    return BodyDecoder(impl_->parser, body, {}).Run(format);
  }
  // Replace each bad byte by '?' (same offsets, so positions stay true) and remember where they
  // were: the string that held one becomes a "not valid UTF-8" problem of its event and field,
  // instead of simdjson's one error for the whole body.
  std::vector<ByteRange> bad = FindInvalidUtf8(body);
  simdjson::padded_string repaired(body.data(), body.size());
  for (const ByteRange& range : bad) std::memset(repaired.data() + range.begin, '?', range.end - range.begin);
  return BodyDecoder(impl_->parser, std::string_view(repaired), std::move(bad)).Run(format);
}

Result<EventBatch> EventDecoder::Decode(std::string_view body, BodyFormat format) {
  const simdjson::padded_string padded(body.data(), body.size());
  return DecodePadded(std::string_view(padded), format);
}

Result<EventBatch> DecodeEvents(std::string_view body, BodyFormat format) {
  return EventDecoder().Decode(body, format);
}

Result<EventBatch> DecodeEvents(std::string* body, BodyFormat format) {
  body->reserve(body->size() + kDecodePadding);
  return EventDecoder().DecodePadded(*body, format);
}

}  // namespace mltrack::ingest
