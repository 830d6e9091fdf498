// Routes: single sign-on through the organisation's OpenID provider (oidc.h).
//
// GET /api/sso/login sends the browser to the provider with a fresh state, nonce and PKCE
// verifier, kept here for ten minutes and bound to the browser by a cookie of its own;
// GET /api/sso/callback takes the provider's answer: the state is used once, the code is
// redeemed on the login pool (the provider may be slow), the ID token verified, and the
// person's session opened. Every failure sends the browser back to the app with a reason
// code (and a sentence) in a cookie the app reads and shows in the person's language; each
// is in the trail.
#include "adapters/http/api_internal.h"
#include "adapters/http/oidc.h"

namespace raciflow::http {

namespace {

constexpr const char* kStateCookie = "raciflow_sso";
constexpr const char* kFailureCookie = "raciflow_sso_failure";  // read (and removed) by the login screen
constexpr std::chrono::seconds kLoginWindow{600};  // from leaving for the provider to coming back
constexpr std::size_t kMaxPending = 10000;         // logins begun and not yet back
constexpr std::size_t kMaxPendingFrom = 100;       // of those, from one client address

// Where the app goes after the login: a route of the app (#/...), nothing else.
std::string app_route(const std::map<std::string, std::string>& query) {
  auto it = query.find("return");
  if (it == query.end() || it->second.rfind("#/", 0) != 0 || it->second.size() > 200) return "";
  for (unsigned char c : it->second)
    if (c < 0x21 || c > 0x7e) return "";
  return it->second;
}

// The cookie that binds a login under way to its browser (an empty value and 0 end it).
std::string state_cookie(const std::string& state, long max_age, bool secure) {
  return std::string(kStateCookie) + "=" + state + "; Path=/api/sso; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age) +
         (secure ? "; Secure" : "");
}

}  // namespace

struct Api::Impl::Sso {
  struct Pending {
    std::string nonce, verifier, redirect_uri, route;
    definitions::TimePoint begun;
    std::string from;  // the client's address: one address cannot fill the table for everyone
  };
  enum class Put { kept, full, too_many_from };
  OidcClient client;
  std::mutex mutex;
  std::map<std::string, Pending> pending;  // by state
  std::map<std::string, definitions::TimePoint> used;  // states taken in the last window: a second use is a replay

  Sso(const OidcSettings& settings, std::shared_ptr<OidcTransport> transport, Service& service)
      : client(settings, transport ? std::move(transport) : std::shared_ptr<OidcTransport>(curl_transport()),
               [&service] { return std::chrono::system_clock::time_point(service.now()); }) {}

  // Takes the login begun with `state` (once), when it is still in its window.
  std::optional<Pending> take(const std::string& state, definitions::TimePoint now) {
    std::lock_guard lock(mutex);
    auto it = pending.find(state);
    if (it == pending.end()) return std::nullopt;
    Pending p = std::move(it->second);
    pending.erase(it);
    for (auto u = used.begin(); u != used.end();) u = now - u->second > kLoginWindow ? used.erase(u) : std::next(u);
    if (used.size() < kMaxPending) used.emplace(state, now);
    if (now - p.begun > kLoginWindow) return std::nullopt;
    return p;
  }
  bool was_used(const std::string& state) {
    std::lock_guard lock(mutex);
    return used.count(state) > 0;
  }
  Put put(const std::string& state, Pending p) {
    std::lock_guard lock(mutex);
    std::size_t from = 0;
    for (auto it = pending.begin(); it != pending.end();) {
      if (p.begun - it->second.begun > kLoginWindow) {
        it = pending.erase(it);
        continue;
      }
      from += it->second.from == p.from;
      ++it;
    }
    if (from >= kMaxPendingFrom) return Put::too_many_from;
    if (pending.size() >= kMaxPending) return Put::full;
    pending.emplace(state, std::move(p));
    return Put::kept;
  }
};

void Api::Impl::make_sso() {
  if (options.sso.enabled()) sso = std::make_shared<Sso>(options.sso, options.sso_transport, service);
}

std::string Api::Impl::own_origin(const HttpRequest& request) const {
  return options.public_origin.empty() ? "http://" + request.host : options.public_origin;
}

// Back to the app with why the login failed. The reason travels in a short-lived cookie,
// not in the address: a link made elsewhere cannot put words of its own on the login screen.
HttpResponse Api::Impl::sso_failed(const std::string& reason, const std::string& message) {
  HttpResponse r;
  r.status = 302;
  r.content_type.clear();
  r.headers.push_back({"Location", "/"});
  std::string secure = options.secure_cookies ? "; Secure" : "";
  r.headers.push_back({"Set-Cookie", std::string(kFailureCookie) + "=sso_error=" + percent_encode(reason) +
                                         "&sso_detail=" + percent_encode(message.substr(0, 400)) + "; Path=/; SameSite=Lax; Max-Age=120" + secure});
  r.headers.push_back({"Set-Cookie", state_cookie("", 0, options.secure_cookies)});
  return r;
}

bool Api::Impl::is_sso_callback(const HttpRequest& request) {
  return request.method == "GET" && request.target.rfind("/api/sso/callback", 0) == 0 &&
         (request.target.size() == 17 || request.target[17] == '?');
}

// The provider's answer, on the login pool: it waits for the provider's token endpoint.
HttpResponse Api::Impl::sso_callback(const HttpRequest& request) {
  if (!sso) not_found("single sign-on is not configured on this server");
  auto question = request.target.find('?');
  auto query = question == std::string::npos ? std::map<std::string, std::string>{} : parse_query(request.target.substr(question + 1));
  std::string state = query.count("state") ? query["state"] : "";
  auto refuse = [&](const std::string& reason, const std::string& message) {
    service.write([&](Context& c) {
      c.accounts.record_sso_refusal(reason, message, request.remote);
      return 0;
    });
    return sso_failed(reason, message);
  };
  // A state used already is a replay, recorded. One that is unknown or stale can be sent
  // by anyone, so those are counted as the anonymous refusals are, not recorded one by one.
  bool known = !state.empty() && state.size() <= 100;
  if (known && sso->was_used(state))
    return refuse("replayed_state", "this login's answer was used already; start the login again");
  auto pending = known ? sso->take(state, service.now()) : std::nullopt;
  if (!pending) {
    std::string message = "this login's state is unknown or too old; start the login again";
    refused_anonymously(request, "single sign-on: " + message);
    return sso_failed("unknown_state", message);
  }
  if (cookie_value(request.cookie, kStateCookie) != state)
    return refuse("state_not_bound", "this login was not begun in this browser; start the login again");
  if (query.count("error"))
    return refuse("provider_error", "the identity provider refused the login: " + query["error"].substr(0, 100) +
                                        (query.count("error_description") ? " (" + query["error_description"].substr(0, 300) + ")" : ""));
  if (!query.count("code") || query["code"].empty() || query["code"].size() > 4096)
    return refuse("provider_error", "the identity provider's answer has no code");
  IdToken token;
  try {
    token = sso->client.finish(query["code"], pending->verifier, pending->nonce, pending->redirect_uri);
  } catch (const OidcRefusal& e) {
    return refuse(e.reason, e.message);
  }
  // The session lasts as long as the ID token does, or raciflow's limit, whichever is shorter.
  auto left = std::chrono::seconds(token.expires) - service.now().time_since_epoch();
  auto lifetime = std::min(options.session_lifetime, std::chrono::duration_cast<std::chrono::seconds>(left));
  if (lifetime.count() <= 0) return refuse("expired", "the ID token has expired");
  runtime::SsoIdentity who{token.issuer, token.subject, token.email, token.name, token.email_verified, token.groups};
  std::string end_session = sso->client.end_session_url(own_origin(request) + "/");
  std::optional<runtime::Accounts::SsoSession> opened;
  try {
    opened = service.write([&](Context& c) {
      return c.accounts.sso_login(who, options.sso.create_people, lifetime, request.remote, end_session);
    });
  } catch (const runtime::Refused& e) {  // recorded by sso_login
    return sso_failed("unknown_person", e.what());
  }
  HttpResponse r;
  r.status = 302;
  r.content_type.clear();
  r.person = opened->person;
  r.headers.push_back({"Location", "/" + pending->route});
  r.headers.push_back({"Set-Cookie", session_cookie(opened->session.secret, static_cast<long>(lifetime.count()))});
  r.headers.push_back({"Set-Cookie", state_cookie("", 0, options.secure_cookies)});
  return r;
}

void Api::Impl::routes_sso() {
  // What the login screen offers: single sign-on (and its name), passwords, or both.
  add("GET", "/api/sso", Access::open, [this](Call&) {
    std::string name = options.sso.name.empty() ? "" : options.sso.name;
    return json_response(200, {{"enabled", sso != nullptr}, {"name", name}, {"passwords", options.passwords}});
  });
  add("GET", "/api/sso/login", Access::open, [this](Call& call) {
    if (!sso) not_found("single sign-on is not configured on this server");
    Sso::Pending p{"", "", own_origin(call.request) + "/api/sso/callback", app_route(call.query), service.now(), call.request.remote};
    OidcClient::Start start;
    try {
      start = sso->client.start(p.redirect_uri);
    } catch (const OidcRefusal& e) {
      service.write([&](Context& c) {
        c.accounts.record_sso_refusal(e.reason, e.message, call.request.remote);
        return 0;
      });
      return sso_failed(e.reason, e.message);
    }
    p.nonce = start.nonce;
    p.verifier = start.verifier;
    switch (sso->put(start.state, std::move(p))) {
      case Sso::Put::kept: break;
      case Sso::Put::too_many_from:
        refused_anonymously(call.request, "single sign-on: too many logins begun from one address");
        throw ApiError{429, "too_many_requests", "too many logins begun from this address; finish one or wait a few minutes", false, 60};
      case Sso::Put::full: throw ApiError{503, "busy", "too many logins are under way; try again in a moment", false, 5};
    }
    HttpResponse r;
    r.status = 302;
    r.content_type.clear();
    r.headers.push_back({"Location", start.url});
    r.headers.push_back({"Set-Cookie", state_cookie(start.state, static_cast<long>(kLoginWindow.count()), options.secure_cookies)});
    return r;
  });
  // Answered through handle_async on the login pool (or at once by handle()).
  add("GET", "/api/sso/callback", Access::open, [this](Call& call) { return sso_callback(call.request); });
}

}  // namespace raciflow::http
