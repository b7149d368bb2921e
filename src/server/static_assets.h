#pragma once

#include <span>
#include <string_view>

namespace mltrack::server {

// One file of the built web app, embedded in the binary at build time.
struct StaticAsset {
  std::string_view path;  // URL path, e.g. "/index.html", "/assets/index-3f2a.js"
  std::string_view data;  // the file's bytes; lives for the whole process
};

// The web app's files as embedded by cmake/web_assets.cmake; empty when web/dist was not built.
std::span<const StaticAsset> EmbeddedAssets();

}  // namespace mltrack::server
