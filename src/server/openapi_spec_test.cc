// The OpenAPI document and the router agree: every route is documented, every documented path is
// a route, and the proxy paths are exactly the endpoints the proxy forwards. (That each answer
// matches its documented schema is checked against the real server by
// tests/clients/test/openapi.test.mjs.)
#include "server/openapi_spec.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <set>

#include "proxy/upstream.h"
#include "server/app_context.h"
#include "server/router.h"

namespace mltrack::server {
namespace {

using Operation = std::pair<std::string, std::string>;  // (METHOD, path)

std::set<Operation> DocumentedOperations() {
  simdjson::dom::parser parser;
  simdjson::dom::element spec = parser.parse(std::string(OpenApiSpec()));
  std::set<Operation> operations;
  for (auto [path, item] : spec["paths"].get_object()) {
    for (auto [method, operation] : item.get_object()) {
      std::string upper(method);
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      operations.emplace(upper, std::string(path));
    }
  }
  return operations;
}

std::vector<Router::RouteInfo> ApiRoutes() {
  Router router;
  AppContext context;  // the handlers are bound, never called
  AddApiRoutes(router, context);
  return router.Routes();
}

TEST(OpenApiSpec, IsOpenApi31) {
  simdjson::dom::parser parser;
  simdjson::dom::element spec;
  ASSERT_EQ(parser.parse(std::string(OpenApiSpec())).get(spec), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(spec["openapi"].get_string()), "3.1.0");
}

TEST(OpenApiSpec, EveryRouteIsDocumented) {
  const std::set<Operation> documented = DocumentedOperations();
  for (const Router::RouteInfo& route : ApiRoutes()) {
    if (!route.prefix) {
      EXPECT_TRUE(documented.count({route.method, route.path})) << route.method << " " << route.path
                                                               << " is a route but not in src/server/openapi.json";
      continue;
    }
    bool any = false;
    for (const auto& [method, path] : documented) any |= method == route.method && path.starts_with(route.path);
    EXPECT_TRUE(any) << route.method << " " << route.path << "... is a route but no path under it is documented";
  }
}

TEST(OpenApiSpec, EveryDocumentedPathIsARoute) {
  const std::vector<Router::RouteInfo> routes = ApiRoutes();
  for (const auto& [method, path] : DocumentedOperations()) {
    if (path == "/") continue;  // the web app: the router's fallback
    bool routed = false;
    for (const Router::RouteInfo& route : routes) {
      routed |= route.method == method && (route.prefix ? path.starts_with(route.path) : path == route.path);
    }
    EXPECT_TRUE(routed) << method << " " << path << " is documented but no route serves it";
  }
}

TEST(OpenApiSpec, ProxyPathsAreTheForwardedEndpoints) {
  Result<std::vector<proxy::Provider>> providers = proxy::ConfigureProviders({});
  ASSERT_TRUE(providers.ok());
  std::set<std::string> forwarded;
  for (const proxy::Provider& provider : *providers) {
    std::string list = proxy::EndpointList(provider.dialect);
    for (size_t start = 0; start < list.size();) {
      const size_t comma = list.find(", ", start);
      forwarded.insert("/proxy/" + provider.name + list.substr(start, comma - start));
      start = comma == std::string::npos ? list.size() : comma + 2;
    }
  }
  std::set<std::string> documented;
  for (const auto& [method, path] : DocumentedOperations()) {
    if (path.starts_with("/proxy/")) documented.insert(path);
  }
  EXPECT_EQ(documented, forwarded);
}

}  // namespace
}  // namespace mltrack::server
