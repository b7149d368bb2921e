#include "backend/clickhouse/connection.h"

#include <cctype>
#include <charconv>

namespace mltrack::backend::clickhouse {
namespace {

Status Bad(const std::string& reason) {
  return Status::InvalidArgument("--store: " + reason, {{-1, "--store", reason}});
}

bool IsIdentifier(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> PercentDecode(std::string_view text) {
  std::string out;
  for (size_t idx = 0; idx < text.size(); ++idx) {
    if (text[idx] == '%') {
      if (idx + 2 >= text.size()) return Bad("a '%' escape is cut short");
      const int high = HexValue(text[idx + 1]);
      const int low = HexValue(text[idx + 2]);
      if (high < 0 || low < 0) return Bad("a '%' escape is not two hex digits");
      out.push_back(static_cast<char>(high * 16 + low));
      idx += 2;
    } else {
      out.push_back(text[idx] == '+' ? ' ' : text[idx]);
    }
  }
  return out;
}

}  // namespace

std::string ConnectionOptions::Describe() const {
  return host + ":" + std::to_string(port) + "/" + database;
}

Result<ConnectionOptions> ParseClickHouseUrl(std::string_view url) {
  constexpr std::string_view kScheme = "clickhouse://";
  if (!url.starts_with(kScheme)) return Bad("expected clickhouse://HOST:PORT/DB, got \"" + std::string(url) + "\"");
  url.remove_prefix(kScheme.size());
  ConnectionOptions options;
  std::string_view query;
  if (size_t mark = url.find('?'); mark != std::string_view::npos) {
    query = url.substr(mark + 1);
    url = url.substr(0, mark);
  }
  const size_t slash = url.find('/');
  if (slash == std::string_view::npos) return Bad("the database is missing (clickhouse://HOST:PORT/DB)");
  std::string_view authority = url.substr(0, slash);
  const std::string_view database = url.substr(slash + 1);
  if (!IsIdentifier(database)) return Bad("the database name must be letters, digits and '_' (at most 64)");
  options.database = std::string(database);
  if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return Bad("the port must be a number from 1 to 65535, got \"" + std::string(port) + "\"");
    }
    options.port = static_cast<uint16_t>(value);
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return Bad("the host is missing (clickhouse://HOST:PORT/DB)");
  options.host = std::string(authority);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    Result<std::string> value = PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!value.ok()) return value.status();
    if (name == "user") {
      options.user = std::move(*value);
    } else if (name == "password") {
      options.password = std::move(*value);
    } else if (name == "cluster") {
      if (!IsIdentifier(*value)) return Bad("the cluster name must be letters, digits and '_'");
      options.cluster = std::move(*value);
    } else {
      return Bad("unknown parameter \"" + std::string(name) + "\" (known: user, password, cluster)");
    }
  }
  return options;
}

}  // namespace mltrack::backend::clickhouse
