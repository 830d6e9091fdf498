// OpenID Connect for the web app's login: the authorization code flow with PKCE (S256)
// against the organisation's identity provider (Entra ID, Keycloak, AD FS, OS2faktor).
//
// The provider's discovery document and its keys (JWKS) are fetched when first needed and
// kept; the keys are fetched again when a token names a key id the set does not hold, at
// most once per `jwks_floor`, so that tokens with made-up key ids cannot make raciflow
// hammer the provider. An ID token is accepted only when all of these hold:
// - its signature verifies with a key of the set (cjose): RS256, PS256 or ES256, and the
//   key's type fits the algorithm; `none` and HMAC are refused whatever the key;
// - `iss` is the discovery document's issuer or one of `accepted_issuers`;
// - `aud` holds the client id, and when it holds others, `azp` is the client id;
// - `exp` is after now, `iat` and `nbf` not after now, each with `clock_skew`;
// - `nonce` is the one this login sent.
// Each refusal is an OidcRefusal with a reason code (for the trail) and a message.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/http/sso_settings.h"

namespace raciflow::http {

// Why a login was refused: `reason` is a short code for the trail (bad_signature,
// wrong_audience, wrong_issuer, expired, not_yet_valid, wrong_nonce, unknown_key,
// provider_error, provider_unreachable, ...), `message` a sentence for people.
struct OidcRefusal {
  std::string reason;
  std::string message;
};

// HTTP to the provider. The real one is libcurl (curl_transport()); tests give their own.
class OidcTransport {
 public:
  struct Response {
    long status = 0;
    std::string body;
  };
  virtual ~OidcTransport() = default;
  virtual Response get(const std::string& url) = 0;
  // An application/x-www-form-urlencoded POST; `basic` is "id:secret" for HTTP Basic, or empty.
  virtual Response post_form(const std::string& url, const std::vector<std::pair<std::string, std::string>>& fields,
                             const std::string& basic) = 0;
};
// libcurl: http and https only, no redirects, 10 s at most, answers up to 1 MiB.
std::unique_ptr<OidcTransport> curl_transport();

// The claims of a verified ID token that raciflow uses, and all of them as JSON.
struct IdToken {
  std::string issuer, subject, email, name;
  bool email_verified = false;  // true only when the token says so (`email_verified`)
  std::vector<std::string> groups;  // the `groups` claim, else `roles`
  std::int64_t expires = 0;  // seconds since the epoch
  nlohmann::json claims;
};

class OidcClient {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  OidcClient(OidcSettings settings, std::shared_ptr<OidcTransport> transport, Clock clock);
  const OidcSettings& settings() const { return settings_; }

  // A fresh login's secrets and the address to send the browser to.
  struct Start {
    std::string url, state, nonce, verifier;
  };
  Start start(const std::string& redirect_uri);
  // Redeems the code at the token endpoint and verifies the ID token. Throws OidcRefusal.
  IdToken finish(const std::string& code, const std::string& verifier, const std::string& nonce, const std::string& redirect_uri);
  // Verifies an ID token as finish() does (tests and finish() itself). Throws OidcRefusal.
  IdToken verify(const std::string& id_token, const std::string& nonce);
  // Where logout sends the browser (RP-initiated logout), or "" when the provider has none.
  std::string end_session_url(const std::string& post_logout_redirect);
  // How often the keys were fetched (tests watch the floor).
  int jwks_fetches() const;

 private:
  nlohmann::json discovery();  // fetched once, then kept
  std::string key_json(const std::string& kid, const std::string& alg);  // refreshes on an unknown kid
  void fetch_keys(const std::string& uri);

  OidcSettings settings_;
  std::shared_ptr<OidcTransport> transport_;
  Clock clock_;
  mutable std::mutex mutex_;
  nlohmann::json discovery_;
  std::vector<nlohmann::json> keys_;
  std::chrono::system_clock::time_point keys_fetched_{};
  int jwks_fetches_ = 0;
};

// base64url without padding (RFC 4648 §5), as PKCE and JOSE write it.
std::string base64url(const std::string& bytes);

}  // namespace raciflow::http
