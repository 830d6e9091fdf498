// An OpenID provider inside the test process, reached through the Api's OidcTransport: a
// discovery document, a key set it can roll, an authorization step the test drives and a
// token endpoint that checks the code, the redirect address, the PKCE verifier and the
// client's secret as a real provider does. ID tokens are signed with cjose; the test
// chooses their claims, key and algorithm to make each kind of bad token.
//
// The browser tests use a real provider (npm oidc-provider, tests/browser/oidc_provider.mjs);
// this one lets the unit tests make the tokens a real provider never would.
#pragma once

#include <map>
#include <mutex>
#include <set>

#include <cjose/cjose.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "adapters/http/oidc.h"
#include "api_support.h"

namespace raciflow::testing::oidc {

using nlohmann::json;
using raciflow::http::base64url;

constexpr const char* kIssuer = "https://idp.test";
constexpr const char* kClientId = "raciflow";
constexpr const char* kClientSecret = "s3cret-of-the-client";

// A key pair made by cjose, with a key id.
class Key {
 public:
  Key(const std::string& kid, bool ec) : kid_(kid) {
    cjose_err err{};
    static const uint8_t e[] = {0x01, 0x00, 0x01};
    jwk_ = ec ? cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, &err) : cjose_jwk_create_RSA_random(2048, e, sizeof e, &err);
    REQUIRE(jwk_);
    REQUIRE(cjose_jwk_set_kid(jwk_, kid.data(), kid.size(), &err));
  }
  ~Key() { cjose_jwk_release(jwk_); }
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;

  const std::string& kid() const { return kid_; }
  json public_jwk() const {
    cjose_err err{};
    char* text = cjose_jwk_to_json(jwk_, false, &err);
    REQUIRE(text);
    json j = json::parse(text);
    cjose_get_dealloc()(text);
    return j;
  }
  // A compact JWS of `claims` signed with this key; `kid` names another key id when given.
  std::string sign(const json& claims, const std::string& alg, const std::string& kid = "") const {
    cjose_err err{};
    cjose_header_t* header = cjose_header_new(&err);
    REQUIRE(header);
    std::string named = kid.empty() ? kid_ : kid;
    REQUIRE(cjose_header_set(header, CJOSE_HDR_ALG, alg.c_str(), &err));
    REQUIRE(cjose_header_set(header, CJOSE_HDR_KID, named.c_str(), &err));
    std::string payload = claims.dump();
    cjose_jws_t* jws = cjose_jws_sign(jwk_, header, reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), &err);
    cjose_header_release(header);
    REQUIRE(jws);
    const char* compact = nullptr;
    REQUIRE(cjose_jws_export(jws, &compact, &err));
    std::string out = compact;
    cjose_jws_release(jws);
    return out;
  }

 private:
  std::string kid_;
  cjose_jwk_t* jwk_ = nullptr;
};

// A token with `alg: none` and no signature, or one "signed" with HMAC-SHA256 using the
// provider's public key as the secret (the classic key-confusion attack).
inline std::string unsigned_token(const json& claims, const std::string& kid) {
  return base64url(json{{"alg", "none"}, {"kid", kid}}.dump()) + "." + base64url(claims.dump()) + ".";
}
inline std::string hmac_token(const json& claims, const std::string& kid, const std::string& secret) {
  std::string input = base64url(json{{"alg", "HS256"}, {"kid", kid}, {"typ", "JWT"}}.dump()) + "." + base64url(claims.dump());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), mac, &size);
  return input + "." + base64url(std::string(reinterpret_cast<char*>(mac), size));
}

inline std::string sha256(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  REQUIRE(EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr) == 1);
  return std::string(reinterpret_cast<char*>(digest), size);
}

// What the provider's login step decided: the code it handed the browser and the ID token
// it gives for that code.
struct Grant {
  std::string redirect_uri, challenge, id_token;
};

class Provider : public raciflow::http::OidcTransport {
 public:
  Provider() : rsa("k1", false), ec("e1", true), next("k2", false), stranger("k1", false) {}

  // Keys: rsa and ec are published; `next` is published once roll() is called; stranger
  // has rsa's key id but is not the provider's (a forged signature).
  Key rsa, ec, next, stranger;

  void roll() {
    std::lock_guard lock(mutex_);
    rolled_ = true;
  }
  int key_set_requests() {
    std::lock_guard lock(mutex_);
    return key_set_requests_;
  }

  Response get(const std::string& url) override {
    std::lock_guard lock(mutex_);
    if (url == std::string(kIssuer) + "/.well-known/openid-configuration")
      return {200, json{{"issuer", kIssuer},
                        {"authorization_endpoint", std::string(kIssuer) + "/authorize"},
                        {"token_endpoint", std::string(kIssuer) + "/token"},
                        {"jwks_uri", std::string(kIssuer) + "/jwks"},
                        {"end_session_endpoint", std::string(kIssuer) + "/logout"}}
                       .dump()};
    if (url == std::string(kIssuer) + "/jwks") {
      ++key_set_requests_;
      json keys = json::array({rsa.public_jwk(), ec.public_jwk()});
      if (rolled_) keys.push_back(next.public_jwk());
      return {200, json{{"keys", keys}}.dump()};
    }
    return {404, R"({"error":"not_found"})"};
  }

  Response post_form(const std::string& url, const std::vector<std::pair<std::string, std::string>>& fields,
                     const std::string& basic) override {
    std::lock_guard lock(mutex_);
    if (url != std::string(kIssuer) + "/token") return {404, R"({"error":"not_found"})"};
    std::map<std::string, std::string> form(fields.begin(), fields.end());
    if (basic != std::string(kClientId) + ":" + kClientSecret)
      return {401, R"({"error":"invalid_client","error_description":"client authentication failed"})"};
    auto it = grants_.find(form["code"]);
    if (form["grant_type"] != "authorization_code" || it == grants_.end())
      return {400, R"({"error":"invalid_grant","error_description":"the code is unknown or used"})"};
    Grant g = it->second;
    grants_.erase(it);  // a code is used once
    if (form["redirect_uri"] != g.redirect_uri)
      return {400, R"({"error":"invalid_grant","error_description":"redirect_uri differs"})"};
    if (base64url(sha256(form["code_verifier"])) != g.challenge)
      return {400, R"({"error":"invalid_grant","error_description":"PKCE verification failed"})"};
    return {200, json{{"access_token", "opaque"}, {"token_type", "Bearer"}, {"id_token", g.id_token}}.dump()};
  }

  // The provider's login step: the browser arrives at `authorize_url`; the provider hands
  // back a code for which its token endpoint answers `id_token`.
  std::string authorize(const std::map<std::string, std::string>& query, const std::string& id_token) {
    std::lock_guard lock(mutex_);
    REQUIRE(query.at("client_id") == kClientId);
    REQUIRE(query.at("response_type") == "code");
    REQUIRE(query.at("code_challenge_method") == "S256");
    std::string code = "code-" + std::to_string(++codes_);
    grants_[code] = {query.at("redirect_uri"), query.at("code_challenge"), id_token};
    return code;
  }

 private:
  std::mutex mutex_;
  bool rolled_ = false;
  int key_set_requests_ = 0;
  int codes_ = 0;
  std::map<std::string, Grant> grants_;
};

// The query of an address, decoded.
inline std::map<std::string, std::string> query_of(const std::string& url) {
  std::map<std::string, std::string> out;
  auto q = url.find('?');
  if (q == std::string::npos) return out;
  std::string rest = url.substr(q + 1);
  auto decode = [](const std::string& s) {
    std::string r;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        r += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        r += s[i] == '+' ? ' ' : s[i];
      }
    }
    return r;
  };
  std::size_t start = 0;
  while (start <= rest.size()) {
    auto end = rest.find('&', start);
    if (end == std::string::npos) end = rest.size();
    std::string pair = rest.substr(start, end - start);
    auto eq = pair.find('=');
    if (eq != std::string::npos) out[decode(pair.substr(0, eq))] = decode(pair.substr(eq + 1));
    start = end + 1;
  }
  return out;
}

// The sample agency as a provider knows it: each person but Sofie bound to a subject
// ("sub-ID"; Sofie is found by her e-mail), and the provider's groups granting a role or
// an access level. `extra` goes into the file's <sso>.
inline std::string sso_org(const std::string& org_xml, const std::string& extra = "") {
  std::string org = org_xml;
  for (const char* id : {"karen", "lars", "anna", "jonas", "mette", "peter", "emil", "sara", "ole", "ida"}) {
    std::string open = "<person id=\"" + std::string(id) + "\"";
    auto at = org.find(open);
    REQUIRE(at != std::string::npos);
    org.insert(at + open.size(), " subject=\"sub-" + std::string(id) + "\"");
  }
  org.insert(org.find("</organisation>"), R"(  <sso>
    <group value="isms-committee" role="security-committee"/>
    <group value="isms-modellers" access="modeller"/>
    <group value="isms-auditors" access="auditor"/>
    <group value="isms-admins" access="admin"/>
)" + extra + "  </sso>\n");
  return org;
}

// The settings a server is given for this provider.
inline raciflow::http::ApiOptions sso_options(std::shared_ptr<Provider> provider, bool create_people = false, bool passwords = true) {
  raciflow::http::ApiOptions o;
  o.sso.issuer = kIssuer;
  o.sso.client_id = kClientId;
  o.sso.client_secret = kClientSecret;
  o.sso.name = "Test IdP";
  o.sso.create_people = create_people;
  o.sso_transport = provider;
  o.passwords = passwords;
  return o;
}

// One login through the browser's steps: raciflow's /api/sso/login, the provider's
// authorization (which yields an ID token made by `token` from the login's nonce), and
// raciflow's callback. `where` is the callback's Location; `cookie` the session cookie;
// `failure` the refusal's cookie (sso_error=REASON&sso_detail=MESSAGE).
struct Login {
  int status = 0;
  std::string where, cookie, state, callback, failure;
  std::string session_cookie;  // the whole Set-Cookie of the session
  std::string error() const { return detail_of("sso_error"); }
  std::string detail() const { return detail_of("sso_detail"); }
  std::string detail_of(const std::string& key) const {
    auto q = query_of("?" + failure);
    return q.count(key) ? q.at(key) : "";
  }
};

class Flow {
 public:
  Flow(raciflow::testing::api::Server& server, Provider& provider) : s(server), p(provider) {}

  // The claims a good token for `subject` has at the server's now.
  json claims(const std::string& subject, const std::string& nonce, const std::vector<std::string>& groups = {}) const {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(s.now.load().time_since_epoch()).count();
    json c{{"iss", kIssuer}, {"sub", subject}, {"aud", kClientId}, {"iat", now}, {"exp", now + 3600}, {"nonce", nonce}};
    if (!groups.empty()) c["groups"] = groups;
    return c;
  }

  // Begins a login: the state, the nonce and the provider's query.
  std::map<std::string, std::string> begin(std::string* state_cookie = nullptr) {
    auto r = s.request("GET", "/api/sso/login?return=%23/inbox");
    REQUIRE(r.status == 302);
    auto query = query_of(r.headers["Location"]);
    REQUIRE(r.headers["Location"].rfind(std::string(kIssuer) + "/authorize?", 0) == 0);
    std::string cookie = r.headers["Set-Cookie"];
    REQUIRE(cookie.rfind("raciflow_sso=" + query["state"] + ";", 0) == 0);
    if (state_cookie) *state_cookie = cookie.substr(0, cookie.find(';'));
    return query;
  }

  // The callback the provider sends the browser to.
  Login callback(const std::string& query, const std::string& state_cookie) {
    Login l;
    auto r = s.request("GET", "/api/sso/callback?" + query, "", {{"Cookie", state_cookie}});
    l.status = r.status;
    l.where = r.headers["Location"];
    for (const auto& set : r.cookies) {
      if (set.rfind("raciflow_sso_failure=", 0) == 0) l.failure = set.substr(21, set.find(';') - 21);
      if (set.rfind("raciflow_session=", 0) == 0) {
        l.cookie = set.substr(0, set.find(';'));
        l.session_cookie = set;
      }
    }
    l.callback = query;
    return l;
  }

  // A login begun here whose callback carries `params` (and the login's state).
  Login answer(const std::string& params) {
    std::string state_cookie;
    auto query = begin(&state_cookie);
    return callback(params + "&state=" + query["state"], state_cookie);
  }

  // A whole login whose ID token `make` builds from the login's nonce.
  Login login(const std::function<std::string(const std::string& nonce)>& make) {
    std::string state_cookie;
    auto query = begin(&state_cookie);
    std::string code = p.authorize(query, make(query["nonce"]));
    Login l = callback("code=" + code + "&state=" + query["state"], state_cookie);
    l.state = state_cookie;
    return l;
  }
  // A good login for `subject` in `groups`, signed with the provider's RSA key.
  Login login_as(const std::string& subject, const std::vector<std::string>& groups = {}, const json& extra = json::object()) {
    return login([&](const std::string& nonce) {
      json c = claims(subject, nonce, groups);
      c.update(extra);
      return p.rsa.sign(c, "RS256");
    });
  }

 private:
  raciflow::testing::api::Server& s;
  Provider& p;
};

}  // namespace raciflow::testing::oidc
