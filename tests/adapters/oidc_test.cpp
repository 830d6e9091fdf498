// Single sign-on through OpenID Connect, against the provider of oidc_support.h: who a
// login is, what the provider's groups grant, the session and logout, and every kind of
// token and answer that must be refused — each refusal in the trail with its reason.
#include "oidc_support.h"

namespace {

using nlohmann::json;
using namespace raciflow::testing::api;
using namespace raciflow::testing::oidc;
using raciflow::testing::read_file;
using raciflow::testing::sample;
using raciflow::testing::Workspace;
using raciflow::testing::run_cli;

struct Fixture {
  explicit Fixture(bool create_people = false, bool passwords = true)
      : provider(std::make_shared<Provider>()),
        s(std::chrono::milliseconds(15000), false, sso_options(provider, create_people, passwords)),
        flow(s, *provider) {
    s.w.write("sso-org.xml", sso_org(read_file(sample("org.xml"))));
    REQUIRE(s.w.cli({"org", "load", s.w.path("sso-org.xml"), "--as", "setup"}).code == 0);
  }

  json me(const Login& l) {
    auto r = s.as(l.cookie, "GET", "/api/me");
    REQUIRE(r.status == 200);
    return r.json_body();
  }
  std::vector<std::string> role_ids(const Login& l) {
    std::vector<std::string> ids;
    json mine = me(l);
    for (const auto& r : mine["roles"]) ids.push_back(r["id"]);
    return ids;
  }
  std::vector<json> records(const std::string& action) {
    std::vector<json> out;
    json all = s.w.cli({"audit", "all", "--format", "json"}).json();
    for (const auto& r : all)
      if (r["action"] == action) out.push_back(r);
    return out;
  }
  // The login was refused for `reason`: back to the app with it, no session, and an
  // sso_refused record that says why.
  void refused(const Login& l, const std::string& reason) {
    INFO(l.failure);
    CHECK(l.status == 302);
    CHECK(l.where == "/");
    CHECK(l.error() == reason);
    CHECK(!l.detail().empty());
    CHECK(l.cookie.empty());
    auto refusals = records("sso_refused");
    REQUIRE(!refusals.empty());
    CHECK(refusals.back()["data"]["reason"] == reason);
  }

  std::shared_ptr<Provider> provider;
  Server s;
  Flow flow;
};

}  // namespace

TEST_CASE("an SSO login of a known subject opens a session and lands on the route it began from", "[api][sso]") {
  Fixture f;
  auto l = f.flow.login_as("sub-mette");
  CHECK(l.status == 302);
  CHECK(l.where == "/#/inbox");
  REQUIRE(!l.cookie.empty());
  CHECK(l.session_cookie.find("HttpOnly") != std::string::npos);
  CHECK(l.session_cookie.find("SameSite=Strict") != std::string::npos);
  CHECK(f.me(l)["person"] == "mette");
  auto logins = f.records("sso_login");
  REQUIRE(logins.size() == 1);
  CHECK(logins[0]["actor"] == "mette");
  CHECK(logins[0]["data"]["subject"] == "sub-mette");
  CHECK(logins[0]["data"]["issuer"] == kIssuer);
  // Tokens, codes and session ids stay out of the trail.
  std::string trail = f.s.w.cli({"audit", "all", "--format", "json"}).out;
  CHECK(trail.find(l.cookie.substr(l.cookie.find('=') + 1)) == std::string::npos);
  CHECK(trail.find("code-1") == std::string::npos);
}

TEST_CASE("the login screen learns from GET /api/sso what the server offers", "[api][sso]") {
  Fixture f;
  auto r = f.s.request("GET", "/api/sso").json_body();
  CHECK(r == json{{"enabled", true}, {"name", "Test IdP"}, {"passwords", true}});
  Server plain;
  CHECK(plain.request("GET", "/api/sso").json_body() == json{{"enabled", false}, {"name", ""}, {"passwords", true}});
  CHECK(plain.request("GET", "/api/sso/login").status == 404);
  CHECK(plain.request("GET", "/api/sso/callback?code=x&state=y").status == 404);
}

TEST_CASE("the provider's groups grant roles and access, recomputed at each login", "[api][sso]") {
  Fixture f;
  auto first = f.flow.login_as("sub-mette", {"isms-committee", "isms-auditors"});
  auto roles = f.role_ids(first);
  CHECK(std::find(roles.begin(), roles.end(), "security-committee") != roles.end());
  CHECK(std::find(roles.begin(), roles.end(), "business-functions") != roles.end());  // the file's own
  CHECK(f.me(first)["access"] == json::array({"auditor"}));
  auto changes = f.records("sso_roles_changed");
  REQUIRE(changes.size() == 1);
  CHECK(changes[0]["data"]["addedRoles"] == json::array({"security-committee"}));
  CHECK(changes[0]["data"]["addedAccess"] == json::array({"auditor"}));

  // The same groups again: nothing changes, nothing is recorded.
  f.flow.login_as("sub-mette", {"isms-committee", "isms-auditors"});
  CHECK(f.records("sso_roles_changed").size() == 1);

  // The committee group removed at the provider: the next login loses the role, and the
  // session of before is the person as they are now.
  auto later = f.flow.login_as("sub-mette", {"isms-auditors"});
  roles = f.role_ids(later);
  CHECK(std::find(roles.begin(), roles.end(), "security-committee") == roles.end());
  CHECK(std::find(roles.begin(), roles.end(), "business-functions") != roles.end());
  changes = f.records("sso_roles_changed");
  REQUIRE(changes.size() == 2);
  CHECK(changes[1]["data"]["removedRoles"] == json::array({"security-committee"}));
  CHECK(changes[1]["data"]["removedAccess"] == json::array());
  roles = f.role_ids(first);
  CHECK(std::find(roles.begin(), roles.end(), "security-committee") == roles.end());

  // Loading the organisation file again keeps what the last login granted.
  REQUIRE(f.s.w.cli({"org", "load", f.s.w.path("sso-org.xml"), "--as", "setup"}).code == 0);
  CHECK(f.me(later)["access"] == json::array({"auditor"}));
}

TEST_CASE("an unknown subject is refused with what the admin must add to the organisation file", "[api][sso]") {
  Fixture f;
  auto l = f.flow.login_as("sub-stranger", {"isms-admins"}, {{"email", "stranger@example.org"}, {"email_verified", true}});
  f.refused(l, "unknown_person");
  auto detail = l.detail();
  CHECK(detail.find("subject=\"sub-stranger\"") != std::string::npos);
  auto refusal = f.records("sso_refused").back();
  CHECK(refusal["data"]["subject"] == "sub-stranger");
  CHECK(refusal["data"]["email"] == "stranger@example.org");
}

TEST_CASE("with --sso-create-people an unknown subject becomes a person with no role and no access, whatever its groups", "[api][sso]") {
  Fixture f(true);
  auto l = f.flow.login_as("sub-newcomer", {"isms-admins", "isms-committee"},
                           {{"email", "nina@example.org"}, {"email_verified", true}, {"name", "Nina Nygaard"}});
  REQUIRE(!l.cookie.empty());
  auto me = f.me(l);
  CHECK(me["person"] == "nina");
  CHECK(me["name"] == "Nina Nygaard");
  CHECK(me["roles"] == json::array());
  CHECK(me["access"] == json::array());
  CHECK(f.s.as(l.cookie, "GET", "/api/audit").status == 403);
  REQUIRE(f.records("sso_person_created").size() == 1);
  CHECK(f.records("sso_person_created")[0]["data"]["subject"] == "sub-newcomer");
  // The next login is the same person, still with nothing.
  auto again = f.flow.login_as("sub-newcomer", {"isms-admins"});
  CHECK(f.me(again)["person"] == "nina");
  CHECK(f.me(again)["access"] == json::array());
}

TEST_CASE("a person without a subject is found by an e-mail the provider verified, and bound to the subject", "[api][sso]") {
  Fixture f;
  // Not verified: not good enough.
  f.refused(f.flow.login_as("sub-sofie", {}, {{"email", "SOFIE@example.org"}}), "unknown_person");
  auto l = f.flow.login_as("sub-sofie", {}, {{"email", "SOFIE@example.org"}, {"email_verified", true}});
  REQUIRE(!l.cookie.empty());
  CHECK(f.me(l)["person"] == "sofie");
  // Bound: the next login is found by the subject, whatever its e-mail says.
  auto again = f.flow.login_as("sub-sofie", {}, {{"email", "someone.else@example.org"}, {"email_verified", true}});
  CHECK(f.me(again)["person"] == "sofie");
  auto org = f.s.as(l.cookie, "GET", "/api/organisation").json_body();
  bool bound = false;
  for (const auto& p : org["people"])
    if (p["id"] == "sofie") bound = p.value("subject", "") == "sub-sofie";
  CHECK(bound);
}

TEST_CASE("keys: RS256, PS256 and ES256 are accepted with a key of their type", "[api][sso]") {
  Fixture f;
  auto ps = f.flow.login([&](const std::string& nonce) { return f.provider->rsa.sign(f.flow.claims("sub-anna", nonce), "PS256"); });
  CHECK(!ps.cookie.empty());
  auto es = f.flow.login([&](const std::string& nonce) { return f.provider->ec.sign(f.flow.claims("sub-anna", nonce), "ES256"); });
  CHECK(!es.cookie.empty());
  // An RSA algorithm naming the EC key finds no key of its type.
  auto mixed = f.flow.login(
      [&](const std::string& nonce) { return f.provider->rsa.sign(f.flow.claims("sub-anna", nonce), "RS256", "e1"); });
  CHECK(mixed.error() == "unknown_key");
}

TEST_CASE("a token for another client is refused as wrong audience", "[api][sso]") {
  Fixture f;
  f.refused(f.flow.login_as("sub-anna", {}, {{"aud", "another-app"}}), "wrong_audience");
}

TEST_CASE("a token with several audiences and no azp naming this client is refused as wrong audience", "[api][sso]") {
  Fixture f;
  f.refused(f.flow.login_as("sub-anna", {}, {{"aud", json::array({kClientId, "another-app"})}}), "wrong_audience");
  auto ok = f.flow.login_as("sub-anna", {}, {{"aud", json::array({kClientId, "another-app"})}, {"azp", kClientId}});
  CHECK(!ok.cookie.empty());
}

TEST_CASE("a token from an issuer that is not configured is refused as wrong issuer", "[api][sso]") {
  Fixture f;
  f.refused(f.flow.login_as("sub-anna", {}, {{"iss", "https://evil.example"}}), "wrong_issuer");
}

TEST_CASE("an accepted issuer besides the discovery document's is taken (Entra ID multi-tenant)", "[api][sso]") {
  auto provider = std::make_shared<Provider>();
  auto options = sso_options(provider);
  options.sso.accepted_issuers = {"https://login.example/tenant-a/v2.0"};
  Server s(std::chrono::milliseconds(15000), false, options);
  s.w.write("sso-org.xml", sso_org(read_file(sample("org.xml"))));
  REQUIRE(s.w.cli({"org", "load", s.w.path("sso-org.xml"), "--as", "setup"}).code == 0);
  Flow flow(s, *provider);
  CHECK(!flow.login_as("sub-anna", {}, {{"iss", "https://login.example/tenant-a/v2.0"}}).cookie.empty());
  CHECK(flow.login_as("sub-anna", {}, {{"iss", "https://login.example/tenant-b/v2.0"}}).error() == "wrong_issuer");
}

TEST_CASE("an expired token is refused, and one within the clock skew is taken", "[api][sso]") {
  Fixture f;
  auto now = std::chrono::duration_cast<std::chrono::seconds>(f.s.now.load().time_since_epoch()).count();
  f.refused(f.flow.login_as("sub-anna", {}, {{"iat", now - 7200}, {"exp", now - 600}}), "expired");
  // Expired 30 s ago, within the skew: the token is valid, the session would have no time.
  auto late = f.flow.login_as("sub-anna", {}, {{"exp", now - 30}});
  CHECK(late.error() == "expired");
}

TEST_CASE("a token issued in the future or not valid yet is refused", "[api][sso]") {
  Fixture f;
  auto now = std::chrono::duration_cast<std::chrono::seconds>(f.s.now.load().time_since_epoch()).count();
  f.refused(f.flow.login_as("sub-anna", {}, {{"nbf", now + 3000}}), "not_yet_valid");
  f.refused(f.flow.login_as("sub-anna", {}, {{"iat", now + 3000}}), "not_yet_valid");
}

TEST_CASE("a token signed by a key that is not the provider's is refused as bad signature", "[api][sso]") {
  Fixture f;
  f.refused(f.flow.login([&](const std::string& nonce) { return f.provider->stranger.sign(f.flow.claims("sub-anna", nonce), "RS256"); }),
            "bad_signature");
  // The payload changed after signing.
  f.refused(f.flow.login([&](const std::string& nonce) {
              std::string good = f.provider->rsa.sign(f.flow.claims("sub-mette", nonce), "RS256");
              auto first = good.find('.'), second = good.find('.', first + 1);
              return good.substr(0, first + 1) + base64url(f.flow.claims("sub-anna", nonce).dump()) + good.substr(second);
            }),
            "bad_signature");
}

TEST_CASE("a token with alg none is refused", "[api][sso]") {
  Fixture f;
  f.refused(f.flow.login([&](const std::string& nonce) { return unsigned_token(f.flow.claims("sub-anna", nonce), "k1"); }),
            "bad_algorithm");
}

TEST_CASE("a token signed with HMAC using the provider's public key as the secret is refused", "[api][sso]") {
  Fixture f;
  std::string public_key = f.provider->rsa.public_jwk().dump();
  f.refused(f.flow.login([&](const std::string& nonce) { return hmac_token(f.flow.claims("sub-anna", nonce), "k1", public_key); }),
            "bad_algorithm");
}

TEST_CASE("a token whose nonce is not the login's is refused as wrong nonce", "[api][sso]") {
  Fixture f;
  f.refused(f.flow.login([&](const std::string&) { return f.provider->rsa.sign(f.flow.claims("sub-anna", "another-nonce"), "RS256"); }),
            "wrong_nonce");
  f.refused(f.flow.login([&](const std::string& nonce) {
              json c = f.flow.claims("sub-anna", nonce);
              c.erase("nonce");
              return f.provider->rsa.sign(c, "RS256");
            }),
            "wrong_nonce");
}

TEST_CASE("a provider's answer used a second time is refused as a replayed state", "[api][sso]") {
  Fixture f;
  auto l = f.flow.login_as("sub-anna");
  REQUIRE(!l.cookie.empty());
  auto replay = f.flow.callback(l.callback, l.state);
  CHECK(replay.error() == "replayed_state");
  CHECK(replay.cookie.empty());
  CHECK(f.records("sso_refused").back()["data"]["reason"] == "replayed_state");
  CHECK(f.records("sso_login").size() == 1);
}

TEST_CASE("a state never issued is refused and counted with the anonymous refusals", "[api][sso]") {
  Fixture f;
  auto before = f.s.refusals_accounted();
  auto l = f.flow.callback("code=x&state=made-up", "raciflow_sso=made-up");
  CHECK(l.error() == "unknown_state");
  CHECK(f.s.refusals_accounted() == before + 1);
}

TEST_CASE("a login not begun in this browser is refused", "[api][sso]") {
  Fixture f;
  std::string state_cookie;
  auto query = f.flow.begin(&state_cookie);
  std::string code = f.provider->authorize(query, f.provider->rsa.sign(f.flow.claims("sub-anna", query["nonce"]), "RS256"));
  f.refused(f.flow.callback("code=" + code + "&state=" + query["state"], "raciflow_sso=someone-elses"), "state_not_bound");
}

TEST_CASE("a login begun more than ten minutes ago is refused", "[api][sso]") {
  Fixture f;
  std::string state_cookie;
  auto query = f.flow.begin(&state_cookie);
  std::string code = f.provider->authorize(query, f.provider->rsa.sign(f.flow.claims("sub-anna", query["nonce"]), "RS256"));
  f.s.now = f.s.now.load() + std::chrono::minutes(11);
  auto l = f.flow.callback("code=" + code + "&state=" + query["state"], state_cookie);
  CHECK(l.error() == "unknown_state");
}

TEST_CASE("the provider's error answer is shown as a clear message and recorded", "[api][sso]") {
  Fixture f;
  auto l = f.flow.answer("error=access_denied&error_description=The+user+cancelled");
  f.refused(l, "provider_error");
  CHECK(l.detail() == "the identity provider refused the login: access_denied (The user cancelled)");
}

TEST_CASE("a code the token endpoint refuses is a provider error with the provider's words", "[api][sso]") {
  Fixture f;
  auto l = f.flow.answer("code=never-issued");
  f.refused(l, "provider_error");
  CHECK(l.detail().find("the code is unknown or used") != std::string::npos);
}

TEST_CASE("an unknown key id makes raciflow fetch the key set again, at most once a minute", "[api][sso]") {
  Fixture f;
  REQUIRE(!f.flow.login_as("sub-anna").cookie.empty());
  CHECK(f.provider->key_set_requests() == 1);
  auto with_next = [&](const std::string& nonce) { return f.provider->next.sign(f.flow.claims("sub-anna", nonce), "RS256"); };
  // The provider rolls to a new key; a moment after the last fetch, raciflow does not ask again.
  f.provider->roll();
  f.refused(f.flow.login(with_next), "unknown_key");
  CHECK(f.provider->key_set_requests() == 1);
  // A minute on, the unknown key id is looked up again and found.
  f.s.now = f.s.now.load() + std::chrono::seconds(61);
  auto l = f.flow.login(with_next);
  CHECK(!l.cookie.empty());
  CHECK(f.provider->key_set_requests() == 2);
  // A made-up key id right after: refused without asking the provider.
  auto made_up = f.flow.login(
      [&](const std::string& nonce) { return f.provider->rsa.sign(f.flow.claims("sub-anna", nonce), "RS256", "k-made-up"); });
  CHECK(made_up.error() == "unknown_key");
  CHECK(f.provider->key_set_requests() == 2);
}

TEST_CASE("an SSO session lasts no longer than the ID token", "[api][sso]") {
  Fixture f;
  auto now = std::chrono::duration_cast<std::chrono::seconds>(f.s.now.load().time_since_epoch()).count();
  auto l = f.flow.login_as("sub-anna", {}, {{"exp", now + 600}});
  REQUIRE(!l.cookie.empty());
  CHECK(l.session_cookie.find("Max-Age=600") != std::string::npos);
  f.s.now = f.s.now.load() + std::chrono::seconds(601);
  CHECK(f.s.as(l.cookie, "GET", "/api/me").status == 401);
  // A long-lived token: raciflow's own limit (8 hours).
  auto day = f.flow.login_as("sub-anna", {}, {{"exp", now + 601 + 86400}});
  CHECK(day.session_cookie.find("Max-Age=28800") != std::string::npos);
}

TEST_CASE("logging out of an SSO session ends it and sends the browser to the provider's end-session endpoint", "[api][sso]") {
  Fixture f;
  auto l = f.flow.login_as("sub-anna");
  auto out = f.s.as(l.cookie, "POST", "/api/logout");
  CHECK(out.status == 200);
  CHECK(out.json_body()["endSession"] ==
        std::string(kIssuer) + "/logout?client_id=raciflow&post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%2F");
  CHECK(f.s.as(l.cookie, "GET", "/api/me").status == 401);
  // A password session has no provider to leave.
  auto password = f.s.login("mette");
  CHECK(f.s.as(password, "POST", "/api/logout").status == 204);
}

TEST_CASE("with passwords switched off a password login is refused, and single sign-on and tokens still work", "[api][sso]") {
  Fixture f(false, false);
  auto r = f.s.request("POST", "/api/login", json{{"person", "mette"}, {"password", "mette-password"}}.dump());
  CHECK(r.status == 403);
  CHECK(f.s.request("GET", "/api/sso").json_body()["passwords"] == false);
  CHECK(!f.flow.login_as("sub-mette").cookie.empty());
  auto token = f.s.w.cli({"token", "create", "mette"});
  REQUIRE(token.code == 0);
  std::string secret = token.out.substr(0, token.out.find('\n'));
  CHECK(f.s.request("GET", "/api/me", "", {{"Authorization", "Bearer " + secret}}).status == 200);
}

TEST_CASE("an unreachable provider is a clear refusal, not an error page", "[api][sso]") {
  struct Down : raciflow::http::OidcTransport {
    Response get(const std::string&) override { return {0, "Could not connect to server"}; }
    Response post_form(const std::string&, const std::vector<std::pair<std::string, std::string>>&, const std::string&) override {
      return {0, "Could not connect to server"};
    }
  };
  raciflow::http::ApiOptions o = sso_options(nullptr);
  o.sso_transport = std::make_shared<Down>();
  Server s(std::chrono::milliseconds(15000), false, o);
  auto r = s.request("GET", "/api/sso/login");
  CHECK(r.status == 302);
  CHECK(r.headers["Location"] == "/");
  CHECK(r.cookies.at(0).rfind("raciflow_sso_failure=sso_error=provider_unreachable&sso_detail=", 0) == 0);
}

TEST_CASE("serve refuses single sign-on settings that cannot work, in one line, before it serves", "[sso]") {
  Workspace w;
  w.write("empty-secret", "\n");
  struct Case {
    std::vector<std::string> args;
    int code;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"serve", "--oidc-issuer", "http://idp.example.org", "--oidc-client-id", "raciflow"}, 2, "is not an https:// address"},
      {{"serve", "--oidc-issuer", "https://idp.example.org"}, 2, "needs both --oidc-issuer URL and --oidc-client-id ID"},
      {{"serve", "--oidc-client-id", "raciflow"}, 2, "needs both"},
      {{"serve", "--no-passwords"}, 2, "--no-passwords leaves no way to log in"},
      {{"serve", "--listen", "0.0.0.0:8080", "--oidc-issuer", "https://idp.example.org", "--oidc-client-id", "raciflow"}, 2,
       "needs --base-url"},
      {{"serve", "--oidc-issuer", "https://idp.example.org", "--oidc-client-id", "raciflow", "--oidc-accept-issuer", "ftp://x"}, 2,
       "--oidc-accept-issuer 'ftp://x' is not an https:// address"},
      {{"serve", "--oidc-issuer", "https://idp.example.org", "--oidc-client-id", "raciflow", "--oidc-client-secret-file",
        w.path("missing")}, 1, "cannot read the --oidc-client-secret-file file"},
      {{"serve", "--oidc-issuer", "https://idp.example.org", "--oidc-client-id", "raciflow", "--oidc-client-secret-file",
        w.path("empty-secret")}, 1, "first line is empty"},
      // The secret is never a command-line value (ps shows those to every user of the
      // machine): there is no such option, and the abbreviation names the file option.
      {{"serve", "--oidc-issuer", "https://idp.example.org", "--oidc-client-id", "raciflow", "--oidc-client-secret", "s"}, 1,
       "s: cannot read the --oidc-client-secret-file file"},
      {{"--db", "postgresql:///nowhere", "serve", "--tenant-domain", "isms.example.org", "--oidc-issuer", "https://idp.example.org",
        "--oidc-client-id", "raciflow"}, 2, "tenant sso"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = c.args;
    if (args[0] == "serve") args.insert(args.begin(), {std::string("--db"), w.db()});
    auto r = run_cli(args);
    INFO(r.err);
    CHECK(r.code == c.code);
    CHECK(r.err.substr(0, r.err.find('\n')).find(c.says) != std::string::npos);
  }
}

TEST_CASE("one address cannot fill the table of logins under way: its 101st unfinished login is 429", "[api][sso]") {
  Fixture f;
  for (int i = 0; i < 100; ++i) REQUIRE(f.s.request("GET", "/api/sso/login").status == 302);
  auto before = f.s.refusals_accounted();
  auto r = f.s.request("GET", "/api/sso/login");
  CHECK(r.status == 429);
  CHECK(r.headers["Retry-After"] == "60");
  CHECK(f.s.refusals_accounted() == before + 1);
  // Ten minutes on, the unfinished ones are forgotten.
  f.s.now = f.s.now.load() + std::chrono::minutes(11);
  CHECK(f.s.request("GET", "/api/sso/login").status == 302);
}
