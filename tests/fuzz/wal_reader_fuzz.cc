// libFuzzer target: any bytes as a WAL file (src/store/wal_reader), read as the newest file
// (torn tail tolerated) and as an older one, every record that passes its checksum decoded as
// replay decodes it; and the bytes themselves as an event-batch payload (src/store/event_codec),
// which the checksum otherwise keeps the fuzzer from reaching. A corrupt file must be refused
// with kCorruption, never crash, read out of bounds or hang (make fuzz; seeds: tests/fuzz/wal/
// and the WAL files of tests/fixtures/store-v2/).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "store/event_codec.h"
#include "store/wal_format.h"
#include "store/wal_reader.h"
#include "store_file_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mltrack::store;
  const auto path = mltrack::fuzz::WriteScratch(wal::FileName(1), data, size);
  for (bool newest : {true, false}) {
    mltrack::Result<std::unique_ptr<WalReader>> reader = WalReader::Open(path, newest);
    if (!reader.ok()) __builtin_trap();  // the file exists: only its contents can be wrong
    WalRecord record;
    for (;;) {
      mltrack::Result<bool> more = (*reader)->Next(&record);
      if (!more.ok() || !*more) break;
      if (record.type == wal::RecordType::kEventBatch) (void)DecodeEventBatch(record.payload);
    }
    if ((*reader)->valid_bytes() > (*reader)->file_bytes()) __builtin_trap();
  }
  (void)DecodeEventBatch(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
