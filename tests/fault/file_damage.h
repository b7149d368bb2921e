#pragma once
// Reading and damaging the store's files from a fault test, while the server is stopped.

#include <cstdint>
#include <filesystem>
#include <string>

namespace mltrack::fault {

// The whole file's bytes ("" when it cannot be read).
std::string ReadFileBytes(const std::filesystem::path& path);

// XORs the byte at `offset` with 0x5a: a change every checksum must catch.
void FlipByte(const std::filesystem::path& file, uint64_t offset);

}  // namespace mltrack::fault
