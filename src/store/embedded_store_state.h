#pragma once
// EmbeddedStore's private state record, shared by embedded_store.cc and
// embedded_store_maintenance.cc. Not for use outside the store.

#include <memory>
#include <vector>

#include "store/embedded_store.h"

namespace mltrack::store {

// What a snapshot is built from besides the active memtable. Immutable once published:
// the store replaces state_ whole (under state_mu_), so readers never lock while using it.
struct EmbeddedStore::State {
  std::vector<std::shared_ptr<const Segment>> segments;  // in MANIFEST order
  std::shared_ptr<const SealedIdFilter> sealed_ids = SealedIdFilter::Build({});
  // The memtable being sealed (still served) and its ids; null when none.
  std::shared_ptr<const Memtable> frozen;
  std::shared_ptr<const IdIndex> frozen_ids;
  uint64_t frozen_wal_seq = 0;           // WAL files <= this hold exactly the frozen rows
  DictionarySizes frozen_dictionaries;   // entries the frozen rows may reference
  std::vector<QuarantinedSegment> quarantined;
};

}  // namespace mltrack::store
