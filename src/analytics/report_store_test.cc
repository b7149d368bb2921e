#include "analytics/report_store.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "core/checked_file.h"

namespace mltrack::analytics {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kNow = 1'767'225'600'000;  // 2026-01-01
constexpr std::string_view kSpec = R"({"from": "now-7d", "to": "now", "group_by": ["model"], "metrics": ["count"]})";

ReportChange Change(std::string body, bool partial = false) {
  Result<ReportChange> change = ParseReportChange(body, kNow, partial);
  EXPECT_TRUE(change.ok()) << change.status().ToString();
  return change.ok() ? *change : ReportChange{};
}

std::vector<std::string> ErrorFields(std::string_view body, bool partial = false) {
  Result<ReportChange> change = ParseReportChange(body, kNow, partial);
  EXPECT_FALSE(change.ok()) << body;
  std::vector<std::string> fields;
  if (!change.ok()) {
    EXPECT_EQ(change.status().code(), StatusCode::kInvalidArgument);
    for (const ErrorDetail& detail : change.status().details()) fields.push_back(detail.field);
  }
  return fields;
}

TEST(ReportChangeTest, AValidCreateKeepsTheSpecMinifiedAndRelative) {
  ReportChange change = Change(R"({"name": "Cost by model", "chart": "area", "spec": )" + std::string(kSpec) + "}");
  EXPECT_EQ(change.name, "Cost by model");
  EXPECT_EQ(change.chart, ReportChart::kArea);
  EXPECT_EQ(change.spec, R"({"from":"now-7d","to":"now","group_by":["model"],"metrics":["count"]})");
}

TEST(ReportChangeTest, EveryBadFieldIsNamed) {
  using Fields = std::vector<std::string>;
  EXPECT_EQ(ErrorFields("[1]"), Fields{"body"});
  EXPECT_EQ(ErrorFields("{"), Fields{"body"});
  EXPECT_EQ(ErrorFields("{}"), (Fields{"name", "chart", "spec"}));
  EXPECT_EQ(ErrorFields(R"({"name": " ", "chart": "donut", "spec": [], "colour": 1})"),
            (Fields{"name", "chart", "spec", "colour"}));
  EXPECT_EQ(ErrorFields(R"({"name": "x", "chart": "bar", "spec": {"metrics": ["median:latency_ms"]}})"),
            Fields{"spec.metrics[0]"});
  EXPECT_EQ(ErrorFields(R"({"name": ")" + std::string(kMaxReportName + 1, 'a') + R"(", "chart": "pie", "spec": {"metrics": ["count"]}})"),
            Fields{"name"});
  // An update needs one field at least; the ones it has are checked the same way.
  EXPECT_EQ(ErrorFields("{}", true), Fields{"body"});
  EXPECT_EQ(ErrorFields(R"({"spec": {"limit": 0}})", true), Fields{"spec.limit"});
}

TEST(ReportChangeTest, APartialUpdateSetsOnlyWhatItGives) {
  ReportChange change = Change(R"({"name": "Renamed"})", true);
  EXPECT_EQ(change.name, "Renamed");
  EXPECT_FALSE(change.chart.has_value());
  EXPECT_FALSE(change.spec.has_value());
}

class ReportStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("reports-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<ReportStore> Open() {
    Result<std::unique_ptr<ReportStore>> store = ReportStore::Open(dir_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  static ReportChange Named(std::string name) {
    return Change(R"({"name": ")" + name + R"(", "chart": "line", "spec": )" + std::string(kSpec) + "}");
  }

  fs::path dir_;
};

TEST_F(ReportStoreTest, ChangesSurviveReopenAndIdsAreNeverReused) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    Result<Report> first = store->Create(Named(R"(Cost \"by\" model)"), 1000);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->id, 1);
    EXPECT_EQ(first->created_ms, 1000);
    ASSERT_TRUE(store->Create(Named("Latency"), 1001).ok());
    ASSERT_TRUE(store->Create(Named("Errors"), 1002).ok());
    Result<Report> renamed = store->Update(2, Change(R"({"name": "p99 latency", "chart": "bar"})", true), 2000);
    ASSERT_TRUE(renamed.ok());
    EXPECT_EQ(renamed->name, "p99 latency");
    EXPECT_EQ(renamed->chart, ReportChart::kBar);
    EXPECT_EQ(renamed->created_ms, 1001);
    EXPECT_EQ(renamed->updated_ms, 2000);
    EXPECT_EQ(renamed->spec, first->spec);
    ASSERT_TRUE(store->Remove(3).ok());
    EXPECT_EQ(store->Remove(3).code(), StatusCode::kNotFound);
    EXPECT_EQ(store->Update(3, Named("x"), 1).status().code(), StatusCode::kNotFound);
  }
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<Report> listed = store->List();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].name, "p99 latency");  // most recently updated first
  EXPECT_EQ(listed[1].name, "Cost \"by\" model");
  EXPECT_EQ(listed[1].spec, R"({"from":"now-7d","to":"now","group_by":["model"],"metrics":["count"]})");
  EXPECT_EQ(store->Get(2), listed[0]);
  EXPECT_FALSE(store->Get(3).has_value());
  Result<Report> next = store->Create(Named("New"), 3000);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->id, 4);
}

TEST_F(ReportStoreTest, ADamagedFileIsRefusedAndLeftAlone) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Create(Named("Cost"), 1000).ok());
  }
  const fs::path file = dir_ / "REPORTS";
  std::string text;
  {
    std::ifstream in(file, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const size_t at = text.find("Cost");
  ASSERT_NE(at, std::string::npos);
  text[at] = 'K';
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
  }
  Result<std::unique_ptr<ReportStore>> reopened = ReportStore::Open(dir_);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), StatusCode::kCorruption);
  EXPECT_NE(reopened.status().message().find("REPORTS"), std::string::npos);
  std::ifstream again(file, std::ios::binary);
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(again)), {}), text);
}

TEST_F(ReportStoreTest, AFileWithAValidChecksumButABadLineIsCorrupt) {
  ASSERT_TRUE(WriteCheckedFile(dir_ / "REPORTS", "mltrack-reports 1\nnext_id 2\n{\"id\":1}\n").ok());
  Result<std::unique_ptr<ReportStore>> reopened = ReportStore::Open(dir_);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace mltrack::analytics
