#include "backend/embedded/embedded_backend.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "store/embedded_store.h"

namespace mltrack::backend {
namespace {

class EmbeddedBackendTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(Open({}, 0)); }
  // (Re)opens the backend over a fresh directory.
  void Open(QueryBudget budget, size_t max_tag_keys) {
    backend_.reset();
    dir_ = std::filesystem::temp_directory_path() /
           ("embedded_backend_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    store::StoreOptions options;
    options.dir = dir_;
    if (max_tag_keys > 0) options.max_tag_keys = max_tag_keys;
    Result<std::unique_ptr<store::EmbeddedStore>> store = store::EmbeddedStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    backend_ = std::make_unique<EmbeddedBackend>(std::move(*store), 1 << 20, budget);
  }
  void TearDown() override {
    backend_.reset();
    std::filesystem::remove_all(dir_);
  }

  static Event MakeEvent(std::string id, std::string experiment) {
    Event event;
    event.id = std::move(id);
    event.ts_ms = 1'700'000'000'000;
    event.experiment = std::move(experiment);
    event.model = "gpt-4o-mini";
    event.tags = {{"env", "prod"}};
    event.scores = {{"helpfulness", 0.5}};
    return event;
  }

  static Result<query::QueryResult> RunCount(const query::QueryRunner& run) {
    query::QuerySpec spec;
    spec.from_ms = 0;
    spec.to_ms = 2'000'000'000'000;
    spec.metrics.push_back(query::MetricSpec{.name = "count"});
    return run(spec);
  }
  static int64_t Count(const query::QueryRunner& run) {
    Result<query::QueryResult> result = RunCount(run);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? std::get<int64_t>(result->rows.at(0).at(0)) : -1;
  }

  std::filesystem::path dir_;
  std::unique_ptr<EmbeddedBackend> backend_;
};

TEST_F(EmbeddedBackendTest, ListenersSeeEachDurableAppendWithItsCounts) {
  std::vector<std::pair<size_t, AppendResult>> seen;
  backend_->AddAppendListener([&seen](const EventBatch& batch, const AppendResult& result) {
    seen.emplace_back(batch.size(), result);
  });
  ASSERT_TRUE(backend_->Append({MakeEvent("a", "x"), MakeEvent("b", "x")}).ok());
  ASSERT_TRUE(backend_->Append({MakeEvent("a", "x")}).ok());  // a retry: all duplicates
  ASSERT_TRUE(backend_->Append({MakeEvent("a", "x"), MakeEvent("c", "x")}).ok());  // one new
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].first, 2u);
  EXPECT_EQ(seen[0].second.accepted, 2u);
  EXPECT_EQ(seen[1].first, 0u);  // listeners see only the events newly stored
  EXPECT_EQ(seen[1].second.accepted, 0u);
  EXPECT_EQ(seen[1].second.duplicates, 1u);
  EXPECT_EQ(seen[2].first, 1u);
  EXPECT_EQ(seen[2].second.duplicates, 1u);
}

TEST_F(EmbeddedBackendTest, AReaderKeepsItsViewWhileLaterAppendsLand) {
  ASSERT_TRUE(backend_->Append({MakeEvent("a", "x")}).ok());
  query::QueryRunner before = backend_->Reader();
  ASSERT_TRUE(backend_->Append({MakeEvent("b", "x"), MakeEvent("c", "x")}).ok());
  EXPECT_EQ(Count(before), 1);
  EXPECT_EQ(Count(backend_->Reader()), 3);
}

TEST_F(EmbeddedBackendTest, FieldsListTagKeysScoreNamesAndDemoTraffic) {
  EXPECT_FALSE(backend_->Fields().demo);
  ASSERT_TRUE(backend_->Append({MakeEvent("a", "checkout")}).ok());
  FieldCatalog catalog = backend_->Fields();
  EXPECT_EQ(catalog.tag_keys, std::vector<std::string>{"env"});
  EXPECT_EQ(catalog.score_names, std::vector<std::string>{"helpfulness"});
  EXPECT_FALSE(catalog.demo);
  ASSERT_TRUE(backend_->Append({MakeEvent("b", "demo-support-bot")}).ok());
  EXPECT_TRUE(backend_->Fields().demo);
  EXPECT_EQ(backend_->GetStats().rows, 2u);
}

TEST_F(EmbeddedBackendTest, AppendAfterCloseIsUnavailable) {
  backend_->Close();
  Result<AppendResult> appended = backend_->Append({MakeEvent("a", "x")});
  ASSERT_FALSE(appended.ok());
  EXPECT_EQ(appended.status().code(), StatusCode::kUnavailable);
}

// --query-timeout: the deadline counts from Reader() (a request's start) over all its queries.
// Seconds, not milliseconds: a one-event count under ASan on a loaded machine took over 50 ms.
TEST_F(EmbeddedBackendTest, AReadersQueriesStopAtItsDeadline) {
  ASSERT_NO_FATAL_FAILURE(Open(QueryBudget{.timeout_ms = 2000}, 0));
  ASSERT_TRUE(backend_->Append({MakeEvent("a", "x")}).ok());
  query::QueryRunner run = backend_->Reader();
  EXPECT_EQ(Count(run), 1);  // well within the deadline
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  Result<query::QueryResult> late = RunCount(run);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(late.status().message().find("--query-timeout"), std::string::npos) << late.status().message();
  EXPECT_EQ(Count(backend_->Reader()), 1);  // a new reader, a new deadline
}

// --query-memory: a query needing more working memory than the budget is refused, naming it.
TEST_F(EmbeddedBackendTest, AQueryOverTheMemoryBudgetIsRefused) {
  ASSERT_NO_FATAL_FAILURE(Open(QueryBudget{.memory_bytes = 1}, 0));
  ASSERT_TRUE(backend_->Append({MakeEvent("a", "x")}).ok());
  Result<query::QueryResult> result = RunCount(backend_->Reader());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(result.status().message().find("--query-memory"), std::string::npos) << result.status().message();
}

// --max-tag-keys holds when appending through the backend: the batch that would pass it is
// refused whole, naming the field and the cap, and nothing of it is stored.
TEST_F(EmbeddedBackendTest, TheTagKeyCapHoldsThroughAppend) {
  ASSERT_NO_FATAL_FAILURE(Open({}, 3));
  Event first = MakeEvent("a", "x");
  first.tags = {{"k1", "v"}, {"k2", "v"}};
  ASSERT_TRUE(backend_->Append({first}).ok());
  Event second = MakeEvent("b", "x");
  second.tags = {{"k3", "v"}, {"k4", "v"}};
  Result<AppendResult> refused = backend_->Append({MakeEvent("c", "x"), second});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("--max-tag-keys"), std::string::npos) << refused.status().message();
  EXPECT_EQ(Count(backend_->Reader()), 1);
  EXPECT_EQ(backend_->Fields().tag_keys.size(), 2u);
}

}  // namespace
}  // namespace mltrack::backend
