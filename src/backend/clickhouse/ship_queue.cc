#include "backend/clickhouse/ship_queue.h"

#include <system_error>

#include "backend/clickhouse/row_binary.h"
#include "store/event_codec.h"
#include "store/wal_reader.h"

namespace mltrack::backend::clickhouse {
namespace {

std::string Encode(const std::string& batch_id, const EventBatch& events) {
  std::string payload;
  RowBinaryWriter(&payload).String(batch_id);
  store::EncodeEventBatch(events, &payload);
  return payload;
}

Result<QueuedBatch> Decode(std::string_view payload) {
  RowBinaryReader reader(payload);
  QueuedBatch batch;
  batch.batch_id = std::string(reader.String());
  if (!reader.ok()) return Status::Corruption("a queued batch has no batch id");
  Result<EventBatch> events = store::DecodeEventBatch(payload.substr(reader.position()));
  if (!events.ok()) return events.status();
  batch.events = std::move(*events);
  return batch;
}

}  // namespace

Result<std::unique_ptr<ShipQueue>> ShipQueue::Open(const std::filesystem::path& dir, uint64_t max_bytes) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("creating " + dir.string() + ": " + ec.message());
  std::unique_ptr<ShipQueue> queue(new ShipQueue(dir, max_bytes));
  Result<std::vector<store::WalFile>> files = store::ListWalFiles(dir);
  if (!files.ok()) return files.status();
  uint64_t next_seq = 1;
  for (size_t idx = 0; idx < files->size(); ++idx) {
    const store::WalFile& file = (*files)[idx];
    const bool newest = idx + 1 == files->size();
    Result<std::unique_ptr<store::WalReader>> reader = store::WalReader::Open(file.path, newest);
    if (!reader.ok()) return reader.status();
    store::WalRecord record;
    while (true) {
      Result<bool> next = (*reader)->Next(&record);
      if (!next.ok()) return next.status();
      if (!*next) break;
      Result<QueuedBatch> decoded = Decode(record.payload);
      if (!decoded.ok()) {
        return Status::Corruption(file.path.string() + " at byte " + std::to_string(record.offset) + ": " +
                                  decoded.status().message());
      }
      queue->payloads_.emplace_back(record.payload);
      queue->bytes_ += record.payload.size();
    }
    if (newest && (*reader)->torn_tail()) {
      const uint64_t valid = (*reader)->valid_bytes();
      reader->reset();
      Status cut = store::TruncateWalFile(file.path, valid);
      if (!cut.ok()) return cut;
    }
    next_seq = file.seq + 1;
  }
  // Appends go to a new file; the old ones are deleted once the queue has drained.
  Result<std::unique_ptr<store::WalWriter>> writer = store::WalWriter::Open(dir, next_seq);
  if (!writer.ok()) return writer.status();
  queue->writer_ = std::move(*writer);
  return queue;
}

ShipQueue::~ShipQueue() {
  if (writer_) writer_->Close();
}

Status ShipQueue::Push(const std::string& batch_id, const EventBatch& events) {
  std::string payload = Encode(batch_id, events);
  std::lock_guard lock(mutex_);
  if (bytes_ + payload.size() > max_bytes_) {
    return Status::Unavailable("ClickHouse is unreachable and this node's queue of unshipped events is full (" +
                               std::to_string(bytes_) + " of " + std::to_string(max_bytes_) +
                               " bytes); nothing of this batch was stored, retry later");
  }
  Status written = writer_->Append(payload);
  if (!written.ok()) return written;
  bytes_ += payload.size();
  payloads_.push_back(std::move(payload));
  return Status::OK();
}

std::optional<QueuedBatch> ShipQueue::Front() {
  std::string payload;
  {
    std::lock_guard lock(mutex_);
    if (payloads_.empty()) return std::nullopt;
    payload = payloads_.front();
  }
  Result<QueuedBatch> batch = Decode(payload);
  if (!batch.ok()) return std::nullopt;  // checked when read or written
  return std::move(*batch);
}

Status ShipQueue::PopFront() {
  std::lock_guard lock(mutex_);
  if (payloads_.empty()) return Status::OK();
  bytes_ -= payloads_.front().size();
  payloads_.pop_front();
  if (!payloads_.empty()) return Status::OK();
  // Drained: every record is in files before the one started now.
  Status rotated = writer_->StartNewFile();
  if (!rotated.ok()) return rotated;
  Result<std::vector<store::WalFile>> files = store::ListWalFiles(dir_);
  if (!files.ok()) return files.status();
  for (const store::WalFile& file : *files) {
    if (file.seq >= writer_->current_seq()) continue;
    std::error_code ec;
    std::filesystem::remove(file.path, ec);
    if (ec) return Status::IOError("removing " + file.path.string() + ": " + ec.message());
  }
  return SyncDirectory(dir_);
}

bool ShipQueue::empty() {
  std::lock_guard lock(mutex_);
  return payloads_.empty();
}

size_t ShipQueue::batches() {
  std::lock_guard lock(mutex_);
  return payloads_.size();
}

uint64_t ShipQueue::bytes() {
  std::lock_guard lock(mutex_);
  return bytes_;
}

uint64_t ShipQueue::files() {
  Result<std::vector<store::WalFile>> listed = store::ListWalFiles(dir_);
  return listed.ok() ? listed->size() : 0;
}

}  // namespace mltrack::backend::clickhouse
