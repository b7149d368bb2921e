// The checker the fault tests rely on (MatchesLedger) must itself catch each kind of damage;
// otherwise a passing fault test would prove nothing. No server needed.
#include <gtest/gtest.h>

#include "fault_support.h"

namespace mltrack::fault {
namespace {

Batch MakeLedgerBatch(const std::string& key, size_t events, Fate fate) {
  Batch batch;
  batch.key = key;
  batch.events = events;
  batch.input_tokens = static_cast<int64_t>(events) * 10;
  batch.output_tokens = static_cast<int64_t>(events);
  batch.fate = fate;
  return batch;
}

BatchRow Whole(const Batch& batch) {
  const auto events = static_cast<int64_t>(batch.events);
  return BatchRow{events, events, batch.input_tokens, batch.output_tokens};
}

class LedgerCheckTest : public ::testing::Test {
 protected:
  LedgerCheckTest()
      : acked_(MakeLedgerBatch("a", 3, Fate::kAcked)),
        unknown_(MakeLedgerBatch("u", 2, Fate::kUnknown)),
        refused_(MakeLedgerBatch("r", 4, Fate::kRefused)) {
    store_.batches["a"] = Whole(acked_);
    Recount();
  }
  void Recount() {
    store_.total = BatchRow{};
    for (const auto& [key, row] : store_.batches) {
      store_.total.count += row.count;
      store_.total.distinct_ids += row.distinct_ids;
      store_.total.input_tokens += row.input_tokens;
      store_.total.output_tokens += row.output_tokens;
    }
  }
  std::vector<const Batch*> Ledger() const { return {&acked_, &unknown_, &refused_}; }

  Batch acked_, unknown_, refused_;
  StoreContents store_;
};

TEST_F(LedgerCheckTest, AcceptsAMatchingStore) {
  EXPECT_TRUE(MatchesLedger(store_, Ledger()));
  store_.batches["u"] = Whole(unknown_);  // an unknown batch may be stored whole
  Recount();
  EXPECT_TRUE(MatchesLedger(store_, Ledger()));
}

TEST_F(LedgerCheckTest, CatchesALostAcknowledgedBatch) {
  store_.batches.erase("a");
  Recount();
  EXPECT_FALSE(MatchesLedger(store_, Ledger()));
}

TEST_F(LedgerCheckTest, CatchesPartialBatchesAndWrongSums) {
  store_.batches["u"] = BatchRow{1, 1, 10, 1};  // half of an unknown batch
  Recount();
  EXPECT_FALSE(MatchesLedger(store_, Ledger()));
  store_.batches.erase("u");
  store_.batches["a"].input_tokens += 1;
  Recount();
  EXPECT_FALSE(MatchesLedger(store_, Ledger()));
}

TEST_F(LedgerCheckTest, CatchesDuplicatesRefusedAndInventedBatches) {
  store_.batches["a"].count += 1;  // one id twice
  store_.batches["a"].input_tokens += 10;
  store_.batches["a"].output_tokens += 1;
  Recount();
  store_.total.distinct_ids -= 1;
  EXPECT_FALSE(MatchesLedger(store_, Ledger()));

  store_.batches["a"] = Whole(acked_);
  store_.batches["r"] = Whole(refused_);
  Recount();
  EXPECT_FALSE(MatchesLedger(store_, Ledger())) << "a refused batch must not be stored";

  store_.batches.erase("r");
  store_.batches["never-sent"] = BatchRow{1, 1, 5, 5};
  Recount();
  EXPECT_FALSE(MatchesLedger(store_, Ledger()));
}

TEST_F(LedgerCheckTest, CatchesTotalsThatDisagreeWithTheBatches) {
  store_.total.count += 1;
  store_.total.distinct_ids += 1;
  EXPECT_FALSE(MatchesLedger(store_, Ledger()));
}

}  // namespace
}  // namespace mltrack::fault
