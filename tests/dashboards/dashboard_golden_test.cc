// Runs every tests/dashboards/<dashboard>/*.test file (format: tests/dashboards/README.md)
// against a real embedded store through the server's router.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "backend/embedded/embedded_backend.h"
#include "core/price_catalogue.h"
#include "ingest/event_decoder.h"
#include "ingest/pricing.h"
#include "server/app_context.h"
#include "server/router.h"
#include "store/embedded_store.h"

namespace mltrack {
namespace {

namespace fs = std::filesystem;

fs::path TestsRoot() {
  const char* root = std::getenv("MLTRACK_SOURCE_DIR");
  return root != nullptr ? fs::path(root) / "tests/dashboards" : fs::path(MLTRACK_DASHBOARD_TESTS);
}

std::vector<std::string> TestFiles() {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(TestsRoot())) {
    if (entry.path().extension() == ".test") files.push_back(fs::relative(entry.path(), TestsRoot()).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct Block {
  int line = 0;  // of the block's first line, for messages
  std::vector<std::string> lines;
};

std::vector<Block> ReadBlocks(const fs::path& path) {
  std::ifstream in(path);
  std::vector<Block> blocks;
  Block current;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.starts_with("#")) continue;
    if (line.empty()) {
      if (!current.lines.empty()) blocks.push_back(std::move(current));
      current = Block();
      continue;
    }
    if (current.lines.empty()) current.line = number;
    current.lines.push_back(line);
  }
  if (!current.lines.empty()) blocks.push_back(std::move(current));
  return blocks;
}

std::string Join(const std::vector<std::string>& lines, size_t begin, size_t end) {
  std::string out;
  for (size_t idx = begin; idx < end; ++idx) out += lines[idx] + "\n";
  return out;
}

// The element at `path` ("a/b/0/c"), or an error message.
std::string Walk(simdjson::dom::element root, const std::string& path, simdjson::dom::element* out) {
  simdjson::dom::element at = root;
  std::stringstream parts(path);
  std::string part;
  while (std::getline(parts, part, '/')) {
    if (at.is_object()) {
      if (at[part].get(at) != simdjson::SUCCESS) return "no key \"" + part + "\"";
    } else if (at.is_array()) {
      size_t index = std::stoul(part);
      if (at.at(index).get(at) != simdjson::SUCCESS) return "no index " + part;
    } else {
      return "\"" + part + "\" inside a scalar";
    }
  }
  *out = at;
  return "";
}

// "" when equal, else where and how they differ.
std::string Compare(simdjson::dom::element actual, simdjson::dom::element expected, const std::string& where) {
  using simdjson::dom::element_type;
  auto is_number = [](element_type type) {
    return type == element_type::INT64 || type == element_type::UINT64 || type == element_type::DOUBLE;
  };
  if (is_number(actual.type()) && is_number(expected.type())) {
    double a = double(actual.get_double().value_unsafe());
    if (actual.type() == element_type::INT64) a = static_cast<double>(int64_t(actual));
    if (actual.type() == element_type::UINT64) a = static_cast<double>(uint64_t(actual));
    double e = expected.type() == element_type::DOUBLE ? double(expected)
               : expected.type() == element_type::INT64 ? static_cast<double>(int64_t(expected))
                                                        : static_cast<double>(uint64_t(expected));
    if (std::fabs(a - e) <= 1e-9 * std::max(std::fabs(a), std::fabs(e))) return "";
    return where + ": " + simdjson::to_string(actual) + " != expected " + simdjson::to_string(expected);
  }
  if (actual.type() != expected.type()) {
    return where + ": " + simdjson::to_string(actual) + " != expected " + simdjson::to_string(expected);
  }
  if (expected.is_object()) {
    simdjson::dom::object a = actual;
    simdjson::dom::object e = expected;
    if (a.size() != e.size()) {
      return where + ": " + std::to_string(a.size()) + " keys != expected " + std::to_string(e.size()) + " in " +
             simdjson::to_string(actual);
    }
    for (auto field : e) {
      simdjson::dom::element value;
      if (a[field.key].get(value) != simdjson::SUCCESS) return where + ": missing key " + std::string(field.key);
      std::string diff = Compare(value, field.value, where + "/" + std::string(field.key));
      if (!diff.empty()) return diff;
    }
    return "";
  }
  if (expected.is_array()) {
    simdjson::dom::array a = actual;
    simdjson::dom::array e = expected;
    if (a.size() != e.size()) {
      return where + ": " + std::to_string(a.size()) + " elements != expected " + std::to_string(e.size()) + " in " +
             simdjson::to_string(actual);
    }
    for (size_t idx = 0; idx < e.size(); ++idx) {
      std::string diff = Compare(a.at(idx), e.at(idx), where + "/" + std::to_string(idx));
      if (!diff.empty()) return diff;
    }
    return "";
  }
  if (simdjson::to_string(actual) == simdjson::to_string(expected)) return "";
  return where + ": " + simdjson::to_string(actual) + " != expected " + simdjson::to_string(expected);
}

class DashboardGoldenTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/mltrack-dashboard-golden-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    if (backend_) backend_->Close();
    backend_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void OpenStore() {
    store::StoreOptions options;
    options.dir = dir_;
    Result<std::unique_ptr<store::EmbeddedStore>> store = store::EmbeddedStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    backend_ = std::make_unique<backend::EmbeddedBackend>(std::move(*store), 0);
    context_.backend = backend_.get();
    context_.prices = &prices_;
    server::AddApiRoutes(router_, context_);
  }

  void RunRequest(const Block& block) {
    size_t separator = 0;
    while (separator < block.lines.size() && block.lines[separator] != "----") ++separator;
    ASSERT_LT(separator, block.lines.size()) << "line " << block.line << ": no ----";
    ASSERT_GE(separator, 2u) << "line " << block.line << ": request without a target";
    const std::string& target_line = block.lines[1];
    const size_t space = target_line.find(' ');
    ASSERT_NE(space, std::string::npos) << "line " << block.line + 1 << ": METHOD /path";
    std::optional<server::ParsedTarget> target = server::ParseTarget(target_line.substr(space + 1));
    ASSERT_TRUE(target.has_value()) << target_line;
    server::HttpRequest request;
    request.method = target_line.substr(0, space);
    request.path = target->path;
    request.query = target->query;
    request.body = Join(block.lines, 2, separator);
    request.headers.Add("Content-Type", "application/json");
    server::HttpResponse response = router_.Dispatch(request);

    simdjson::dom::parser parser;
    simdjson::dom::element body;
    ASSERT_EQ(parser.parse(response.body).get(body), simdjson::SUCCESS) << response.body.substr(0, 300);
    int expected_status = 200;
    // Expectations: "path json", continued on lines that start with a space.
    std::vector<std::pair<std::string, std::string>> expectations;
    for (size_t idx = separator + 1; idx < block.lines.size(); ++idx) {
      const std::string& line = block.lines[idx];
      if (line.starts_with("status ")) {
        expected_status = std::stoi(line.substr(7));
      } else if (line.starts_with(" ") && !expectations.empty()) {
        expectations.back().second += "\n" + line;
      } else {
        const size_t split = line.find(' ');
        ASSERT_NE(split, std::string::npos) << "line " << block.line + idx << ": <path> <json>";
        expectations.emplace_back(line.substr(0, split), line.substr(split + 1));
      }
    }
    ASSERT_EQ(response.status, expected_status) << target_line << "\n" << response.body.substr(0, 600);
    for (const auto& [path, json] : expectations) {
      simdjson::dom::element actual;
      std::string missing = Walk(body, path, &actual);
      ASSERT_EQ(missing, "") << target_line << " at " << path;
      simdjson::dom::parser expected_parser;
      simdjson::dom::element expected;
      ASSERT_EQ(expected_parser.parse(json).get(expected), simdjson::SUCCESS) << "bad expected JSON at " << path;
      EXPECT_EQ(Compare(actual, expected, path), "") << target_line;
    }
  }

  fs::path dir_;
  PriceCatalogue prices_;
  std::unique_ptr<backend::EmbeddedBackend> backend_;
  server::AppContext context_;
  server::Router router_;
};

TEST_P(DashboardGoldenTest, Answers) {
  std::vector<Block> blocks = ReadBlocks(TestsRoot() / GetParam());
  ASSERT_FALSE(blocks.empty());
  for (const Block& block : blocks) {
    const std::string& kind = block.lines[0];
    if (kind == "prices") {
      ASSERT_EQ(backend_, nullptr) << "prices must come before events and requests";
      Result<PriceCatalogue> parsed = PriceCatalogue::Parse(Join(block.lines, 1, block.lines.size()));
      ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
      prices_ = std::move(*parsed);
      continue;
    }
    if (!backend_) OpenStore();
    if (kind == "events") {
      Result<EventBatch> batch =
          ingest::DecodeEvents(Join(block.lines, 1, block.lines.size()), ingest::BodyFormat::kJson);
      ASSERT_TRUE(batch.ok()) << "line " << block.line << ": " << batch.status().ToString();
      ingest::PriceEvents(prices_, *batch);
      Result<backend::AppendResult> appended = backend_->Append(std::move(*batch));
      ASSERT_TRUE(appended.ok()) << appended.status().ToString();
    } else if (kind == "request") {
      RunRequest(block);
    } else {
      FAIL() << "line " << block.line << ": unknown block \"" << kind << "\"";
    }
  }
}

std::string CaseName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Dashboards, DashboardGoldenTest, ::testing::ValuesIn(TestFiles()), CaseName);

}  // namespace
}  // namespace mltrack
