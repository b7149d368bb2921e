#include "query/chunk_gathers.h"

#include <array>
#include <cstring>

namespace mltrack::query {
namespace {

enum class Kind : uint8_t { kDouble, kInt };

// One gathered column of the current chunk; `values` holds doubles or int64s (8 bytes each).
struct Entry {
  uint64_t chunk = 0;  // 0: empty
  Kind kind = Kind::kDouble;
  ColumnSource::Type type = ColumnSource::Type::kNone;
  FieldId field = FieldId::kTs;
  size_t index = 0;
  const store::ColumnBlock* block = nullptr;
  const uint32_t* rows = nullptr;
  size_t count = 0;
  std::vector<uint64_t> values;
};

// A handful of columns per chunk is the most a dashboard's batch reads (cost, latency, tokens, …).
constexpr size_t kEntries = 8;

struct Memo {
  bool open = false;
  uint64_t chunk = 1;
  size_t next = 0;  // the entry replaced next (round robin)
  std::array<Entry, kEntries> entries;
};

Memo& ThreadMemo() {
  thread_local Memo memo;
  return memo;
}

bool Matches(const Entry& entry, uint64_t chunk, Kind kind, const ColumnSource& source,
             const store::ColumnBlock& block, const uint32_t* rows, size_t count) {
  return entry.chunk == chunk && entry.kind == kind && entry.type == source.type && entry.field == source.field &&
         entry.index == source.index && entry.block == &block && entry.rows == rows && entry.count == count;
}

template <typename T, typename Gather>
const T* GatherOnce(Kind kind, const ColumnSource& source, const store::ColumnBlock& block, const uint32_t* rows,
                    size_t count, std::vector<T>* scratch, Gather gather) {
  static_assert(sizeof(T) == sizeof(uint64_t));
  Memo& memo = ThreadMemo();
  if (!memo.open) {
    scratch->resize(count);
    gather(source, block, rows, count, scratch->data());
    return scratch->data();
  }
  for (const Entry& entry : memo.entries) {
    if (Matches(entry, memo.chunk, kind, source, block, rows, count)) return reinterpret_cast<const T*>(entry.values.data());
  }
  Entry& entry = memo.entries[memo.next];
  memo.next = (memo.next + 1) % kEntries;
  entry.chunk = memo.chunk;
  entry.kind = kind;
  entry.type = source.type;
  entry.field = source.field;
  entry.index = source.index;
  entry.block = &block;
  entry.rows = rows;
  entry.count = count;
  entry.values.resize(count);
  T* out = reinterpret_cast<T*>(entry.values.data());
  gather(source, block, rows, count, out);
  return out;
}

}  // namespace

ChunkGathers::Scope::Scope() : was_open_(ThreadMemo().open) {
  ThreadMemo().open = true;
  NextChunk();
}

ChunkGathers::Scope::~Scope() {
  Memo& memo = ThreadMemo();
  memo.open = was_open_;
  ++memo.chunk;  // nothing of this scope is reused by the next one
}

void ChunkGathers::NextChunk() { ++ThreadMemo().chunk; }

void ChunkGathers::Forget(const uint32_t* rows) {
  for (Entry& entry : ThreadMemo().entries) {
    if (entry.rows == rows) entry.chunk = 0;
  }
}

const double* GatherDoubleOnce(const ColumnSource& source, const store::ColumnBlock& block, const uint32_t* rows,
                               size_t count, std::vector<double>* scratch) {
  return GatherOnce<double>(Kind::kDouble, source, block, rows, count, scratch, GatherDouble);
}

const int64_t* GatherIntOnce(const ColumnSource& source, const store::ColumnBlock& block, const uint32_t* rows,
                             size_t count, std::vector<int64_t>* scratch) {
  return GatherOnce<int64_t>(Kind::kInt, source, block, rows, count, scratch, GatherInt);
}

}  // namespace mltrack::query
