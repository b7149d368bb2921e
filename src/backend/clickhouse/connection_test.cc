#include "backend/clickhouse/connection.h"

#include <gtest/gtest.h>

namespace mltrack::backend::clickhouse {
namespace {

TEST(ParseClickHouseUrl, HostPortDatabaseAndParameters) {
  Result<ConnectionOptions> options =
      ParseClickHouseUrl("clickhouse://ch.internal:8124/mltrack?user=ml&password=p%40ss%26word&cluster=two_shards");
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_EQ(options->host, "ch.internal");
  EXPECT_EQ(options->port, 8124);
  EXPECT_EQ(options->database, "mltrack");
  EXPECT_EQ(options->user, "ml");
  EXPECT_EQ(options->password, "p@ss&word");
  EXPECT_EQ(options->cluster, "two_shards");
  EXPECT_EQ(options->Describe(), "ch.internal:8124/mltrack");  // never the password
}

TEST(ParseClickHouseUrl, DefaultsToPort8123AndUserDefault) {
  Result<ConnectionOptions> options = ParseClickHouseUrl("clickhouse://localhost/db_1");
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->port, 8123);
  EXPECT_EQ(options->user, "default");
  EXPECT_TRUE(options->password.empty());
  EXPECT_TRUE(options->cluster.empty());
}

TEST(ParseClickHouseUrl, RefusesWhatItCannotUseNamingTheProblem) {
  struct Case {
    const char* url;
    const char* reason;
  };
  for (const Case& bad : {Case{"http://localhost:8123/db", "expected clickhouse://"},
                          Case{"clickhouse://localhost:8123", "database is missing"},
                          Case{"clickhouse://:8123/db", "host is missing"},
                          Case{"clickhouse://localhost:99999/db", "port must be"},
                          Case{"clickhouse://localhost:x/db", "port must be"},
                          Case{"clickhouse://localhost/db;drop", "database name"},
                          Case{"clickhouse://localhost/db?cluster=a`b", "cluster name"},
                          Case{"clickhouse://localhost/db?pasword=x", "unknown parameter \"pasword\""},
                          Case{"clickhouse://localhost/db?password=%4", "cut short"}}) {
    Result<ConnectionOptions> options = ParseClickHouseUrl(bad.url);
    ASSERT_FALSE(options.ok()) << bad.url;
    EXPECT_EQ(options.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(options.status().message().find(bad.reason), std::string::npos)
        << bad.url << " -> " << options.status().message();
    EXPECT_NE(options.status().message().find("--store"), std::string::npos);
  }
}

}  // namespace
}  // namespace mltrack::backend::clickhouse
