#include "analytics/annotation_store.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace mltrack::analytics {
namespace {

namespace fs = std::filesystem;

class AnnotationStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("annotations-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<AnnotationStore> Open() {
    Result<std::unique_ptr<AnnotationStore>> store = AnnotationStore::Open(dir_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  static Annotation Make(int64_t ts, std::string text) {
    Annotation annotation;
    annotation.ts_ms = ts;
    annotation.text = std::move(text);
    return annotation;
  }

  fs::path dir_;
};

TEST_F(AnnotationStoreTest, ChangesSurviveReopenAndIdsAreNeverReused) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    EXPECT_EQ(store->size(), 0u);
    Annotation incident = Make(200, "Anthropic \"overloaded\"\nline two");
    incident.kind = AnnotationKind::kIncident;
    incident.end_ms = 400;
    incident.scope = AnnotationScope{FieldRef{FieldId::kTag, "env"}, "prod"};
    Result<Annotation> first = store->Add(incident, 1000);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->id, 1);
    EXPECT_EQ(first->created_ms, 1000);
    ASSERT_TRUE(store->Add(Make(100, "deploy"), 1001).ok());
    Result<Annotation> third = store->Add(Make(300, "config"), 1002);
    ASSERT_TRUE(third.ok());
    EXPECT_EQ(third->id, 3);
    ASSERT_TRUE(store->Remove(3).ok());
    EXPECT_EQ(store->Remove(3).code(), StatusCode::kNotFound);
  }
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<Annotation> all = store->List(INT64_MIN, INT64_MAX);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].text, "deploy");  // by ts
  EXPECT_EQ(all[1].text, "Anthropic \"overloaded\"\nline two");
  EXPECT_EQ(all[1].end_ms, 400);
  EXPECT_EQ(all[1].kind, AnnotationKind::kIncident);
  EXPECT_EQ(all[1].scope->field.Name(), "tags.env");
  EXPECT_EQ(all[1].created_ms, 1000);
  Result<Annotation> next = store->Add(Make(1, "after restart"), 2000);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->id, 4);  // 3 was deleted, never given again

  // Range: moments inside [from, to), spans overlapping it.
  EXPECT_EQ(store->List(150, 250).size(), 1u);  // the span 200..400
  EXPECT_EQ(store->List(401, 500).size(), 0u);
  EXPECT_EQ(store->List(0, 101).size(), 2u);   // ts 1 and 100
}

TEST_F(AnnotationStoreTest, ADamagedFileIsRefusedNotGuessed) {
  {
    auto store = Open();
    ASSERT_TRUE(store->Add(Make(100, "deploy"), 1).ok());
  }
  const fs::path path = dir_ / "ANNOTATIONS";
  std::string text;
  {
    std::ifstream in(path, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_NE(text.find("deploy"), std::string::npos);
  text[text.find("deploy")] = 'D';  // one flipped byte
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
  }
  Result<std::unique_ptr<AnnotationStore>> reopened = AnnotationStore::Open(dir_);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), StatusCode::kCorruption);
  EXPECT_NE(reopened.status().message().find("ANNOTATIONS"), std::string::npos);

  // A torn write leaves only the temporary file; the last complete file is what counts.
  fs::remove(path);
  {
    std::ofstream tmp(dir_ / "ANNOTATIONS.tmp", std::ios::binary);
    tmp << "mltrack-annotations 1\nnext_id 9\n{\"id\":";
  }
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->size(), 0u);
}

TEST_F(AnnotationStoreTest, AFailedWriteChangesNothing) {
  auto store = Open();
  ASSERT_TRUE(store->Add(Make(100, "kept"), 1).ok());
  // The directory disappears: the next write cannot create its temporary file.
  fs::remove_all(dir_);
  Result<Annotation> failed = store->Add(Make(200, "lost"), 2);
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(store->size(), 1u);
  EXPECT_FALSE(store->Remove(1).ok());
  EXPECT_EQ(store->List(INT64_MIN, INT64_MAX).size(), 1u);
  fs::create_directories(dir_);
  Result<Annotation> retried = store->Add(Make(200, "retried"), 3);
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->id, 2);
}

}  // namespace
}  // namespace mltrack::analytics
