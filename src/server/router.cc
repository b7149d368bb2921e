#include "server/router.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "server/metrics/metrics.h"
#include "server/status_mapping.h"

namespace mltrack::server {

void Router::Add(std::string method, std::string path, Handler handler) {
  std::erase_if(routes_, [&](const Route& r) { return !r.prefix && r.method == method && r.path == path; });
  metrics::RouteMetrics* counted = &metrics::Registry::Global().Route(method, path);
  routes_.push_back(Route{std::move(method), std::move(path), false, std::move(handler), false, counted});
}

void Router::AddInline(std::string method, std::string path, Handler handler) {
  Add(method, path, std::move(handler));
  routes_.back().runs_inline = true;
}

bool Router::RunsInline(const HttpRequest& request) const {
  for (const Route& route : routes_) {
    if (route.runs_inline && route.path == request.path &&
        (route.method == request.method || (request.method == "HEAD" && route.method == "GET"))) {
      return true;
    }
  }
  return false;
}

void Router::AddPrefix(std::string method, std::string prefix, Handler handler) {
  std::erase_if(routes_, [&](const Route& r) { return r.prefix && r.method == method && r.path == prefix; });
  metrics::RouteMetrics* counted = &metrics::Registry::Global().Route(method, prefix + "*");
  routes_.push_back(Route{std::move(method), std::move(prefix), true, std::move(handler), false, counted});
}

void Router::AddWebSocket(std::string path, WebSocketHandler handler) {
  Add("GET", path, [path](const HttpRequest&) {
    return JsonError(426, "upgrade_required", path + " is a WebSocket: connect with Upgrade: websocket",
                     {ErrorDetail{-1, "Upgrade", "must be websocket"}});
  });
  std::erase_if(websockets_, [&](const auto& entry) { return entry.first == path; });
  websockets_.emplace_back(std::move(path), std::move(handler));
}

const WebSocketHandler* Router::WebSocketFor(std::string_view path) const {
  for (const auto& [route_path, handler] : websockets_) {
    if (route_path == path) return &handler;
  }
  return nullptr;
}

void Router::SetFallback(Handler handler) { fallback_ = std::move(handler); }

std::vector<Router::RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> routes;
  for (const Route& route : routes_) routes.push_back(RouteInfo{route.method, route.path, route.prefix});
  return routes;
}

std::vector<const Router::Route*> Router::Match(std::string_view path) const {
  std::vector<const Route*> matches;
  for (const Route& route : routes_) {
    if (!route.prefix && route.path == path) matches.push_back(&route);
  }
  if (!matches.empty()) return matches;
  size_t best_length = 0;
  for (const Route& route : routes_) {
    if (!route.prefix || !path.starts_with(route.path)) continue;
    if (route.path.size() > best_length) {
      best_length = route.path.size();
      matches.clear();
    }
    if (route.path.size() == best_length) matches.push_back(&route);
  }
  return matches;
}

HttpResponse Router::Dispatch(const HttpRequest& request) const {
  const auto started = std::chrono::steady_clock::now();
  const Route* served = nullptr;
  HttpResponse response = DispatchUntimed(request, &served);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  // Per route (GET /metrics); the rest (static files, 404, 405) counts as method "*", route "(unrouted)".
  static metrics::RouteMetrics& fallback = metrics::Registry::Global().Route("*", "(unrouted)");
  metrics::RouteMetrics& counted = served != nullptr ? *served->metrics : fallback;
  counted.latency.Observe(ms / 1000);
  counted.body_bytes.fetch_add(request.body.size(), std::memory_order_relaxed);
  char timing[48];
  std::snprintf(timing, sizeof(timing), "app;dur=%.3f", ms);
  response.headers.emplace_back("Server-Timing", timing);
  return response;
}

HttpResponse Router::DispatchUntimed(const HttpRequest& request, const Route** served) const {
  const std::vector<const Route*> matches = Match(request.path);
  if (matches.empty()) {
    if (fallback_) return fallback_(request);
    return JsonError(404, "not_found", "no route for " + request.path);
  }
  const Route* get_route = nullptr;
  for (const Route* route : matches) {
    if (route->method == request.method) {
      *served = route;
      return route->handler(request);
    }
    if (route->method == "GET") get_route = route;
  }
  if (request.method == "HEAD" && get_route != nullptr) {
    *served = get_route;
    return get_route->handler(request);
  }

  std::vector<std::string> allowed;
  for (const Route* route : matches) allowed.push_back(route->method);
  if (get_route != nullptr) allowed.push_back("HEAD");
  std::sort(allowed.begin(), allowed.end());
  allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
  std::string allow;
  for (const std::string& method : allowed) {
    if (!allow.empty()) allow += ", ";
    allow += method;
  }
  HttpResponse response = JsonError(405, "method_not_allowed",
                                    request.method + " is not allowed on " + request.path + "; allowed: " + allow);
  response.headers.emplace_back("Allow", allow);
  return response;
}

}  // namespace mltrack::server
