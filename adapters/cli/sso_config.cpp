// Single sign-on's configuration from the command line: serve's --oidc-* options for one
// organisation, and `tenant sso` for a tenant of a PostgreSQL database (kept as JSON in
// the tenants table and read by serve --tenant-domain).
#include "adapters/cli/sso_config.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <regex>

#include <nlohmann/json.hpp>

#include "runtime/accounts.h"
#include "runtime/pg_store.h"
#include "runtime/store.h"

namespace raciflow::cli {

using nlohmann::json;

namespace {

// An issuer is https, or http on the loopback address (a provider on the same machine, as
// in the tests): tokens and codes never cross a network in the clear.
void check_issuer(const std::string& option, const std::string& url) {
  static const std::regex https(R"(https://[^/?#\s]+(/[^?#\s]*)?)");
  static const std::regex loopback(R"(http://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]{1,5})?(/[^?#\s]*)?)");
  if (!std::regex_match(url, https) && !std::regex_match(url, loopback))
    throw UsageError{option + " '" + url + "' is not an https:// address (http:// only on the loopback address)"};
}

std::string first_line_of(const std::string& path, const std::string& option) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read the " + option + " file");
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) throw std::runtime_error(path + ": the " + option + " file's first line is empty");
  return line;
}

// The client secret: from a file, else from RACIFLOW_OIDC_CLIENT_SECRET, else none (a
// public client, PKCE alone). Never a command-line value: those show in `ps`.
std::string client_secret(const po::variables_map& vm, const std::string& file_option) {
  if (vm.count(file_option)) return first_line_of(vm[file_option].as<std::string>(), "--" + file_option);
  if (const char* env = std::getenv("RACIFLOW_OIDC_CLIENT_SECRET"); env && *env) return env;
  return "";
}

std::vector<std::string> accepted(const po::variables_map& vm, const std::string& option) {
  std::vector<std::string> issuers;
  if (vm.count(option))
    for (const auto& i : vm[option].as<std::vector<std::string>>()) {
      check_issuer("--" + option, i);
      issuers.push_back(i);
    }
  return issuers;
}

// The option names of serve (--oidc-*) and of tenant sso, which say the same things.
struct OptionNames {
  const char *issuer, *client_id, *secret_file, *accept, *name, *create;
};
constexpr OptionNames kServeOptions{"oidc-issuer", "oidc-client-id", "oidc-client-secret-file", "oidc-accept-issuer", "oidc-name",
                                    "sso-create-people"};
constexpr OptionNames kTenantOptions{"issuer", "client-id", "client-secret-file", "accept-issuer", "name", "create-people"};

// The settings the options give; the issuer and the client id are there.
http::OidcSettings settings_from(const po::variables_map& vm, const OptionNames& o) {
  http::OidcSettings s;
  s.issuer = vm[o.issuer].as<std::string>();
  check_issuer(std::string("--") + o.issuer, s.issuer);
  s.client_id = vm[o.client_id].as<std::string>();
  if (s.client_id.empty()) throw UsageError{std::string("--") + o.client_id + " is empty"};
  s.client_secret = client_secret(vm, o.secret_file);
  s.accepted_issuers = accepted(vm, o.accept);
  if (vm.count(o.name)) s.name = vm[o.name].as<std::string>();
  s.create_people = vm.count(o.create) > 0;
  return s;
}

}  // namespace

void sso_serve_options(po::options_description& o) {
  o.add_options()("oidc-issuer", po::value<std::string>(),
                  "single sign-on: the OpenID provider's issuer URL (its discovery document is ISSUER/.well-known/openid-configuration)")(
      "oidc-client-id", po::value<std::string>(), "the client id raciflow is registered under at the provider")(
      "oidc-client-secret-file", po::value<std::string>(),
      "read the client secret from this file's first line (else $RACIFLOW_OIDC_CLIENT_SECRET; neither: a public client)")(
      "oidc-accept-issuer", po::value<std::vector<std::string>>()->composing(),
      "an issuer accepted in ID tokens besides the discovery document's (repeatable; Entra ID multi-tenant)")(
      "oidc-name", po::value<std::string>(), "the provider's name on the login button (e.g. \"Entra ID\")")(
      "sso-create-people", "an unknown subject becomes a person with no role and no access level, instead of being refused")(
      "no-passwords", "refuse password logins (single sign-on and API tokens remain)");
}

http::OidcSettings sso_from_serve(const po::variables_map& vm, bool tenants) {
  bool any = vm.count("oidc-issuer") || vm.count("oidc-client-id") || vm.count("oidc-client-secret-file") ||
             vm.count("oidc-accept-issuer") || vm.count("oidc-name") || vm.count("sso-create-people");
  if (!any) return {};
  if (tenants) throw UsageError{"with --tenant-domain each tenant has its own provider: set it with 'raciflow tenant sso TENANT --issuer URL --client-id ID'"};
  if (!vm.count("oidc-issuer") || !vm.count("oidc-client-id"))
    throw UsageError{"single sign-on needs both --oidc-issuer URL and --oidc-client-id ID"};
  return settings_from(vm, kServeOptions);
}

std::string sso_to_json(const http::OidcSettings& s) {
  if (!s.enabled()) return "";
  return json{{"issuer", s.issuer},           {"clientId", s.client_id}, {"clientSecret", s.client_secret},
              {"acceptIssuers", s.accepted_issuers}, {"name", s.name},   {"createPeople", s.create_people}}
      .dump();
}

http::OidcSettings sso_from_json(const std::string& text) {
  http::OidcSettings s;
  if (text.empty()) return s;
  auto j = json::parse(text, nullptr, false);
  if (!j.is_object()) return s;
  s.issuer = j.value("issuer", "");
  s.client_id = j.value("clientId", "");
  s.client_secret = j.value("clientSecret", "");
  if (j.contains("acceptIssuers") && j["acceptIssuers"].is_array())
    for (const auto& i : j["acceptIssuers"])
      if (i.is_string()) s.accepted_issuers.push_back(i);
  s.name = j.value("name", "");
  s.create_people = j.value("createPeople", false);
  return s;
}

void sso_tenant_options(po::options_description& o) {
  o.add_options()("issuer", po::value<std::string>(), "tenant sso: the OpenID provider's issuer URL")(
      "client-id", po::value<std::string>(), "tenant sso: the client id at the provider")(
      "client-secret-file", po::value<std::string>(),
      "tenant sso: read the client secret from this file's first line (else $RACIFLOW_OIDC_CLIENT_SECRET)")(
      "accept-issuer", po::value<std::vector<std::string>>()->composing(), "tenant sso: a further accepted issuer (repeatable)")(
      "create-people", "tenant sso: an unknown subject becomes a person with no role and no access level")(
      "off", "tenant sso: remove the tenant's provider (password logins again)");
}

int tenant_sso(const po::variables_map& vm, const std::vector<std::string>& args, const Globals& g, definitions::TimePoint now,
               const std::string& by, std::ostream& out) {
  const auto& tenant = args[1];
  bool found = false;
  for (const auto& t : runtime::list_tenants(g.db)) found = found || t.id == tenant;
  if (!found) throw std::runtime_error("no tenant '" + tenant + "' (see 'raciflow tenant list')");
  http::OidcSettings s;
  if (vm.count("off")) {
    if (vm.count("issuer") || vm.count("client-id")) throw UsageError{"tenant sso takes --off or --issuer and --client-id, not both"};
  } else {
    if (!vm.count("issuer") || !vm.count("client-id")) throw UsageError{"tenant sso needs --issuer URL and --client-id ID (or --off)"};
    s = settings_from(vm, kTenantOptions);
  }
  runtime::set_tenant_sso(g.db, tenant, sso_to_json(s));
  Globals mine = g;
  mine.tenant = tenant;
  auto store = open_store(mine, false);
  runtime::Accounts(*store, now).record_sso_configured(s.issuer, s.client_id, by);
  if (s.enabled())
    out << "tenant " << tenant << " logs in through " << s.issuer << " as client " << s.client_id
        << (s.client_secret.empty() ? " (a public client)" : "") << "; a running server picks it up at its next restart\n";
  else
    out << "tenant " << tenant << " has no single sign-on; a running server picks it up at its next restart\n";
  return kExitOk;
}

}  // namespace raciflow::cli
