// Single sign-on's configuration from the command line (sso_config.cpp).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "adapters/cli/cli.h"
#include "adapters/cli/command.h"
#include "adapters/http/sso_settings.h"

namespace raciflow::cli {

// serve's --oidc-issuer, --oidc-client-id, --oidc-client-secret-file, --oidc-accept-issuer,
// --oidc-name, --sso-create-people and --no-passwords.
void sso_serve_options(po::options_description& o);
// The provider serve was given (disabled when none). `tenants`: serve --tenant-domain,
// where each tenant has its own and these options are refused.
http::OidcSettings sso_from_serve(const po::variables_map& vm, bool tenants);

// A tenant's settings as the tenants table keeps them ("" for none), and back.
std::string sso_to_json(const http::OidcSettings& settings);
http::OidcSettings sso_from_json(const std::string& text);

// `tenant sso TENANT --issuer URL --client-id ID [...] | --off`: sets the tenant's provider
// and records it in the tenant's trail.
void sso_tenant_options(po::options_description& o);
int tenant_sso(const po::variables_map& vm, const std::vector<std::string>& args, const Globals& g, definitions::TimePoint now,
               const std::string& by, std::ostream& out);

}  // namespace raciflow::cli
