#include "backend/clickhouse/sql_literal.h"

#include <gtest/gtest.h>

namespace mltrack::backend::clickhouse {
namespace {

// Every byte a client can send: the literal stays one printable-ASCII token that ends at its
// closing quote, whatever the value holds.
TEST(SqlString, EscapesEveryByteThatCouldEndOrBendTheLiteral) {
  EXPECT_EQ(SqlString("gpt-4o"), "'gpt-4o'");
  EXPECT_EQ(SqlString("it's"), "'it\\x27s'");
  EXPECT_EQ(SqlString("a\\b"), "'a\\x5Cb'");
  EXPECT_EQ(SqlString(std::string("nul\0byte", 8)), "'nul\\x00byte'");
  EXPECT_EQ(SqlString("line\nbreak\ttab"), "'line\\x0Abreak\\x09tab'");
  EXPECT_EQ(SqlString("é"), "'\\xC3\\xA9'");
  EXPECT_EQ(SqlString("'); DROP TABLE events; --"), "'\\x27); DROP TABLE events; --'");
  EXPECT_EQ(SqlString(""), "''");
}

TEST(SqlString, OutputIsPrintableAsciiWithQuotesOnlyAtTheEnds) {
  std::string every_byte;
  for (int byte = 0; byte < 256; ++byte) every_byte.push_back(static_cast<char>(byte));
  const std::string literal = SqlString(every_byte);
  ASSERT_GE(literal.size(), 2u);
  EXPECT_EQ(literal.front(), '\'');
  EXPECT_EQ(literal.back(), '\'');
  for (size_t idx = 1; idx + 1 < literal.size(); ++idx) {
    const auto c = static_cast<unsigned char>(literal[idx]);
    EXPECT_TRUE(c >= 0x20 && c < 0x7F) << "byte " << idx;
    EXPECT_NE(c, '\'') << "byte " << idx;
    if (c == '\\') {
      EXPECT_EQ(literal[idx + 1], 'x') << "byte " << idx;  // only \xHH escapes
    }
  }
}

TEST(SqlDouble, WritesTheExactBitsLittleEndian) {
  EXPECT_EQ(SqlDouble(1.0), "reinterpretAsFloat64(unhex('000000000000F03F'))");
  EXPECT_EQ(SqlDouble(0.1), "reinterpretAsFloat64(unhex('9A9999999999B93F'))");
  EXPECT_EQ(SqlDouble(-2.0), "reinterpretAsFloat64(unhex('00000000000000C0'))");
  EXPECT_EQ(SqlInt(-42), "-42");
}

}  // namespace
}  // namespace mltrack::backend::clickhouse
