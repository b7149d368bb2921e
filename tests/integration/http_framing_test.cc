// HTTP leniency (issue 18, defect 9): transfer codings the server does not implement were
// accepted (`Transfer-Encoding: xchunked`, `gzip, chunked`, `gzip` next to a Content-Length —
// the stuff of request smuggling), and `Content-Encoding: gzip` was ignored, so a compressed
// body was read as plain text. Now: 501 for a transfer coding other than chunked, 400 for
// Transfer-Encoding with Content-Length, gzip bodies decoded (bounded by --max-body, so a "zip
// bomb" is a 413), 415 for other content codings; nothing stored by a refused request.
#include <zlib.h>

#include <gtest/gtest.h>

#include "test_support.h"

namespace mltrack::integration {
namespace {

constexpr int64_t kMaxBody = 1 << 20;

std::string Gzip(const std::string& plain) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&stream, plain.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  stream.avail_in = static_cast<uInt>(plain.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

class HttpFramingTest : public IntegrationTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(StartServer({"--max-body", std::to_string(kMaxBody)})); }

  // A raw POST /api/v1/events with `headers` (each "Name: value\r\n") and `body` as given.
  HttpResult Raw(const std::string& headers, const std::string& body) {
    return RawHttpExchange(server_->port(), "POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:" +
                                                std::to_string(server_->port()) +
                                                "\r\nContent-Type: application/json\r\n" + headers + "\r\n" + body);
  }

  void ExpectError(const HttpResult& result, int status, const std::string& code, const std::string& field) {
    EXPECT_EQ(result.status, status) << result.Describe();
    std::optional<ErrorBody> error = ParseErrorBody(result.body);
    ASSERT_TRUE(error.has_value()) << result.Describe();
    EXPECT_EQ(error->code, code);
    EXPECT_TRUE(error->NamesField(field)) << result.body;
  }
};

TEST_F(HttpFramingTest, UnimplementedTransferCodingsAreRefused) {
  const std::string event = EventJson("te-1");
  auto chunked = [](const std::string& body) {
    char size[16];
    std::snprintf(size, sizeof size, "%zx", body.size());
    return std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n";
  };
  ExpectError(Raw("Transfer-Encoding: xchunked\r\n", chunked(event)), 501, "not_implemented", "Transfer-Encoding");
  ExpectError(Raw("Transfer-Encoding: gzip, chunked\r\n", chunked(Gzip(event))), 501, "not_implemented",
              "Transfer-Encoding");
  ExpectError(Raw("Transfer-Encoding: gzip\r\n", Gzip(event)), 501, "not_implemented", "Transfer-Encoding");
  ExpectError(Raw("Transfer-Encoding: gzip\r\nContent-Length: " + std::to_string(event.size()) + "\r\n", event), 400,
              "bad_request", "Transfer-Encoding");
  // (Beast's parser already refuses this one, naming Content-Length.)
  HttpResult both = Raw("Transfer-Encoding: chunked\r\nContent-Length: " + std::to_string(event.size()) + "\r\n",
                        chunked(event));
  EXPECT_EQ(both.status, 400) << both.Describe();
  std::optional<ErrorBody> both_error = ParseErrorBody(both.body);
  ASSERT_TRUE(both_error.has_value()) << both.Describe();
  EXPECT_TRUE(both_error->NamesField("Content-Length") || both_error->NamesField("Transfer-Encoding")) << both.body;
  EXPECT_EQ(CountEvents(), 0);

  // Plain chunked is HTTP/1.1 and keeps working.
  HttpResult ok = Raw("Transfer-Encoding: chunked\r\n", chunked(event));
  EXPECT_EQ(ok.status, 200) << ok.Describe();
  EXPECT_EQ(CountById("te-1"), 1);
}

TEST_F(HttpFramingTest, GzipBodiesAreDecodedAndBounded) {
  const std::string batch = JsonArray({EventJson("gz-1"), EventJson("gz-2"), EventJson("gz-3")});
  const std::string packed = Gzip(batch);
  HttpResult ok = client().Request("POST", "/api/v1/events", packed, "application/json", {{"Content-Encoding", "gzip"}});
  ASSERT_EQ(ok.status, 200) << ok.Describe();
  EXPECT_EQ(ParseIngestAck(ok.body)->accepted, 3);
  EXPECT_EQ(CountById("gz-2"), 1);
  // Chunked and gzipped at once (what OTLP exporters send).
  const std::string more = Gzip(EventJson("gz-4"));
  char size[16];
  std::snprintf(size, sizeof size, "%zx", more.size());
  HttpResult chunked =
      Raw("Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", std::string(size) + "\r\n" + more + "\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.status, 200) << chunked.Describe();
  EXPECT_EQ(CountById("gz-4"), 1);

  // A small body that inflates past --max-body: 413, nothing stored.
  std::string bomb = "[" + EventJson("bomb") + "," + std::string(8 * kMaxBody, ' ') + "]";
  const std::string bomb_packed = Gzip(bomb);
  ASSERT_LT(bomb_packed.size(), static_cast<size_t>(kMaxBody) / 8);
  ExpectError(client().Request("POST", "/api/v1/events", bomb_packed, "application/json", {{"Content-Encoding", "gzip"}}),
              413, "payload_too_large", "body");
  ExpectError(client().Request("POST", "/api/v1/events", "not gzip at all", "application/json",
                               {{"Content-Encoding", "gzip"}}),
              400, "bad_request", "body");
  ExpectError(client().Request("POST", "/api/v1/events", packed.substr(0, packed.size() / 2), "application/json",
                               {{"Content-Encoding", "gzip"}}),
              400, "bad_request", "body");
  ExpectError(client().Request("POST", "/api/v1/events", batch, "application/json", {{"Content-Encoding", "br"}}), 415,
              "unsupported_media_type", "Content-Encoding");
  EXPECT_EQ(CountEvents(), 4);
  EXPECT_EQ(CountById("bomb"), 0);
  // identity is no encoding at all.
  EXPECT_EQ(client().Request("POST", "/api/v1/events", EventJson("plain"), "application/json",
                             {{"Content-Encoding", "identity"}}).status,
            200);
  EXPECT_EQ(CountEvents(), 5);
}

}  // namespace
}  // namespace mltrack::integration
