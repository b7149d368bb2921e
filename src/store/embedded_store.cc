#include "store/embedded_store.h"

#include "store/embedded_store_state.h"

#include <fcntl.h>
#include <malloc.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

#include "store/event_codec.h"
#include "store/key_limit.h"
#include "store/wal_reader.h"

namespace mltrack::store {
namespace {

// Enough kinds of problem to show what went wrong without letting a failing disk grow the list
// without bound (repeats of one kind only count: AddProblem).
constexpr size_t kMaxProblems = 100;

// How many ids ahead of the one it probes the commit leader prefetches id index slots: enough to
// cover a memory access with the probes in between, few enough to stay in L1. The sealed-id
// filter's directory is prefetched twice as far ahead, since its prefixes need that entry first.
constexpr size_t kIdPrefetchDistance = 8;

}  // namespace

struct EmbeddedStore::PendingAppend {
  // Hashes the ids and encodes the WAL record here, on the caller's thread, so that callers do
  // that in parallel and the serial commit only probes ids (and re-encodes a batch only when it
  // had duplicates to drop).
  explicit PendingAppend(EventBatch events) : batch(std::move(events)) {
    keys.reserve(batch.size());
    for (const Event& event : batch) {
      if (!event.id.empty()) keys.push_back(HashId(event.id));
    }
    EncodeEventBatch(batch, &payload);
    tag_entries = NewKeyLimit::Entries(batch, NewKeyLimit::Kind::kTagKeys);
    score_entries = NewKeyLimit::Entries(batch, NewKeyLimit::Kind::kScoreNames);
  }

  EventBatch batch;
  size_t tag_entries = 0;    // tags / scores the batch would store: bounds of the keys it adds
  size_t score_entries = 0;
  std::vector<IdKey> keys;  // HashId of each non-empty id of `batch`, in order
  std::string payload;      // EncodeEventBatch(batch) while no event has been dropped
  Result<AppendResult> result = Status::Internal("append not committed");
  bool has_result = false;  // set with `result` by the leader
  bool done = false;
  std::condition_variable cv;
};

EmbeddedStore::EmbeddedStore(StoreOptions options)
    : options_(std::move(options)),
      wal_dir_(options_.dir / "wal"),
      segments_dir_(options_.dir / "segments"),
      dict_dir_(options_.dir / "dict"),
      quarantine_dir_(options_.dir / "quarantine"),
      memtable_(std::make_shared<Memtable>(memtable_options(), dictionaries_)),
      state_(std::make_shared<State>()) {}

EmbeddedStore::~EmbeddedStore() {
  Close();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

MemtableOptions EmbeddedStore::memtable_options() const {
  MemtableOptions memtable;
  // A memtable never holds many more rows than seal_rows: no block larger than needed.
  if (options_.seal_rows > 0) {
    memtable.block_rows = std::clamp<size_t>(options_.seal_rows, 1024, memtable.block_rows);
  }
  return memtable;
}

Result<std::unique_ptr<EmbeddedStore>> EmbeddedStore::Open(StoreOptions options) {
  std::unique_ptr<EmbeddedStore> store(new EmbeddedStore(std::move(options)));
  for (const std::filesystem::path& dir : {store->wal_dir_, store->segments_dir_, store->quarantine_dir_}) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return ErrnoToStatus(ec.value(), "create " + dir.string());
  }
  MLTRACK_RETURN_IF_ERROR(store->LockDirectory());
  MLTRACK_RETURN_IF_ERROR(store->Recover());
  store->id_index_bytes_.store(store->ids_->MemoryBytes(), std::memory_order_relaxed);
  store->MaybeFreeze(/*force=*/false);
  // Opening decodes whole files through temporary buffers; hand that memory back.
  ::malloc_trim(0);
  store->maintenance_ = std::thread([raw = store.get()] { raw->MaintenanceLoop(); });
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
  MLTRACK_RETURN_IF_ERROR(OpenSegments([&]() -> Status {
    std::vector<StoreProblem> dictionary_problems;
    Result<std::unique_ptr<DictionaryLog>> log =
        DictionaryLog::Open(dict_dir_, dictionaries_.get(), &dictionary_problems, options_.segment_fault_hook);
    if (!log.ok()) return log.status();
    dict_log_ = std::move(log).value();
    for (StoreProblem& problem : dictionary_problems) AddProblem(std::move(problem));  // before segments' problems
    return Status::OK();
  }));

  Result<std::vector<WalFile>> all_files = ListWalFiles(wal_dir_);
  if (!all_files.ok()) return all_files.status();
  // Files the segments cover were left behind by a crash between the MANIFEST update and the
  // trim: their rows are in segments already.
  std::vector<WalFile> covered;
  std::vector<WalFile> tail;
  for (const WalFile& file : *all_files) (file.seq <= manifest_.wal_sealed ? covered : tail).push_back(file);
  for (const WalFile& file : covered) {
    std::error_code ec;
    std::filesystem::remove(file.path, ec);
  }
  const std::vector<WalFile>* files = &tail;

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
        damaged_wal_.push_back(file.seq);
        break;
      }
      if (!*more) break;
      Result<EventBatch> batch = DecodeEventBatch(record.payload);
      if (!batch.ok()) {
        // The record's checksum holds, so the framing is sound and the next record can be
        // trusted; only this one is lost (it cannot be a crash: it is complete).
        AddProblem({file.path.string(), record.offset, batch.status().message()});
        damaged = true;
        damaged_wal_.push_back(file.seq);
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
    }
  }

  // Keep appending to the newest file when it is healthy and has room; a damaged file stays
  // exactly as it was found.
  uint64_t seq = std::max<uint64_t>(manifest_.wal_sealed + 1, 1);
  if (!files->empty()) {
    const uint64_t newest_seq = files->back().seq;
    if (last_damaged || last_bytes >= options_.wal_file_bytes) {
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
  // The writer never logs a duplicate, so this only matters if the log was tampered with (or a
  // crash left a WAL file behind that a segment covers); it keeps "stored once" true.
  std::shared_ptr<const State> state = CurrentState();
  size_t kept = 0;
  for (size_t event_idx = 0; event_idx < batch.size(); ++event_idx) {
    Event& event = batch[event_idx];
    if (!event.id.empty()) {
      const IdKey key = HashId(event.id);
      // An acknowledged event is kept even when a damaged segment cannot be asked (reported).
      const Result<bool> older = InOlderTables(key, *state);
      if ((older.ok() && *older) || !ids_->Insert(key)) continue;
    }
    if (kept != event_idx) batch[kept] = std::move(event);
    ++kept;
  }
  batch.erase(batch.begin() + static_cast<std::ptrdiff_t>(kept), batch.end());
  if (!batch.empty()) memtable_->Append(batch);
}

Result<bool> EmbeddedStore::InOlderTables(const IdKey& key, const State& state) {
  if (state.frozen_ids && state.frozen_ids->Contains(key)) return true;
  if (!state.sealed_ids || !state.sealed_ids->MayContain(key)) return false;
  for (auto segment = state.segments.rbegin(); segment != state.segments.rend(); ++segment) {
    Result<bool> found = (*segment)->ContainsId(key);
    if (!found.ok()) {
      AddProblem({(*segment)->path().string(), 0, "id lookup failed: " + found.status().message()});
      return Status::Unavailable(
          "cannot check event ids against segment " + (*segment)->path().string() + " (" + found.status().message() +
          "); the batch was refused rather than risk storing an event twice. The segment is damaged: restart the "
          "server to quarantine it (GET /api/health names it)");
    }
    if (*found) return true;
  }
  return false;
}

Result<AppendResult> EmbeddedStore::Append(EventBatch batch) { return Append(std::move(batch), nullptr); }

Result<AppendResult> EmbeddedStore::Append(EventBatch batch, EventBatch* stored) {
  PendingAppend pending(std::move(batch));
  // Once `done` is set the leader no longer touches this batch: it holds what was stored.
  auto finish = [&]() -> Result<AppendResult> {
    if (stored && pending.result.ok()) *stored = std::move(pending.batch);
    return std::move(pending.result);
  };
  std::unique_lock lock(mu_);
  if (closing_) return Status::Unavailable("store is closed");
  queue_.push_back(&pending);
  pending.cv.wait(lock, [&] { return pending.done || queue_.front() == &pending; });
  if (pending.done) return finish();

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
  return finish();
}

void EmbeddedStore::CommitGroup(const std::vector<PendingAppend*>& group) {
  std::shared_ptr<const State> state = CurrentState();
  // Ids go into ids_ as they are checked, so a later event of the group with the same id is a
  // duplicate; when the group (or one batch of it) fails, they are erased again. Only the
  // leader touches ids_, so nobody sees them in between.
  std::vector<std::vector<IdKey>> new_ids(group.size());
  std::vector<size_t> duplicates(group.size(), 0);
  std::vector<bool> failed(group.size(), false);
  auto take_back = [&](size_t member_idx) {
    for (const IdKey& key : new_ids[member_idx]) ids_->Erase(key);
    new_ids[member_idx].clear();
  };

  Status status;
  try {
    status = DeduplicateAndWrite(group, *state, new_ids, duplicates, failed);
  } catch (...) {
    // Nothing reached the WAL (or it is unknown whether it did not): none of these ids is stored.
    for (size_t member_idx = 0; member_idx < group.size(); ++member_idx) take_back(member_idx);
    throw;
  }
  if (!status.ok()) {
    if (status.code() != StatusCode::kNoSpace) {
      AddProblem({(wal_dir_ / wal::FileName(writer_->current_seq())).string(),
                  writer_->current_offset(), status.message()});
    }
    for (size_t member_idx = 0; member_idx < group.size(); ++member_idx) {
      if (failed[member_idx]) continue;
      take_back(member_idx);
      group[member_idx]->result = status;
      group[member_idx]->has_result = true;
    }
    return;
  }

  // Durable: make the batches visible in queue order, then acknowledge.
  for (size_t member_idx = 0; member_idx < group.size(); ++member_idx) {
    if (failed[member_idx]) continue;
    const EventBatch& batch = group[member_idx]->batch;
    if (!batch.empty()) memtable_->Append(batch);
    group[member_idx]->result = AppendResult{batch.size(), duplicates[member_idx]};
    group[member_idx]->has_result = true;
  }
  id_index_bytes_.store(ids_->MemoryBytes(), std::memory_order_relaxed);
  MaybeFreeze(/*force=*/false);
}

// Drops the events whose id is stored already or repeats an earlier one of the group (their ids
// go into ids_ and new_ids), re-encodes the WAL record of a batch that lost events, and writes
// every record durably.
Status EmbeddedStore::DeduplicateAndWrite(const std::vector<PendingAppend*>& group, const State& state,
                                          std::vector<std::vector<IdKey>>& new_ids,
                                          std::vector<size_t>& duplicates, std::vector<bool>& failed) {
  std::vector<std::string_view> records;
  records.reserve(group.size());
  size_t tag_entries = 0;
  size_t score_entries = 0;
  for (const PendingAppend* member : group) {
    tag_entries += member->tag_entries;
    score_entries += member->score_entries;
  }
  NewKeyLimit tag_limit(NewKeyLimit::Kind::kTagKeys, dictionaries_->tag_keys(), options_.max_tag_keys, tag_entries);
  NewKeyLimit score_limit(NewKeyLimit::Kind::kScoreNames, dictionaries_->score_names(), options_.max_tag_keys,
                          score_entries);
  for (size_t member_idx = 0; member_idx < group.size(); ++member_idx) {
    EventBatch& batch = group[member_idx]->batch;
    const std::vector<IdKey>& keys = group[member_idx]->keys;
    // Before its ids are taken: a refused batch leaves no trace.
    Status keys_fit = tag_limit.Check(batch);
    if (keys_fit.ok()) keys_fit = score_limit.Check(batch);
    if (!keys_fit.ok()) {
      group[member_idx]->has_result = true;
      group[member_idx]->result = std::move(keys_fit);
      failed[member_idx] = true;
      continue;
    }
    tag_limit.Accept();
    score_limit.Accept();
    new_ids[member_idx].reserve(keys.size());
    for (size_t key_idx = 0; key_idx < std::min(2 * kIdPrefetchDistance, keys.size()); ++key_idx) {
      if (state.sealed_ids) state.sealed_ids->PrefetchBucket(keys[key_idx]);
      if (key_idx < kIdPrefetchDistance) PrefetchId(keys[key_idx], state);
    }
    size_t kept = 0;
    size_t key_idx = 0;
    Status lookup_failed;
    for (size_t event_idx = 0; event_idx < batch.size(); ++event_idx) {
      Event& event = batch[event_idx];
      if (!event.id.empty()) {
        if (state.sealed_ids && key_idx + 2 * kIdPrefetchDistance < keys.size()) {
          state.sealed_ids->PrefetchBucket(keys[key_idx + 2 * kIdPrefetchDistance]);
        }
        if (key_idx + kIdPrefetchDistance < keys.size()) PrefetchId(keys[key_idx + kIdPrefetchDistance], state);
        const IdKey& key = keys[key_idx++];
        const Result<bool> older = InOlderTables(key, state);
        if (!older.ok()) {
          lookup_failed = older.status();  // fail closed: nothing of this batch is stored
          break;
        }
        if (*older || !ids_->Insert(key)) {
          ++duplicates[member_idx];
          continue;
        }
        new_ids[member_idx].push_back(key);
      }
      if (kept != event_idx) batch[kept] = std::move(event);
      ++kept;
    }
    if (!lookup_failed.ok()) {
      group[member_idx]->has_result = true;
      group[member_idx]->result = std::move(lookup_failed);
      failed[member_idx] = true;
      for (const IdKey& key : new_ids[member_idx]) ids_->Erase(key);
      new_ids[member_idx].clear();
      continue;
    }
    batch.erase(batch.begin() + static_cast<std::ptrdiff_t>(kept), batch.end());
    if (batch.empty()) continue;
    std::string& payload = group[member_idx]->payload;
    if (duplicates[member_idx] != 0) {
      payload.clear();
      EncodeEventBatch(batch, &payload);
    }
    if (payload.size() > wal::kMaxPayloadBytes) {
      group[member_idx]->has_result = true;
      group[member_idx]->result = Status::InvalidArgument(
          "batch encodes to " + std::to_string(payload.size()) + " bytes, over the limit of " +
          std::to_string(wal::kMaxPayloadBytes) + "; send smaller batches");
      failed[member_idx] = true;
      for (const IdKey& key : new_ids[member_idx]) ids_->Erase(key);
      new_ids[member_idx].clear();
      continue;
    }
    records.push_back(payload);
  }
  return writer_->AppendGroup(records);
}

void EmbeddedStore::PrefetchId(const IdKey& key, const State& state) const {
  ids_->Prefetch(key);
  if (state.frozen_ids) state.frozen_ids->Prefetch(key);
  if (state.sealed_ids) state.sealed_ids->PrefetchPrefixes(key);
}

void EmbeddedStore::MaybeFreeze(bool force) {
  if (memtable_->row_count() == 0) return;
  if (!force && (options_.seal_rows == 0 || memtable_->row_count() < options_.seal_rows)) return;
  std::shared_ptr<const State> state = CurrentState();
  if (state->frozen) return;  // one seal at a time; the memtable keeps growing meanwhile
  // Every row of the memtable is in WAL files up to the current one; new rows go to the next.
  Status rotated = writer_->StartNewFile();
  if (!rotated.ok()) return;  // tried again after the next commit
  std::shared_ptr<const IdIndex> frozen_ids(std::move(ids_));
  const uint64_t frozen_wal_seq = writer_->current_seq() - 1;
  const DictionarySizes frozen_dictionaries = DictionarySizes::Of(*dictionaries_);
  ids_ = std::make_unique<IdIndex>();
  {
    // Copied under the lock: the maintenance thread may have installed a new segment list (a
    // compaction) since `state` was read, and a copy of the older one would bring it back.
    std::lock_guard lock(state_mu_);
    auto next = std::make_shared<State>(*state_);
    next->frozen = memtable_;
    next->frozen_ids = std::move(frozen_ids);
    next->frozen_wal_seq = frozen_wal_seq;
    next->frozen_dictionaries = frozen_dictionaries;
    state_ = std::move(next);
    memtable_ = std::make_shared<Memtable>(memtable_options(), dictionaries_);
  }
  id_index_bytes_.store(ids_->MemoryBytes(), std::memory_order_relaxed);
  {
    std::lock_guard lock(work_mu_);
    work_pending_ = true;
  }
  work_cv_.notify_all();
}

std::shared_ptr<const EmbeddedStore::State> EmbeddedStore::CurrentState() const {
  std::lock_guard lock(state_mu_);
  return state_;
}

namespace {

// A problem's kind: its text with every run of digits as one '#' (offsets, sizes, sequence
// numbers differ between occurrences of one kind).
std::string ProblemKind(const std::string& what) {
  std::string kind;
  for (size_t idx = 0; idx < what.size(); ++idx) {
    const bool digit = what[idx] >= '0' && what[idx] <= '9';
    if (!digit) kind.push_back(what[idx]);
    else if (kind.empty() || kind.back() != '#') kind.push_back('#');
  }
  return kind;
}

}  // namespace

void EmbeddedStore::AddProblem(StoreProblem problem) {
  std::lock_guard lock(problems_mu_);
  const std::string kind = ProblemKind(problem.what);
  for (StoreProblem& known : problems_) {
    if (known.file != problem.file || ProblemKind(known.what) != kind) continue;
    ++known.count;
    known.last_offset = problem.offset;
    known.last_what = std::move(problem.what);
    return;
  }
  problem.count = 1;
  problem.last_offset = problem.offset;
  problem.last_what = problem.what;
  if (problems_.size() < kMaxProblems) problems_.push_back(std::move(problem));
}

std::shared_ptr<const TableSnapshot> EmbeddedStore::Snapshot() const {
  std::shared_ptr<const State> state;
  std::shared_ptr<Memtable> memtable;
  {
    std::lock_guard lock(state_mu_);
    state = state_;
    memtable = memtable_;
  }
  TableSnapshot::Parts parts;
  for (const std::shared_ptr<const Segment>& segment : state->segments) {
    segment->CollectBlocks(&parts);
    parts.keep_alive.push_back(segment);
  }
  if (state->frozen) state->frozen->CollectBlocks(&parts);
  memtable->CollectBlocks(&parts);
  // Dictionaries last: every id in the blocks above is below their sizes.
  dictionaries_->FillSnapshot(&parts);
  parts.quarantined = state->quarantined;
  return std::make_shared<const TableSnapshot>(std::move(parts));
}

namespace {

// Bytes and files of regular files directly in `dir` (0 when it does not exist).
void CountFiles(const std::filesystem::path& dir, size_t* bytes, size_t* files) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::error_code size_ec;
    if (!entry.is_regular_file(size_ec)) continue;
    const uintmax_t size = entry.file_size(size_ec);
    if (size_ec) continue;
    *bytes += size;
    if (files != nullptr) ++*files;
  }
}

}  // namespace

StoreStats EmbeddedStore::Stats() const {
  std::shared_ptr<const State> state;
  std::shared_ptr<Memtable> memtable;
  {
    std::lock_guard lock(state_mu_);
    state = state_;
    memtable = memtable_;
  }
  StoreStats stats;
  stats.rows = memtable->row_count();
  size_t memtables = memtable->MemoryBytes();
  size_t id_indexes = id_index_bytes_.load(std::memory_order_relaxed);
  Segment::Memory segments;
  for (const std::shared_ptr<const Segment>& segment : state->segments) {
    stats.rows += segment->rows();
    segments.Add(segment->MemoryParts());
  }
  if (state->frozen) {
    stats.rows += state->frozen->row_count();
    memtables += state->frozen->MemoryBytes();
    id_indexes += state->frozen_ids->MemoryBytes();
  }
  stats.memory_parts = {{"memtable", memtables},
                        {"dictionaries", dictionaries_->MemoryBytes()},
                        {"id_index", id_indexes},
                        {"sealed_id_filter", state->sealed_ids ? state->sealed_ids->MemoryBytes() : 0},
                        {"segment_columns", segments.columns},
                        {"segment_summaries", segments.summaries},
                        {"segment_user_rollups", segments.user_rollups},
                        {"segment_local_strings", segments.local_strings},
                        {"segment_id_directories", segments.id_directory}};
  for (const auto& part : stats.memory_parts) stats.memory_bytes += part.second;
  CountFiles(wal_dir_, &stats.disk_bytes, &stats.wal_files);
  CountFiles(segments_dir_, &stats.disk_bytes, nullptr);
  CountFiles(dict_dir_, &stats.disk_bytes, nullptr);
  std::lock_guard lock(problems_mu_);
  stats.problems = problems_;
  if (seal_problem_) stats.problems.push_back(*seal_problem_);
  return stats;
}

void EmbeddedStore::Close() {
  std::unique_lock lock(mu_);
  closing_ = true;
  drained_.wait(lock, [&] { return queue_.empty(); });
  if (closed_) return;
  closed_ = true;
  {
    std::lock_guard work_lock(work_mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  if (maintenance_.joinable()) maintenance_.join();
  if (writer_ != nullptr && options_.seal_on_close) {
    // Seal what is left, so the next start replays nothing; on failure the WAL keeps it all.
    Status sealed = SealFrozen();
    if (sealed.ok()) {
      MaybeFreeze(/*force=*/true);
      sealed = SealFrozen();
    }
    if (!sealed.ok()) AddProblem({segments_dir_.string(), 0, "sealing at close: " + sealed.message()});
  }
  if (writer_ != nullptr) {
    Status status = writer_->Close();
    if (!status.ok()) {
      AddProblem({(wal_dir_ / wal::FileName(writer_->current_seq())).string(),
                  writer_->current_offset(), "closing the WAL: " + status.message()});
    }
  }
}

}  // namespace mltrack::store
