#include "nab_data.h"

#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/time.h"

namespace mltrack::nab {

int64_t ParseNabTime(const std::string& text) {
  std::string rfc = text.substr(0, 19);
  if (rfc.size() == 19 && rfc[10] == ' ') rfc[10] = 'T';
  Result<int64_t> ms = ParseRfc3339(rfc + "Z");
  if (!ms.ok()) throw std::runtime_error("bad NAB timestamp '" + text + "'");
  return *ms;
}

int64_t MedianStepMs(const std::vector<int64_t>& timestamps) {
  std::vector<int64_t> steps;
  for (size_t row = 1; row < timestamps.size(); ++row) {
    if (timestamps[row] > timestamps[row - 1]) steps.push_back(timestamps[row] - timestamps[row - 1]);
  }
  if (steps.empty()) return 60'000;
  std::nth_element(steps.begin(), steps.begin() + steps.size() / 2, steps.end());
  const int64_t minutes = (steps[steps.size() / 2] + 30'000) / 60'000;
  return std::max<int64_t>(1, minutes) * 60'000;
}

namespace {

NabFile ReadCsv(const std::filesystem::path& path, const std::string& name) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  NabFile file;
  file.name = name;
  std::string line;
  std::getline(in, line);  // header
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const size_t comma = line.find(',');
    if (comma == std::string::npos) throw std::runtime_error(name + ":" + std::to_string(line_no) + ": no comma");
    file.series.timestamps.push_back(ParseNabTime(line.substr(0, comma)));
    file.values.push_back(std::stod(line.substr(comma + 1)));
  }
  return file;
}

}  // namespace

std::vector<NabFile> LoadNab(const std::string& dir) {
  namespace fs = std::filesystem;
  simdjson::dom::parser parser;
  simdjson::dom::element windows = parser.load((fs::path(dir) / "combined_windows.json").string());
  std::vector<NabFile> files;
  for (const fs::directory_entry& category : fs::directory_iterator(dir)) {
    if (!category.is_directory()) continue;
    for (const fs::directory_entry& csv : fs::directory_iterator(category.path())) {
      if (csv.path().extension() != ".csv") continue;
      const std::string name = category.path().filename().string() + "/" + csv.path().filename().string();
      NabFile file = ReadCsv(csv.path(), name);
      simdjson::dom::array labelled;
      if (windows[name].get(labelled) != simdjson::SUCCESS) {
        throw std::runtime_error(name + " has no entry in combined_windows.json");
      }
      for (simdjson::dom::element window : labelled) {
        file.series.windows.emplace_back(ParseNabTime(std::string(std::string_view(window.at(0)))),
                                         ParseNabTime(std::string(std::string_view(window.at(1)))));
      }
      files.push_back(std::move(file));
    }
  }
  std::sort(files.begin(), files.end(), [](const NabFile& a, const NabFile& b) { return a.name < b.name; });
  return files;
}

}  // namespace mltrack::nab
