#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "server/http_types.h"
#include "server/websocket_types.h"

namespace mltrack::server {
namespace metrics {
struct RouteMetrics;
}

// Maps (method, path) to a Handler. Build it once before the server starts; after that it is
// read-only and Dispatch may be called from any number of threads at once.
//
// Matching, in order:
//   1. exact paths added with Add();
//   2. the longest prefix added with AddPrefix() ("/api/v1/budgets/" matches "/api/v1/budgets/7");
//   3. the fallback (SetFallback), for any method; by default a 404 `not_found` JSON error.
// A path that matches in step 1 or 2 but not for the request's method is answered 405
// `method_not_allowed` with an Allow header. HEAD is served by the GET handler when no HEAD
// handler exists (the session drops the body).
//
// Every response carries `Server-Timing: app;dur=<ms>`: the time the handler took, in
// milliseconds with microsecond resolution (what `make bench` reports as a dashboard's server
// time; browsers show it in their network panel).
class Router {
 public:
  Router() = default;
  Router(Router&&) = default;
  Router& operator=(Router&&) = default;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Adds a handler for exactly `path` ("/api/health"). A second Add of the same method and
  // path replaces the first.
  void Add(std::string method, std::string path, Handler handler);
  // Add() for a handler that is quick and never blocks (health): the session runs it on its own
  // I/O thread instead of queueing it behind the worker pool, so it answers while every worker
  // is busy with long queries.
  void AddInline(std::string method, std::string path, Handler handler);
  // Whether `request` goes to a handler added with AddInline.
  bool RunsInline(const HttpRequest& request) const;
  // Adds a handler for every path starting with `prefix`.
  void AddPrefix(std::string method, std::string prefix, Handler handler);
  // Adds a WebSocket route on exactly `path`: an upgrade request (GET with Upgrade: websocket)
  // there is handed to `handler` by the session; a plain GET is answered 426 `upgrade_required`.
  // Listed by Routes() as GET.
  void AddWebSocket(std::string path, WebSocketHandler handler);
  // The WebSocket handler of `path`; nullptr when none.
  const WebSocketHandler* WebSocketFor(std::string_view path) const;
  // Called when no route matches the path at all (static files, the SPA fallback).
  void SetFallback(Handler handler);

  HttpResponse Dispatch(const HttpRequest& request) const;

  // The routes added, in order: for checks that every route is documented (openapi_spec_test).
  struct RouteInfo {
    std::string method;
    std::string path;
    bool prefix = false;
  };
  std::vector<RouteInfo> Routes() const;

 private:
  struct Route {
    std::string method;
    std::string path;
    bool prefix = false;
    Handler handler;
    bool runs_inline = false;
    metrics::RouteMetrics* metrics = nullptr;  // never null once added (GET /metrics)
  };

  // Sets *served to the route whose handler ran (untouched: fallback, 404, 405).
  HttpResponse DispatchUntimed(const HttpRequest& request, const Route** served) const;
  // The routes of the best matching path (exact beats prefix, longer prefix beats shorter).
  std::vector<const Route*> Match(std::string_view path) const;

  std::vector<Route> routes_;
  std::vector<std::pair<std::string, WebSocketHandler>> websockets_;
  Handler fallback_;
};

}  // namespace mltrack::server
