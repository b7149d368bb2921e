#include "server/auth/session_routes.h"

#include <simdjson.h>

#include "core/json_writer.h"
#include "core/time.h"
#include "server/status_mapping.h"

namespace mltrack::server::auth {
namespace {

std::optional<std::string_view> SessionId(const HttpRequest& request) {
  const std::optional<std::string_view> cookie = request.headers.Get("Cookie");
  return cookie ? CookieValue(*cookie, kSessionCookie) : std::nullopt;
}

std::string CookieHeader(bool secure, std::string_view value, long max_age) {
  return std::string(kSessionCookie) + "=" + std::string(value) + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(max_age) + (secure ? "; Secure" : "");
}

HttpResponse State(Authenticator* auth, const HttpRequest& request) {
  const std::optional<std::string_view> id = SessionId(request);
  const std::optional<Session> session = id && auth ? auth->sessions().Find(*id) : std::nullopt;
  JsonWriter json;
  json.BeginObject();
  json.Key("auth_required");
  json.Bool(auth != nullptr && auth->required());
  json.Key("signed_in");
  json.Bool(session.has_value());
  json.Key("key_id");
  session ? json.String(session->key_id) : json.Null();
  json.Key("expires");
  session ? json.String(FormatRfc3339(session->expires_ms)) : json.Null();
  json.EndObject();
  HttpResponse response = HttpResponse::Json(200, std::move(json).Take());
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

HttpResponse SignIn(Authenticator* authenticator, const HttpRequest& request) {
  simdjson::dom::parser parser;
  simdjson::dom::element body;
  std::string_view key;
  if (parser.parse(request.body).get(body) || body["key"].get_string().get(key)) {
    return JsonError(400, "invalid_request", "the body must be a JSON object {\"key\": \"mlt_...\"}",
                     {ErrorDetail{-1, "key", "missing or not a string"}});
  }
  if (authenticator == nullptr || !authenticator->required()) {
    return JsonError(409, "no_keys", "this server has no API keys: the dashboard needs no sign-in",
                     {ErrorDetail{-1, "key", "no keys exist on this server"}});
  }
  Authenticator& auth = *authenticator;
  // A read (or admin) key: what the dashboards need. Same 401/403/429 as any request.
  Credentials credentials;
  credentials.mltrack_key = key;
  if (std::optional<HttpResponse> refused = auth.Check("GET", "/api/v1/fields", credentials)) {
    return std::move(*refused);
  }
  Result<std::pair<std::string, Session>> created = auth.sessions().Create(std::string(SplitKey(key)->id), NowMs());
  if (!created.ok()) return ErrorResponse(created.status());
  HttpResponse response = HttpResponse::Json(200, std::string("{\"key_id\":\"") + created->second.key_id + "\"}");
  response.headers.emplace_back("Set-Cookie", CookieHeader(auth.options().secure_cookies, created->first, auth.sessions().lifetime().count()));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

HttpResponse SignOut(Authenticator* auth, const HttpRequest& request) {
  const std::optional<std::string_view> id = SessionId(request);
  if (id && auth) auth->sessions().Remove(*id);
  HttpResponse response = HttpResponse::Text(204, "", "");
  response.headers.emplace_back("Set-Cookie", CookieHeader(auth != nullptr && auth->options().secure_cookies, "", 0));
  return response;
}

}  // namespace

void AddSessionRoutes(Router& router, Authenticator* authenticator) {
  router.Add("GET", "/api/v1/session", [authenticator](const HttpRequest& request) { return State(authenticator, request); });
  router.Add("POST", "/api/v1/session", [authenticator](const HttpRequest& request) { return SignIn(authenticator, request); });
  router.Add("DELETE", "/api/v1/session",
             [authenticator](const HttpRequest& request) { return SignOut(authenticator, request); });
}

}  // namespace mltrack::server::auth
