#include "core/time.h"
#include "query/query_parser.h"
#include "server/handlers/handlers.h"
#include "server/status_mapping.h"

namespace mltrack::server {

// POST /api/v1/query: a QuerySpec in, a table out (DESIGN.md §7, docs/query.md).
HttpResponse HandleQuery(AppContext& context, const HttpRequest& request) {
  Result<query::QuerySpec> spec = query::ParseQuerySpec(request.body, NowMs());
  if (!spec.ok()) return ErrorResponse(spec.status(), "invalid_query");
  Result<query::QueryResult> result = context.backend->Reader()(*spec);
  if (!result.ok()) return ErrorResponse(result.status(), "invalid_query");
  return HttpResponse::Json(200, query::QueryResultToJson(*result));
}

}  // namespace mltrack::server
