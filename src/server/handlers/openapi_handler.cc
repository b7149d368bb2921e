#include "server/handlers/handlers.h"
#include "server/openapi_spec.h"

namespace mltrack::server {

// GET /api/v1/openapi.json: the API described in OpenAPI 3.1.
HttpResponse HandleOpenApi(AppContext& context, const HttpRequest& request) {
  return HttpResponse::Json(200, std::string(OpenApiSpec()));
}

}  // namespace mltrack::server
