#include "server/status_mapping.h"

#include <gtest/gtest.h>

namespace mltrack::server {
namespace {

struct Case {
  Status status;
  int http;
  std::string code;
};

TEST(StatusMappingTest, EveryCodeMapsToItsHttpStatus) {
  const std::vector<Case> cases = {
      {Status::InvalidArgument("x"), 400, "invalid_request"},
      {Status::NotFound("x"), 404, "not_found"},
      {Status::PayloadTooLarge("x"), 413, "payload_too_large"},
      {Status::UnsupportedMediaType("x"), 415, "unsupported_media_type"},
      {Status::NoSpace("x"), 507, "no_space"},
      {Status::Overloaded("x"), 503, "overloaded"},
      {Status::Unavailable("x"), 503, "unavailable"},
      {Status::Corruption("x"), 500, "corruption"},
      {Status::IOError("x"), 500, "io_error"},
      {Status::Internal("x"), 500, "internal"},
  };
  for (const Case& c : cases) {
    HttpResponse response = ErrorResponse(c.status);
    EXPECT_EQ(response.status, c.http) << c.status.ToString();
    EXPECT_EQ(response.content_type, "application/json");
    EXPECT_NE(response.body.find("\"code\":\"" + c.code + "\""), std::string::npos) << response.body;
    EXPECT_EQ(response.Header("Retry-After").has_value(), c.status.code() == StatusCode::kOverloaded)
        << c.status.ToString();
  }
}

TEST(StatusMappingTest, OverloadedCarriesRetryAfterOne) {
  EXPECT_EQ(ErrorResponse(Status::Overloaded("busy")).Header("Retry-After"), "1");
}

TEST(StatusMappingTest, ErrorBodyHasTheDocumentedShape) {
  Status status = Status::InvalidArgument(
      "2 of 3 events are invalid; nothing was stored",
      {ErrorDetail{0, "ts", "missing (required)"}, ErrorDetail{2, "input_tokens", "must be \"≥ 0\""}});
  HttpResponse response = ErrorResponse(status, "invalid_event");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body,
            R"json({"error":{"code":"invalid_event","message":"2 of 3 events are invalid; nothing was stored",)json"
            R"json("details":[{"index":0,"field":"ts","reason":"missing (required)"},)json"
            R"json({"index":2,"field":"input_tokens","reason":"must be \"≥ 0\""}]}})json");
}

// A handler's code names its client errors only: an outage stays "unavailable" (retryable).
TEST(StatusMappingTest, CodeOverrideAppliesToClientErrorsOnly) {
  EXPECT_NE(ErrorResponse(Status::InvalidArgument("bad"), "invalid_query").body.find(R"("code":"invalid_query")"),
            std::string::npos);
  HttpResponse outage = ErrorResponse(Status::Unavailable("ClickHouse is unreachable"), "invalid_query");
  EXPECT_EQ(outage.status, 503);
  EXPECT_NE(outage.body.find(R"("code":"unavailable")"), std::string::npos) << outage.body;
}

TEST(StatusMappingTest, NoDetailsGivesEmptyArray) {
  EXPECT_EQ(JsonError(404, "not_found", "no route").body,
            R"({"error":{"code":"not_found","message":"no route","details":[]}})");
}

TEST(StatusMappingTest, OkPassedAsErrorIsInternal) {
  HttpResponse response = ErrorResponse(Status::OK());
  EXPECT_EQ(response.status, 500);
  EXPECT_NE(response.body.find(R"("code":"internal")"), std::string::npos);
}

}  // namespace
}  // namespace mltrack::server
