#include "ingest/content_type.h"

#include <gtest/gtest.h>

namespace mltrack::ingest {
namespace {

BodyFormat FormatOf(std::string_view header) {
  Result<BodyFormat> format = BodyFormatFromContentType(header);
  EXPECT_TRUE(format.ok()) << header << ": " << format.status().ToString();
  return format.ok() ? *format : static_cast<BodyFormat>(255);
}

TEST(ContentType, JsonTypes) {
  EXPECT_EQ(FormatOf("application/json"), BodyFormat::kJson);
  EXPECT_EQ(FormatOf("Application/JSON"), BodyFormat::kJson);
  EXPECT_EQ(FormatOf("application/json; charset=utf-8"), BodyFormat::kJson);
  EXPECT_EQ(FormatOf("application/json;charset=UTF-8"), BodyFormat::kJson);
  EXPECT_EQ(FormatOf("  application/json ; charset=\"utf-8\" "), BodyFormat::kJson);
  EXPECT_EQ(FormatOf("text/json"), BodyFormat::kJson);
  EXPECT_EQ(FormatOf("application/vnd.mltrack.events+json"), BodyFormat::kJson);
}

TEST(ContentType, NdjsonTypes) {
  for (std::string_view header :
       {"application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonl",
        "application/jsonlines", "APPLICATION/X-NDJSON", "application/x-ndjson; charset=utf-8"}) {
    EXPECT_EQ(FormatOf(header), BodyFormat::kNdjson) << header;
  }
}

TEST(ContentType, PlainOrMissingIsDetectedByContent) {
  EXPECT_EQ(FormatOf(""), BodyFormat::kJson);
  EXPECT_EQ(FormatOf("   "), BodyFormat::kJson);
  EXPECT_EQ(FormatOf("text/plain"), BodyFormat::kJson);
  EXPECT_EQ(FormatOf("text/plain; charset=us-ascii"), BodyFormat::kJson);
  // What `curl -d` sends when no Content-Type is given.
  EXPECT_EQ(FormatOf("application/x-www-form-urlencoded"), BodyFormat::kJson);
}

TEST(ContentType, OtherTypesAreUnsupportedAndNamed) {
  for (std::string_view header : {"application/xml", "text/csv", "multipart/form-data; boundary=x",
                                  "application/jsonx",
                                  "application/octet-stream", "json"}) {
    Result<BodyFormat> format = BodyFormatFromContentType(header);
    ASSERT_FALSE(format.ok()) << header;
    EXPECT_EQ(format.status().code(), StatusCode::kUnsupportedMediaType);
    const std::string type(header.substr(0, header.find(';')));
    EXPECT_NE(format.status().message().find("\"" + type + "\""), std::string::npos)
        << format.status().message();
    EXPECT_NE(format.status().message().find("application/x-ndjson"), std::string::npos);
  }
}

TEST(ContentType, NonUtf8CharsetIsRefused) {
  Result<BodyFormat> format = BodyFormatFromContentType("application/json; charset=ISO-8859-1");
  ASSERT_FALSE(format.ok());
  EXPECT_EQ(format.status().code(), StatusCode::kUnsupportedMediaType);
  EXPECT_NE(format.status().message().find("iso-8859-1"), std::string::npos);
}

}  // namespace
}  // namespace mltrack::ingest
