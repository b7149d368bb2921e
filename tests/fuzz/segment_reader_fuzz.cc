// libFuzzer target: any bytes as a segment file (src/store/segment), opened as a restart opens
// it (OpenUnchecked: trailer, footer, every chunk's CRC and decoding). A corrupt file must be
// refused with a Status, never crash, read out of bounds or hang (make fuzz; seeds: the
// segments of tests/fixtures/store-v2/).
#include <cstddef>
#include <cstdint>
#include <memory>

#include "store/segment.h"
#include "store_file_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using mltrack::store::Segment;
  const auto path = mltrack::fuzz::WriteScratch("seg-0000000000000001.mlseg", data, size);
  uint64_t corrupt_offset = 0;
  uint64_t footer_rows = 0;
  mltrack::Result<std::shared_ptr<Segment>> segment = Segment::OpenUnchecked(path, &corrupt_offset, &footer_rows);
  if (segment.ok()) {
    size_t rows = 0;
    for (const auto& block : (*segment)->blocks()) rows += block.rows;
    (void)rows;
  }
  return 0;
}
