#include "server/request_body.h"

#include <zlib.h>

#include <gtest/gtest.h>

namespace mltrack::server {
namespace {

std::string Gzip(const std::string& plain) {
  z_stream stream{};
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, plain.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  stream.avail_in = static_cast<uInt>(plain.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

HttpRequest Encoded(std::string body, const std::string& encoding) {
  HttpRequest request;
  request.body = std::move(body);
  request.headers.Add("Content-Encoding", encoding);
  return request;
}

TEST(TransferCodingTest, OnlyChunkedAloneIsRead) {
  EXPECT_FALSE(CheckTransferCoding(std::nullopt, true).has_value());
  EXPECT_FALSE(CheckTransferCoding("chunked", false).has_value());
  EXPECT_FALSE(CheckTransferCoding(" Chunked ", false).has_value());
  for (const char* coding : {"xchunked", "gzip, chunked", "gzip", "chunked, chunked", "identity"}) {
    std::optional<HttpResponse> refused = CheckTransferCoding(std::string_view(coding), false);
    ASSERT_TRUE(refused.has_value()) << coding;
    EXPECT_EQ(refused->status, 501) << coding;
  }
  std::optional<HttpResponse> both = CheckTransferCoding("chunked", true);
  ASSERT_TRUE(both.has_value());
  EXPECT_EQ(both->status, 400);
}

TEST(ContentEncodingTest, GzipIsDecodedWithinTheLimit) {
  BodyBudget budget(0);
  BodyBudget::Reservation reservation = budget.Reserve();
  const std::string plain(100'000, 'x');
  HttpRequest request = Encoded(Gzip(plain) + Gzip("tail"), "gzip");  // two members
  ASSERT_FALSE(DecodeContentEncoding(request, 1 << 20, reservation).has_value());
  EXPECT_EQ(request.body, plain + "tail");
  EXPECT_EQ(request.headers.Get("Content-Encoding"), "identity");

  request = Encoded(Gzip(std::string(2 << 20, ' ')), "x-gzip");
  std::optional<HttpResponse> bomb = DecodeContentEncoding(request, 1 << 20, reservation);
  ASSERT_TRUE(bomb.has_value());
  EXPECT_EQ(bomb->status, 413);

  request = Encoded("plainly not gzip", "gzip");
  ASSERT_TRUE(DecodeContentEncoding(request, 1 << 20, reservation).has_value());
  request = Encoded("{}", "br");
  std::optional<HttpResponse> unknown = DecodeContentEncoding(request, 1 << 20, reservation);
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->status, 415);
  request = Encoded("{}", "identity");
  EXPECT_FALSE(DecodeContentEncoding(request, 1 << 20, reservation).has_value());
  EXPECT_EQ(request.body, "{}");
}

TEST(ContentEncodingTest, DecodingGrowsTheBodyBudget) {
  BodyBudget budget(64 << 10);
  BodyBudget::Reservation reservation = budget.Reserve();
  HttpRequest request = Encoded(Gzip(std::string(1 << 20, 'y')), "gzip");
  std::optional<HttpResponse> refused = DecodeContentEncoding(request, 4 << 20, reservation);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 503);
}

}  // namespace
}  // namespace mltrack::server
