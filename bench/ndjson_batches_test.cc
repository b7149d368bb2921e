#include "ndjson_batches.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace mltrack::bench {
namespace {

struct Taken {
  std::vector<std::string> bodies;
  std::vector<size_t> lines;
};

Taken TakeAll(NdjsonBatches& source) {
  Taken taken;
  std::string storage;
  std::string_view body;
  size_t lines = 0, index = 0;
  while (source.Next(storage, body, lines, index)) {
    EXPECT_EQ(index, taken.bodies.size());
    taken.bodies.emplace_back(body);
    taken.lines.push_back(lines);
  }
  return taken;
}

// `count` lines of varying length, the last one without '\n' when `open_end`.
std::string Lines(int count, bool open_end) {
  std::string text;
  for (int line_idx = 0; line_idx < count; ++line_idx) {
    text += "{\"n\":" + std::to_string(line_idx) + ",\"pad\":\"" + std::string(line_idx * 37 % 900, 'x') + "\"}";
    if (line_idx + 1 < count || !open_end) text += '\n';
  }
  return text;
}

// A pipe written by another thread in small pieces: batches cut at line ends whatever the reads.
TEST(NdjsonBatches, StreamCutsBatchesOfNLinesAcrossReads) {
  const std::string text = Lines(2503, true);  // > 1 MiB, so more than one read
  ASSERT_GT(text.size(), size_t{1} << 20);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    for (size_t pos = 0; pos < text.size(); pos += 4093) {
      const size_t len = std::min<size_t>(4093, text.size() - pos);
      ASSERT_EQ(::write(fds[1], text.data() + pos, len), static_cast<ssize_t>(len));
    }
    ::close(fds[1]);
  });
  std::FILE* in = ::fdopen(fds[0], "rb");
  ASSERT_NE(in, nullptr);
  StreamBatches source(in, 1000);
  Taken taken = TakeAll(source);
  writer.join();
  std::fclose(in);
  EXPECT_FALSE(source.failed());
  EXPECT_EQ(taken.lines, (std::vector<size_t>{1000, 1000, 503}));
  std::string joined;
  for (const std::string& body : taken.bodies) joined += body;
  EXPECT_EQ(joined, text);
  EXPECT_EQ(source.bytes(), text.size());
  EXPECT_EQ(taken.bodies[0].back(), '\n');
}

// The file source gives the same batches as the stream for the same bytes.
TEST(NdjsonBatches, FileAndStreamAgree) {
  const std::string text = Lines(120, false);
  const std::string path = ::testing::TempDir() + "ndjson_batches_test.ndjson";
  std::ofstream(path, std::ios::binary) << text;
  FileBatches file(path, 50);
  ASSERT_TRUE(file.error().empty()) << file.error();
  std::FILE* in = std::fopen(path.c_str(), "rb");
  ASSERT_NE(in, nullptr);
  StreamBatches stream(in, 50);
  Taken from_file = TakeAll(file), from_stream = TakeAll(stream);
  std::fclose(in);
  EXPECT_EQ(from_file.lines, (std::vector<size_t>{50, 50, 20}));
  EXPECT_EQ(from_file.bodies, from_stream.bodies);
  EXPECT_EQ(from_file.lines, from_stream.lines);
  EXPECT_EQ(file.bytes(), text.size());
  std::remove(path.c_str());
}

TEST(NdjsonBatches, EmptyInputAndMissingFile) {
  std::FILE* in = std::tmpfile();
  ASSERT_NE(in, nullptr);
  StreamBatches stream(in, 10);
  EXPECT_TRUE(TakeAll(stream).bodies.empty());
  std::fclose(in);
  FileBatches missing(::testing::TempDir() + "no-such-file.ndjson", 10);
  EXPECT_NE(missing.error().find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace mltrack::bench
