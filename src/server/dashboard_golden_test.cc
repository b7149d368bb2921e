// Runs the declarative dashboard tests in tests/dashboards/**/*.test (format:
// tests/dashboards/README.md) through the real router: events are POSTed to /api/v1/events, then
// each request (a dashboard, the annotations API, ...) is answered by its handler and the
// response compared with the expected status and JSON. Every file runs twice: over the
// memtable, and over sealed segments (one per `events` block), whose block summaries answer
// many dashboard queries without reading rows.

#include <unistd.h>

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "analytics/annotation_store.h"
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

std::vector<std::string> GoldenFiles() {
  std::vector<std::string> files;
  const fs::path root = SourceDir() / "tests" / "dashboards";
  if (!fs::exists(root)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".test") {
      files.push_back(fs::relative(entry.path(), root).string());
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

// Expected ⊆ actual: objects may name only some keys (all of them, and no more, when `exact`);
// arrays match element by element and in length; numbers within 1e-9 relative (1e-12 absolute);
// everything else exactly.
bool Matches(element expected, element actual, bool exact, const std::string& path, std::string& why) {
  if (expected.is_number() && actual.is_number()) {
    const double want = Number(expected), got = Number(actual);
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
      why = path + ": " + std::to_string(got.size()) + " items, expected " + std::to_string(want.size()) + ": " +
            simdjson::to_string(actual);
      return false;
    }
    size_t index = 0;
    auto item = got.begin();
    for (element want_item : want) {
      if (!Matches(want_item, *item, exact, path + "[" + std::to_string(index++) + "]", why)) return false;
      ++item;
    }
    return true;
  }
  if (expected.type() == element_type::OBJECT) {
    if (exact && simdjson::dom::object(expected).size() != simdjson::dom::object(actual).size()) {
      for (auto [key, value] : simdjson::dom::object(actual)) {
        element ignored;
        if (expected[key].get(ignored) != simdjson::SUCCESS) {
          why = path + ": unexpected key " + std::string(key);
          return false;
        }
      }
    }
    for (auto [key, value] : simdjson::dom::object(expected)) {
      element other;
      if (actual[key].get(other) != simdjson::SUCCESS) {
        why = path + ": no key " + std::string(key);
        return false;
      }
      if (!Matches(value, other, exact, path + "." + std::string(key), why)) return false;
    }
    return true;
  }
  if (simdjson::to_string(expected) == simdjson::to_string(actual)) return true;
  why = path + ": " + simdjson::to_string(actual) + " != expected " + simdjson::to_string(expected);
  return false;
}

// The element at `path` ("errors.by_model[0].rate"; "." is the whole document).
bool Find(element root, std::string_view path, element& out) {
  out = root;
  size_t at = 0;
  if (path == ".") return true;
  while (at < path.size()) {
    if (path[at] == '.') ++at;
    if (path[at] == '[') {
      size_t close = path.find(']', at);
      if (close == std::string_view::npos) return false;
      size_t index = std::stoul(std::string(path.substr(at + 1, close - at - 1)));
      if (out.at(index).get(out) != simdjson::SUCCESS) return false;
      at = close + 1;
      continue;
    }
    size_t end = path.find_first_of(".[", at);
    if (end == std::string_view::npos) end = path.size();
    if (out[path.substr(at, end - at)].get(out) != simdjson::SUCCESS) return false;
    at = end;
  }
  return true;
}

// Whether an error body has a detail whose `field` is `field`.
bool NamesField(element body, std::string_view field) {
  element details;
  if (body["error"]["details"].get(details) != simdjson::SUCCESS) return false;
  for (element detail : simdjson::dom::array(details)) {
    std::string_view name;
    if (detail["field"].get(name) == simdjson::SUCCESS && name == field) return true;
  }
  return false;
}

enum class Storage { kMemtable, kSegments };

// A server's state in a temporary data directory: store, backend, annotations and router.
class Fixture {
 public:
  explicit Fixture(Storage storage) : storage_(storage) {
    dir_ = fs::temp_directory_path() /
           ("mltrack-dashboards-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
    store::StoreOptions options;
    options.dir = dir_;
    if (storage == Storage::kSegments) {
      options.seal_rows = 1;  // every append sealed into a segment of its own
      options.compact_target_rows = 2;
      options.seal_on_close = false;
    }
    auto opened = store::EmbeddedStore::Open(std::move(options));
    if (!opened.ok()) {
      ADD_FAILURE() << opened.status().ToString();
      return;
    }
    store_ = opened->get();
    backend_ = std::make_unique<backend::EmbeddedBackend>(std::move(*opened), 0);
    auto annotations = analytics::AnnotationStore::Open(dir_);
    if (!annotations.ok()) {
      ADD_FAILURE() << annotations.status().ToString();
      return;
    }
    annotations_ = std::move(*annotations);
    context_.backend = backend_.get();
    context_.prices = &prices_;
    context_.annotations = annotations_.get();
    AddApiRoutes(router_, context_);
  }
  ~Fixture() {
    if (backend_) backend_->Close();
    backend_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  bool ok() const { return annotations_ != nullptr; }

  // Replaces the (initially empty) price catalogue; later events are priced with it.
  void SetPrices(const std::string& json) {
    Result<PriceCatalogue> parsed = PriceCatalogue::Parse(json);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    prices_ = std::move(*parsed);
  }

  HttpResponse Send(const std::string& method, const std::string& target, std::string body) {
    std::optional<ParsedTarget> parsed = ParseTarget(target);
    EXPECT_TRUE(parsed) << "bad target " << target;
    HttpRequest request;
    request.method = method;
    if (parsed) {
      request.path = parsed->path;
      request.query = parsed->query;
    }
    request.headers.Add("Content-Type", "application/json");
    request.body = std::move(body);
    return router_.Dispatch(request);
  }

  // POSTs NDJSON events; in segment mode waits until they are sealed.
  void Ingest(const std::string& ndjson) {
    HttpResponse response = Send("POST", "/api/v1/events", ndjson);
    ASSERT_EQ(response.status, 200) << response.body;
    if (storage_ == Storage::kSegments) ASSERT_TRUE(store_->WaitForMaintenance(10'000)) << "seal did not finish";
  }

 private:
  Storage storage_;
  fs::path dir_;
  PriceCatalogue prices_;
  store::EmbeddedStore* store_ = nullptr;
  std::unique_ptr<backend::EmbeddedBackend> backend_;
  std::unique_ptr<analytics::AnnotationStore> annotations_;
  AppContext context_;
  Router router_;
};

class DashboardGoldenTest : public ::testing::TestWithParam<std::tuple<std::string, Storage>> {};

TEST_P(DashboardGoldenTest, Matches) {
  const auto& [file_name, storage] = GetParam();
  const fs::path path = SourceDir() / "tests" / "dashboards" / file_name;
  std::ifstream file(path);
  ASSERT_TRUE(file) << "cannot open " << path;
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.starts_with("#")) lines.push_back(line);
  }
  Fixture fixture(storage);
  ASSERT_TRUE(fixture.ok());
  simdjson::dom::parser expected_parser, actual_parser;
  size_t next = 0, requests = 0;
  auto paragraph = [&] {
    std::string text;
    while (next < lines.size() && !lines[next].empty()) text += lines[next++] + "\n";
    return text;
  };
  while (next < lines.size()) {
    if (lines[next].empty()) {
      ++next;
      continue;
    }
    const std::string where = path.string() + ":" + std::to_string(next + 1);
    const std::string header = lines[next++];
    if (header == "events") {
      fixture.Ingest(paragraph());
      if (HasFatalFailure()) return;
      continue;
    }
    if (header == "prices") {
      fixture.SetPrices(paragraph());
      if (HasFatalFailure()) return;
      continue;
    }
    ASSERT_TRUE(header.starts_with("request ")) << where << ": expected 'events' or 'request', got " << header;
    const size_t space = header.find(' ', 8);
    ASSERT_NE(space, std::string::npos) << where << ": request METHOD TARGET";
    const std::string method = header.substr(8, space - 8), target = header.substr(space + 1);
    std::string body;
    while (next < lines.size() && !lines[next].starts_with("----")) body += lines[next++] + "\n";
    ASSERT_LT(next, lines.size()) << where << ": request without '----'";
    const std::string marker = lines[next++];
    ++requests;
    SCOPED_TRACE(where + ": " + header);
    HttpResponse response = fixture.Send(method, target, body);
    element actual;
    const bool is_json = !response.body.empty() && actual_parser.parse(response.body).get(actual) == simdjson::SUCCESS;

    if (marker.starts_with("---- error ")) {  // "---- error <status> <parameter>"
      std::istringstream words(marker.substr(11));
      int status = 0;
      std::string field;
      words >> status >> field;
      EXPECT_EQ(response.status, status) << response.body;
      EXPECT_TRUE(is_json && NamesField(actual, field)) << "no error detail names '" << field << "': " << response.body;
      continue;
    }
    const bool expectation_lines = next < lines.size() && (lines[next].starts_with("status ") ||
                                                           lines[next].starts_with("error ") ||
                                                           lines[next].starts_with("json "));
    if (!expectation_lines) {  // "----" or "---- subset", then the whole expected body
      ASSERT_TRUE(marker == "----" || marker == "---- subset") << where << ": unknown separator " << marker;
      const std::string text = paragraph();
      EXPECT_EQ(response.status, 200) << response.body;
      element want;
      ASSERT_EQ(expected_parser.parse(text).get(want), simdjson::SUCCESS) << "bad expected JSON: " << text;
      ASSERT_TRUE(is_json) << "not JSON: " << response.body;
      std::string why;
      EXPECT_TRUE(Matches(want, actual, /*exact=*/marker == "----", "$", why)) << why << "\n" << response.body;
      continue;
    }
    ASSERT_EQ(marker, "----") << where;

    // Expectations: "status N", "error FIELD", "json PATH" + JSON lines, until a blank line.
    while (next < lines.size() && !lines[next].empty()) {
      const std::string expectation = lines[next++];
      if (expectation.starts_with("status ")) {
        EXPECT_EQ(response.status, std::stoi(expectation.substr(7))) << response.body;
      } else if (expectation.starts_with("error ")) {
        const std::string field = expectation.substr(6);
        EXPECT_GE(response.status, 400) << response.body;
        EXPECT_TRUE(is_json && NamesField(actual, field)) << "no error detail names '" << field << "': " << response.body;
      } else if (expectation.starts_with("json ")) {
        const std::string json_path = expectation.substr(5);
        std::string text;
        while (next < lines.size() && !lines[next].empty() && !lines[next].starts_with("json ") &&
               !lines[next].starts_with("status ") && !lines[next].starts_with("error ")) {
          text += lines[next++] + "\n";
        }
        element want, got;
        ASSERT_EQ(expected_parser.parse(text).get(want), simdjson::SUCCESS) << "bad expected JSON at " << json_path << ": " << text;
        ASSERT_TRUE(is_json) << "not JSON: " << response.body;
        ASSERT_TRUE(Find(actual, json_path, got)) << "no " << json_path << " in " << response.body;
        std::string why;
        EXPECT_TRUE(Matches(want, got, /*exact=*/false, json_path, why)) << why;
      } else {
        FAIL() << where << ": unknown expectation " << expectation;
      }
    }
  }
  EXPECT_GT(requests, 0u) << "no requests in " << path;
}

INSTANTIATE_TEST_SUITE_P(Dashboards, DashboardGoldenTest,
                         ::testing::Combine(::testing::ValuesIn(GoldenFiles()),
                                            ::testing::Values(Storage::kMemtable, Storage::kSegments)),
                         [](const ::testing::TestParamInfo<std::tuple<std::string, Storage>>& info) {
                           std::string name = std::get<0>(info.param);
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name + (std::get<1>(info.param) == Storage::kMemtable ? "_Memtable" : "_Segments");
                         });

}  // namespace
}  // namespace mltrack::server
