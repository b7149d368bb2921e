#include "server/static_files.h"

#include <fstream>
#include <memory>
#include <sstream>
#include <system_error>

#include "server/status_mapping.h"

namespace mltrack::server {
namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kNoCache = "no-cache";

constexpr std::string_view kNotBuiltPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MLtrack</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.5">
<h1>MLtrack is running, but the web app was not built</h1>
<p>The API is available under <code>/api/</code> (try <a href="/api/health">/api/health</a>).</p>
<p>To get the dashboard, build the web app and then the server, which embeds it:</p>
<pre>make web &amp;&amp; make build</pre>
<p>or simply <code>make run</code>. During development you can also serve a built app from disk
with <code>mltrack serve --web-dir web/dist</code>.</p>
</body></html>
)";

bool IsApiPath(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

// `/` with no query is the Executive Dashboard at its default filters (web: features/filters
// DEFAULT_RANGE '30d', useOverview): the browser starts its overview request with the HTML instead
// of after the scripts ran and asked for the session (docs/performance.md "Time to first chart").
// The URL and the credentials mode (`crossorigin` = same-origin cookies, as fetch's default) must
// equal the app's own request, or the browser fetches twice; web/e2e/ttfc-preload.spec.ts checks it.
constexpr std::string_view kExecutivePreload =
    "</api/analytics/overview?from=now-30d&to=now>; rel=preload; as=fetch; crossorigin";

}  // namespace

std::string_view ContentTypeFor(std::string_view file_name) {
  static const std::unordered_map<std::string_view, std::string_view> kTypes = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"avif", "image/avif"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"ttf", "font/ttf"},
      {"otf", "font/otf"},
      {"txt", "text/plain; charset=utf-8"},
      {"xml", "application/xml"},
      {"wasm", "application/wasm"},
      {"pdf", "application/pdf"},
  };
  const size_t slash = file_name.rfind('/');
  const std::string_view base = slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
  const size_t dot = base.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string extension(base.substr(dot + 1));
  for (char& ch : extension) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto it = kTypes.find(extension);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

bool IsSafeUrlPath(std::string_view url_path) {
  if (url_path.empty() || url_path.front() != '/') return false;
  if (url_path.find('\0') != std::string_view::npos || url_path.find('\\') != std::string_view::npos) return false;
  std::string_view rest = url_path.substr(1);
  while (true) {
    const size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (segment.empty() || segment == "." || segment == "..") return false;
    if (slash == std::string_view::npos) return true;
    rest = rest.substr(slash + 1);
  }
}

StaticFiles::StaticFiles(std::span<const StaticAsset> embedded, std::optional<std::filesystem::path> web_dir) {
  for (const StaticAsset& asset : embedded) embedded_.emplace(asset.path, asset.data);
  if (web_dir) {
    std::error_code ec;
    std::filesystem::path canonical = std::filesystem::weakly_canonical(*web_dir, ec);
    web_dir_ = ec ? *web_dir : canonical;
  }
}

std::optional<std::string> StaticFiles::Load(std::string_view url_path) const {
  if (!IsSafeUrlPath(url_path)) return std::nullopt;
  if (!web_dir_) {
    auto it = embedded_.find(url_path);
    if (it == embedded_.end()) return std::nullopt;
    return std::string(it->second);
  }
  std::error_code ec;
  const std::filesystem::path file = std::filesystem::weakly_canonical(*web_dir_ / url_path.substr(1), ec);
  if (ec) return std::nullopt;
  // A symlink may point anywhere; only files that really are inside web_dir are served.
  const auto [dir_end, file_it] = std::mismatch(web_dir_->begin(), web_dir_->end(), file.begin(), file.end());
  if (dir_end != web_dir_->end()) return std::nullopt;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return std::move(bytes).str();
}

HttpResponse StaticFiles::NotBuiltPage() const {
  HttpResponse response = HttpResponse::Text(200, "text/html; charset=utf-8", std::string(kNotBuiltPage));
  response.headers.emplace_back("Cache-Control", kNoCache);
  return response;
}

HttpResponse StaticFiles::Serve(const HttpRequest& request) const {
  if ((request.method != "GET" && request.method != "HEAD") || IsApiPath(request.path)) {
    return JsonError(404, "not_found", "no route for " + request.method + " " + request.path);
  }
  const bool is_asset = request.path.starts_with("/assets/");
  const std::string_view wanted = request.path == "/" ? std::string_view("/index.html") : request.path;
  if (auto bytes = Load(wanted)) {
    HttpResponse response = HttpResponse::Text(200, std::string(ContentTypeFor(wanted)), std::move(*bytes));
    response.headers.emplace_back("Cache-Control", is_asset ? kImmutable : kNoCache);
    if (request.path == "/" && request.query.empty()) response.headers.emplace_back("Link", kExecutivePreload);
    return response;
  }
  if (is_asset) return JsonError(404, "not_found", "no such asset: " + request.path);
  if (auto index = Load("/index.html")) {
    HttpResponse response = HttpResponse::Text(200, "text/html; charset=utf-8", std::move(*index));
    response.headers.emplace_back("Cache-Control", kNoCache);
    return response;
  }
  return NotBuiltPage();
}

void AddStaticRoutes(Router& router, std::span<const StaticAsset> embedded,
                     const std::optional<std::filesystem::path>& web_dir) {
  auto files = std::make_shared<const StaticFiles>(embedded, web_dir);
  router.SetFallback([files](const HttpRequest& request) { return files->Serve(request); });
}

}  // namespace mltrack::server
