#pragma once

namespace mltrack {

// The release version, shown by `mltrack --version` and GET /api/health.
inline constexpr const char* kVersion = "0.1.0";

}  // namespace mltrack
