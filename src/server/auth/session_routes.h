#pragma once
// The browser sign-in endpoints (docs/security.md, "Browser sign-in"):
//   GET    /api/v1/session  whether keys are needed and whether this browser is signed in
//   POST   /api/v1/session  {"key": "mlt_..."} (read or admin) → 204 + HttpOnly session cookie
//   DELETE /api/v1/session  signs out: forgets the session, clears the cookie

#include <memory>

#include "server/auth/authenticator.h"
#include "server/router.h"

namespace mltrack::server::auth {

// `authenticator` may be null (no keys): then GET says so and POST answers 409 `no_keys`.
void AddSessionRoutes(Router& router, Authenticator* authenticator);

}  // namespace mltrack::server::auth
