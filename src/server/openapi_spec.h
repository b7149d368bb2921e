#pragma once

#include <string_view>

namespace mltrack::server {

// The OpenAPI 3.1 document of every route (src/server/openapi.json, embedded at build time):
// what GET /api/v1/openapi.json serves and the web app's API types are generated from.
// openapi_spec_test.cc fails when a route is missing from it.
std::string_view OpenApiSpec();

}  // namespace mltrack::server
