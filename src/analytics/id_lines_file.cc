#include "analytics/id_lines_file.h"

#include <charconv>
#include <sstream>

namespace mltrack::analytics {

Result<IdLines> SplitIdLines(std::string_view first_line, const std::string& body) {
  std::istringstream lines(body);
  std::string line;
  if (!std::getline(lines, line) || line != first_line) return Status::Corruption("unknown version");
  if (!std::getline(lines, line) || !line.starts_with("next_id ")) return Status::Corruption("no next_id line");
  IdLines out;
  const std::string_view digits = std::string_view(line).substr(8);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.next_id);
  if (ec != std::errc() || end != digits.data() + digits.size() || out.next_id < 1) {
    return Status::Corruption("bad next_id");
  }
  while (std::getline(lines, line)) out.lines.push_back(std::move(line));
  return out;
}

}  // namespace mltrack::analytics
