#pragma once
// Small state files that must never be half-written or silently damaged (the segment manifest,
// annotations, budgets): a text body followed by one line "crc <8 hex digits>\n", the CRC32C of
// the body. Replaced atomically: written to `<path>.tmp`, fsynced, renamed over `<path>`, and
// the directory fsynced, so after a crash a reader finds the old file or the new one, whole.
// Format and recovery rules: docs/segment_format.md ("Manifest"), docs/annotations_format.md.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mltrack {

// Atomically replaces `path` with `body` plus its checksum line. kNoSpace / kIOError leave the
// old file in place (and no temporary file behind). `fault_hook`, for fault tests, is called
// with the byte count before writing; a non-zero errno it returns fails the write.
Status WriteCheckedFile(const std::filesystem::path& path, std::string_view body,
                        const std::function<int(size_t)>& fault_hook = {});

// The body of `path` without its checksum line; nullopt when the file does not exist.
// kCorruption when the checksum line is missing or does not match (never a guessed body);
// kIOError when it cannot be read.
Result<std::optional<std::string>> ReadCheckedFile(const std::filesystem::path& path);

}  // namespace mltrack
