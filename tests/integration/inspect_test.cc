// `mltrack inspect --data DIR` through the real binary (docs/operations.md "Inspecting a store"):
// on the format-2 fixture store (tests/fixtures/store-v2), the totals are the files' and the
// parts add up to them; a damaged segment exits 1 naming it; a bad command line exits 2.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "temp_dir.h"
#include "test_support.h"

namespace mltrack::integration {
namespace {

namespace fs = std::filesystem;

class InspectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path fixture = fs::path(MLTRACK_SOURCE_DIR) / "tests" / "fixtures" / "store-v2";
    fs::copy(fixture, Data(), fs::copy_options::recursive);
  }
  fs::path Data() const { return dir_.path() / "data"; }
  fs::path Segment(int n) const { return Data() / "segments" / ("seg-000000000000000" + std::to_string(n) + ".mlseg"); }

  TempDir dir_;
};

TEST_F(InspectTest, PrintsEveryPartAndTheyAddUpToTheFiles) {
  const uint64_t files = fs::file_size(Segment(1)) + fs::file_size(Segment(2));
  CommandResult result = RunMltrack("inspect --data " + Data().string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::istringstream lines(result.output);
  std::string first;
  std::getline(lines, first);
  char expected[128];
  std::snprintf(expected, sizeof expected, "2 segments, 5039 events, %llu bytes (%.2f bytes/event)",
                static_cast<unsigned long long>(files), static_cast<double>(files) / 5039);
  EXPECT_EQ(first, expected);
  std::string header;
  std::getline(lines, header);
  EXPECT_EQ(header.rfind("part", 0), 0u) << header;
  uint64_t sum = 0;
  bool saw_ts = false, saw_ids = false, saw_model = false;
  std::string line;
  while (std::getline(lines, line) && line.rfind("wal ", 0) != 0) {
    // "name words..." then five numbers: disk bytes, B/event, decoded bytes, B/event, chunks.
    std::istringstream words(line);
    std::string word, name;
    std::vector<std::string> all;
    while (words >> word) all.push_back(word);
    ASSERT_GE(all.size(), 6u) << line;
    for (size_t idx = 0; idx + 5 < all.size(); ++idx) name += (idx ? " " : "") + all[idx];
    sum += std::stoull(all[all.size() - 5]);
    saw_ts |= name == "ts";
    saw_ids |= name == "ids";
    saw_model |= name == "model";
  }
  EXPECT_EQ(sum, files);
  EXPECT_TRUE(saw_ts && saw_ids && saw_model) << result.output;
  EXPECT_EQ(line.rfind("wal ", 0), 0u) << result.output;
}

TEST_F(InspectTest, DamagedSegmentExitsOneNamingIt) {
  fs::resize_file(Segment(2), fs::file_size(Segment(2)) - 1);  // the trailer magic loses a byte
  CommandResult result = RunMltrack("inspect --data " + Data().string());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find(Segment(2).string()), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("bad trailer magic"), std::string::npos) << result.output;
}

TEST_F(InspectTest, BadCommandLineExitsTwo) {
  CommandResult missing = RunMltrack("inspect");
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("--data"), std::string::npos) << missing.output;
  CommandResult not_dir = RunMltrack("inspect --data " + (dir_.path() / "nothing").string());
  EXPECT_EQ(not_dir.exit_code, 2) << not_dir.output;
  EXPECT_NE(not_dir.output.find("not a directory"), std::string::npos) << not_dir.output;
}

}  // namespace
}  // namespace mltrack::integration
