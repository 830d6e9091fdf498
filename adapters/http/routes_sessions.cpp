// Routes: logging in and out, who am I, the OpenAPI document.
#include "adapters/http/api_internal.h"

namespace raciflow::http {

void Api::Impl::routes_sessions() {
  // The server logs in through handle_async(), which checks the password on the login
  // pool; this is the same login, waited for on the caller's thread.
  add("POST", "/api/login", Access::open, [this](Call& call) {
    auto attempt = login_begin(call.request);
    return login_finish(call.request, attempt, runtime::password_matches(attempt.key.phc, attempt.password));
  });
  add("POST", "/api/logout", Access::person, [this](Call& call) {
    std::string session = cookie_value(call.request.cookie, kSessionCookie);
    std::string end_session;
    if (!session.empty()) end_session = service.write([&](Context& c) { return c.accounts.logout(session); });
    // A single sign-on session: the browser goes on to end the provider's session too.
    HttpResponse r = end_session.empty() ? no_content() : json_response(200, {{"endSession", end_session}});
    r.headers.push_back({"Set-Cookie", session_cookie("", 0)});
    return r;
  });
  add("GET", "/api/me", Access::person, [this](Call& call) {
    return json_response(200, service.read([&](Context& c) { return me_json(*call.caller, c); }));
  });
  add("GET", "/api/openapi.json", Access::open, [](Call&) { return text_response("application/json", Api::openapi()); });
}

}  // namespace raciflow::http
