#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

// CRC32C (Castagnoli, polynomial 0x1EDC6F41, reflected), the checksum of every WAL record.
// Uses the SSE4.2 crc32 instruction when the CPU has it (checked once at run time) and a
// slicing table otherwise; both give identical results. All functions are pure and thread-safe.
namespace mltrack::crc32c {

// Returns the CRC32C of `init_crc`'s data followed by data[0, n). Extend(0, ...) starts fresh.
uint32_t Extend(uint32_t init_crc, const char* data, size_t n);

inline uint32_t Value(const char* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(std::string_view data) { return Extend(0, data.data(), data.size()); }

// True when Extend uses the SSE4.2 instruction on this machine (for tests and logs).
bool HardwareAccelerated();

// The table implementation, exposed so tests can compare it with the hardware path.
uint32_t ExtendPortable(uint32_t init_crc, const char* data, size_t n);

// A CRC stored next to the data it covers is masked (as leveldb does): computing the CRC of a
// string that contains embedded CRCs is otherwise prone to degenerate results.
inline constexpr uint32_t kMaskDelta = 0xa282ead8u;

inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }

inline uint32_t Unmask(uint32_t masked_crc) {
  uint32_t rot = masked_crc - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace mltrack::crc32c
