// What the server is told about the organisation's identity provider (raciflow serve
// --oidc-issuer, or a tenant's `tenant sso`). The login itself is oidc.h's.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace raciflow::http {

struct OidcSettings {
  std::string issuer;  // the discovery URL's base: ISSUER/.well-known/openid-configuration
  std::string client_id;
  std::string client_secret;  // empty: a public client (PKCE only, no secret)
  std::vector<std::string> accepted_issuers;  // besides the discovery document's own
  std::string scopes = "openid profile email";
  std::string name;  // shown on the login button ("Entra ID"); empty: "single sign-on"
  bool create_people = false;  // an unknown subject becomes a person with no role and no access
  std::chrono::seconds jwks_floor{60};
  std::chrono::seconds clock_skew{120};
  bool enabled() const { return !issuer.empty(); }
};

// HTTP to the provider. The real one is libcurl (oidc.h's curl_transport()); tests give their own.
class OidcTransport;

}  // namespace raciflow::http
