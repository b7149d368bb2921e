#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/http_types.h"
#include "server/router.h"
#include "server/static_assets.h"

namespace mltrack::server {

// Serves the web app: the files embedded in the binary, or — when `web_dir` is set (dev mode) —
// the files of that directory, read at each request. Read-only after construction; thread-safe.
//
//   "/"                      → index.html (Cache-Control: no-cache); with no query string also
//                              `Link: rel=preload` of the Executive Dashboard's overview request
//   "/assets/<file>"         → the file (Cache-Control: public, max-age=31536000, immutable);
//                              404 when missing (a script URL must never get HTML)
//   any other existing file  → the file (no-cache)
//   any other GET path       → index.html (client-side routing)
//   "/api/..." not routed    → 404 `not_found` JSON
// Paths with "..", "." or empty segments, backslashes or NUL are refused (404) before the
// file system is touched, and a resolved file must lie inside `web_dir`, so nothing outside
// it can be read. When there are no files at all, a small page says how to build the web app.
class StaticFiles {
 public:
  // `embedded` must outlive this object (EmbeddedAssets() lives for the whole process).
  StaticFiles(std::span<const StaticAsset> embedded, std::optional<std::filesystem::path> web_dir);

  // Answers a GET or HEAD for `request.path`; any other method gets 404 `not_found`.
  HttpResponse Serve(const HttpRequest& request) const;

 private:
  // The file's bytes for a safe URL path ("/assets/x.js"); nullopt when there is none.
  std::optional<std::string> Load(std::string_view url_path) const;
  HttpResponse NotBuiltPage() const;

  std::unordered_map<std::string_view, std::string_view> embedded_;
  std::optional<std::filesystem::path> web_dir_;  // canonical
};

// The Content-Type for a file name, by extension ("application/octet-stream" when unknown).
std::string_view ContentTypeFor(std::string_view file_name);

// True when `url_path` is an absolute URL path with no "."/".." / empty segments, no backslash
// and no NUL: safe to append to a directory.
bool IsSafeUrlPath(std::string_view url_path);

// Installs the web app as the router's fallback (every path no API route claims).
void AddStaticRoutes(Router& router, std::span<const StaticAsset> embedded,
                     const std::optional<std::filesystem::path>& web_dir);

}  // namespace mltrack::server
