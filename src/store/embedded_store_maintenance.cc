// The embedded store's background work: sealing the frozen memtable into a segment, retention,
// compaction, WAL trimming and the quarantine of damaged segments (see embedded_store.h).
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>

#include "store/embedded_store.h"
#include "store/embedded_store_state.h"
#include "store/segment_format.h"
#include "store/segment_writer.h"
#include "store/wal_reader.h"

namespace mltrack::store {

namespace {

std::vector<uint32_t> Prefixes(const std::vector<IdKey>& keys) {
  std::vector<uint32_t> prefixes;
  prefixes.reserve(keys.size());
  for (const IdKey& key : keys) prefixes.push_back(SealedIdFilter::IdPrefix(key));
  return prefixes;
}

// Segments of format version 2 or older hold local string fields as table ids in their blocks:
// lists those columns as local columns over the table dictionary, so the writer finds them.
void AddTableIdColumns(const DictionarySet& dictionaries, TableSnapshot::Parts* parts) {
  for (const FieldInfo& info : AllFields()) {
    if (!IsLocalStringField(info.id)) continue;
    // Not owning: the store's DictionarySet outlives every write.
    auto strings = std::make_shared<DictionaryStrings>(
        std::shared_ptr<Dictionary>(dictionaries.field(info.id), [](Dictionary*) {}));
    for (size_t block_index = 0; block_index < parts->blocks.size(); ++block_index) {
      const ColumnData& column = parts->blocks[block_index].column(info.id);
      if (column.present()) parts->local_columns.push_back({block_index, info.id, column, strings, nullptr});
    }
  }
}

void RemoveQuietly(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
}

}  // namespace

int64_t EmbeddedStore::NowMs() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t EmbeddedStore::RetentionCutoff() const {
  if (options_.retention_ms <= 0) return std::numeric_limits<int64_t>::min();
  return NowMs() - options_.retention_ms;
}

size_t EmbeddedStore::segment_count() const { return CurrentState()->segments.size(); }

void EmbeddedStore::Quarantine(const std::string& name, uint64_t offset, const std::string& what, uint64_t rows) {
  std::filesystem::path target = quarantine_dir_ / name;
  std::error_code ec;
  for (int attempt = 1; std::filesystem::exists(target, ec); ++attempt) {
    target = quarantine_dir_ / (name + "." + std::to_string(attempt));
  }
  std::filesystem::rename(segments_dir_ / name, target, ec);
  if (ec) target = segments_dir_ / name;  // left in place; no longer named by the MANIFEST
  manifest_.quarantined.push_back({target.string(), offset, what, rows});
}

Status EmbeddedStore::OpenSegments(const std::function<Status()>& replay_dictionaries) {
  Status replayed = Status::Internal("dictionary log not replayed");
  std::thread replay([&] { replayed = replay_dictionaries(); });
  Status status = OpenSegmentsWhileReplaying(replay, replayed);
  if (replay.joinable()) replay.join();
  return status;
}

Status EmbeddedStore::OpenSegmentsWhileReplaying(std::thread& replay, const Status& replayed) {
  Result<std::optional<Manifest>> read = ReadManifest(segments_dir_);
  if (!read.ok()) return read.status();
  if (*read) manifest_ = std::move(**read);

  // Files the MANIFEST does not name: temporaries, and segments of a seal that crashed before
  // its MANIFEST update (their rows are still in the WAL).
  const std::set<std::string> live(manifest_.segments.begin(), manifest_.segments.end());
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(segments_dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name != "MANIFEST" && live.count(name) == 0) RemoveQuietly(entry.path());
  }

  // Verify and decode the segments, and read their id sections, on both cores.
  const size_t count = manifest_.segments.size();
  std::vector<Result<std::shared_ptr<Segment>>> opened(count, Status::Internal("not opened"));
  std::vector<uint64_t> offsets(count, 0);
  std::vector<uint64_t> footer_rows(count, 0);
  std::vector<Status> read_ids(count);
  std::vector<std::vector<uint32_t>> prefixes(count);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t index = next++; index < count; index = next++) {
      opened[index] =
          Segment::OpenUnchecked(segments_dir_ / manifest_.segments[index], &offsets[index], &footer_rows[index]);
      if (!opened[index].ok()) continue;
      std::vector<IdKey> ids;
      read_ids[index] = (*opened[index])->ReadIds(&ids);
      prefixes[index] = Prefixes(ids);  // sorted: ids are sorted by their high word
    }
  };
  std::thread helper(work);
  work();
  helper.join();
  replay.join();
  MLTRACK_RETURN_IF_ERROR(replayed);
  for (size_t index = 0; index < count; ++index) {
    if (!opened[index].ok()) continue;
    Status checked = (*opened[index])->CheckDictionaries(*dictionaries_, &offsets[index]);
    footer_rows[index] = (*opened[index])->rows();
    if (!checked.ok()) opened[index] = checked;
  }

  auto state = std::make_shared<State>();
  std::vector<std::string> kept;
  std::vector<std::vector<uint32_t>> prefix_runs;
  bool changed = false;
  for (size_t index = 0; index < count; ++index) {
    const std::string& name = manifest_.segments[index];
    if (!opened[index].ok()) {
      const Status& status = opened[index].status();
      std::error_code exists_ec;
      const bool missing = !std::filesystem::exists(segments_dir_ / name, exists_ec);
      if (status.code() != StatusCode::kCorruption && !missing) return status;
      Quarantine(name, offsets[index], missing ? "segment file is missing" : status.message(), footer_rows[index]);
      changed = true;
      continue;
    }
    if (!read_ids[index].ok()) {
      if (read_ids[index].code() != StatusCode::kCorruption) return read_ids[index];
      const uint64_t rows = (*opened[index])->rows();
      opened[index] = Status::Internal("closed");  // release the file before moving it
      Quarantine(name, 0, read_ids[index].message(), rows);
      changed = true;
      continue;
    }
    prefix_runs.push_back(std::move(prefixes[index]));
    state->segments.push_back(std::move(opened[index]).value());
    kept.push_back(name);
  }
  manifest_.segments = std::move(kept);
  if (changed) MLTRACK_RETURN_IF_ERROR(WriteManifest(segments_dir_, manifest_));
  state->sealed_ids = SealedIdFilter::BuildFromSortedRuns(std::move(prefix_runs));
  state->quarantined = manifest_.quarantined;
  for (const QuarantinedSegment& bad : manifest_.quarantined) {
    AddProblem({bad.file, bad.offset, "quarantined segment (its events are not served): " + bad.what});
  }
  std::lock_guard lock(state_mu_);
  state_ = std::move(state);
  return Status::OK();
}

void EmbeddedStore::MaintenanceLoop() {
  std::unique_lock lock(work_mu_);
  bool retry = false;
  while (!stop_) {
    const int64_t wait_ms = retry ? options_.seal_retry_ms : options_.maintenance_interval_ms;
    work_cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return stop_ || work_pending_; });
    if (stop_) break;
    work_pending_ = false;
    busy_ = true;
    lock.unlock();
    Status status = RunMaintenance();
    TrimHeap();
    lock.lock();
    busy_ = false;
    retry = !status.ok();
    idle_cv_.notify_all();
  }
  idle_cv_.notify_all();
}

void EmbeddedStore::TrimHeap() {
  // A seal frees a whole memtable and the seal's buffers, and ingest frees decoded batches in
  // other threads' arenas, which glibc keeps: at 10M events that was a third of the process's
  // RSS. malloc_trim(0) returns every free page of every arena to the kernel. It holds each
  // arena's lock while it walks it (40 ms median, 150 ms max at 10M events), so it runs after
  // maintenance work only, not on a timer that would stall queries.
  ::malloc_trim(0);
}

Status EmbeddedStore::RunMaintenance() {
  Status sealed = SealFrozen();
  {
    std::lock_guard lock(problems_mu_);
    if (sealed.ok()) {
      seal_problem_.reset();
    } else {
      seal_problem_ = StoreProblem{segments_dir_.string(), 0,
                                   "sealing the memtable failed (rows stay in the WAL; retrying): " + sealed.message()};
    }
  }
  if (!sealed.ok()) return sealed;
  MLTRACK_RETURN_IF_ERROR(ApplyRetention());
  for (bool merged = true; merged;) {
    {
      std::lock_guard lock(work_mu_);
      if (stop_) break;
    }
    MLTRACK_RETURN_IF_ERROR(CompactOnce(&merged));
  }
  return Status::OK();
}

Status EmbeddedStore::SealFrozen() {
  std::shared_ptr<const State> state = CurrentState();
  if (!state->frozen) return Status::OK();
  const uint64_t seq = manifest_.next_segment;
  const std::string name = segment::FileName(seq);
  const std::filesystem::path path = segments_dir_ / name;

  TableSnapshot::Parts parts;
  state->frozen->CollectBlocks(&parts);
  std::vector<IdKey> ids = state->frozen_ids->Keys();
  SegmentWriteOptions write_options;
  write_options.wal_seq = state->frozen_wal_seq;
  write_options.min_keep_ts = RetentionCutoff();
  write_options.fault_hook = options_.segment_fault_hook;
  Result<SegmentWriteResult> written = WriteSegment(path, parts.blocks, parts.local_columns, ids, write_options);
  if (!written.ok()) return written.status();

  // The dictionary entries the segment references must be durable before the MANIFEST names it.
  Status persisted = dict_log_->Persist(state->frozen_dictionaries);
  std::shared_ptr<const Segment> segment;
  if (persisted.ok() && written->rows > 0) {
    Result<std::shared_ptr<Segment>> opened = Segment::Open(path, *dictionaries_);
    if (opened.ok()) segment = std::move(opened).value();
    else persisted = opened.status();
  }
  Manifest next = manifest_;
  next.next_segment = seq + 1;
  next.wal_sealed = state->frozen_wal_seq;
  if (segment) next.segments.push_back(name);
  if (persisted.ok()) persisted = WriteManifest(segments_dir_, next, options_.segment_fault_hook);
  if (!persisted.ok()) {
    segment.reset();
    RemoveQuietly(path);
    return persisted;
  }
  manifest_ = std::move(next);

  // Built outside the lock: only this thread replaces sealed_ids.
  std::shared_ptr<const SealedIdFilter> sealed_ids =
      segment ? state->sealed_ids->Merge(Prefixes(ids)) : state->sealed_ids;
  {
    std::lock_guard lock(state_mu_);
    auto installed = std::make_shared<State>(*state_);
    if (segment) installed->segments.push_back(segment);
    installed->sealed_ids = std::move(sealed_ids);
    installed->frozen = nullptr;
    installed->frozen_ids = nullptr;
    state_ = std::move(installed);
  }
  TrimWal(manifest_.wal_sealed);
  return Status::OK();
}

void EmbeddedStore::TrimWal(uint64_t sealed_seq) {
  Result<std::vector<WalFile>> files = ListWalFiles(wal_dir_);
  if (!files.ok()) return;  // the MANIFEST's wal_sealed makes the next start skip them anyway
  for (const WalFile& file : *files) {
    if (file.seq > sealed_seq) break;
    if (std::find(damaged_wal_.begin(), damaged_wal_.end(), file.seq) != damaged_wal_.end()) {
      // Evidence of corruption is kept for inspection, out of the log's way.
      std::error_code ec;
      std::filesystem::rename(file.path, quarantine_dir_ / file.path.filename(), ec);
      if (!ec) continue;
    }
    RemoveQuietly(file.path);
  }
  (void)SyncDirectory(wal_dir_);
}

Status EmbeddedStore::ApplyRetention() {
  if (options_.retention_ms <= 0) return Status::OK();
  const int64_t cutoff = RetentionCutoff();
  std::shared_ptr<const State> state = CurrentState();
  std::vector<std::shared_ptr<const Segment>> expired;
  Manifest next = manifest_;
  next.segments.clear();
  for (size_t index = 0; index < state->segments.size(); ++index) {
    const std::shared_ptr<const Segment>& segment = state->segments[index];
    if (segment->max_ts() < cutoff) expired.push_back(segment);
    else next.segments.push_back(manifest_.segments[index]);
  }
  if (expired.empty()) return Status::OK();
  std::vector<IdKey> ids;
  for (const auto& segment : expired) MLTRACK_RETURN_IF_ERROR(segment->ReadIds(&ids));
  MLTRACK_RETURN_IF_ERROR(WriteManifest(segments_dir_, next, options_.segment_fault_hook));
  manifest_ = std::move(next);
  std::shared_ptr<const SealedIdFilter> sealed_ids = state->sealed_ids->Remove(Prefixes(ids));
  {
    std::lock_guard lock(state_mu_);
    auto installed = std::make_shared<State>(*state_);
    std::erase_if(installed->segments, [&](const std::shared_ptr<const Segment>& segment) {
      return std::find(expired.begin(), expired.end(), segment) != expired.end();
    });
    installed->sealed_ids = std::move(sealed_ids);
    state_ = std::move(installed);
  }
  // Snapshots that still hold an expired segment keep reading it: its columns are in memory.
  for (const auto& segment : expired) RemoveQuietly(segment->path());
  return Status::OK();
}

Status EmbeddedStore::CompactOnce(bool* merged) {
  *merged = false;
  std::shared_ptr<const State> state = CurrentState();
  const auto& segments = state->segments;
  const size_t target = std::max<size_t>(options_.compact_target_rows, 2);
  size_t start = 0;
  size_t end = 0;
  for (start = 0; start < segments.size(); ++start) {
    uint64_t total = 0;
    for (end = start; end < segments.size() && segments[end]->rows() < target / 2 &&
                      total + segments[end]->rows() <= target;
         ++end) {
      total += segments[end]->rows();
    }
    if (end - start >= 2) break;
  }
  if (start >= segments.size()) return Status::OK();

  TableSnapshot::Parts parts;
  std::vector<IdKey> ids;
  for (size_t index = start; index < end; ++index) {
    segments[index]->CollectBlocks(&parts);
    MLTRACK_RETURN_IF_ERROR(segments[index]->ReadIds(&ids));
  }
  AddTableIdColumns(*dictionaries_, &parts);
  const uint64_t seq = manifest_.next_segment;
  const std::string name = segment::FileName(seq);
  const std::filesystem::path path = segments_dir_ / name;
  SegmentWriteOptions write_options;
  write_options.fault_hook = options_.segment_fault_hook;
  Result<SegmentWriteResult> written =
      WriteSegment(path, parts.blocks, parts.local_columns, std::move(ids), write_options);
  if (!written.ok()) return written.status();
  Result<std::shared_ptr<Segment>> opened = Segment::Open(path, *dictionaries_);
  if (!opened.ok()) {
    RemoveQuietly(path);
    return opened.status();
  }
  Manifest next = manifest_;
  next.next_segment = seq + 1;
  next.segments.erase(next.segments.begin() + static_cast<std::ptrdiff_t>(start),
                      next.segments.begin() + static_cast<std::ptrdiff_t>(end));
  next.segments.insert(next.segments.begin() + static_cast<std::ptrdiff_t>(start), name);
  Status status = WriteManifest(segments_dir_, next, options_.segment_fault_hook);
  if (!status.ok()) {
    RemoveQuietly(path);
    return status;
  }
  manifest_ = std::move(next);
  std::vector<std::shared_ptr<const Segment>> replaced(segments.begin() + static_cast<std::ptrdiff_t>(start),
                                                       segments.begin() + static_cast<std::ptrdiff_t>(end));
  {
    std::lock_guard lock(state_mu_);
    auto installed = std::make_shared<State>(*state_);
    // Only this thread changes the segment list, so it still starts with the same segments.
    installed->segments.erase(installed->segments.begin() + static_cast<std::ptrdiff_t>(start),
                              installed->segments.begin() + static_cast<std::ptrdiff_t>(end));
    installed->segments.insert(installed->segments.begin() + static_cast<std::ptrdiff_t>(start),
                               std::move(opened).value());
    state_ = std::move(installed);
  }
  for (const auto& segment : replaced) RemoveQuietly(segment->path());
  *merged = true;
  return Status::OK();
}

bool EmbeddedStore::WaitForMaintenance(int64_t timeout_ms) {
  std::unique_lock lock(work_mu_);
  return idle_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
    return !work_pending_ && !busy_ && !CurrentState()->frozen;
  });
}

void EmbeddedStore::RunMaintenanceNow() {
  {
    std::lock_guard lock(work_mu_);
    work_pending_ = true;
  }
  work_cv_.notify_all();
  WaitForMaintenance(60'000);
}

}  // namespace mltrack::store
