#pragma once
// Where the ClickHouse backend finds its server: `--store clickhouse://HOST:PORT/DB[?...]`.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mltrack::backend::clickhouse {

struct ConnectionOptions {
  std::string host;
  uint16_t port = 8123;       // the HTTP interface
  std::string database;       // created when missing
  std::string user = "default";
  std::string password;
  // When set, the cluster (as named in the server's <remote_servers>) over which `events` is a
  // Distributed table of per-shard `events_local` tables (docs/deploy/clickhouse.md).
  std::string cluster;

  // "host:port/db" (never the password), for messages.
  std::string Describe() const;
};

// Parses "clickhouse://HOST:PORT/DB?user=U&password=P&cluster=C" (query parameters optional and
// percent-decoded; PORT defaults to 8123). InvalidArgument naming `--store` and the problem:
// another scheme, no host, a bad port, a database name that is not [A-Za-z0-9_]+, an unknown
// parameter.
Result<ConnectionOptions> ParseClickHouseUrl(std::string_view url);

}  // namespace mltrack::backend::clickhouse
