#include "backend/embedded/embedded_backend.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "store/embedded_store.h"

namespace mltrack::backend {
namespace {

class EmbeddedBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("embedded_backend_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    store::StoreOptions options;
    options.dir = dir_;
    Result<std::unique_ptr<store::EmbeddedStore>> store = store::EmbeddedStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    backend_ = std::make_unique<EmbeddedBackend>(std::move(*store), 1 << 20);
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

  static int64_t Count(const query::QueryRunner& run) {
    query::QuerySpec spec;
    spec.from_ms = 0;
    spec.to_ms = 2'000'000'000'000;
    spec.metrics.push_back(query::MetricSpec{.name = "count"});
    Result<query::QueryResult> result = run(spec);
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

}  // namespace
}  // namespace mltrack::backend
