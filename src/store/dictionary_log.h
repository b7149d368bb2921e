#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "core/status.h"
#include "store/dictionary_set.h"
#include "store/event_store.h"
#include "store/wal_writer.h"

namespace mltrack::store {

// How many entries each dictionary of a DictionarySet holds at one moment.
struct DictionarySizes {
  std::array<uint64_t, kFieldIdCount> fields{};
  uint64_t tag_keys = 0;
  std::vector<uint64_t> tag_values;  // by tag key index
  uint64_t score_names = 0;

  static DictionarySizes Of(const DictionarySet& dictionaries);
};

// The durable copy of the table's dictionaries: <data>/dict/, a log in the WAL's file format
// (docs/wal_format.md framing) whose records each append entries to dictionaries
// (docs/segment_format.md, "Dictionary log"). Segments hold dictionary ids only; this log is
// what makes those ids resolve after a restart. Written before the manifest names a segment
// that needs the entries; never trimmed (dictionaries only grow).
//
// Not thread-safe: the store's sealing thread is its only writer after Open.
class DictionaryLog {
 public:
  // Replays every record in `dir` (created when missing) into `dictionaries`, which must be
  // empty. Damage is not an error: replay keeps what came before it, appends a StoreProblem to
  // *problems, and new records go to a fresh file; segments that need the lost entries fail
  // their own validation. kIOError/kNoSpace when the directory or a file cannot be used.
  static Result<std::unique_ptr<DictionaryLog>> Open(const std::filesystem::path& dir,
                                                     DictionarySet* dictionaries,
                                                     std::vector<StoreProblem>* problems,
                                                     std::function<int(size_t)> fault_hook = {});

  // Durably appends the entries between what was persisted before and `upto` (one record,
  // fdatasync'ed). All or nothing; kNoSpace / kIOError leave the persisted state unchanged,
  // so a retry writes the same entries.
  Status Persist(const DictionarySizes& upto);

  uint64_t disk_bytes() const { return base_bytes_ + writer_->sealed_bytes() + writer_->current_offset(); }

 private:
  DictionaryLog(const DictionarySet* dictionaries) : dictionaries_(dictionaries) {}

  const DictionarySet* dictionaries_;
  std::unique_ptr<WalWriter> writer_;
  DictionarySizes persisted_;
  uint64_t base_bytes_ = 0;
};

}  // namespace mltrack::store
