#include "test_support.h"

#include <algorithm>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <ctime>

#include <fmt/format.h>
#include <simdjson.h>

namespace mltrack::integration {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Rfc3339(int64_t epoch_ms) {
  const std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                     utc.tm_hour, utc.tm_min, utc.tm_sec, epoch_ms % 1000);
}

std::string EventJson(const std::string& id, const std::string& model) {
  return fmt::format(
      R"({{"id":"{0}","ts":"{1}","experiment":"it","provider":"openai","model":"{2}","user":"u1","team":"t1",)"
      R"("input_tokens":100,"output_tokens":20,"latency_ms":250.5,"tags":{{"cid":"{0}"}}}})",
      id, Rfc3339(NowMs() - 3'600'000), model);
}

std::string JsonArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t item_idx = 0; item_idx < items.size(); ++item_idx) {
    if (item_idx > 0) out += ",";
    out += items[item_idx];
  }
  return out + "]";
}

std::string Ndjson(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

namespace {

std::string CellText(simdjson::dom::element cell) {
  switch (cell.type()) {
    case simdjson::dom::element_type::STRING: return std::string(std::string_view(cell.get_string()));
    case simdjson::dom::element_type::INT64: return std::to_string(int64_t(cell.get_int64()));
    case simdjson::dom::element_type::UINT64: return std::to_string(uint64_t(cell.get_uint64()));
    case simdjson::dom::element_type::DOUBLE: {
      const double value = cell.get_double();
      if (std::floor(value) == value && std::fabs(value) < 1e15) return std::to_string(static_cast<int64_t>(value));
      return fmt::format("{}", value);
    }
    case simdjson::dom::element_type::BOOL: return bool(cell.get_bool()) ? "true" : "false";
    case simdjson::dom::element_type::NULL_VALUE: return "null";
    default: return simdjson::minify(cell);
  }
}

}  // namespace

int64_t ToInt(const std::string& text) {
  try {
    size_t used = 0;
    const int64_t value = std::stoll(text, &used);
    return used == text.size() ? value : -1;
  } catch (const std::exception&) {
    return -1;
  }
}

std::string QueryTable::Cell(size_t row_idx, const std::string& column) const {
  if (row_idx >= rows.size()) return "";
  for (size_t column_idx = 0; column_idx < columns.size(); ++column_idx) {
    if (columns[column_idx] == column && column_idx < rows[row_idx].size()) return rows[row_idx][column_idx];
  }
  return "";
}

std::optional<QueryTable> ParseQueryTable(const std::string& body, std::string* error) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body).get(root) != simdjson::SUCCESS) {
    if (error) *error = "not JSON: " + body.substr(0, 500);
    return std::nullopt;
  }
  simdjson::dom::array columns;
  simdjson::dom::array rows;
  if (root["columns"].get(columns) != simdjson::SUCCESS || root["rows"].get(rows) != simdjson::SUCCESS) {
    if (error) *error = "no columns/rows: " + body.substr(0, 500);
    return std::nullopt;
  }
  QueryTable table;
  for (simdjson::dom::element column : columns) table.columns.push_back(CellText(column));
  for (simdjson::dom::element row : rows) {
    std::vector<std::string> cells;
    simdjson::dom::array row_array;
    if (row.get(row_array) != simdjson::SUCCESS) {
      if (error) *error = "a row is not an array: " + body.substr(0, 500);
      return std::nullopt;
    }
    for (simdjson::dom::element cell : row_array) cells.push_back(CellText(cell));
    table.rows.push_back(std::move(cells));
  }
  return table;
}

bool ErrorBody::NamesField(const std::string& field) const {
  for (const ErrorDetailView& detail : details) {
    if (detail.field == field) return true;
  }
  return false;
}

std::optional<ErrorBody> ParseErrorBody(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body).get(root) != simdjson::SUCCESS) return std::nullopt;
  simdjson::dom::element error;
  if (root["error"].get(error) != simdjson::SUCCESS) return std::nullopt;
  ErrorBody out;
  std::string_view text;
  if (error["code"].get(text) == simdjson::SUCCESS) out.code = std::string(text);
  if (error["message"].get(text) == simdjson::SUCCESS) out.message = std::string(text);
  simdjson::dom::array details;
  if (error["details"].get(details) == simdjson::SUCCESS) {
    for (simdjson::dom::element item : details) {
      ErrorDetailView detail;
      int64_t index = -1;
      if (item["index"].get(index) == simdjson::SUCCESS) detail.index = index;
      if (item["field"].get(text) == simdjson::SUCCESS) detail.field = std::string(text);
      if (item["reason"].get(text) == simdjson::SUCCESS) detail.reason = std::string(text);
      out.details.push_back(std::move(detail));
    }
  }
  return out;
}

std::optional<IngestAck> ParseIngestAck(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body).get(root) != simdjson::SUCCESS) return std::nullopt;
  IngestAck ack;
  if (root["accepted"].get(ack.accepted) != simdjson::SUCCESS) return std::nullopt;
  if (root["duplicates"].get(ack.duplicates) != simdjson::SUCCESS) return std::nullopt;
  return ack;
}

CommandResult RunMltrack(const std::string& args) {
  CommandResult result;
  std::string command = MltrackBinary() + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer;
  size_t got = 0;
  while ((got = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), got);
  int status = pclose(pipe);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (std::string report = SanitizerReport(result.output); !report.empty()) {
    ADD_FAILURE() << "mltrack " << args << " reported:\n" << report;
  }
  return result;
}

std::string KeyFromOutput(const CommandResult& result) {
  EXPECT_EQ(result.exit_code, 0) << result.output;
  for (size_t start = 0; start < result.output.size();) {
    const size_t end = std::min(result.output.find('\n', start), result.output.size());
    if (result.output.compare(start, 4, "mlt_") == 0) return result.output.substr(start, end - start);
    start = end + 1;
  }
  ADD_FAILURE() << "no key in: " << result.output;
  return "";
}

void IntegrationTest::StartServer(std::vector<std::string> extra_args) {
  server_ = std::make_unique<ServerProcess>(temp_.path() / "data", temp_.path() / "server.log", std::move(extra_args));
  ASSERT_TRUE(server_->Start());
  client_port_ = server_->port();
  client_ = std::make_unique<HttpClient>(client_port_);
}

HttpClient& IntegrationTest::client() {
  // A restart may have moved the server to another port: follow it.
  if (!client_ || client_port_ != server_->port()) {
    client_port_ = server_->port();
    client_ = std::make_unique<HttpClient>(client_port_);
  }
  return *client_;
}

HttpResult IntegrationTest::Query(const std::string& spec_members) {
  return client().Post("/api/v1/query", std::string("{") + kQueryRange + "," + spec_members + "}");
}

std::optional<QueryTable> IntegrationTest::QueryTableOf(const std::string& spec_members) {
  HttpResult result = Query(spec_members);
  if (result.status != 200) {
    ADD_FAILURE() << "query {" << spec_members << "} failed: " << result.Describe();
    return std::nullopt;
  }
  std::string error;
  auto table = ParseQueryTable(result.body, &error);
  if (!table) ADD_FAILURE() << "query {" << spec_members << "}: " << error;
  return table;
}

int64_t IntegrationTest::CountEvents() {
  auto table = QueryTableOf(R"("metrics":["count"])");
  if (!table || table->rows.size() != 1) {
    if (table) ADD_FAILURE() << "an ungrouped query must return exactly one row, got " << table->rows.size();
    return -1;
  }
  return ToInt(table->Cell(0, "count"));
}

int64_t IntegrationTest::CountById(const std::string& id) {
  auto table = QueryTableOf(R"("filters":[{"field":"tags.cid","op":"eq","value":")" + id + R"("}],"metrics":["count"])");
  if (!table || table->rows.size() != 1) return -1;
  return ToInt(table->Cell(0, "count"));
}

HttpResult IntegrationTest::Ingest(const std::string& body, const std::string& content_type) {
  return client().Post("/api/v1/events", body, content_type);
}

void IntegrationTest::TearDown() {
  if (HasFailure() && server_) {
    std::cerr << "---- server log (" << server_->log_path().string() << ") ----\n" << server_->LogTail() << "\n";
  }
  client_.reset();
  server_.reset();  // SIGKILL if still running
}

}  // namespace mltrack::integration
