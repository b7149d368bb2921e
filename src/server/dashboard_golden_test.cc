// Runs the declarative dashboard tests in tests/dashboards/**/*.test (format:
// tests/dashboards/README.md): events go in through POST /api/v1/events of the real router, then
// each request is dispatched and its status and JSON body compared with the hand-worked answer.

#include <unistd.h>

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "backend/embedded/embedded_backend.h"
#include "core/price_catalogue.h"
#include "server/app_context.h"
#include "server/router.h"
#include "store/embedded_store.h"

namespace mltrack::server {
namespace {

namespace fs = std::filesystem;
using simdjson::dom::element;
using simdjson::dom::element_type;

fs::path SourceDir() {
  if (const char* env = std::getenv("MLTRACK_SOURCE_DIR"); env && *env) return env;
  return MLTRACK_SOURCE_DIR;
}

fs::path Root() { return SourceDir() / "tests" / "dashboards"; }

std::vector<std::string> GoldenFiles() {
  std::vector<std::string> files;
  if (!fs::exists(Root())) return files;
  for (const auto& entry : fs::recursive_directory_iterator(Root())) {
    if (entry.is_regular_file() && entry.path().extension() == ".test") {
      files.push_back(fs::relative(entry.path(), Root()).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

double Number(element value) {
  switch (value.type()) {
    case element_type::INT64: return static_cast<double>(int64_t(value));
    case element_type::UINT64: return static_cast<double>(uint64_t(value));
    default: return double(value);
  }
}

// Structural equality at `path`; numbers within 1e-9 relative (or 1e-12 absolute). With `subset`
// an expected object's keys must be present and equal and other keys are ignored; otherwise the
// key sets must be equal too.
bool JsonEqual(element expected, element actual, bool subset, const std::string& path, std::string& why) {
  if (expected.is_number() && actual.is_number()) {
    const double want = Number(expected);
    const double got = Number(actual);
    if (std::abs(want - got) <= std::max(1e-12, 1e-9 * std::abs(want))) return true;
    why = path + ": " + simdjson::to_string(actual) + " != expected " + simdjson::to_string(expected);
    return false;
  }
  if (expected.type() != actual.type()) {
    why = path + ": " + simdjson::to_string(actual) + " is not like expected " + simdjson::to_string(expected);
    return false;
  }
  if (expected.type() == element_type::ARRAY) {
    simdjson::dom::array want = expected, got = actual;
    if (want.size() != got.size()) {
      why = path + ": " + std::to_string(got.size()) + " items, expected " + std::to_string(want.size());
      return false;
    }
    size_t idx = 0;
    auto it = got.begin();
    for (element item : want) {
      if (!JsonEqual(item, *it, subset, path + "[" + std::to_string(idx++) + "]", why)) return false;
      ++it;
    }
    return true;
  }
  if (expected.type() == element_type::OBJECT) {
    simdjson::dom::object want = expected, got = actual;
    for (auto [key, value] : want) {
      element other;
      if (got[key].get(other) != simdjson::SUCCESS) {
        why = path + ": missing key " + std::string(key);
        return false;
      }
      if (!JsonEqual(value, other, subset, path + "." + std::string(key), why)) return false;
    }
    if (!subset && got.size() != want.size()) {
      for (auto [key, value] : got) {
        element unused;
        if (want[key].get(unused) != simdjson::SUCCESS) {
          why = path + ": unexpected key " + std::string(key);
          return false;
        }
      }
    }
    return true;
  }
  if (simdjson::to_string(expected) == simdjson::to_string(actual)) return true;
  why = path + ": " + simdjson::to_string(actual) + " != expected " + simdjson::to_string(expected);
  return false;
}

std::vector<std::string> ReadLines(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("#")) lines.push_back(line);
  }
  return lines;
}

// A store in a temporary directory behind the real routes.
class GoldenServer {
 public:
  explicit GoldenServer(const std::string& name)
      : dir_(fs::temp_directory_path() / ("dashboard_golden_" + std::to_string(::getpid()) + "_" + name)) {
    fs::remove_all(dir_);
    store::StoreOptions options;
    options.dir = dir_;
    Result<std::unique_ptr<store::EmbeddedStore>> store = store::EmbeddedStore::Open(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (store.ok()) backend_ = std::make_unique<backend::EmbeddedBackend>(std::move(*store), 1 << 20);
    context_.backend = backend_.get();
    context_.prices = &prices_;
    AddApiRoutes(router_, context_);
  }
  ~GoldenServer() {
    backend_.reset();
    fs::remove_all(dir_);
  }
  bool ok() const { return backend_ != nullptr; }

  void SetPrices(const std::string& json) {
    Result<PriceCatalogue> parsed = PriceCatalogue::Parse(json);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    prices_ = std::move(*parsed);
  }

  HttpResponse Send(std::string method, std::string_view target, std::string body = {}) {
    std::optional<ParsedTarget> parsed = ParseTarget(target);
    EXPECT_TRUE(parsed.has_value()) << target;
    HttpRequest request;
    request.method = std::move(method);
    if (parsed) {
      request.path = parsed->path;
      request.query = parsed->query;
    }
    request.headers.Add("Content-Type", "application/x-ndjson");
    request.body = std::move(body);
    return router_.Dispatch(request);
  }

 private:
  fs::path dir_;
  PriceCatalogue prices_;
  std::unique_ptr<backend::EmbeddedBackend> backend_;
  AppContext context_;
  Router router_;
};

std::string Join(const std::vector<std::string>& lines, size_t from, size_t to) {
  std::string out;
  for (size_t idx = from; idx < to; ++idx) out += lines[idx] + "\n";
  return out;
}

class DashboardGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DashboardGoldenTest, Matches) {
  const std::vector<std::string> lines = ReadLines(Root() / GetParam());
  std::string name = GetParam();
  std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  GoldenServer server(name);
  ASSERT_TRUE(server.ok());
  simdjson::dom::parser parser;
  int requests = 0;
  size_t idx = 0;
  auto block_end = [&](size_t from) {
    while (from < lines.size() && !lines[from].empty()) ++from;
    return from;
  };
  while (idx < lines.size()) {
    const std::string& line = lines[idx];
    if (line.empty()) {
      ++idx;
    } else if (line == "prices") {
      const size_t end = block_end(idx + 1);
      server.SetPrices(Join(lines, idx + 1, end));
      idx = end;
    } else if (line == "events") {
      const size_t end = block_end(idx + 1);
      HttpResponse response = server.Send("POST", "/api/v1/events", Join(lines, idx + 1, end));
      ASSERT_EQ(response.status, 200) << GetParam() << " line " << idx + 1 << ": " << response.body;
      idx = end;
    } else if (line.starts_with("request GET ")) {
      const std::string target = line.substr(12);
      ASSERT_LT(idx + 1, lines.size()) << GetParam() << ": request without ----";
      const std::string& marker = lines[idx + 1];
      ASSERT_TRUE(marker.starts_with("----")) << GetParam() << " line " << idx + 2 << ": expected ----";
      HttpResponse response = server.Send("GET", target);
      ++requests;
      const std::string where = GetParam() + " line " + std::to_string(idx + 1) + " (" + target + ")";
      if (marker.starts_with("---- error ")) {
        // "---- error <status> <parameter>": the status, and a detail naming the parameter.
        std::istringstream words(marker.substr(11));
        int status = 0;
        std::string field;
        words >> status >> field;
        EXPECT_EQ(response.status, status) << where << ": " << response.body;
        element body;
        ASSERT_EQ(parser.parse(response.body).get(body), simdjson::SUCCESS) << where;
        bool named = false;
        for (element detail : simdjson::dom::array(body["error"]["details"])) {
          named |= std::string_view(detail["field"]) == field;
        }
        EXPECT_TRUE(named) << where << ": no detail names " << field << ": " << response.body;
        idx += 2;
        continue;
      }
      const bool subset = marker == "---- subset";
      const size_t end = block_end(idx + 2);
      const std::string expected_text = Join(lines, idx + 2, end);
      EXPECT_EQ(response.status, 200) << where << ": " << response.body;
      simdjson::dom::parser expected_parser;
      element expected, actual;
      ASSERT_EQ(expected_parser.parse(expected_text).get(expected), simdjson::SUCCESS) << where << ": bad expected JSON";
      ASSERT_EQ(parser.parse(response.body).get(actual), simdjson::SUCCESS) << where << ": bad response JSON";
      std::string why;
      EXPECT_TRUE(JsonEqual(expected, actual, subset, "$", why)) << where << ": " << why << "\n" << response.body;
      idx = end;
    } else {
      FAIL() << GetParam() << " line " << idx + 1 << ": unexpected \"" << line << "\"";
    }
  }
  EXPECT_GT(requests, 0) << GetParam() << " has no request";
}

INSTANTIATE_TEST_SUITE_P(Dashboards, DashboardGoldenTest, ::testing::ValuesIn(GoldenFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 5);
                           std::replace_if(name.begin(), name.end(),
                                           [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
                           return name;
                         });

}  // namespace
}  // namespace mltrack::server
