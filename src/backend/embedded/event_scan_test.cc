// Paging through an event search over the embedded store: every matching event exactly once, in
// order, while other threads append and the memtable seals into segments under the pages.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "backend/embedded/embedded_backend.h"
#include "query/event_search.h"
#include "store/embedded_store.h"

namespace mltrack::backend {
namespace {

constexpr int64_t kBase = 1'767'607'200'000;  // 2026-01-05T10:00:00Z

query::Filter EqFilter(FieldId field, std::string value) {
  query::Filter filter;
  filter.field = FieldRef{field, ""};
  filter.op = query::FilterOp::kEq;
  filter.values.emplace_back(std::move(value));
  return filter;
}

class EventScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("event_scan_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    store::StoreOptions options;
    options.dir = dir_;
    options.seal_rows = 700;  // many segments, and seals while the test pages
    options.compact_target_rows = 700;  // kept apart: one block each
    Result<std::unique_ptr<store::EmbeddedStore>> store = store::EmbeddedStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    backend_ = std::make_unique<EmbeddedBackend>(std::move(*store), 0);
  }
  void TearDown() override {
    backend_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Event `n` of experiment `experiment`: ts repeats every 7 events (ties on ts), cost repeats
  // every 5 (ties on cost), latency absent for every 11th; n is in tags.n so each is unique.
  static Event Make(int n, const std::string& experiment) {
    Event event;
    event.ts_ms = kBase + (n / 7) * 1000;
    event.experiment = experiment;
    event.model = n % 3 == 0 ? "gpt-4o" : "claude-x";
    event.cost_nano_usd = (n % 5) * 1'000'000;
    if (n % 11 != 0) event.latency_ms = 100.0 + (n % 13);
    event.tags = {{"n", std::to_string(n)}};
    return event;
  }

  void AppendRange(int first, int end, const std::string& experiment) {
    EventBatch batch;
    for (int n = first; n < end; ++n) batch.push_back(Make(n, experiment));
    ASSERT_TRUE(backend_->Append(std::move(batch)).ok());
  }

  // Pages through `search` to the end; the tags.n of every event, in order.
  std::vector<std::string> PageAll(query::EventSearch search, std::vector<query::SearchKey>* keys) {
    std::vector<std::string> seen;
    for (int page_idx = 0; page_idx < 10'000; ++page_idx) {
      Result<query::EventPage> page = backend_->SearchEvents(search);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      for (const Event& event : page->events) {
        seen.push_back(event.tags.empty() ? "" : event.tags.front().second);
        keys->push_back(query::KeyOf(event, search.sort));
      }
      if (!page->next) break;
      EXPECT_EQ(page->events.size(), search.limit);
      // Through the cursor text, as a client would.
      Result<query::SearchCursor> cursor = query::DecodeCursor(
          query::EncodeCursor(*page->next, search.sort, search.descending), search.sort, search.descending);
      EXPECT_TRUE(cursor.ok());
      search.cursor = *cursor;
    }
    return seen;
  }

  // Every block sealed into a segment (closes and reopens the store: Close seals the memtable):
  // segment blocks carry the summaries the search prunes by; a memtable block has none and is
  // always read.
  void WaitForSeals() {
    backend_->Close();
    backend_.reset();
    store::StoreOptions options;
    options.dir = dir_;
    options.seal_rows = 700;
    options.compact_target_rows = 700;
    Result<std::unique_ptr<store::EmbeddedStore>> store = store::EmbeddedStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    backend_ = std::make_unique<EmbeddedBackend>(std::move(*store), 0);
  }

  std::filesystem::path dir_;
  std::unique_ptr<EmbeddedBackend> backend_;
};

TEST_F(EventScanTest, PagingGivesEveryMatchingEventOnceInOrderUnderConcurrentIngest) {
  constexpr int kEvents = 3000;
  for (int first = 0; first < kEvents; first += 500) AppendRange(first, first + 500, "paged");
  for (query::SearchSort sort : {query::SearchSort::kTs, query::SearchSort::kCost, query::SearchSort::kLatency}) {
    for (bool descending : {true, false}) {
      std::atomic<bool> stop{false};
      std::thread writer([&] {
        for (int round = 0; !stop && round < 200; ++round) {
          // Other experiments' events (not matched) and the paged one's new events, newer than all.
          AppendRange(100'000 + round * 50, 100'000 + round * 50 + 50, round % 2 ? "other" : "paged-later");
        }
      });
      query::EventSearch search;
      search.from_ms = kBase - 1;
      search.to_ms = kBase + 10'000'000;
      search.filters.push_back(query::Filter{FieldRef{FieldId::kExperiment, ""}, query::FilterOp::kEq, {std::string("paged")}, true, std::nullopt, {}});
      search.sort = sort;
      search.descending = descending;
      search.limit = 97;
      std::vector<query::SearchKey> keys;
      std::vector<std::string> seen = PageAll(search, &keys);
      stop = true;
      writer.join();
      SCOPED_TRACE(std::string(query::SearchSortName(sort)) + (descending ? " desc" : " asc"));
      ASSERT_EQ(seen.size(), static_cast<size_t>(kEvents));
      std::map<std::string, int> counts;
      for (const std::string& n : seen) ++counts[n];
      EXPECT_EQ(counts.size(), static_cast<size_t>(kEvents));
      for (size_t idx = 1; idx < keys.size(); ++idx) {
        ASSERT_FALSE(query::KeyBefore(keys[idx], keys[idx - 1], descending)) << "out of order at " << idx;
      }
    }
  }
}

TEST_F(EventScanTest, IdenticalEventsArePagedOnePerSlot) {
  EventBatch batch(5, Make(1, "same"));  // five events equal in every field: one key
  ASSERT_TRUE(backend_->Append(std::move(batch)).ok());
  query::EventSearch search;
  search.from_ms = kBase - 1;
  search.to_ms = kBase + 1000;
  search.limit = 2;
  std::vector<query::SearchKey> keys;
  EXPECT_EQ(PageAll(search, &keys).size(), 5u);
}

TEST_F(EventScanTest, TextMatchesTagValuesAndIdsCaseInsensitively) {
  Event traced = Make(1, "exp");
  traced.trace_id = "Trace-ABC";
  Event other = Make(2, "exp");
  ASSERT_TRUE(backend_->Append({traced, other}).ok());
  query::EventSearch search;
  search.from_ms = kBase - 1;
  search.to_ms = kBase + 1000;
  search.q = "trace-abc";
  Result<query::EventPage> page = backend_->SearchEvents(search);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].trace_id, "Trace-ABC");
  search.q = "2";  // tags.n of `other`
  page = backend_->SearchEvents(search);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].tags.front().second, "2");
}

TEST_F(EventScanTest, TextMatchesInputHashes) {
  Event hashed = Make(1, "exp");
  hashed.input_hash = "Sha256-9F2c";
  Event traced = Make(2, "exp");
  traced.trace_id = "t-9f2c";
  Event other = Make(3, "exp");
  other.input_hash = "sha256-0000";
  ASSERT_TRUE(backend_->Append({hashed, traced, other}).ok());
  query::EventSearch search;
  search.from_ms = kBase - 1;
  search.to_ms = kBase + 1000;
  search.q = "256-9f2";
  Result<query::EventPage> page = backend_->SearchEvents(search);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].input_hash, "Sha256-9F2c");
  search.q = "9F2C";  // one row by its input hash, one by its trace id
  page = backend_->SearchEvents(search);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 2u);
  std::vector<std::string> found;  // the two share a timestamp: their order is the tie hash's
  for (const Event& event : page->events) found.push_back(event.trace_id + "|" + event.input_hash);
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<std::string>{"t-9f2c|", "|Sha256-9F2c"}));
}

// A page's trace ids come from the segments' string tables without the tables staying decoded:
// a search keeps the pieces it decoded only while it runs (segment_strings.h), so browsing the
// explorer does not grow the server by every segment's trace ids.
TEST_F(EventScanTest, PagesReadTraceIdsWithoutKeepingTheTablesDecoded) {
  for (int first = 0; first < 7000; first += 700) {
    EventBatch batch;
    for (int n = first; n < first + 700; ++n) {
      Event event = Make(n, "traced");
      event.trace_id = "trace-" + std::to_string(n);
      batch.push_back(event);
    }
    ASSERT_TRUE(backend_->Append(std::move(batch)).ok());
  }
  WaitForSeals();
  auto local_strings_bytes = [&] {
    for (const auto& [part, bytes] : backend_->GetStats().memory_parts) {
      if (part == "segment_local_strings") return bytes;
    }
    return size_t{0};
  };
  const size_t before = local_strings_bytes();
  ASSERT_GT(before, 0u);
  query::EventSearch search;
  search.from_ms = kBase - 1;
  search.to_ms = kBase + 10'000'000;
  search.sort = query::SearchSort::kCost;  // rows from every segment
  search.limit = 200;
  Result<query::EventPage> page = backend_->SearchEvents(search);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 200u);
  for (const Event& event : page->events) EXPECT_EQ(event.trace_id, "trace-" + event.tags.front().second);
  EXPECT_EQ(local_strings_bytes(), before);
}

TEST_F(EventScanTest, TsSearchStopsBeforeReadingOldSegments) {
  for (int first = 0; first < 7000; first += 700) AppendRange(first, first + 700, "paged");
  query::EventSearch search;
  search.from_ms = kBase - 1;
  search.to_ms = kBase + 10'000'000;
  search.limit = 10;
  Result<query::EventPage> page = backend_->SearchEvents(search);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->events.size(), 10u);
  EXPECT_LE(page->stats.scanned, 1400u) << "read more than the newest two blocks";
}

// Ten seals of 700 (compaction may merge some into one block); the fourth holds the dearest and
// slowest events. A top-10 by cost or latency reads the blocks in the order of their summaries'
// maxima and stops once the page's last beats the next block's maximum: not every block.
TEST_F(EventScanTest, CostAndLatencySortsReadOnlyTheBlocksThatCanHoldThePage) {
  for (int first = 0; first < 7000; first += 700) {
    EventBatch batch;
    for (int n = first; n < first + 700; ++n) {
      Event event = Make(n, "topk");
      const bool dear = first == 2100;
      event.cost_nano_usd = (dear ? 1'000'000'000 : 1'000) + n;
      event.latency_ms = (dear ? 50'000.0 : 100.0) + n;
      batch.push_back(event);
    }
    ASSERT_TRUE(backend_->Append(std::move(batch)).ok());
  }
  WaitForSeals();
  for (query::SearchSort sort : {query::SearchSort::kCost, query::SearchSort::kLatency}) {
    query::EventSearch search;
    search.from_ms = kBase - 1;
    search.to_ms = kBase + 10'000'000;
    search.sort = sort;
    search.limit = 10;
    Result<query::EventPage> page = backend_->SearchEvents(search);
    ASSERT_TRUE(page.ok());
    ASSERT_EQ(page->events.size(), 10u);
    for (size_t idx = 0; idx < 10; ++idx) EXPECT_EQ(page->events[idx].tags.front().second, std::to_string(2799 - idx));
    EXPECT_LT(page->stats.scanned, 7000u) << query::SearchSortName(sort);
  }
}

// Every block has events without a cost, which sort as −1: first in an ascending cost sort, then
// by time. Blocks whose best value equals the page's last are visited oldest first, and the
// search stops at the first whose times all come after the page's last.
TEST_F(EventScanTest, AscendingCostWithAbsentCostsReadsOnlyTheOldestBlocks) {
  for (int first = 0; first < 7000; first += 700) {
    EventBatch batch;
    for (int n = first; n < first + 700; ++n) {
      Event event = Make(n, "absent");
      if (n % 2 == 0) event.cost_nano_usd.reset();
      batch.push_back(event);
    }
    ASSERT_TRUE(backend_->Append(std::move(batch)).ok());
  }
  WaitForSeals();
  query::EventSearch search;
  search.from_ms = kBase - 1;
  search.to_ms = kBase + 10'000'000;
  search.sort = query::SearchSort::kCost;
  search.descending = false;
  search.limit = 10;
  Result<query::EventPage> page = backend_->SearchEvents(search);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 10u);
  for (const Event& event : page->events) {
    EXPECT_FALSE(event.cost_nano_usd.has_value());
    EXPECT_LT(std::stoi(event.tags.front().second), 42);  // the oldest even n: ts = n / 7 s
  }
  EXPECT_LT(page->stats.scanned, 7000u) << "read every block";
}

// Ten seals of three models (compaction may merge some). Model a's rows of the first, fourth and
// seventh are the dearest and slowest, then model b's rows of the last. Without the value slices a
// search filtered to b reads every block that holds a's dear rows before b's (their maxima are
// a's) — the whole store once compaction merged the seals; with them it reads b's block first and
// stops there.
TEST_F(EventScanTest, FilteredCostAndLatencySortsPruneByTheFilteredValuesSlices) {
  for (int first = 0; first < 7000; first += 700) {
    EventBatch batch;
    for (int n = first; n < first + 700; ++n) {
      Event event = Make(n, "sliced");
      event.model = std::string(1, static_cast<char>('a' + n % 3));
      const bool dearest = event.model == "a" && (first == 0 || first == 2100 || first == 4200);
      const bool dear = first == 6300 && event.model == "b";
      event.cost_nano_usd = (dearest ? 2'000'000'000 : dear ? 1'000'000'000 : 1'000) + n;
      event.latency_ms = (dearest ? 90'000.0 : dear ? 50'000.0 : 100.0) + n;
      batch.push_back(event);
    }
    ASSERT_TRUE(backend_->Append(std::move(batch)).ok());
  }
  WaitForSeals();
  for (query::SearchSort sort : {query::SearchSort::kCost, query::SearchSort::kLatency}) {
    query::EventSearch search;
    search.from_ms = kBase - 1;
    search.to_ms = kBase + 10'000'000;
    search.sort = sort;
    search.limit = 10;
    search.filters.push_back(EqFilter(FieldId::kModel, std::string("b")));
    Result<query::EventPage> page = backend_->SearchEvents(search);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ASSERT_EQ(page->events.size(), 10u);
    // b is n % 3 == 1: the largest such n below 7000 is 6997, then every third.
    for (size_t idx = 0; idx < 10; ++idx) EXPECT_EQ(page->events[idx].tags.front().second, std::to_string(6997 - 3 * idx));
    EXPECT_LT(page->stats.scanned, 7000u) << query::SearchSortName(sort) << ": read every block";
  }
}

// Random searches (filters on sliced and unsliced fields, every sort and direction, random ranges
// and page sizes) page to the same events as the order's definition applied to the whole store.
TEST_F(EventScanTest, PrunedSearchesEqualTheFullScanOnRandomSpecs) {
  std::mt19937 random(20261206);
  const std::vector<std::string> models = {"a", "b", "c", "d"};
  const std::vector<std::string> teams = {"red", "blue"};
  for (int first = 0; first < 5600; first += 700) {
    EventBatch batch;
    for (int n = first; n < first + 700; ++n) {
      Event event = Make(n, n < 2800 ? "early" : "late");
      event.model = models[random() % (first == 1400 ? 1 : models.size())];  // one block of one model
      event.team = teams[random() % teams.size()];
      if (random() % 7 == 0) event.cost_nano_usd.reset(); else event.cost_nano_usd = static_cast<int64_t>(random() % 50) * 1000;
      if (random() % 9 == 0) event.latency_ms.reset(); else event.latency_ms = static_cast<double>(random() % 400);
      if (n % 3 == 0) event.session_id = "sess-" + std::to_string(n % 40);
      if (n % 4 == 0) event.trace_id = "trace-" + std::to_string(n);
      batch.push_back(event);
    }
    ASSERT_TRUE(backend_->Append(std::move(batch)).ok());
  }
  WaitForSeals();
  std::vector<query::SearchKey> ignored;
  query::EventSearch everything;
  everything.from_ms = kBase - 1;
  everything.to_ms = kBase + 10'000'000;
  everything.limit = 1000;
  std::vector<Event> all;
  for (std::optional<query::SearchCursor> cursor;;) {
    everything.cursor = cursor;
    Result<query::EventPage> page = backend_->SearchEvents(everything);
    ASSERT_TRUE(page.ok());
    all.insert(all.end(), page->events.begin(), page->events.end());
    if (!page->next) break;
    cursor = page->next;
  }
  ASSERT_EQ(all.size(), 5600u);
  for (int spec = 0; spec < 60; ++spec) {
    query::EventSearch search;
    search.sort = static_cast<query::SearchSort>(random() % 3);
    search.descending = random() % 2 == 0;
    search.from_ms = kBase + static_cast<int64_t>(random() % 300) * 1000;
    search.to_ms = search.from_ms + static_cast<int64_t>(1 + random() % 800) * 1000;
    search.limit = 1 + random() % 40;
    std::string model = models[random() % models.size()];
    std::string team = teams[random() % teams.size()];
    const int filter_kind = static_cast<int>(random() % 4);  // none, model, team, model and experiment
    if (filter_kind == 1 || filter_kind == 3) {
      search.filters.push_back(EqFilter(FieldId::kModel, model));
    }
    if (filter_kind == 2) search.filters.push_back(EqFilter(FieldId::kTeam, team));
    // Text: none, one every row's model holds, one only tags.n hold, session ids only, trace ids only.
    const std::string texts[] = {"", "", "A", "17", "SS-2", "ce-3"};
    search.q = texts[random() % std::size(texts)];
    const std::string lowered_q = query::LowerAscii(search.q);
    if (filter_kind == 3) {
      search.filters.push_back(EqFilter(FieldId::kExperiment, std::string("late")));
    }
    std::vector<Event> matching;
    for (const Event& event : all) {
      if (event.ts_ms < search.from_ms || event.ts_ms >= search.to_ms) continue;
      if ((filter_kind == 1 || filter_kind == 3) && event.model != model) continue;
      if (filter_kind == 2 && event.team != team) continue;
      if (filter_kind == 3 && event.experiment != "late") continue;
      if (!query::MatchesText(event, lowered_q)) continue;
      matching.push_back(event);
    }
    // Two pages, the second through the first's cursor.
    query::EventSearch expected_search = search;
    for (int page_idx = 0; page_idx < 2; ++page_idx) {
      query::EventPage expected;
      query::CutPage(matching, expected_search, expected);
      Result<query::EventPage> page = backend_->SearchEvents(search);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      ASSERT_EQ(page->events.size(), expected.events.size()) << "spec " << spec << " page " << page_idx;
      for (size_t idx = 0; idx < expected.events.size(); ++idx) {
        EXPECT_EQ(page->events[idx].tags, expected.events[idx].tags) << "spec " << spec << " page " << page_idx << " row " << idx;
      }
      ASSERT_EQ(page->next.has_value(), expected.next.has_value()) << "spec " << spec;
      if (!page->next) break;
      EXPECT_EQ(page->next->key, expected.next->key);
      EXPECT_EQ(page->next->skip, expected.next->skip);
      search.cursor = page->next;
      expected_search.cursor = expected.next;
    }
  }
}

}  // namespace
}  // namespace mltrack::backend
