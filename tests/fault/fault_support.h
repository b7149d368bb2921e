#pragma once
// What the fault tests share: batches of test events with a client-side ledger, a reader of
// what the store holds per batch, /api/health and /proc readers, and a tmpfs mount.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "http_client.h"
#include "test_support.h"

namespace mltrack::fault {

// The seed of a test's random choices: $MLTRACK_FAULT_SEED, else a fresh one. Printed (and
// recorded as a test property) so that a failure can be replayed.
uint64_t FaultSeed();

enum class BodyKind { kNdjson, kJsonArray, kJsonObject };

// What the client knows about one batch it sent.
enum class Fate {
  kPending,  // not answered yet
  kAcked,    // 200: must be stored, exactly once, from now on
  kUnknown,  // no answer (connection cut): stored entirely or not at all
  kRefused,  // 4xx/5xx answer: must not be stored
};

// One batch of test events: ids "<key>-e<n>", tags {"cid": id, "batch": key}, token counts drawn
// at random so that sums tell batches apart. `id` is not a query dimension, hence tags.cid.
struct Batch {
  std::string key;
  size_t events = 0;
  int64_t input_tokens = 0;  // sums over the batch
  int64_t output_tokens = 0;
  std::string body;
  std::string content_type;
  Fate fate = Fate::kPending;
};
Batch MakeBatch(const std::string& key, size_t events, BodyKind kind, std::mt19937_64& rng);

// One event line (JSON object) as MakeBatch writes it.
std::string EventLine(const std::string& id, const std::string& batch_key, int64_t input_tokens,
                      int64_t output_tokens);

// What the store holds, by tags.batch, read through POST /api/v1/query.
struct BatchRow {
  int64_t count = 0;
  int64_t distinct_ids = 0;  // uniq:tags.cid
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
};
struct StoreContents {
  BatchRow total;
  std::map<std::string, BatchRow> batches;
};
// Nullopt, with `error` set, when a query fails.
std::optional<StoreContents> ReadStore(integration::HttpClient& client, std::string* error);

// The ledger against the store:
//  - no id is stored twice (count == distinct ids, overall and per batch);
//  - an acknowledged batch is stored whole, with its exact token sums;
//  - an unknown batch is stored whole or not at all; a refused one not at all;
//  - nothing is stored that was not sent, and the totals are the sums of the stored batches.
// `prefix` limits the check to batch keys starting with it (other tests' events are ignored).
::testing::AssertionResult MatchesLedger(const StoreContents& store, const std::vector<const Batch*>& ledger,
                                         const std::string& prefix = "");

// GET /api/health.
struct HealthProblem {
  std::string file;
  int64_t offset = -1;
  std::string what;
  int64_t count = 1;  // occurrences of this kind of problem in this file
};
struct Health {
  std::string status;  // "ok" | "degraded"
  int64_t events = -1;
  int64_t memory_bytes = -1;
  std::vector<HealthProblem> problems;
};
std::optional<Health> ReadHealth(integration::HttpClient& client, std::string* error);

// A field of /proc/<pid>/status in kB (VmRSS, VmHWM); -1 when unreadable.
int64_t ProcStatusKb(pid_t pid, const std::string& field);
// Whether resident memory is the server's own: not under ASan (`make sanitize`), whose shadow
// memory, redzones and quarantine of freed blocks (256 MiB) make RSS bounds meaningless, so the
// tests check them only in ordinary builds.
constexpr bool kRssIsMeaningful = !integration::kSanitized;
// Resets VmHWM to the current VmRSS (writes 5 to /proc/<pid>/clear_refs); false when refused.
bool ResetPeakRss(pid_t pid);

// A tmpfs mounted on `dir` for the life of the object; unmounted (lazily, so even a busy mount
// goes) on destruction. Needs CAP_SYS_ADMIN.
class TmpfsMount {
 public:
  // Nullptr with `error` set when the mount is not permitted or fails.
  static std::unique_ptr<TmpfsMount> Mount(const std::filesystem::path& dir, uint64_t size_bytes, std::string* error);
  ~TmpfsMount();
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

 private:
  explicit TmpfsMount(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

// The integration fixture (one server on a fresh data directory) with the fault tests' readers.
class FaultTest : public integration::IntegrationTest {
 protected:
  // What the store holds; nullopt and a test failure when it cannot be read.
  std::optional<StoreContents> Contents();
  std::optional<Health> HealthNow();
};

}  // namespace mltrack::fault
