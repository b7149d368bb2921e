#pragma once
// The two POSIX helpers every durable file in the data directory needs: making a directory
// entry (a create, rename or remove) durable, and turning errno into a Status.

#include <filesystem>
#include <string_view>

#include "core/status.h"

namespace mltrack {

// fsyncs a directory, so that a file created, renamed or removed in it stays so after a crash.
Status SyncDirectory(const std::filesystem::path& dir);

// Maps errno to a Status: ENOSPC/EDQUOT → kNoSpace, anything else → kIOError; `what` names the
// operation and file.
Status ErrnoToStatus(int err, std::string_view what);

}  // namespace mltrack
