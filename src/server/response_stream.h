#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace mltrack::server {

// A response that is produced after its handler returned, and possibly in pieces: the proxy's
// answer, which arrives from an upstream while the handler's worker is already serving others.
// A handler returns an HttpResponse whose `stream` is set; the HTTP session then sends what the
// producer gives here instead of the response's own fields, each piece as it comes (HTTP/1.1
// chunked encoding), so a server-sent event stream passes through without being buffered.
//
// The producer (any thread) calls Start once, Write any number of times, then Finish — or
// Abort at any point, which closes the connection (after Start, the client sees a body that
// ends without its last chunk, the HTTP way of saying the response broke). The producer must
// always end the stream one way or the other: the session waits for it.
//
// The consumer (the session) learns of items through Take and tells the producer when the
// client went away (ClientGone): the producer's OnClientGone callback then runs once, on the
// consumer's thread, and should stop the work and Abort. Thread-safe.
class ResponseStream {
 public:
  struct Head {
    int status = 200;
    std::string content_type;
    std::vector<std::pair<std::string, std::string>> headers;
  };

  // What Take hands the consumer, in the order the producer made it.
  struct Item {
    enum class Kind : uint8_t { kHead, kPiece, kEnd, kAbort };
    Kind kind;
    Head head;          // kHead
    std::string piece;  // kPiece
  };

  ResponseStream() = default;
  ResponseStream(const ResponseStream&) = delete;
  ResponseStream& operator=(const ResponseStream&) = delete;

  // ---- producer ---------------------------------------------------------------------------
  void Start(Head head);
  void Write(std::string piece);  // empty pieces are dropped (an empty chunk would end the body)
  void Finish();
  void Abort();

  // Runs `callback` once when the client goes away (at once if it already has). Set it before
  // the work that it should stop can take long.
  void OnClientGone(std::function<void()> callback);
  bool client_gone() const;

  // Bytes written and not yet sent to the client. A producer that reads faster than the client
  // takes (a fast upstream, a slow client) waits for room: WhenBelow(limit, resume) runs `resume`
  // once, as soon as pending_bytes() is below `limit` (at once if it already is).
  size_t pending_bytes() const;
  void WhenBelow(size_t limit, std::function<void()> resume);

  // ---- consumer ---------------------------------------------------------------------------
  // Moves every item produced so far into `items`. When there is none, stores `wake` to be
  // called (once, on the producer's or ClientGone's thread) as soon as there is, and returns
  // false. After ClientGone an empty stream yields a kAbort item, so a consumer never waits for
  // a producer that was told to stop.
  bool Take(std::vector<Item>& items, std::function<void()> wake);
  // `bytes` of written pieces reached the client (or were given up on).
  void Sent(size_t bytes);
  // The client closed the connection, a write failed, or the session is going away: later
  // pieces are dropped; OnClientGone's callback runs now (on this thread) if it was set, then a
  // stored wake, unless `wake_consumer` is false (the consumer itself is being destroyed).
  void ClientGone(bool wake_consumer = true);

 private:
  // Queues `item` and wakes the consumer, unless the stream already ended or the client left.
  void Push(Item item);

  mutable std::mutex mutex_;
  std::deque<Item> items_;
  std::function<void()> wake_;
  std::function<void()> on_client_gone_;
  bool client_gone_ = false;
  bool ended_ = false;
  size_t pending_bytes_ = 0;
  size_t resume_below_ = 0;
  std::function<void()> resume_;
};

}  // namespace mltrack::server
