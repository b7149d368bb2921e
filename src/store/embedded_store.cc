#include "store/embedded_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <unordered_set>
#include <utility>

#include "store/event_codec.h"
#include "store/wal_reader.h"

namespace mltrack::store {
namespace {

// Enough to show what went wrong without letting a failing disk grow the list without bound.
constexpr size_t kMaxProblems = 100;

}  // namespace

struct EmbeddedStore::PendingAppend {
  explicit PendingAppend(EventBatch events) : batch(std::move(events)) {}

  EventBatch batch;
  Result<AppendResult> result = Status::Internal("append not committed");
  bool has_result = false;  // set with `result` by the leader
  bool done = false;
  std::condition_variable cv;
};

EmbeddedStore::EmbeddedStore(StoreOptions options)
    : options_(std::move(options)), wal_dir_(options_.dir / "wal") {}

EmbeddedStore::~EmbeddedStore() {
  Close();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Result<std::unique_ptr<EmbeddedStore>> EmbeddedStore::Open(StoreOptions options) {
  std::unique_ptr<EmbeddedStore> store(new EmbeddedStore(std::move(options)));
  std::error_code ec;
  std::filesystem::create_directories(store->wal_dir_, ec);
  if (ec) return ErrnoToStatus(ec.value(), "create " + store->wal_dir_.string());
  MLTRACK_RETURN_IF_ERROR(store->LockDirectory());
  MLTRACK_RETURN_IF_ERROR(store->Recover());
  store->PublishStats();
  return store;
}

Status EmbeddedStore::LockDirectory() {
  std::filesystem::path path = options_.dir / "LOCK";
  lock_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) return ErrnoToStatus(errno, "open " + path.string());
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Status::Unavailable("data directory " + options_.dir.string() +
                                 " is in use by another store");
    }
    return ErrnoToStatus(errno, "lock " + path.string());
  }
  return Status::OK();
}

Status EmbeddedStore::Recover() {
  Result<std::vector<WalFile>> files = ListWalFiles(wal_dir_);
  if (!files.ok()) return files.status();

  bool last_damaged = false;
  uint64_t last_bytes = 0;
  for (size_t file_idx = 0; file_idx < files->size(); ++file_idx) {
    const WalFile& file = (*files)[file_idx];
    const bool newest = file_idx + 1 == files->size();
    Result<std::unique_ptr<WalReader>> reader = WalReader::Open(file.path, newest);
    if (!reader.ok()) return reader.status();
    bool damaged = false;
    WalRecord record;
    while (true) {
      Result<bool> more = (*reader)->Next(&record);
      if (!more.ok()) {
        AddProblem({file.path.string(), (*reader)->corruption_offset(), more.status().message()});
        damaged = true;
        break;
      }
      if (!*more) break;
      Result<EventBatch> batch = DecodeEventBatch(record.payload);
      if (!batch.ok()) {
        // The record's checksum holds, so the framing is sound and the next record can be
        // trusted; only this one is lost (it cannot be a crash: it is complete).
        AddProblem({file.path.string(), record.offset, batch.status().message()});
        damaged = true;
        continue;
      }
      ApplyRecovered(std::move(batch).value());
    }
    uint64_t bytes = (*reader)->file_bytes();
    if (newest && (*reader)->torn_tail()) {
      bytes = (*reader)->valid_bytes();
      reader->reset();  // unmap before truncating
      MLTRACK_RETURN_IF_ERROR(TruncateWalFile(file.path, bytes));
    }
    if (newest) {
      last_damaged = damaged;
      last_bytes = bytes;
    } else {
      base_wal_files_ += 1;
      base_wal_bytes_ += bytes;
    }
  }

  // Keep appending to the newest file when it is healthy and has room; a damaged file stays
  // exactly as it was found.
  uint64_t seq = 1;
  if (!files->empty()) {
    const uint64_t newest_seq = files->back().seq;
    if (last_damaged || last_bytes >= options_.wal_file_bytes) {
      base_wal_files_ += 1;
      base_wal_bytes_ += last_bytes;
      seq = newest_seq + 1;
    } else {
      seq = newest_seq;
    }
  }
  WalWriterOptions writer_options;
  writer_options.file_bytes = options_.wal_file_bytes;
  writer_options.fault_hook = options_.wal_fault_hook;
  Result<std::unique_ptr<WalWriter>> writer = WalWriter::Open(wal_dir_, seq, writer_options);
  if (!writer.ok()) return writer.status();
  writer_ = std::move(writer).value();
  return Status::OK();
}

void EmbeddedStore::ApplyRecovered(EventBatch batch) {
  // The writer never logs a duplicate, so this only matters if the log was tampered with; it
  // keeps "stored once" true regardless.
  size_t kept = 0;
  for (size_t event_idx = 0; event_idx < batch.size(); ++event_idx) {
    Event& event = batch[event_idx];
    if (!event.id.empty() && !ids_.Insert(HashId(event.id))) continue;
    if (kept != event_idx) batch[kept] = std::move(event);
    ++kept;
  }
  batch.erase(batch.begin() + static_cast<std::ptrdiff_t>(kept), batch.end());
  if (!batch.empty()) memtable_.Append(batch);
}

Result<AppendResult> EmbeddedStore::Append(EventBatch batch) {
  PendingAppend pending(std::move(batch));
  std::unique_lock lock(mu_);
  if (closing_) return Status::Unavailable("store is closed");
  queue_.push_back(&pending);
  pending.cv.wait(lock, [&] { return pending.done || queue_.front() == &pending; });
  if (pending.done) return std::move(pending.result);

  // This caller leads: it commits itself and the batches queued behind it.
  std::vector<PendingAppend*> group;
  size_t group_events = 0;
  for (PendingAppend* queued : queue_) {
    if (!group.empty() && group_events + queued->batch.size() > options_.max_group_events) break;
    group.push_back(queued);
    group_events += queued->batch.size();
  }
  lock.unlock();
  try {
    CommitGroup(group);
  } catch (const std::exception& error) {
    // Out of memory in the memtable, most likely. The queue must still move on, or every
    // caller behind this one would wait forever.
    for (PendingAppend* member : group) {
      if (!member->has_result)
        member->result = Status::Internal(std::string("commit failed: ") + error.what());
    }
  }
  lock.lock();
  for (PendingAppend* member : group) {
    queue_.pop_front();
    member->done = true;
    // Notified under the lock: the waiter cannot wake, return and destroy its cv before.
    if (member != &pending) member->cv.notify_one();
  }
  if (!queue_.empty()) {
    queue_.front()->cv.notify_one();
  } else {
    drained_.notify_all();
  }
  return std::move(pending.result);
}

void EmbeddedStore::CommitGroup(const std::vector<PendingAppend*>& group) {
  std::unordered_set<IdKey, IdKeyHash> group_ids;
  std::vector<std::vector<IdKey>> new_ids(group.size());
  std::vector<size_t> duplicates(group.size(), 0);
  std::vector<bool> failed(group.size(), false);
  std::vector<std::string> payloads;
  payloads.reserve(group.size());

  for (size_t member_idx = 0; member_idx < group.size(); ++member_idx) {
    EventBatch& batch = group[member_idx]->batch;
    size_t kept = 0;
    for (size_t event_idx = 0; event_idx < batch.size(); ++event_idx) {
      Event& event = batch[event_idx];
      if (!event.id.empty()) {
        IdKey key = HashId(event.id);
        if (ids_.Contains(key) || !group_ids.insert(key).second) {
          ++duplicates[member_idx];
          continue;
        }
        new_ids[member_idx].push_back(key);
      }
      if (kept != event_idx) batch[kept] = std::move(event);
      ++kept;
    }
    batch.erase(batch.begin() + static_cast<std::ptrdiff_t>(kept), batch.end());
    if (batch.empty()) continue;
    std::string payload;
    EncodeEventBatch(batch, &payload);
    if (payload.size() > wal::kMaxPayloadBytes) {
      group[member_idx]->has_result = true;
      group[member_idx]->result = Status::InvalidArgument(
          "batch encodes to " + std::to_string(payload.size()) + " bytes, over the limit of " +
          std::to_string(wal::kMaxPayloadBytes) + "; send smaller batches");
      failed[member_idx] = true;
      for (const IdKey& key : new_ids[member_idx]) group_ids.erase(key);
      continue;
    }
    payloads.push_back(std::move(payload));
  }

  std::vector<std::string_view> records(payloads.begin(), payloads.end());
  Status status = writer_->AppendGroup(records);
  if (!status.ok()) {
    if (status.code() != StatusCode::kNoSpace) {
      AddProblem({(wal_dir_ / wal::FileName(writer_->current_seq())).string(),
                  writer_->current_offset(), status.message()});
    }
    for (size_t member_idx = 0; member_idx < group.size(); ++member_idx) {
      if (failed[member_idx]) continue;
      group[member_idx]->result = status;
      group[member_idx]->has_result = true;
    }
    PublishStats();
    return;
  }

  // Durable: make the batches visible in queue order, then acknowledge.
  for (size_t member_idx = 0; member_idx < group.size(); ++member_idx) {
    if (failed[member_idx]) continue;
    const EventBatch& batch = group[member_idx]->batch;
    if (!batch.empty()) memtable_.Append(batch);
    for (const IdKey& key : new_ids[member_idx]) ids_.Insert(key);
    group[member_idx]->result = AppendResult{batch.size(), duplicates[member_idx]};
    group[member_idx]->has_result = true;
  }
  PublishStats();
}

void EmbeddedStore::PublishStats() {
  id_index_bytes_.store(ids_.MemoryBytes(), std::memory_order_relaxed);
  wal_bytes_.store(base_wal_bytes_ + writer_->sealed_bytes() + writer_->current_offset(),
                   std::memory_order_relaxed);
  wal_files_.store(base_wal_files_ + writer_->files_opened(), std::memory_order_relaxed);
}

void EmbeddedStore::AddProblem(StoreProblem problem) {
  std::lock_guard lock(problems_mu_);
  if (problems_.size() < kMaxProblems) problems_.push_back(std::move(problem));
}

std::shared_ptr<const TableSnapshot> EmbeddedStore::Snapshot() const {
  return memtable_.Snapshot();
}

StoreStats EmbeddedStore::Stats() const {
  StoreStats stats;
  stats.rows = memtable_.row_count();
  stats.memory_bytes = memtable_.MemoryBytes() + id_index_bytes_.load(std::memory_order_relaxed);
  stats.disk_bytes = wal_bytes_.load(std::memory_order_relaxed);
  stats.wal_files = wal_files_.load(std::memory_order_relaxed);
  std::lock_guard lock(problems_mu_);
  stats.problems = problems_;
  return stats;
}

void EmbeddedStore::Close() {
  std::unique_lock lock(mu_);
  closing_ = true;
  drained_.wait(lock, [&] { return queue_.empty(); });
  if (closed_) return;
  closed_ = true;
  if (writer_ != nullptr) {
    Status status = writer_->Close();
    if (!status.ok()) {
      AddProblem({(wal_dir_ / wal::FileName(writer_->current_seq())).string(),
                  writer_->current_offset(), "closing the WAL: " + status.message()});
    }
  }
}

}  // namespace mltrack::store
