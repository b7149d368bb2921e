#include "server/response_stream.h"

#include <algorithm>

namespace mltrack::server {

void ResponseStream::Push(Item item) {
  std::function<void()> wake;
  {
    std::lock_guard lock(mutex_);
    if (ended_ || client_gone_) return;  // nobody will read it
    if (item.kind == Item::Kind::kEnd || item.kind == Item::Kind::kAbort) ended_ = true;
    if (item.kind == Item::Kind::kPiece) pending_bytes_ += item.piece.size();
    items_.push_back(std::move(item));
    wake = std::move(wake_);
    wake_ = nullptr;
  }
  if (wake) wake();
}

void ResponseStream::Start(Head head) { Push(Item{Item::Kind::kHead, std::move(head), {}}); }

void ResponseStream::Write(std::string piece) {
  if (piece.empty()) return;
  Push(Item{Item::Kind::kPiece, {}, std::move(piece)});
}

void ResponseStream::Finish() { Push(Item{Item::Kind::kEnd, {}, {}}); }

void ResponseStream::Abort() { Push(Item{Item::Kind::kAbort, {}, {}}); }

void ResponseStream::OnClientGone(std::function<void()> callback) {
  {
    std::lock_guard lock(mutex_);
    if (!client_gone_) {
      on_client_gone_ = std::move(callback);
      return;
    }
  }
  callback();
}

bool ResponseStream::client_gone() const {
  std::lock_guard lock(mutex_);
  return client_gone_;
}

size_t ResponseStream::pending_bytes() const {
  std::lock_guard lock(mutex_);
  return pending_bytes_;
}

void ResponseStream::WhenBelow(size_t limit, std::function<void()> resume) {
  {
    std::lock_guard lock(mutex_);
    if (pending_bytes_ >= limit && !client_gone_) {
      resume_below_ = limit;
      resume_ = std::move(resume);
      return;
    }
  }
  resume();
}

bool ResponseStream::Take(std::vector<Item>& items, std::function<void()> wake) {
  std::lock_guard lock(mutex_);
  if (items_.empty()) {
    if (client_gone_) {
      items.push_back(Item{Item::Kind::kAbort, {}, {}});
      return true;
    }
    wake_ = std::move(wake);
    return false;
  }
  for (Item& item : items_) items.push_back(std::move(item));
  items_.clear();
  return true;
}

void ResponseStream::Sent(size_t bytes) {
  std::function<void()> resume;
  {
    std::lock_guard lock(mutex_);
    pending_bytes_ -= std::min(bytes, pending_bytes_);
    if (resume_ && pending_bytes_ < resume_below_) {
      resume = std::move(resume_);
      resume_ = nullptr;
    }
  }
  if (resume) resume();
}

void ResponseStream::ClientGone(bool wake_consumer) {
  std::function<void()> callback;
  std::function<void()> resume;
  std::function<void()> wake;
  {
    std::lock_guard lock(mutex_);
    if (client_gone_) return;
    client_gone_ = true;
    wake = std::move(wake_);
    wake_ = nullptr;
    callback = std::move(on_client_gone_);
    resume = std::move(resume_);  // a producer waiting for room must not wait forever
  }
  if (callback) callback();
  if (resume) resume();
  if (wake && wake_consumer) wake();
}

}  // namespace mltrack::server
