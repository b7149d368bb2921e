#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace mltrack {

// What kind of failure a Status reports. The server maps each code to one HTTP status in
// exactly one place (src/server/status_mapping.cc).
enum class StatusCode : uint8_t {
  kOk = 0,
  kInvalidArgument,       // bad client input: an event, a query, a parameter (400)
  kNotFound,              // a named thing does not exist (404)
  kPayloadTooLarge,       // a body over the configured limit (413)
  kUnsupportedMediaType,  // a content type we do not decode (415)
  kCorruption,            // stored bytes fail their checksum or structure
  kIOError,               // the operating system refused a read or write
  kNoSpace,               // the disk is full (507); retry when space returns
  kOverloaded,            // too much concurrent work; retry later (429/503)
  kUnavailable,           // the service is shutting down or not ready (503)
  kDeadlineExceeded,      // work stopped at its time limit (a query's --query-timeout; 503)
  kResourceExhausted,     // work that needs more than its memory limit (a query's --query-memory; 400)
  kInternal,              // a broken invariant; a bug
};

// One precise complaint about client input: which item (index in a batch, -1 when not in a
// batch), which field, and why. Lists of these make 400 responses actionable.
struct ErrorDetail {
  int64_t index = -1;
  std::string field;
  std::string reason;

  bool operator==(const ErrorDetail&) const = default;
};

// The result of an operation that can fail at run time, leveldb-style. Cheap to copy when OK.
// A Status is a value; it is not thread-safe to mutate one from two threads.
class Status {
 public:
  Status() = default;
  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string message, std::vector<ErrorDetail> details = {}) {
    return Status(StatusCode::kInvalidArgument, std::move(message), std::move(details));
  }
  static Status NotFound(std::string message) { return Status(StatusCode::kNotFound, std::move(message)); }
  static Status PayloadTooLarge(std::string message) {
    return Status(StatusCode::kPayloadTooLarge, std::move(message));
  }
  static Status UnsupportedMediaType(std::string message) {
    return Status(StatusCode::kUnsupportedMediaType, std::move(message));
  }
  static Status Corruption(std::string message) { return Status(StatusCode::kCorruption, std::move(message)); }
  static Status IOError(std::string message) { return Status(StatusCode::kIOError, std::move(message)); }
  static Status NoSpace(std::string message) { return Status(StatusCode::kNoSpace, std::move(message)); }
  static Status Overloaded(std::string message) { return Status(StatusCode::kOverloaded, std::move(message)); }
  static Status Unavailable(std::string message) {
    return Status(StatusCode::kUnavailable, std::move(message));
  }
  static Status DeadlineExceeded(std::string message) {
    return Status(StatusCode::kDeadlineExceeded, std::move(message));
  }
  static Status ResourceExhausted(std::string message, std::vector<ErrorDetail> details = {}) {
    return Status(StatusCode::kResourceExhausted, std::move(message), std::move(details));
  }
  static Status Internal(std::string message) { return Status(StatusCode::kInternal, std::move(message)); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<ErrorDetail>& details() const { return details_; }

  // "InvalidArgument: message" — for logs and test failure messages.
  std::string ToString() const;

 private:
  Status(StatusCode code, std::string message, std::vector<ErrorDetail> details = {})
      : code_(code), message_(std::move(message)), details_(std::move(details)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::vector<ErrorDetail> details_;
};

// Either a value or the Status that explains why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {}  // NOLINT: must not be OK

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

const char* StatusCodeName(StatusCode code);

}  // namespace mltrack

// Returns early from the enclosing function when `expr` yields a non-OK Status.
#define MLTRACK_RETURN_IF_ERROR(expr)              \
  do {                                             \
    ::mltrack::Status mltrack_status_ = (expr);    \
    if (!mltrack_status_.ok()) return mltrack_status_; \
  } while (0)
